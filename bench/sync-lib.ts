// Helpers for the sync benchmarks: the platform (and the PouchDB peer) as a child process on
// 127.0.0.1, a keep-alive HTTP client, SSE streams and enrolled terminals; one run of the real
// terminal client's push and pull (sync-client, sync-peer) and of the wire-only client's (sync-server,
// sync-peer). Loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { paths, type ApplicationDoc, type ServiceItemDoc } from '../sync/protocol/index';
import { demoCatalog } from '../sync/server/seed/catalog';
import { toLocal } from '../renderer/db/modifiers';
import type { FieldEncryptedInstance } from '../renderer/db/field-encryption';
import { startFuzzTerminal, type FuzzTerminal } from '../fuzz/terminal';
import { trackDir, trackProcess, untrackDir, untrackProcess } from '../scripts/test-reaper.mjs';
import { startTestDatabase } from '../sync/server/test/pg-cluster';

const CLI = fileURLToPath(new URL('../sync/server/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PEER_SERVER = fileURLToPath(new URL('./pouchdb-peer-server.ts', import.meta.url));
export const ADMIN_TOKEN = 'adm_bench_token_0123456789abcdef';

export const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The soft and hard limits on open files of this process (`/proc/self/limits`; children inherit them). */
export function openFileLimits(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const n = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: n(line?.[1]), hard: n(line?.[2]) };
}

/**
 * `[command, args]` that runs `node <args>` with at least `nofile` open files: through `sh -c 'ulimit -n'`
 * (the soft limit raised up to the hard one, in the child only) when this process's soft limit is lower.
 */
export function withOpenFiles(nofile: number | undefined, args: string[]): [string, string[]] {
  const { soft, hard } = openFileLimits();
  if (nofile === undefined || soft >= nofile) return [process.execPath, args];
  if (hard < nofile) throw new Error(`needs ${nofile} open files, the hard limit is ${hard}: raise it (ulimit -Hn) or use fewer terminals`);
  return ['/bin/sh', ['-c', `ulimit -n ${Math.ceil(nofile)} && exec "$0" "$@"`, process.execPath, ...args]];
}

/**
 * Starts `platform serve` in a child process (its own core) and waits for READY. `nofile`: the open
 * files it needs (its soft limit is raised in the child when this process's is lower).
 */
export function startServer(db: { databaseUrl?: string; dataDir?: string }, nofile?: number): Promise<Server> {
  // The benches measure throughput from one address with hundreds of tokens: the platform's rate
  // limits (sync/server/rate-limits.ts) are lifted here (bench-limits.json), not in the product.
  const args = ['--import', 'tsx', CLI, 'serve', '--port', '0', '--admin-token', ADMIN_TOKEN, '--limits', fileURLToPath(new URL('./bench-limits.json', import.meta.url))];
  if (db.databaseUrl) args.push('--database-url', db.databaseUrl);
  else if (db.dataDir) args.push('--data-dir', db.dataDir);
  else args.push('--memory');
  return startChild(args, 'platform (bench)', nofile);
}

/** Starts express-pouchdb on PouchDB's memory adapter in a child process (`pouchdb-peer-server.ts`) and waits for READY. */
export function startPeerServer(): Promise<Server> {
  return startChild(['--import', 'tsx', PEER_SERVER], 'pouchdb peer server (bench)');
}

let signalsHooked = false;
/** SIGINT / SIGTERM end this process through `exit`, whose hook (the reaper's) stops the children it still tracks. */
function exitOnSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const [signal, n] of [['SIGINT', 2], ['SIGTERM', 15]] as const) process.once(signal, () => process.exit(128 + n));
}

/**
 * A Node child process that prints `READY http://127.0.0.1:<port>` when it listens. Tracked for the
 * reaper (scripts/test-reaper.mjs: killed when this process exits with it still running, and by
 * `npm run bench` if this process dies first); `stop()` sends SIGTERM, SIGKILL after 10 s.
 */
function startChild(args: string[], what: string, nofile?: number): Promise<Server> {
  exitOnSignals();
  const [cmd, argv] = withOpenFiles(nofile, args);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcess(child.pid, what, false);
  child.once('exit', () => untrackProcess(child.pid));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: no READY in 180 s: ${err}`));
    }, 180_000); // PGlite start-up on a loaded 2-core machine
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}): ${err}`));
    });
  });
}

export function call<T = unknown>(base: string, method: string, path: string, token: string, body?: unknown, via: Agent = agent, timeoutMs = 120_000): Promise<{ status: number; json: T }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(base + path, {
      method,
      agent: via,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as T });
        } catch {
          reject(new Error(`non-JSON ${res.statusCode}: ${text.slice(0, 200)}`));
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('request timeout')));
    // Says whether the request went out on a kept-alive connection the server may have closed meanwhile.
    req.on('error', (e) => reject(new Error(`${e.message}${req.reusedSocket ? ' (reused keep-alive connection)' : ' (new connection)'}`)));
    req.end(payload);
  });
}

