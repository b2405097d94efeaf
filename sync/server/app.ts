// HTTP API of the reference platform (Fastify). Every route validates with the shared protocol schemas.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  adminListApplicationsQuery,
  backOfficeAction,
  backOfficeActionRequest,
  COLLECTION_POLICY,
  createEnrollCodeRequest,
  docId,
  documentSchemas,
  enrollRequest,
  issuesOf,
  LIMITS,
  parseCheckpointParam,
  paths,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  pullQuery,
  pushRequest,
  setStaffPinRequest,
  sha256Hex,
  staffLoginRequest,
  SUPPORTED_API_VERSIONS,
  UPLOAD_LENGTH_HEADER,
  UPLOAD_OFFSET_HEADER,
  uuidV7,
  type CollectionName,
  type ErrorCode,
  type StationStatus,
  type StreamEvent,
} from '../protocol/index';
import { isBackOfficeRoute, registerBackOffice } from './backoffice/routes';
import type { PlatformClient } from '../client/transport';
import type { LicenceService } from './e-licences/adapter';
import { registerELicences } from './e-licences/routes';
import { ReferenceIdQrService, type IdQrService } from './identity/id-qr';
import { registerIdQr } from './identity/routes';
import type { ChangeHub } from './changes';
import { Metrics } from './metrics';
import { QueueService } from './queue';
import { installRateLimits, securitySettings, type SecurityOptions } from './rate-limits';
import { PlatformError, type AttachmentCaller, type Store, type Writer } from './store';
import { SealAuthority, type SealIssuer } from './seal-authority';
import { checkSealRequest, sealCertificateRequest, SEAL_CERTIFICATE_PATH, SEAL_ROOT_PATH } from '../protocol/seal';

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

type Caller = { kind: 'terminal'; terminalId: string; stationId: string; hub: boolean } | { kind: 'admin' } | { kind: 'metrics' };

const fail = (code: ErrorCode, message: string, status: number, details?: { path: string; message: string }[]) => new PlatformError(code, message, status, details);

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw fail('VALIDATION_FAILED', `invalid ${what}`, 400, issuesOf(r.error));
  return r.data;
}

