// HTTP API of the reference platform (Fastify): the cross-cutting parts (API version and protocol
// checks, error mapping, who calls, rate limits, health and metrics), then each module's routes.
// Every route validates with the shared protocol schemas.
import Fastify, { type FastifyInstance } from 'fastify';
import { LIMITS, PROTOCOL_HEADER, PROTOCOL_VERSION, SUPPORTED_API_VERSIONS, type StationStatus } from '../protocol/index';
import type { PlatformClient } from '../client/transport';
import { registerAttachments } from './attachments/routes';
import { installAuth } from './auth/callers';
import { registerAdminDecisions } from './backoffice/admin-routes';
import { isBackOfficeRoute, registerBackOffice } from './backoffice/routes';
import type { ChangeHub } from './changes';
import type { LicenceService } from './e-licences/adapter';
import { registerELicences } from './e-licences/routes';
import { fail, PlatformError } from './errors';
import { ReferenceIdQrService, type IdQrService } from './identity/id-qr';
import { registerIdQr } from './identity/routes';
import { Metrics } from './metrics';
import { registerQueue } from './queue/routes';
import { QueueService } from './queue/service';
import { databaseRateCounter, installRateLimits, securitySettings, type SecurityOptions } from './rate-limits';
import { registerReplication } from './replication/routes';
import { SealAuthority, type SealIssuer } from './seal-authority';
import { registerStaff } from './staff/routes';
import type { Store } from './store';
import { PUBLIC_TERMINAL_ROUTES, registerTerminals } from './terminals/routes';