/**
 * A simulated terminal's connection: one kept alive, given up before the platform's keep-alive
 * timeout as its `Keep-Alive: timeout=N` answer header says (less a second), as the terminal's own
 * client (fetch, undici) does. Node's Agent applies that hint only when it has a timeout of its own:
 * without one, a terminal idle for the platform's 72 s sent its next push on a connection the
 * platform was closing (`ECONNRESET` on a reused connection, one push in ≈ 27,000 at 5,000 terminals).
 */
export const terminalAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 1, timeout: 600_000 });

/**
 * Enrolls a simulated terminal. Like a real one it has its own keep-alive connection for requests
 * (opened here, before any timing, so a benchmark burst does not measure TCP connection set-up).
 */
export async function enrollTerminal(base: string, stationId: string): Promise<{ token: string; stationId: string; agent: Agent }> {
  const code = await call<{ code: string }>(base, 'POST', paths.adminEnrollCodes, ADMIN_TOKEN, { stationId });
  const r = await call<{ token: string }>(base, 'POST', paths.enroll, '', { code: code.json.code });
  if (r.status !== 200) throw new Error(`enroll failed ${r.status}`);
  const own = terminalAgent();
  await call(base, 'GET', paths.me, r.json.token, undefined, own);
  return { token: r.json.token, stationId, agent: own };
}

/** An SSE stream; `onEvent` gets each parsed `data:` JSON, `onDown` (if given) the stream's end or failure once it was open. */
export function openStream(base: string, token: string, onEvent: (e: { type: string; collection?: string; checkpoint?: { seq: number } }) => void, onDown?: () => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(base + paths.stream, { method: 'GET', agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          for (const line of block.split('\n')) if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)));
        }
      });
      res.on('error', () => onDown?.());
      res.on('close', () => onDown?.());
      resolve({ close: () => req.destroy() });
    });
    req.on('error', (e) => reject(e));
    req.end();
  });
}

/** Runs `fn` against a platform server on PostgreSQL (a throwaway cluster) or PGlite (a temp folder), then stops and removes both. */
export async function withServer<T>(storage: string, tmpPrefix: string, fn: (s: Server) => Promise<T>): Promise<T> {
  let cleanup = async () => undefined as void;
  let db: { databaseUrl?: string; dataDir?: string };
  if (storage === 'postgres') {
    const pg = await startTestDatabase();
    cleanup = () => pg.stop();
    db = { databaseUrl: pg.url };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), tmpPrefix));
    trackDir(dir); // removed by the reaper's exit hook if this process stops before its cleanup
    cleanup = async () => {
      rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    };
    db = { dataDir: path.join(dir, 'db') };
  }
  const server = await startServer(db);
  try {
    return await fn(server);
  } finally {
    await server.stop();
    await cleanup();
  }
}

/** Loads the demo forms: the platform checks submissions against their form (exampleApplication's MZ06@1). */
export async function seedForms(base: string): Promise<void> {
  const r = await call(base, 'PUT', paths.adminDocuments('form_schemas'), ADMIN_TOKEN, demoCatalog().forms);
  if (r.status !== 200) throw new Error(`form seed failed ${r.status}`);
}

/** Writes service items to the platform (admin, batches of 500). */
export async function seedServiceItems(base: string, items: ServiceItemDoc[]): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    const r = await call(base, 'PUT', paths.adminDocuments('service_items'), ADMIN_TOKEN, items.slice(i, i + 500));
    if (r.status !== 200) throw new Error(`seed failed ${r.status}`);
  }
}

export async function enrollCode(base: string, stationId: string): Promise<string> {
  const r = await call<{ code: string }>(base, 'POST', paths.adminEnrollCodes, ADMIN_TOKEN, { stationId });
  if (r.status !== 200) throw new Error(`enroll code failed ${r.status}`);
  return r.json.code;
}

