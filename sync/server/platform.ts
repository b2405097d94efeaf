// Programmatic entry: start the reference platform in this process (tests, demo mode, benchmarks).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { LIMITS } from '../protocol/index';
import { buildApp } from './app';
import { ChangeHub } from './changes';
import type { LicenceService } from './e-licences/adapter';
import { seedDemo } from './seed/demo';
import type { SecurityOptions } from './rate-limits';
import type { Store } from './store';
import { openStore, type StoreOptions } from './open-store';

/** Opening the database without the server lives in ./open-store (the CLI's commands load only that). */
export { openStore } from './open-store';

/** The database options (`dataDir`, `databaseUrl`, `poolSize`, `now`) are `openStore`'s. */
export interface PlatformOptions extends StoreOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Admin bearer token; generated when absent (read it from the result). */
  adminToken?: string;
  /** Seed the demo catalog, forms, stations and staff when the database has no service items. */
  seedDemo?: boolean;
  role?: 'province' | 'station';
  /** `true`, or a pino level; default silent. */
  logger?: boolean | string;
  limits?: Partial<typeof LIMITS>;
  heartbeatMs?: number;
  /**
   * On close, ms in-flight requests get to finish before the connections still open are cut (a
   * stalled upload, a client that stopped reading); default 5000.
   */
  closeGraceMs?: number;
  /** Rate limits and the partial-upload quota (sync/server/rate-limits.ts). */
  security?: SecurityOptions;
  /** 电子证照: the licence service (sync/server/e-licences/adapter.ts); default the platform's own library. */
  licences?: LicenceService | null;
}

export interface Platform {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:38211`. */
  url: string;
  adminToken: string;
  storage: 'pglite' | 'postgres';
  store: Store;
  app: FastifyInstance;
  /** A one-time enrollment code for a terminal of `stationId`. */
  createEnrollCode(stationId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const { store, db } = await openStore(options);
  const hub = new ChangeHub();
  let app: FastifyInstance | null = null;
  let unlistenRevocations: (() => Promise<void>) | null = null;
  try {
    await hub.start(db);
    // A terminal revoked by another process stops working here at once (token cache).
    unlistenRevocations = await store.terminals.listenForRevocations();
    if (options.seedDemo && (await store.countDocuments('service_items')) === 0) await seedDemo(store);
    // The province states the lookup hash of what it stores (a station hub takes the province's).
    if (options.role !== 'station') await store.normalizeIdHashes();
    // 通办: routes left pending by a crash or refused by the exchange are handed over again.
    if (options.role !== 'station') await store.tongban.retry(0);
    const adminToken = options.adminToken ?? `adm_${randomBytes(24).toString('base64url')}`;
    app = await buildApp({
      store,
      hub,
      adminToken,
      ...(options.role ? { role: options.role } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.security ? { security: options.security } : {}),
      ...(options.licences !== undefined ? { licences: options.licences } : {}),
    });
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port ?? 0, host, backlog: 2048 });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : options.port;
    const started = app;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      adminToken,
      storage: db.kind,
      store,
      app: started,
      createEnrollCode: async (stationId) => (await store.createEnrollCode(stationId)).code,
      async close() {
        // Graceful for in-flight requests, bounded: Fastify waits for every open request, and a
        // stalled one would hold the close for Node's request timeout (5 minutes). An answer is sent
        // only after its transaction committed, so a cut request loses nothing acknowledged; the
        // client retries (pushes are idempotent, uploads resume).
        const cut = setTimeout(() => started.server.closeAllConnections(), options.closeGraceMs ?? 5000);
        try {
          await started.close();
        } finally {
          clearTimeout(cut);
        }
        await hub.stop();
        await unlistenRevocations?.();
        await db.close();
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    await hub.stop().catch(() => undefined);
    await unlistenRevocations?.().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw e;
  }
}
