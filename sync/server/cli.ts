// `npm run platform -- <command>`: run and operate the reference platform.
//   serve [--port N] [--host H] [--data-dir DIR | --memory] [--database-url URL] [--admin-token T] [--seed-demo] [--log LEVEL]
//   serve --role station --upstream URL [--enroll-code CODE] [--data-dir DIR] [--port N] [--host H]   (a station hub)
//   serve ... --limits FILE   (rate limits and partial-upload quota, JSON)
//   seed --demo | --synthetic N        enroll-code --station <id> [--ttl MIN]
//   officer add --id LOGIN --name NAME --roles admin[,acceptor,approver]   (password: env OFFICER_PASSWORD or stdin)
//   officer list | officer reset-password --id LOGIN | officer disable --id LOGIN | officer enable --id LOGIN
//   verify-seal <file.pdf> | --qr TEXT [--root HEX | --url URL]   (电子印章: offline verification, English)
//   issue-id-qr --name NAME --id-number ID [--sex male|female] [--birth-date D] [--address A] [--nation N] [--ttl SECONDS] [--draw]
//   list [--status S] [--station ID]   accept|review|supplement|approve|reject|complete <application-id>
//        [--reasons "a；b"] [--due YYYY-MM-DD] [--field PATH]... [--material CODE]... [--reason TEXT] [--note TEXT] [--actor ID]
// Operating commands open the database directly (--data-dir / --database-url / DATABASE_URL), or talk
// to a running server with --url URL --admin-token T (needed while `serve` holds a PGlite directory).
// What a command needs beyond checking its arguments is imported when it runs: `--help` or a refused
// argument answers without loading the server (seconds), a database command without Fastify.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backOfficeAction, BACK_OFFICE_ACTIONS, issuesOf, paths, type BackOfficeActionRequest } from '../protocol/index';
import type { openStore as OpenStore } from './open-store';
import { readSecurityOptions, type SecurityOptions } from './rate-limits';
import { PlatformError } from './errors';
import { idQrIssueRequest, idQrPaths, type IdQrIssueRequest } from '../protocol/id-qr';
import { DEFAULT_STATION_TIME_ZONE, stationDateTime } from '../protocol/station-time';
import type { OfficerStore } from './backoffice/officers';
import { officerRole, type OfficerRole } from '../protocol/backoffice';
import { isSm2PublicKey, sealRootResponse, SEAL_ROOT_PATH } from '../protocol/seal';

const DEFAULT_DATA_DIR = '.data/platform';

/**
 * A generated admin token is never printed (logs and terminals are read by others):
 * it goes to `<data dir>/admin-token` (0600 in a 0700 folder), or to a private temporary folder
 * without one, and only that file's path is printed (`ADMIN_TOKEN_FILE <path>` on stderr).
 */