export interface AppOptions {
  store: Store;
  hub: ChangeHub;
  adminToken: string;
  role?: 'province' | 'station';
  logger?: boolean | string;
  limits?: Partial<typeof LIMITS>;
  /** SSE keep-alive comment interval (ms). */
  heartbeatMs?: number;
  /** How long a staff member may log in offline with the cached verifier (days). */
  offlineLoginDays?: number;
  /** The queue's clock (tests move it across the station's midnight). */
  now?: () => Date;
  /**
   * Station hub (role `station`): the one station it serves and its upstream link's state. A hub
   * issues enrollment codes for its station only and never takes back-office decisions.
   */
  station?: { stationId: string; upstream(): Promise<StationStatus['upstream']> };
  /** Rate limits and the partial-upload quota (sync/server/rate-limits.ts); defaults when absent. */
  security?: SecurityOptions;
  /** The built back-office web app (default out/backoffice); see sync/server/backoffice/routes.ts. */
  backOfficeDir?: string;
  /** 电子证照: the licence service (sync/server/e-licences/adapter.ts); default the platform's own library, none on a station hub. */
  licences?: LicenceService | null;
  /** 电子证照 on a station hub: relay lookups and files to the province with this (the hub's upstream) client. */
  licenceRelay?: PlatformClient;
  /** 电子印章: who certifies terminals' seal keys (default: this database's SealAuthority; a station hub forwards to the province). */
  sealIssuer?: SealIssuer;
  /** 可信身份认证 by ID QR code (sync/server/identity): default the reference issuer on this database. */
  identityQr?: IdQrService;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store, hub } = options;
  const limits = { ...LIMITS, ...options.limits };
  const security = securitySettings(options.security);
  const metrics = new Metrics();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const level = options.logger === true ? 'info' : options.logger ? options.logger : undefined;
  const app = Fastify({
    bodyLimit: limits.maxBodyBytes,
    // Request logs carry method, URL and status only: no bodies, no headers, hence no PII or tokens.
    logger: level ? { level, redact: ['req.headers.authorization'] } : false,
    routerOptions: { maxParamLength: 200 },
  });

  // 通办: a route the exchange refused is kept and tried again; say so in English (no PII: ids only).
  store.onTongbanError = (e, applicationId) => app.log.warn({ event: 'tongban.dispatch-failed', applicationId, reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown' }, 'tongban dispatch failed');

  app.addHook('onRequest', async (req) => {
    const url = req.url;
    const m = /^\/api\/([^/?]+)/.exec(url);
    if (m && !(SUPPORTED_API_VERSIONS as readonly string[]).includes(m[1]!)) {
      throw new PlatformError('API_VERSION_UNSUPPORTED', `API version "${m[1]}" is not supported by this platform; upgrade the terminal to use /api/v1`, 410);
    }
    const pv = req.headers[PROTOCOL_HEADER];
    if (typeof pv === 'string' && (!/^\d+$/.test(pv) || Number(pv) < PROTOCOL_VERSION)) {
      throw new PlatformError('CLIENT_UPGRADE_REQUIRED', `protocol version ${pv} is too old; this platform speaks ${PROTOCOL_VERSION}. Upgrade the terminal.`, 426);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    metrics.request(req.routeOptions.url ?? 'unknown', req.method, reply.statusCode, reply.elapsedTime);
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
    let e: PlatformError;
    if (err instanceof PlatformError) e = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') e = fail('PAYLOAD_TOO_LARGE', `request body exceeds the limit of this endpoint (${limits.maxBodyBytes} bytes; queue commands 16 KiB)`, 413);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') e = fail('UNSUPPORTED_MEDIA_TYPE', 'use Content-Type: application/json (or application/octet-stream for attachments)', 415);
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') e = fail('VALIDATION_FAILED', 'the JSON body is empty', 400);
    else if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) e = fail('VALIDATION_FAILED', 'the body is not valid JSON', 400);
    else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) e = fail('VALIDATION_FAILED', err.message, err.statusCode);
    else {
      // Database errors (they carry an SQLSTATE code) may quote values: log only the code and name.
      app.log.error({ err: err.code ? { code: err.code, name: err.name } : { name: err.name, message: err.message } }, 'internal error');
      e = fail('INTERNAL_ERROR', 'internal error; the request was not applied', 500);
    }
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(e.status).send({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}), ...(e.code === 'API_VERSION_UNSUPPORTED' ? { supportedVersions: [...SUPPORTED_API_VERSIONS] } : {}) } });
  });

  app.setNotFoundHandler((_req, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
  });

  // ---------------------------------------------------------------- who calls (sync/server/auth)

  // Metrics are not public (issue 13 item 6): the admin token or the scrape-only metrics token.
  // The back office (sync/server/backoffice) authenticates officers by their session cookie itself.
  const PUBLIC_ROUTES = new Set<string>(['/api/v1/health', ...PUBLIC_TERMINAL_ROUTES]);
  const auth = installAuth(app, {
    adminToken: options.adminToken,
    metricsToken: options.security?.metricsToken,
    terminalByToken: (token) => store.terminalByToken(token),
    isOpenRoute: (route) => PUBLIC_ROUTES.has(route) || isBackOfficeRoute(route),
  });

  // Shared through the database on PostgreSQL (several processes); in memory on PGlite (one process).
  await installRateLimits(
    app,
    security.rateLimits,
    (req) => {
      const c = auth.known(req);
      return c?.kind === 'terminal' ? { id: c.terminalId, hub: c.hub } : null;
    },
    store.db.kind === 'postgres' ? databaseRateCounter(store.db) : undefined,
  );

  // ---------------------------------------------------------------- platform state

  app.get('/api/v1/health', async () => {
    await store.db.query('SELECT 1');
    return { status: 'ok', protocolVersion: PROTOCOL_VERSION, storage: store.db.kind, role: options.role ?? 'province', time: new Date().toISOString() };
  });

  app.addHook('onClose', async () => metrics.close());
  app.get('/api/v1/metrics', async (req, reply) => {
    if ((await auth.anyCaller(req)).kind === 'terminal') throw fail('FORBIDDEN', 'metrics need the admin or the metrics token', 403);
    void reply.type('text/plain; version=0.0.4');
    return metrics.render(store.counters, hub.subscribers);
  });

  app.get('/api/v1/station/status', async (req): Promise<StationStatus> => {
    await auth.caller(req);
    return { role: options.role ?? 'province', stationId: options.station?.stationId ?? null, upstream: options.station ? await options.station.upstream() : null };
  });

  // ---------------------------------------------------------------- the modules, each with its routes

  registerTerminals(app, { terminals: store.terminals, auth, sealIssuer: options.sealIssuer ?? new SealAuthority(store.db), station: options.station });
  registerStaff(app, { staff: store.staff, auth, offlineLoginDays: options.offlineLoginDays });
  registerReplication(app, { replication: store.replication, documents: store.documents, hub, auth, limits, heartbeatMs });
  registerQueue(app, { queue: new QueueService(store.documents, options.now), auth });
  registerIdQr(app, { service: options.identityQr ?? new ReferenceIdQrService(store.db, options.now ? { now: options.now } : {}), admin: auth.admin, terminal: auth.terminal });
  registerAttachments(app, { attachments: store.attachments, auth, maxBytes: limits.maxAttachmentBytes, partialUploads: security.partialUploads });
  registerAdminDecisions(app, { decisions: store.decisions, documents: store.documents, auth, role: options.role ?? 'province' });

  // 电子证照: licence lookups and files for terminals, imports into the library (sync/server/e-licences).
  registerELicences(app, { store, ...(options.licences !== undefined ? { service: options.licences } : options.role === 'station' ? { service: null } : {}), ...(options.licenceRelay ? { relay: options.licenceRelay } : {}), terminal: auth.terminal, admin: auth.admin, ...(options.now ? { now: options.now } : {}) });

  // The back office for officers (accounts, roles, audit) and its web app at /admin: sync/server/backoffice.
  await registerBackOffice(app, {
    store,
    role: options.role ?? 'province',
    isAdminToken: async (req) => (await auth.anyCaller(req).catch(() => null))?.kind === 'admin',
    ...(options.backOfficeDir ? { staticDir: options.backOfficeDir } : {}),
  });

  return app;
}