/** `p`, or a rejection after `ms`. */
export async function bounded<T>(p: PromiseLike<T>, what: string, ms = 300_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Phase marks (BENCH_MARKS in sync-client); a no-op by default. */
export type Mark = (what: string) => void;
const noMark: Mark = () => undefined;

/**
 * One push of the real terminal client (renderer RxDB + replication, memory storage, field
 * encryption, no validation; main's sync feature over HTTP: `fuzz/terminal.ts`): a fresh terminal of
 * `stationId` writes `docs` locally (bulkInsert by 1,000, not in the push), then starts the
 * replication; `pushMs` is start → in sync. Fails unless nothing is left pending or quarantined.
 */
export async function clientPush(base: string, stationId: string, docs: ApplicationDoc[], name: string, mark: Mark = noMark): Promise<{ pushMs: number; insertMs: number; pushCpuMs: number }> {
  return withClient(base, stationId, 'applications', name, async (t) => {
    const local = docs.map((d) => toLocal('applications', d));
    mark('insert');
    const i0 = performance.now();
    for (let i = 0; i < local.length; i += 1000) await t.db.applications.bulkInsert(local.slice(i, i + 1000) as never[]);
    const insertMs = performance.now() - i0;
    const cpu0 = process.cpuUsage();
    const pushMs = await timedSync(t, 'push', mark);
    const cpu = process.cpuUsage(cpu0);
    if (process.env.BENCH_CACHE_STATS) reportCacheStats(t);
    const pending = await t.replication!.pendingCount();
    const quarantined = await t.db.sync_quarantine.count().exec();
    if (pending !== 0 || quarantined !== 0) throw new Error(`after the push: ${pending} pending, ${quarantined} quarantined`);
    return { pushMs, insertMs, pushCpuMs: (cpu.user + cpu.system) / 1000 };
  });
}

/** BENCH_CACHE_STATS=1: the field-encryption caches of the pushing terminal (characters held, cipher calls made and saved) on stderr. */
function reportCacheStats(t: FuzzTerminal): void {
  const instances = [(t.db.applications as unknown as { internalStorageInstance: Partial<FieldEncryptedInstance> }).internalStorageInstance];
  for (const s of t.replication?.states.values() ?? []) instances.push((s as unknown as { metaInstance?: Partial<FieldEncryptedInstance> }).metaInstance ?? {});
  for (const i of instances) {
    const c = i.fieldCipher;
    if (c) console.error(`CACHE ${JSON.stringify({ documents: c.cachedDocuments, chars: c.cachedChars, ...c.stats })}`);
  }
}

/** One pull of the real terminal client: a new terminal of `stationId` pulls the service items into an empty store; start → in sync. Fails unless it holds `expected`. */
export async function clientPull(base: string, stationId: string, expected: number, name: string, mark: Mark = noMark): Promise<number> {
  return withClient(base, stationId, 'service_items', name, async (t) => {
    const ms = await timedSync(t, 'pull', mark);
    const n = await t.db.service_items.count().exec();
    if (n !== expected) throw new Error(`pulled ${n}, expected ${expected}`);
    return ms;
  });
}

/** A fresh terminal of `stationId` replicating one collection (as the app runs: no validation), closed after `fn`. */
async function withClient<T>(base: string, stationId: string, collection: 'applications' | 'service_items', name: string, fn: (t: FuzzTerminal) => Promise<T>): Promise<T> {
  const t = await startFuzzTerminal({ platformUrl: base, enrollCode: await enrollCode(base, stationId), name, collections: [collection], validate: false, retryTime: 1000 });
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

/** Starts the terminal's replication; ms until it is in sync. */
async function timedSync(t: FuzzTerminal, what: 'push' | 'pull', mark: Mark): Promise<number> {
  mark(what);
  const t0 = performance.now();
  await t.startSync();
  await bounded(t.replication!.awaitInSync(), what);
  const ms = performance.now() - t0;
  mark(`${what}-end`);
  return ms;
}

/** One wire-only pull (parses and counts, writes nothing locally): every service item in pages of 1,000. */
export async function wirePull(base: string, token: string, expected: number): Promise<number> {
  const t0 = performance.now();
  let cp = 0;
  let n = 0;
  for (;;) {
    const r = await call<{ documents: unknown[]; checkpoint: { seq: number } }>(base, 'GET', `${paths.pull('service_items')}?checkpoint=${cp}&limit=1000`, token);
    if (r.status !== 200) throw new Error(`pull failed ${r.status}`);
    if (r.json.documents.length === 0 || n > expected) break;
    n += r.json.documents.length;
    cp = r.json.checkpoint.seq;
  }
  if (n !== expected) throw new Error(`pulled ${n}, expected ${expected}`);
  return performance.now() - t0;
}

/** One wire-only push (no local store): `docs` as new documents in batches of 100, one request at a time; request latencies per batch. */
export async function wirePush(base: string, token: string, docs: ApplicationDoc[], deadlineMs = 120_000): Promise<{ ms: number; batchMs: number[] }> {
  const batchMs: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += 100) {
    const rows = docs.slice(i, i + 100).map((d) => ({ newDocumentState: d }));
    const s0 = performance.now();
    const r = await call<{ written: number }>(base, 'POST', paths.push('applications'), token, rows);
    batchMs.push(performance.now() - s0);
    if (r.json.written !== rows.length) throw new Error(`batch wrote ${r.json.written}`);
    if (performance.now() - t0 > deadlineMs) throw new Error('wire push over its time bound');
  }
  return { ms: performance.now() - t0, batchMs };
}
