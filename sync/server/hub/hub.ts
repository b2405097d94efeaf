// The station hub: the reference platform in its `station` role on one PC of the hall. The hall's
// terminals enroll with it and sync with it over the LAN exactly as they would with the province
// (same protocol, same server code); it replicates upstream through the one platform client
// (sync/client), as a terminal of the province enrolled for its station (./replicator.ts).
//
// How the hub learns its station: on first start it redeems the enrollment code the province issued
// for the station (`--enroll-code`); the answer names the station. It keeps the upstream URL,
// terminal id, station id and token in its database (hub_state) and reuses them on every restart.
// Then it issues its own enrollment codes, for that station only, to the hall's terminals.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { STATION_HUB_DETAIL, stationId as stationIdSchema, type StationStatus } from '../../protocol/index';
import type { BackoffOptions } from '../../client/backoff';
import { SyncTransportError } from '../../client/errors';
import { PlatformClient, type FetchLike } from '../../client/transport';
import { buildApp } from '../app';
import { ChangeHub } from '../changes';
import type { Database } from '../db/driver';
import { openStore } from '../open-store';
import type { SecurityOptions } from '../rate-limits';
import { PlatformError } from '../errors';
import type { Store } from '../store';
import { forwardingIssuer } from '../seal-authority';
import { UpstreamIdQrService } from '../identity/upstream';
import { UpstreamReplicator, type HubLog } from './replicator';

export interface StationHubOptions {
  /** The province's base URL (`http://…:8787`). */
  upstream: string;
  /** One-time code the province issued for this station; needed on the first start only. */
  enrollCode?: string;
  /** PGlite data directory (default: in memory — a test hub). */
  dataDir?: string;
  /** PostgreSQL instead of PGlite. */
  databaseUrl?: string;
  /** PostgreSQL connections kept (default 20). */
  poolSize?: number;
  port?: number;
  /** Listen address; the hall's terminals reach the hub over the LAN (e.g. `0.0.0.0`). Default 127.0.0.1. */
  host?: string;
  /** The hub's own admin token (its enrollment codes); generated when absent. */
  adminToken?: string;
  /** Label the province shows for the hub. */
  label?: string;
  logger?: boolean | string;
  /** Upstream client tuning (tests). */
  fetch?: FetchLike;
  timeoutMs?: number;
  backoff?: BackoffOptions;
  intervalMs?: number;
  heartbeatMs?: number;
  silenceMs?: number;
  batch?: number;
  log?: HubLog;
  /** Rate limits and the partial-upload quota of the hub's own API (sync/server/rate-limits.ts). */
  security?: SecurityOptions;
}

export interface StationHub {
  /** Base URL for the hall's terminals. */
  url: string;
  adminToken: string;
  stationId: string;
  /** The hub's id at the province. */
  terminalId: string;
  storage: 'pglite' | 'postgres';
  store: Store;
  app: FastifyInstance;
  replicator: UpstreamReplicator;
  /** A one-time enrollment code for a terminal of this station (issued by the hub). */
  createEnrollCode(ttlMinutes?: number): Promise<string>;
  status(): Promise<StationStatus>;
  close(): Promise<void>;
}