const hashToken = (t: string) => createHash('sha256').update(t).digest();

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store, hub } = options;
  const limits = { ...LIMITS, ...options.limits };
  const security = securitySettings(options.security);
  const metrics = new Metrics();
  const adminHash = hashToken(options.adminToken);
  const metricsHash = options.security?.metricsToken ? hashToken(options.security.metricsToken) : null;
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

  // Attachments are streamed: the handler reads the raw request so a cut upload keeps what arrived.
  app.addContentTypeParser('application/octet-stream', (_req, _payload, done) => done(null, undefined));

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

  // ---------------------------------------------------------------- auth

  // Authentication runs before the body is read, so an anonymous upload is refused with 401 at once.
  // Metrics are not public (issue 13 item 6): the admin token or the scrape-only metrics token.
  const PUBLIC_ROUTES = new Set(['/api/v1/health', '/api/v1/terminals/enroll', SEAL_ROOT_PATH]);
  const callers = new WeakMap<FastifyRequest, Caller>();
  app.addHook('preParsing', async (req) => {
    const route = req.routeOptions.url;
    // The back office (sync/server/backoffice) authenticates officers by their session cookie itself.
    if (route === undefined || PUBLIC_ROUTES.has(route) || isBackOfficeRoute(route)) return;
    callers.set(req, await authenticate(req));
  });

  await installRateLimits(app, security.rateLimits, (req) => {
    const c = callers.get(req);
    return c?.kind === 'terminal' ? { id: c.terminalId, hub: c.hub } : null;
  });

  /** Who calls; the metrics token is refused everywhere but on the metrics route. */
  async function caller(req: FastifyRequest): Promise<Exclude<Caller, { kind: 'metrics' }>> {
    const c = callers.get(req) ?? (await authenticate(req));
    if (c.kind === 'metrics') throw fail('FORBIDDEN', 'the metrics token opens only /api/v1/metrics', 403);
    return c;
  }

  async function authenticate(req: FastifyRequest): Promise<Caller> {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{8,200})$/.exec(h) : null;
    if (!m) throw fail('UNAUTHORIZED', 'missing or malformed Authorization: Bearer <token>', 401);
    const token = m[1]!;
    if (timingSafeEqual(hashToken(token), adminHash)) return { kind: 'admin' };
    if (metricsHash && timingSafeEqual(hashToken(token), metricsHash)) return { kind: 'metrics' };
    const t = await store.terminalByToken(token);
    if (!t) throw fail('UNAUTHORIZED', 'unknown or revoked token', 401);
    return { kind: 'terminal', terminalId: t.terminalId, stationId: t.stationId, hub: t.hub };
  }
  async function terminal(req: FastifyRequest) {
    const c = await caller(req);
    if (c.kind !== 'terminal') throw fail('FORBIDDEN', 'this endpoint needs a terminal token', 403);
    return c;
  }
  async function admin(req: FastifyRequest) {
    const c = await caller(req);
    if (c.kind !== 'admin') throw fail('FORBIDDEN', 'this endpoint needs the admin token', 403);
    return c;
  }
  function collectionParam(req: FastifyRequest): CollectionName {
    const name = (req.params as { collection?: string }).collection ?? '';
    if (!store.isCollection(name)) throw fail('UNKNOWN_COLLECTION', `unknown collection "${name.slice(0, 40)}"`, 404);
    return name;
  }

  // ---------------------------------------------------------------- public

  app.get('/api/v1/health', async () => {
    await store.db.query('SELECT 1');
    return { status: 'ok', protocolVersion: PROTOCOL_VERSION, storage: store.db.kind, role: options.role ?? 'province', time: new Date().toISOString() };
  });

  app.get('/api/v1/metrics', async (req, reply) => {
    if ((callers.get(req) ?? (await authenticate(req))).kind === 'terminal') throw fail('FORBIDDEN', 'metrics need the admin or the metrics token', 403);
    void reply.type('text/plain; version=0.0.4');
    return metrics.render(store.counters, hub.subscribers);
  });

  app.get('/api/v1/station/status', async (req): Promise<StationStatus> => {
    await caller(req);
    return { role: options.role ?? 'province', stationId: options.station?.stationId ?? null, upstream: options.station ? await options.station.upstream() : null };
  });

  const sealIssuer = options.sealIssuer ?? new SealAuthority(store.db);
  app.post('/api/v1/terminals/enroll', async (req) => {
    const body = parse(enrollRequest, req.body, 'enrollment request');
    // A bad seal request is refused before the one-time code is spent.
    if (body.seal && !checkSealRequest(body.seal)) throw fail('SEAL_REQUEST_INVALID', 'the seal key request is not signed by its own key (or the key is not an SM2 point)', 400);
    const enrolled = await store.enroll(body.code, body.label, body.kind);
    if (!body.seal) return enrolled;
    // The enrollment stands without a seal when the authority is unreachable (a hub offline): the terminal asks again (POST /terminals/seal).
    const seal = await sealIssuer.issue({ terminalId: enrolled.terminalId, stationId: enrolled.stationId }, body.seal).catch((e: unknown) => {
      app.log.warn({ code: e instanceof PlatformError ? e.code : 'INTERNAL_ERROR' }, 'seal certificate not issued at enrollment');
      return null;
    });
    return seal ? { ...enrolled, seal } : enrolled;
  });

  // The seal root is public (verifiers outside the province's terminals check documents against it).
  app.get(SEAL_ROOT_PATH, async () => ({ rootPublicKey: await sealIssuer.rootPublicKey() }));

  app.post(SEAL_CERTIFICATE_PATH, async (req) => {
    const t = await terminal(req);
    const body = parse(sealCertificateRequest, req.body, 'seal certificate request');
    // Only a station hub may ask for one of its hall's terminals (for its own station).
    if (body.forTerminal !== undefined && !t.hub) throw fail('FORBIDDEN', 'forTerminal is for station hubs only', 403);
    return sealIssuer.issue({ terminalId: body.forTerminal ?? t.terminalId, stationId: t.stationId }, body.request);
  });

  app.get('/api/v1/terminals/me', async (req) => {
    const t = await terminal(req);
    const me = await store.terminalByToken((req.headers.authorization ?? '').slice(7));
    return { terminalId: t.terminalId, stationId: t.stationId, label: me?.label ?? null, idHashKey: await store.idHashKey() };
  });

  app.post('/api/v1/staff/login', async (req) => {
    const t = await terminal(req);
    const body = parse(staffLoginRequest, req.body, 'login request');
    const staff = await store.staffLogin(body.staffId, body.pin, t.stationId);
    const days = options.offlineLoginDays ?? 7;
    return { staff, offlineValidUntil: new Date(Date.now() + days * 86_400_000).toISOString() };
  });

  // ---------------------------------------------------------------- replication

  app.get('/api/v1/sync/:collection/pull', async (req) => {
    const c = await caller(req);
    const collection = collectionParam(req);
    const q = parse(pullQuery, req.query, 'pull query');
    const since = parseCheckpointParam(q.checkpoint);
    return store.pull(collection, since, q.limit ?? limits.defaultPullLimit, c.kind === 'terminal' ? c.stationId : null);
  });

  app.post('/api/v1/sync/:collection/push', async (req) => {
    const c = await caller(req);
    const collection = collectionParam(req);
    if (c.kind === 'terminal' && COLLECTION_POLICY[collection].terminalWrites === 'none') {
      throw fail('COLLECTION_READ_ONLY', `${collection} is written by the platform only`, 403);
    }
    if (Array.isArray(req.body) && req.body.length > limits.maxPushRows) {
      throw fail('BATCH_TOO_LARGE', `at most ${limits.maxPushRows} rows per push`, 413);
    }
    const rows = parse(pushRequest, req.body, 'push body (expected an array of {assumedMasterState, newDocumentState})');
    const writer: Writer = c.kind === 'terminal' ? { kind: 'terminal', terminalId: c.terminalId, stationId: c.stationId, hub: c.hub } : { kind: 'platform', actor: 'admin-api' };
    return store.push(collection, rows, writer);
  });

  app.get('/api/v1/sync/stream', async (req, reply) => {
    const c = await caller(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (e: StreamEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`);
    res.write('retry: 2000\n\n');
    send({ type: 'RESYNC' });
    const unsubscribe = hub.subscribe((n) => {
      if (c.kind === 'admin' || n.stations === null || n.stations.includes(c.stationId)) {
        send({ type: 'CHANGE', collection: n.collection, checkpoint: { seq: n.seq } });
      }
    });
    const ping = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    const closeAll = () => {
      clearInterval(ping);
      unsubscribe();
    };
    req.raw.on('close', closeAll);
    res.on('error', closeAll);
    closeStreams.add(res);
    res.on('close', () => closeStreams.delete(res));
  });
  const closeStreams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const r of closeStreams) r.end();
  });

  // ---------------------------------------------------------------- station queue (sync/server/queue.ts)

  const queue = new QueueService(store, options.now);
  const QUEUE_BODY_LIMIT = 16 * 1024; // a command is a few hundred bytes
  app.post(paths.queueCommands, { bodyLimit: QUEUE_BODY_LIMIT }, async (req) => queue.command(await terminal(req), req.body));
  app.post(paths.queueLease, { bodyLimit: QUEUE_BODY_LIMIT }, async (req) => queue.lease(await terminal(req), req.body));
  app.get(paths.queueState, async (req) => queue.state((await terminal(req)).stationId));

  // ---------------------------------------------------------------- ID QR codes (sync/server/identity)

  registerIdQr(app, { service: options.identityQr ?? new ReferenceIdQrService(store.db, options.now ? { now: options.now } : {}), admin, terminal });

  // ---------------------------------------------------------------- attachments

  const attachmentHash = (req: FastifyRequest) => {
    const raw = (req.params as { sha256?: string }).sha256 ?? '';
    const r = sha256Hex.safeParse(raw);
    if (!r.success) throw fail('VALIDATION_FAILED', 'the attachment id must be the SHA-256 of its bytes (64 lowercase hex)', 400);
    return r.data;
  };

  /** Attachments are per station (store.attachmentReadable); the back office reads all. */
  const attachmentCaller = async (req: FastifyRequest): Promise<AttachmentCaller> => {
    const c = await caller(req);
    return c.kind === 'admin' ? { backOffice: true } : { terminalId: c.terminalId, stationId: c.stationId };
  };

  app.head('/api/v1/attachments/:sha256', async (req, reply) => {
    const who = await attachmentCaller(req);
    const st = await store.attachmentStatus(attachmentHash(req), who);
    if (!st) return reply.status(404).header(UPLOAD_OFFSET_HEADER, '0').send();
    void reply.header(UPLOAD_OFFSET_HEADER, String(st.received)).header('x-attachment-complete', String(st.complete));
    if (st.size !== null) void reply.header(UPLOAD_LENGTH_HEADER, String(st.size));
    return reply.status(200).send();
  });

  app.put('/api/v1/attachments/:sha256', async (req, reply) => {
    const who = await attachmentCaller(req);
    const hash = attachmentHash(req);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      throw fail('UNSUPPORTED_MEDIA_TYPE', 'upload bytes with Content-Type: application/octet-stream', 415);
    }
    const { start, total } = parseContentRange(req.headers['content-range'], req.headers['content-length'], limits.maxAttachmentBytes);
    const current = await store.attachmentStatus(hash, who);
    if (current?.complete) {
      req.raw.resume();
      return current;
    }
    if ((current?.received ?? 0) !== start) {
      req.raw.resume();
      void reply.header(UPLOAD_OFFSET_HEADER, String(current?.received ?? 0));
      throw fail('ATTACHMENT_OFFSET_MISMATCH', `upload must continue at offset ${current?.received ?? 0}, not ${start}`, 409);
    }
    const st = await receiveChunks(req.raw, hash, start, total, limits.maxAttachmentBytes, who);
    if (st.received === -1) {
      throw fail('ATTACHMENT_HASH_MISMATCH', 'the uploaded bytes do not hash to the id; the upload was discarded, start again at offset 0', 422);
    }
    return reply.status(st.complete ? 201 : 202).send(st);
  });

  /** Writes the body to the database in slices as it arrives; on a cut, what arrived stays. */
  async function receiveChunks(raw: IncomingMessage, hash: string, start: number, total: number | null, max: number, who: AttachmentCaller) {
    const SLICE = 256 * 1024;
    let offset = start;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let last = { sha256: hash, received: start, size: total, complete: false };
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      last = await store.appendAttachment(hash, offset, data, total, max, who, security.partialUploads);
      offset += data.length;
    };
    try {
      for await (const chunk of raw) {
        pending.push(chunk as Buffer);
        pendingBytes += (chunk as Buffer).length;
        if (offset + pendingBytes > (total ?? max)) throw fail('ATTACHMENT_TOO_LARGE', 'more bytes than announced or allowed', 413);
        if (pendingBytes >= SLICE) await flush();
      }
      await flush();
      if (pendingBytes === 0 && offset === start) last = await store.appendAttachment(hash, offset, Buffer.alloc(0), total, max, who, security.partialUploads);
    } catch (e) {
      if (e instanceof PlatformError) throw e;
      // Connection cut: keep what arrived, so the terminal can resume from `Upload-Offset`.
      await flush().catch(() => undefined);
      throw fail('VALIDATION_FAILED', 'upload interrupted', 400);
    }
    return last;
  }

  app.get('/api/v1/attachments/:sha256', async (req, reply) => {
    const who = await attachmentCaller(req);
    const hash = attachmentHash(req);
    const st = await store.attachmentStatus(hash, who);
    if (!st) throw fail('NOT_FOUND', 'no attachment with this hash', 404);
    if (!st.complete) throw fail('ATTACHMENT_INCOMPLETE', `the upload is incomplete (${st.received} bytes received)`, 409);
    void reply.header('content-type', 'application/octet-stream').header('content-length', String(st.size)).header('etag', `"${hash}"`).header('cache-control', 'private, max-age=31536000, immutable');
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(store.readAttachment(hash)));
  });

  // ---------------------------------------------------------------- back office (admin token)

  app.post('/api/v1/admin/enroll-codes', async (req) => {
    await admin(req);
    const body = parse(createEnrollCodeRequest, req.body, 'enroll code request');
    if (options.station && body.stationId !== options.station.stationId) {
      throw fail('FORBIDDEN', `this station hub serves station ${options.station.stationId} only`, 403);
    }
    const r = await store.createEnrollCode(body.stationId, body.ttlMinutes);
    return { code: r.code, stationId: body.stationId, expiresAt: r.expiresAt };
  });

  app.get('/api/v1/admin/applications', async (req) => {
    await admin(req);
    const q = parse(adminListApplicationsQuery, req.query, 'query');
    return { applications: await store.listApplications(q) };
  });

  app.get('/api/v1/admin/applications/:id', async (req) => {
    await admin(req);
    const id = parse(uuidV7, (req.params as { id: string }).id, 'application id');
    const doc = await store.getDocument('applications', id);
    if (!doc) throw fail('NOT_FOUND', 'no application with this id', 404);
    return doc;
  });

  app.post('/api/v1/admin/applications/:id/:action', async (req) => {
    await admin(req);
    const p = req.params as { id: string; action: string };
    const id = parse(uuidV7, p.id, 'application id');
    const action = parse(backOfficeAction, p.action, 'action');
    if (options.role === 'station') throw fail('FORBIDDEN', 'a station hub never decides applications: status, 受理号 and decisions come from the province', 403);
    const body = parse(backOfficeActionRequest, req.body ?? {}, 'action request');
    return store.backOffice(id, action, body);
  });

  app.put('/api/v1/admin/documents/:collection', async (req) => {
    await admin(req);
    const collection = collectionParam(req);
    const body = req.body;
    if (!Array.isArray(body)) throw fail('VALIDATION_FAILED', 'expected an array of documents', 400);
    if (body.length > limits.maxPushRows) throw fail('BATCH_TOO_LARGE', `at most ${limits.maxPushRows} documents per request`, 413);
    const docs = body.map((d, i) => {
      const r = documentSchemas[collection].safeParse(d);
      if (!r.success) throw fail('VALIDATION_FAILED', `document #${i} is invalid`, 400, issuesOf(r.error));
      return r.data as Record<string, unknown>;
    });
    return { written: await store.upsertAsPlatform(collection, docs) };
  });

  app.put('/api/v1/admin/staff/:id/pin', async (req) => {
    await admin(req);
    const body = parse(setStaffPinRequest, req.body, 'PIN request');
    const staff = await store.setStaffPin(parse(docId, (req.params as { id: string }).id, 'staff id'), body.pin);
    return { id: staff.id, updatedAt: staff.updatedAt };
  });

  app.post('/api/v1/admin/terminals/:id/revoke', async (req) => {
    await admin(req);
    const id = parse(docId, (req.params as { id: string }).id, 'terminal id');
    if (!(await store.revokeTerminal(id))) throw fail('NOT_FOUND', 'no terminal with this id', 404);
    return { revoked: true };
  });

  // 电子证照: licence lookups and files for terminals, imports into the library (sync/server/e-licences).
  registerELicences(app, { store, ...(options.licences !== undefined ? { service: options.licences } : options.role === 'station' ? { service: null } : {}), ...(options.licenceRelay ? { relay: options.licenceRelay } : {}), terminal, admin, ...(options.now ? { now: options.now } : {}) });

  // The back office for officers (accounts, roles, audit) and its web app at /admin: sync/server/backoffice.
  await registerBackOffice(app, {
    store,
    role: options.role ?? 'province',
    isAdminToken: async (req) => (callers.get(req) ?? (await authenticate(req).catch(() => null)))?.kind === 'admin',
    ...(options.backOfficeDir ? { staticDir: options.backOfficeDir } : {}),
  });

  return app;
}

function parseContentRange(range: string | undefined, length: string | undefined, max: number): { start: number; total: number | null } {
  if (range === undefined) {
    const len = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
    if (len !== null && len > max) throw fail('ATTACHMENT_TOO_LARGE', `attachments are limited to ${max} bytes`, 413);
    return { start: 0, total: len };
  }
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range) ?? /^bytes (\d+)-\/(\d+)$/.exec(range);
  if (!m) throw fail('VALIDATION_FAILED', 'Content-Range must look like "bytes <start>-<end>/<total>"', 400);
  const start = Number(m[1]);
  const total = Number(m[m.length - 1]);
  if (total > max) throw fail('ATTACHMENT_TOO_LARGE', `attachments are limited to ${max} bytes`, 413);
  if (start > total) throw fail('VALIDATION_FAILED', 'Content-Range start beyond total', 400);
  return { start, total };
}