function writeAdminTokenFile(dataDir: string | undefined, token: string): string {
  const dir = dataDir ? resolve(dataDir) : mkdtempSync(join(tmpdir(), 'platform-admin-'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'admin-token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}

const USAGE = `usage: npm run platform -- <command> [options]
  serve [--port N] [--host 127.0.0.1] [--data-dir DIR | --memory] [--database-url URL] [--admin-token T] [--seed-demo] [--log info]
  serve --role station --upstream <province url> [--enroll-code CODE (first start)] [--data-dir DIR] [--port N] [--host 0.0.0.0] [--admin-token T] [--upstream-batch N]
      a station hub: the hall's terminals sync with it; it replicates with the province
  seed --demo | --synthetic N
  enroll-code --station <id> [--ttl MINUTES]
  officer add --id LOGIN --name NAME --roles admin[,acceptor,approver] [--divisions 440305[,…]]
      a back-office officer (the first admin of a new platform); the password is read from env
      OFFICER_PASSWORD or the first line of stdin, never from the command line
  officer list | officer reset-password --id LOGIN | officer disable --id LOGIN | officer enable --id LOGIN
  verify-seal <sealed.pdf> | --qr TEXT [--root HEX | --url URL]
      verifies a document's electronic seal offline (digest, SM2 signature, certificate chain to this platform's
      seal root, validity at signing time, station); the root comes from the database, from a running
      platform (--url, no token needed) or --root; exit 0 valid, 1 not valid, 2 could not check
  issue-id-qr --name NAME --id-number ID [--sex male|female] [--birth-date YYYY-MM-DD] [--address TEXT] [--nation NAME] [--ttl SECONDS] [--draw]
      an electronic ID QR code for a resident, as the province's phone app would show it (reference
      issuer; sync/README.md, ID QR codes): the code on stdout, its expiry on stderr, --draw draws it on stderr
  list [--status STATUS] [--station ID]
  ${BACK_OFFICE_ACTIONS.join('|')} <application-id> [--reasons "reason 1;reason 2"] [--due YYYY-MM-DD]
      [--field PATH]... [--material CODE]... (supplement: form fields / material codes to correct, repeatable) [--reason TEXT] [--note TEXT] [--actor ID]
serve: --limits FILE  rate limits and partial-upload quota, JSON (sync/README.md §1; SECURITY.md)
       env PLATFORM_METRICS_TOKEN  a scrape-only token for GET /api/v1/metrics (the admin token works too)
       a generated admin token is written to <data dir>/admin-token (0600), never printed: ADMIN_TOKEN_FILE <path>
database: --data-dir DIR (PGlite, default ${DEFAULT_DATA_DIR}) | --database-url URL | env DATABASE_URL
          --db-pool N | env DATABASE_POOL_SIZE  PostgreSQL connections a serve process keeps (1–500, default 20);
          PostgreSQL's max_connections must allow processes × N, plus 2 a process for LISTEN
remote:   --url http://127.0.0.1:PORT --admin-token T (or env PLATFORM_ADMIN_TOKEN)`;

async function main(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      'database-url': { type: 'string' },
      'db-pool': { type: 'string' },
      'admin-token': { type: 'string' },
      'seed-demo': { type: 'boolean' },
      log: { type: 'string' },
      demo: { type: 'boolean' },
      synthetic: { type: 'string' },
      station: { type: 'string' },
      ttl: { type: 'string' },
      status: { type: 'string' },
      reasons: { type: 'string' },
      due: { type: 'string' },
      field: { type: 'string', multiple: true },
      material: { type: 'string', multiple: true },
      reason: { type: 'string' },
      note: { type: 'string' },
      actor: { type: 'string' },
      url: { type: 'string' },
      role: { type: 'string' },
      upstream: { type: 'string' },
      'enroll-code': { type: 'string' },
      'upstream-batch': { type: 'string' },
      limits: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string' },
      qr: { type: 'string' },
      root: { type: 'string' },
      divisions: { type: 'string' },
      'id-number': { type: 'string' },
      sex: { type: 'string' },
      'birth-date': { type: 'string' },
      address: { type: 'string' },
      nation: { type: 'string' },
      draw: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || o.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const databaseUrl = o['database-url'] ?? process.env.DATABASE_URL;
  const poolText = o['db-pool'] ?? process.env.DATABASE_POOL_SIZE;
  const poolSize = poolText === undefined ? undefined : Number(poolText);
  if (poolSize !== undefined && (!/^\d{1,3}$/.test(poolText!) || poolSize < 1 || poolSize > 500)) throw new PlatformError('VALIDATION_FAILED', '--db-pool (DATABASE_POOL_SIZE) must be a whole number 1–500', 400);
  if (poolSize !== undefined && !databaseUrl) throw new PlatformError('VALIDATION_FAILED', '--db-pool (DATABASE_POOL_SIZE) applies to PostgreSQL only (--database-url)', 400);
  const dbOptions = databaseUrl ? { databaseUrl, ...(poolSize ? { poolSize } : {}) } : o.memory ? {} : { dataDir: o['data-dir'] ?? DEFAULT_DATA_DIR };
  const adminToken = o['admin-token'] ?? process.env.PLATFORM_ADMIN_TOKEN;

  if (command === 'serve') {
    const port = o.port ? Number(o.port) : 8787;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PlatformError('VALIDATION_FAILED', '--port must be 0–65535', 400);
    if (o.role !== undefined && o.role !== 'province' && o.role !== 'station') throw new PlatformError('VALIDATION_FAILED', '--role must be province or station', 400);
    const metricsToken = process.env.PLATFORM_METRICS_TOKEN;
    if (metricsToken !== undefined && !/^[A-Za-z0-9._~+/=-]{16,200}$/.test(metricsToken)) throw new PlatformError('VALIDATION_FAILED', 'PLATFORM_METRICS_TOKEN must be 16–200 characters of A–Z a–z 0–9 . _ ~ + / = -', 400);
    const limits = o.limits ? readSecurityOptions(o.limits) : undefined;
    const security = limits || metricsToken ? { ...limits, ...(metricsToken ? { metricsToken } : {}) } : undefined;
    if (o.role === 'station') return serveStation(o, dbOptions, port, adminToken, security);
    if (o.upstream || o['enroll-code']) throw new PlatformError('VALIDATION_FAILED', '--upstream and --enroll-code belong to --role station', 400);
    const { startPlatform } = await import('./platform');
    const p = await startPlatform({ ...dbOptions, port, ...(o.host ? { host: o.host } : {}), ...(adminToken ? { adminToken } : {}), seedDemo: o['seed-demo'] ?? false, logger: o.log ?? false, ...(security ? { security } : {}) });
    if (!adminToken) console.error(`ADMIN_TOKEN_FILE ${writeAdminTokenFile(dbOptions.dataDir, p.adminToken)}`);
    console.error(`storage ${p.storage}; admin page ${p.url}/admin`);
    console.log(`READY ${p.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await p.close();
    return 0;
  }

  if (command === 'verify-seal') return verifySeal(rest[0], o, dbOptions);

  const remote = o.url;
  if (remote) {
    if (!adminToken) throw new PlatformError('UNAUTHORIZED', '--url needs --admin-token or PLATFORM_ADMIN_TOKEN', 401);
    return runRemote(remote.replace(/\/$/, ''), adminToken, command, rest, o);
  }

  // The arguments first: a typo or a bad value is refused before a database is opened (or, in a
  // new data directory, created: seconds of `initdb`, and a directory the operator did not ask for).
  const run = localCommand(command, rest, o);
  if (typeof run === 'number') return run;
  const { openStore } = await import('./open-store');
  const { store, db } = await openStore(dbOptions);
  try {
    return await run(store, db);
  } finally {
    await db.close();
  }
}

type Opened = Awaited<ReturnType<typeof OpenStore>>;

/** A command on the database, its arguments checked: what to run once it is open, or an exit code. */
function localCommand(command: string, rest: string[], o: Opts): number | ((store: Opened['store'], db: Opened['db']) => Promise<number>) {
  switch (command) {
    case 'seed': {
      if (!o.demo && !o.synthetic) throw new PlatformError('VALIDATION_FAILED', 'seed needs --demo or --synthetic N', 400);
      return async (store) => {
        if (o.demo) {
          const { seedDemo } = await import('./seed/demo');
          console.log(JSON.stringify(await seedDemo(store)));
        } else {
          const { syntheticCatalog } = await import('./seed/catalog');
          console.log(JSON.stringify({ items: await store.upsertAsPlatform('service_items', syntheticCatalog(Number(o.synthetic))) }));
        }
        return 0;
      };
    }
    case 'enroll-code': {
      const station = o.station;
      if (typeof station !== 'string' || !station) throw new PlatformError('VALIDATION_FAILED', 'enroll-code needs --station <id>', 400);
      return async (store) => {
        const r = await store.createEnrollCode(station, o.ttl ? Number(o.ttl) : undefined);
        console.log(r.code);
        console.error(`valid until ${r.expiresAt} for station ${station}`);
        return 0;
      };
    }
    case 'officer': {
      const run = officerCommand(rest[0], o);
      return async (_store, db) => run(new (await import('./backoffice/officers')).OfficerStore(db));
    }
    case 'issue-id-qr': {
      const body = idQrIssueBody(o);
      return async (_store, db) => {
        const { ReferenceIdQrService } = await import('./identity/id-qr');
        const r = await new ReferenceIdQrService(db).issue(body.holder, body.ttlSeconds);
        await printIdQr(r.code, r.expiresAt, o.draw === true);
        return 0;
      };
    }
    case 'list':
      return async (store) => {
        const apps = await store.listApplications({ ...(typeof o.status === 'string' && o.status ? { status: o.status } : {}), ...(typeof o.station === 'string' && o.station ? { stationId: o.station } : {}) });
        for (const a of apps) console.log([a.id, a.stationId, a.serviceItemCode, a.status, a.acceptanceNo ?? '-'].join('\t'));
        return 0;
      };
    default: {
      const action = backOfficeAction.safeParse(command);
      if (!action.success) {
        console.error(`unknown command "${command}"\n${USAGE}`);
        return 2;
      }
      const id = rest[0];
      if (!id) throw new PlatformError('VALIDATION_FAILED', `${command} needs an application id`, 400);
      const body = actionBody(o);
      return async (store) => {
        const doc = await store.backOffice(id, action.data, body);
        console.log(JSON.stringify({ id: doc.id, status: doc.status, acceptanceNo: doc.acceptanceNo }));
        return 0;
      };
    }
  }
}

type Opts = Record<string, string | string[] | boolean | undefined>;

/** `verify-seal`: the trust root from --root, a running platform (--url) or the database, then the offline check. */
async function verifySeal(file: string | undefined, o: Opts, dbOptions: { dataDir?: string; databaseUrl?: string }): Promise<number> {
  let root: string | null;
  if (typeof o.root === 'string') {
    if (!/^04[0-9a-f]{128}$/.test(o.root) || !isSm2PublicKey(o.root)) throw new PlatformError('VALIDATION_FAILED', '--root must be the platform’s SM2 seal root public key (130 hex digits starting 04)', 400);
    root = o.root;
  } else if (typeof o.url === 'string') {
    const res = await fetch(o.url.replace(/\/$/, '') + SEAL_ROOT_PATH).catch((e: unknown) => {
      throw new PlatformError('SEAL_UNAVAILABLE', `cannot reach ${o.url}: ${e instanceof Error ? e.message : String(e)}`, 503);
    });
    const r = sealRootResponse.safeParse(await res.json().catch(() => null));
    if (!res.ok || !r.success) throw new PlatformError('SEAL_UNAVAILABLE', `${o.url} gave no seal root (HTTP ${res.status})`, 503);
    root = r.data.rootPublicKey;
  } else {
    const [{ openStore }, { SealAuthority }] = await Promise.all([import('./open-store'), import('./seal-authority')]);
    const { db } = await openStore(dbOptions);
    try {
      root = await new SealAuthority(db).existingRootPublicKey();
    } finally {
      await db.close();
    }
  }
  const { verifySealCommand } = await import('./verify-seal');
  return verifySealCommand({ ...(file ? { file } : {}), ...(typeof o.qr === 'string' ? { qr: o.qr } : {}), rootPublicKey: root });
}

/** The password of `officer add` / `reset-password`: env OFFICER_PASSWORD, else the first line of stdin. */
async function readPassword(): Promise<string> {
  const env = process.env.OFFICER_PASSWORD;
  if (env) return env;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 1000) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * `officer add|list|reset-password|disable|enable`: straight on the database, recorded in the audit log
 * as `cli`. The arguments are checked here, before the database is opened; the password is read when
 * the command runs.
 */
function officerCommand(sub: string | undefined, o: Opts): (officers: OfficerStore) => Promise<number> {
  const needId = (): string => {
    if (typeof o.id !== 'string' || !o.id) throw new PlatformError('VALIDATION_FAILED', `officer ${sub} needs --id LOGIN`, 400);
    return o.id;
  };
  switch (sub) {
    case 'add': {
      const roles = (typeof o.roles === 'string' ? o.roles : '').split(',').map((r) => r.trim()).filter(Boolean);
      const bad = roles.find((r) => !officerRole.safeParse(r).success);
      if (bad !== undefined || roles.length === 0) throw new PlatformError('VALIDATION_FAILED', `--roles must list admin, acceptor and/or approver${bad ? ` (not "${bad.slice(0, 20)}")` : ''}`, 400);
      const id = needId();
      // 通办: the divisions the officer works for (6-digit codes in the registry; none = the province's own).
      const divisions = (typeof o.divisions === 'string' ? o.divisions : '').split(',').map((d) => d.trim()).filter(Boolean);
      return async (officers) => {
        const created = await officers.create({ id, name: typeof o.name === 'string' ? o.name : '', roles: roles as OfficerRole[], password: await readPassword(), ...(divisions.length ? { divisions } : {}) }, 'cli');
        await officers.audit({ via: 'cli' }, { action: 'create_officer', target: created.id, outcome: 'ok', detail: { roles: created.roles } });
        console.log(JSON.stringify(created));
        return 0;
      };
    }
    case 'list':
      return async (officers) => {
        for (const x of await officers.list()) console.log([x.id, x.name, x.roles.join(','), x.disabled ? 'disabled' : 'active'].join('\t'));
        return 0;
      };
    case 'reset-password': {
      const id = needId();
      return async (officers) => {
        await officers.resetPassword(id, await readPassword());
        await officers.audit({ via: 'cli' }, { action: 'reset_password', target: id, outcome: 'ok' });
        console.log(JSON.stringify({ id, reset: true }));
        return 0;
      };
    }
    case 'disable':
    case 'enable': {
      const id = needId();
      return async (officers) => {
        const r = await officers.update(id, { disabled: sub === 'disable' });
        await officers.audit({ via: 'cli' }, { action: `${sub}_officer`, target: id, outcome: 'ok' });
        console.log(JSON.stringify(r));
        return 0;
      };
    }
    default:
      throw new PlatformError('VALIDATION_FAILED', 'officer needs add, list, reset-password, disable or enable', 400);
  }
}

/** `serve --role station`: a station hub until SIGINT/SIGTERM (a SIGKILL loses nothing: its state is in the database). */
async function serveStation(o: Opts, dbOptions: { databaseUrl?: string; dataDir?: string; poolSize?: number }, port: number, adminToken: string | undefined, security: SecurityOptions | undefined): Promise<number> {
  if (typeof o.upstream !== 'string' || !/^https?:\/\/[^\s]+$/.test(o.upstream)) throw new PlatformError('VALIDATION_FAILED', '--role station needs --upstream <province url> (http:// or https://)', 400);
  if (o['seed-demo']) throw new PlatformError('VALIDATION_FAILED', 'a station hub takes its catalog from the province: --seed-demo is for a province', 400);
  const { startStationHub } = await import('./hub/hub');
  const log = typeof o.log === 'string' ? o.log : null;
  const batch = typeof o['upstream-batch'] === 'string' ? Number(o['upstream-batch']) : undefined;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 500)) throw new PlatformError('VALIDATION_FAILED', '--upstream-batch must be 1–500', 400);
  const hub = await startStationHub({
    upstream: o.upstream,
    ...(typeof o['enroll-code'] === 'string' ? { enrollCode: o['enroll-code'] } : {}),
    ...dbOptions,
    port,
    ...(typeof o.host === 'string' ? { host: o.host } : {}),
    ...(adminToken ? { adminToken } : {}),
    logger: log ?? false,
    ...(batch ? { batch } : {}),
    ...(security ? { security } : {}),
    ...(log ? { log: (level, event, data) => console.error(JSON.stringify({ level, event, ...data })) } : {}),
  });
  if (!adminToken) console.error(`ADMIN_TOKEN_FILE ${writeAdminTokenFile(dbOptions.dataDir, hub.adminToken)}`);
  console.error(`station hub for station ${hub.stationId} (upstream ${o.upstream}); storage ${hub.storage}`);
  console.error(`STATION ${hub.stationId}`);
  console.log(`READY ${hub.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await hub.close();
  return 0;
}

/** The holder of `issue-id-qr` from the options (birth date and sex from the ID number when not given), checked like the endpoint checks it. */
function idQrIssueBody(o: Opts): IdQrIssueRequest {
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const id = (str('id-number') ?? '').trim().toUpperCase();
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dX]$/.exec(id);
  const holder = {
    name: str('name'),
    idNumber: id,
    sex: str('sex') ?? (m ? (Number(m[4]) % 2 === 1 ? 'male' : 'female') : 'unknown'),
    birthDate: str('birth-date') ?? (m ? `${m[1]}-${m[2]}-${m[3]}` : undefined),
    ...(str('address') ? { address: str('address') } : {}),
    ...(str('nation') ? { nation: str('nation') } : {}),
  };
  const ttl = str('ttl');
  const r = idQrIssueRequest.safeParse({ holder, ...(ttl !== undefined ? { ttlSeconds: Number(ttl) } : {}) });
  if (!r.success) throw new PlatformError('VALIDATION_FAILED', 'issue-id-qr needs --name and a valid 18-character --id-number (--ttl 10–300 seconds)', 400, issuesOf(r.error));
  return r.data;
}

/** The code alone on stdout (for scripts and a scanner test); its expiry in the station's time on stderr; `--draw` draws it. */
async function printIdQr(code: string, expiresAt: string, draw: boolean): Promise<void> {
  console.log(code);
  console.error(`valid until ${stationDateTime(expiresAt, DEFAULT_STATION_TIME_ZONE)} (${DEFAULT_STATION_TIME_ZONE}); single use`);
  if (draw) {
    const { default: QRCode } = await import('qrcode');
    console.error(await QRCode.toString(code, { type: 'utf8', errorCorrectionLevel: 'M' }));
  }
}

function actionBody(o: Opts): BackOfficeActionRequest {
  const body: BackOfficeActionRequest = { actor: typeof o.actor === 'string' ? o.actor : 'cli' };
  if (typeof o.reasons === 'string') body.reasons = o.reasons.split(/[；;]/).map((s) => s.trim()).filter(Boolean);
  if (typeof o.due === 'string') body.dueDate = o.due;
  if (Array.isArray(o.field)) body.fields = o.field.map((s) => s.trim());
  if (Array.isArray(o.material)) body.materials = o.material.map((s) => s.trim());
  if (typeof o.reason === 'string') body.reason = o.reason;
  if (typeof o.note === 'string') body.note = o.note;
  return body;
}

async function runRemote(base: string, token: string, command: string, rest: string[], o: Opts): Promise<number> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } };
    if (!res.ok) throw new PlatformError((json.error?.code ?? 'INTERNAL_ERROR') as never, json.error?.message ?? res.statusText, res.status);
    return json;
  };
  if (command === 'enroll-code') {
    if (typeof o.station !== 'string') throw new PlatformError('VALIDATION_FAILED', 'enroll-code needs --station <id>', 400);
    const r = await call('POST', paths.adminEnrollCodes, { stationId: o.station, ...(typeof o.ttl === 'string' ? { ttlMinutes: Number(o.ttl) } : {}) });
    console.log(r.code);
    return 0;
  }
  if (command === 'issue-id-qr') {
    const r = await call('POST', idQrPaths.issue, idQrIssueBody(o));
    await printIdQr(String(r.code), String(r.expiresAt), o.draw === true);
    return 0;
  }
  if (command === 'list') {
    const q = new URLSearchParams();
    if (typeof o.status === 'string') q.set('status', o.status);
    if (typeof o.station === 'string') q.set('stationId', o.station);
    const r = (await call('GET', `${paths.adminApplications}?${q}`)) as { applications: { id: string; stationId: string; serviceItemCode: string; status: string; acceptanceNo: string | null }[] };
    for (const a of r.applications) console.log([a.id, a.stationId, a.serviceItemCode, a.status, a.acceptanceNo ?? '-'].join('\t'));
    return 0;
  }
  const action = backOfficeAction.safeParse(command);
  if (!action.success || !rest[0]) {
    console.error(`"${command}" is not available with --url (or the application id is missing)\n${USAGE}`);
    return 2;
  }
  const doc = await call('POST', paths.adminAction(rest[0], action.data), actionBody(o));
  console.log(JSON.stringify({ id: doc.id, status: doc.status, acceptanceNo: doc.acceptanceNo }));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof PlatformError) console.error(`error ${e.code}: ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`);
    else console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