const Enrollment = z.object({
  url: z.string().min(1).max(300),
  terminalId: z.string().min(1).max(128),
  stationId: stationIdSchema,
  token: z.string().min(20).max(500),
  /** The province's ID lookup hash key, handed to the hall's terminals (absent: enrolled before it was kept; asked with /terminals/me). */
  idHashKey: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
type Enrollment = z.infer<typeof Enrollment>;

const normalizeUrl = (u: string) => u.replace(/\/+$/, '');

/**
 * The province refused a second hub for this station and named the existing one: if that is this hub
 * itself, the province is the one it is enrolled with, reached at another address (a new domain, TLS
 * in front). Its token, sent only to a province that named this hub, must answer there as this hub;
 * then the enrollment moves to the new address and its checkpoints stay (the same database).
 */
async function sameProvinceElsewhere(db: Database, client: PlatformClient, saved: Enrollment, refusal: SyncTransportError): Promise<Enrollment | null> {
  const named = refusal.details?.find((d) => d.path === STATION_HUB_DETAIL.terminalId)?.message;
  if (named !== saved.terminalId) return null;
  client.token = saved.token;
  const me = await client.me().catch(() => null);
  if (!me || me.terminalId !== saved.terminalId || me.stationId !== saved.stationId) {
    client.token = null;
    return null;
  }
  const moved: Enrollment = { ...saved, url: client.baseUrl };
  await db.query("UPDATE hub_state SET value = $1::jsonb, updated_at = now() WHERE key = 'upstream'", [JSON.stringify(moved)]);
  return moved;
}

/** Redeems the code upstream (first start) or reads the stored enrollment. */
async function upstreamEnrollment(db: Database, client: PlatformClient, options: StationHubOptions): Promise<Enrollment> {
  const rows = await db.query<{ value: unknown }>("SELECT value FROM hub_state WHERE key = 'upstream'");
  const saved = Enrollment.safeParse(rows[0]?.value);
  if (saved.success && saved.data.url === client.baseUrl) return saved.data;
  if (!options.enrollCode) {
    throw new PlatformError(
      'VALIDATION_FAILED',
      saved.success
        ? `this hub is enrolled with ${saved.data.url}, not ${client.baseUrl}: give --enroll-code from the province at the new address (the same province keeps this hub's enrollment; a new one enrolls it anew)`
        : 'the station hub is not enrolled yet: give --enroll-code (a one-time code the province issued for this station)',
      400,
    );
  }
  let r;
  try {
    r = await client.enroll(options.enrollCode, (options.label ?? 'station hub').slice(0, 100), 'station_hub');
  } catch (e) {
    if (e instanceof SyncTransportError) {
      if (e.platformCode === 'STATION_HUB_EXISTS') {
        const moved = saved.success ? await sameProvinceElsewhere(db, client, saved.data, e) : null;
        if (moved) return moved;
        throw new PlatformError('STATION_HUB_EXISTS', `the province refused: ${e.message.replace(/^.*STATION_HUB_EXISTS: /, '').slice(0, 300)}`, 409);
      }
      const why =
        e.code === 'ENROLL_FAILED'
          ? 'the province refused the enrollment code (unknown, used or expired)'
          : e.code === 'REQUEST_REFUSED'
            ? `the province refused the enrollment (${e.message.slice(0, 300)})`
            : `the province could not be reached to enroll (${e.code}: ${e.message.slice(0, 200)})`;
      throw new PlatformError(e.code === 'ENROLL_FAILED' ? 'ENROLL_CODE_INVALID' : 'INTERNAL_ERROR', why, e.code === 'ENROLL_FAILED' ? 400 : 503);
    }
    throw e;
  }
  const e: Enrollment = { url: client.baseUrl, terminalId: r.terminalId, stationId: r.stationId, token: r.token, ...(r.idHashKey ? { idHashKey: r.idHashKey } : {}) };
  await db.query(
    "INSERT INTO hub_state (key, value, updated_at) VALUES ('upstream', $1::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
    [JSON.stringify(e)],
  );
  // A new upstream: its checkpoints and bookkeeping start over (pushes are idempotent there).
  if (saved.success) await db.query("DELETE FROM hub_state WHERE key LIKE 'checkpoint:%'");
  return e;
}

/**
 * A hub enrolled before it kept the province's ID lookup key asks for it (/terminals/me) and keeps it;
 * retried on the next start when the province cannot be reached now.
 */
async function learnProvinceIdHashKey(db: Database, store: Store, client: PlatformClient, enrollment: Enrollment, log: HubLog | undefined): Promise<void> {
  try {
    const me = await client.me();
    if (!me.idHashKey) return;
    await store.adoptIdHashKey(me.idHashKey);
    await db.query("UPDATE hub_state SET value = $1::jsonb, updated_at = now() WHERE key = 'upstream'", [JSON.stringify({ ...enrollment, idHashKey: me.idHashKey })]);
  } catch (e) {
    log?.('warn', 'hub.id-hash-key-unavailable', { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
  }
}

/** Starts a station hub in this process; resolves once it listens (the upstream may be unreachable). */
export async function startStationHub(options: StationHubOptions): Promise<StationHub> {
  const { store, db } = await openStore({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, ...(options.poolSize ? { poolSize: options.poolSize } : {}) } : {}) }, { holdSubmissions: true });
  const changes = new ChangeHub();
  let app: FastifyInstance | null = null;
  let replicator: UpstreamReplicator | null = null;
  try {
    const client = new PlatformClient({
      baseUrl: normalizeUrl(options.upstream),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    const enrollment = await upstreamEnrollment(db, client, options);
    client.token = enrollment.token;
    // The hall's terminals get the province's ID lookup key from the hub (at enrollment and on
    // /terminals/me), never the hub's own: one resident is one hash across the province.
    if (enrollment.idHashKey) await store.adoptIdHashKey(enrollment.idHashKey);
    else void learnProvinceIdHashKey(db, store, client, enrollment, options.log);
    await changes.start(db);
    const rep = new UpstreamReplicator({
      store,
      changes,
      client,
      stationId: enrollment.stationId,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}),
      ...(options.silenceMs ? { silenceMs: options.silenceMs } : {}),
      ...(options.batch ? { batch: options.batch } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    replicator = rep;
    const adminToken = options.adminToken ?? `adm_${randomBytes(24).toString('base64url')}`;
    app = await buildApp({
      store,
      hub: changes,
      adminToken,
      role: 'station',
      station: { stationId: enrollment.stationId, upstream: () => rep.status() },
      // 电子证照: the hall's lookups go to the province through the hub (sync/server/e-licences/routes.ts).
      licenceRelay: client,
      // 电子印章: the hall's terminals get certificates of the province's seal authority, forwarded.
      sealIssuer: forwardingIssuer(client),
      // ID QR codes are the province's to check (single use across the province): forwarded.
      identityQr: new UpstreamIdQrService(() => client),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.security ? { security: options.security } : {}),
    });
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port ?? 0, host, backlog: 2048 });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : options.port;
    await rep.start();
    const started = app;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`;
    return {
      url,
      adminToken,
      stationId: enrollment.stationId,
      terminalId: enrollment.terminalId,
      storage: db.kind,
      store,
      app: started,
      replicator: rep,
      createEnrollCode: async (ttl) => (await store.createEnrollCode(enrollment.stationId, ttl)).code,
      status: async () => ({ role: 'station', stationId: enrollment.stationId, upstream: await rep.status() }),
      async close() {
        await rep.close();
        await started.close();
        await changes.stop();
        await db.close();
      },
    };
  } catch (e) {
    await replicator?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await changes.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw e;
  }
}
