/**
 * Main side of sync: the platform transport, credentials and the database key.
 *
 * - Keys: the database master key and the terminal token live in a SecretStore (Electron:
 *   safeStorage; browser host: 0600 files). `store.key` hands the renderer a derived password.
 * - Enrollment: on first start with `platform.enrollCode` (or in demo mode with a code from the
 *   embedded platform) main enrolls and keeps the token.
 * - Transport: `sync.pull` / `sync.push` over HTTP with the token, every answer validated; the SSE
 *   stream is relayed as `sync.stream` (RESYNC on every reconnect), reconnecting with backoff + jitter.
 * - State: transport state merged with the leader window's counts, pushed as `sync.state`.
 * - Attachments (attachments.ts): `attachments.put` / `attachments.putDocument` store bytes encrypted
 *   and queue them; the uploader sends them over the same connection and token whenever the platform
 *   answers (kicked when the stream opens, on `sync.retry`, after every put, and before a push of
 *   applications that reference a pending attachment).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-file';
import path from 'node:path';
import { z } from 'zod';
import type { syncCalls, SyncLocalReport, SyncState } from '../../preload/contract/sync-calls';
import { MAX_ATTACHMENT_BYTES, type attachmentCalls, type AttachmentMimeType, type AttachmentRefOut, type AttachmentStatus } from '../../preload/contract/attachment-calls';
import type { Feature, FeatureContext } from '../core/feature';
import { HandlerError } from '../core/dispatcher';
import { PlatformClient } from '../../sync/client/transport';
import { paths, stationStatusResponse, type StationStatus } from '../../sync/protocol';
import { StreamClient } from '../../sync/client/sse';
import { syncErrorDetail, SyncTransportError, type SyncErrorCode } from '../../sync/client/errors';
import { hostSecretStore, type SecretStore } from './secrets';
import { deriveIdHashSalt, deriveProvinceIdHashKey, derivePassword, idHashKeyId, loadOrCreateMasterKey } from './keys';
import type { DemoPlatform } from './demo';
import { AttachmentError, AttachmentStore, AttachmentUploader, type UploaderOptions } from './attachments';
import { SealKeys } from './seal-keys';
import { SEAL_CERTIFICATE_PATH } from '../../sync/protocol/seal-format';

const Enrollment = z.object({ platform: z.string().max(300), terminalId: z.string().max(128), stationId: z.string().max(64) });
type Enrollment = z.infer<typeof Enrollment>;
const TOKEN = 'platform-token';
/** The province's applicant ID lookup hash key (from the platform at enrollment), 32 bytes. */
const ID_HASH_KEY = 'id-hash-key';

export interface SyncFeatureOptions {
  /** Secret store override (tests); default by host. */
  secrets?: SecretStore;
  /** Demo platform port (0 = any free port). */
  demoPort?: number;
  /** Stream reconnect backoff (tests use small values). */
  backoff?: { baseMs?: number; maxMs?: number };
  fetch?: typeof fetch;
  /** Request timeout, ms. */
  timeoutMs?: number;
  /** Uploader tuning (tests). */
  attachments?: Pick<UploaderOptions, 'backoff' | 'fileBackoff' | 'chunkBytes' | 'timeoutMs' | 'fetch'>;
  /** Unreleased attachments older than this are removed at start (default attachments.ts ABANDONED_AFTER_MS, 30 days). */
  abandonedAttachmentMs?: number;
  /** How often main asks the server for its station status (hub ⇄ province) while online, ms (default 15 s). */
  serverStatusMs?: number;
  /** How long a push of applications waits for their pending attachments, ms (default 15 s). */
  attachmentFlushMs?: number;
  /** How long `store.key` waits for a first enrollment to bring the province's ID hash key, ms (default 15 s). */
  idHashKeyWaitMs?: number;
  /** A stored document's PDF bytes (main/documents; encrypted at rest there), for `attachments.putDocument`. */
  readDocument?: (documentId: string) => Promise<Buffer | null>;
}

export interface SyncFeature extends Feature<typeof syncCalls & typeof attachmentCalls> {
  /** Resolves when the transport is set up (enrolled or failed); for tests. */
  ready(): Promise<void>;
  state(): SyncState;
  /** The embedded demo platform's URL, when running. */
  demoUrl(): string | null;
  /** The platform transport once set up (staff login reuses it: one client, one token). */
  platform(): PlatformClient | null;
  /** The attachment queue (tests). */
  attachments(): AttachmentUploader;
  /** The terminal's master key (documents derive their at-rest key from it). */
  masterKey(): Promise<Buffer>;
  /** 电子证照: the province ID hash of a holder (sync/server/id-hash.ts), null until the province's key is known. */
  holderIdHash(idNumber: string): Promise<string | null>;
  /** 电子证照: keeps a fetched licence file as an encrypted attachment (uploaded once an application releases it). */
  storeAttachment(bytes: Uint8Array, mimeType: AttachmentMimeType, fileName?: string): Promise<AttachmentRefOut>;
  /** 电子印章: this terminal's seal key and certificate (main/sync/seal-keys.ts). */
  seals: SealKeys;
}

/** SHA-256s of the attachments an application document references. */
export function referencedAttachments(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const letter = (doc.authorization as { letterSha256?: unknown } | null | undefined)?.letterSha256;
  if (typeof letter === 'string') out.push(letter);
  const materials = Array.isArray(doc.materials) ? (doc.materials as { attachments?: unknown }[]) : [];
  for (const m of materials) for (const a of Array.isArray(m?.attachments) ? (m.attachments as { sha256?: unknown }[]) : []) if (typeof a?.sha256 === 'string') out.push(a.sha256);
  return out.filter((h) => /^[0-9a-f]{64}$/.test(h));
}

/** Members of a staff document that stay in main (main/staff keeps them in its secret-store cache). */
export const STAFF_MAIN_ONLY = ['idNumber', 'phone'] as const;

/**
 * A staff document as the renderer may hold it: the PIN verifier is blanked (`null`, the schema
 * keeps the member) and the person's ID number and phone are removed. Main fills them into the
 * 授权委托书 itself (main/documents/authorization.ts); the renderer never holds them.
 */
export function forRenderer(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  if ('pinVerifier' in out) out.pinVerifier = null;
  for (const k of STAFF_MAIN_ONLY) delete out[k];
  return out;
}

export function createSyncFeature(ctx: FeatureContext, options: SyncFeatureOptions = {}): SyncFeature {
  const log = ctx.log;
  const mode: SyncState['mode'] = ctx.config.platform ? 'configured' : 'demo';
  const syncDir = path.join(ctx.dataDir, 'sync');
  const stateFile = path.join(syncDir, 'state.json');
  const enrollFile = path.join(syncDir, 'enrollment.json');
  const seals = new SealKeys(() => getSecrets(), path.join(syncDir, 'seal.json'));

  const state: SyncState = {
    mode,
    enrolled: false,
    stationId: null,
    terminalId: null,
    replicationId: null,
    online: false,
    lastContactAt: null,
    attempts: 0,
    nextRetryAt: null,
    error: null,
    local: { pending: 0, quarantined: 0, lastSyncAt: null, active: false, error: null },
    server: null,
    upstream: null,
  };
  let serverTimer: ReturnType<typeof setInterval> | null = null;

  let secrets: SecretStore | null = options.secrets ?? null;
  let masterKey: Promise<Buffer> | null = null;
  let client: PlatformClient | null = null;
  let stream: StreamClient | null = null;
  let demo: DemoPlatform | null = null;
  let closed = false;
  let booting: Promise<void> | null = null;

  const attachmentStore = new AttachmentStore(path.join(ctx.dataDir, 'attachments'), () => key());
  const uploader = new AttachmentUploader({
    store: attachmentStore,
    connection: () => (client ? { baseUrl: client.baseUrl, token: client.token } : null),
    log: log.child('attachments'),
    ...options.attachments,
    onChange: (s: AttachmentStatus) => ctx.events.emit('attachments.state', s),
  });

  const emitState = () => {
    if (!closed) ctx.events.emit('sync.state', snapshot());
  };
  const snapshot = (): SyncState => structuredClone(state);
  const setError = (code: SyncErrorCode | null, detail?: string) => {
    state.error = code ? { code, at: new Date().toISOString() } : null;
    if (code) log.warn('sync.error', { code, detail: (detail ?? '').slice(0, 200) });
  };

  async function getSecrets(): Promise<SecretStore> {
    secrets ??= await hostSecretStore(ctx.dataDir, ctx.host, (warning) => log.warn('secrets.not-protected-at-rest', { warning }));
    return secrets;
  }

  function key(): Promise<Buffer> {
    masterKey ??= getSecrets().then(loadOrCreateMasterKey);
    return masterKey;
  }

  async function readJson(file: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(file, 'utf8'));
    } catch {
      return null;
    }
  }
  const writeJson = (file: string, value: unknown): Promise<void> => writeFileAtomic(file, JSON.stringify(value));

  async function boot(): Promise<void> {
    await key();
    const saved = z.object({ lastSyncAt: z.number().nullable(), server: z.enum(['province', 'station']).nullable().optional() }).safeParse(await readJson(stateFile));
    if (saved.success) {
      state.local.lastSyncAt = Math.max(saved.data.lastSyncAt ?? 0, state.local.lastSyncAt ?? 0) || null;
      state.server = saved.data.server ?? null;
    }

    let url: string;
    let platformId: string;
    if (ctx.config.platform) {
      url = ctx.config.platform.url;
      platformId = url.replace(/\/+$/, '');
    } else {
      try {
        const { startDemoPlatform } = await import('./demo');
        demo = await startDemoPlatform(ctx.dataDir, options.demoPort ?? 0);
        if (closed) {
          await demo.close();
          return;
        }
        url = demo.url;
        platformId = 'demo';
        log.info('sync.demo-platform', { url });
      } catch (e) {
        setError('DEMO_PLATFORM_FAILED', e instanceof Error ? e.message : 'unknown');
        emitState();
        return;
      }
    }
    client = new PlatformClient({
      baseUrl: url,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      onContact: () => {
        state.lastContactAt = Date.now();
      },
    });

    const store = await getSecrets();
    const enrollment = Enrollment.safeParse(await readJson(enrollFile));
    const token = (await store.read(TOKEN))?.toString('utf8') ?? null;
    if (enrollment.success && enrollment.data.platform === platformId && token) {
      client.token = token;
      adopt(enrollment.data);
      // Every start: a terminal enrolled before the platform handed out the key, or at a station hub
      // that handed out its own, takes the province's (the renderer re-derives on its next open).
      void fetchIdHashKey();
      void ensureSealCertificate(platformId);
    } else {
      await enroll(platformId);
    }
    emitState();
    if (!client.token || closed) return;

    stream = new StreamClient({
      baseUrl: url,
      token: () => client?.token ?? null,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      backoff: { baseMs: 1000, maxMs: 60_000, ...options.backoff },
      onOpen: () => {
        state.online = true;
        state.attempts = 0;
        state.nextRetryAt = null;
        state.lastContactAt = Date.now();
        setError(null);
        log.info('sync.stream-open');
        emitState();
        void uploader.kick(true);
        void refreshServer();
      },
      onEvent: (event) => {
        state.lastContactAt = Date.now();
        ctx.events.emit('sync.stream', event);
      },
      onDown: (error, retryInMs, attempt) => {
        state.online = false;
        state.attempts = attempt;
        state.nextRetryAt = Date.now() + retryInMs;
        // Through a station hub, "unreachable" means the hub (站点服务器), not the province; what the
        // hub knew of the province is stale now.
        const viaHub = state.server === 'station' && (error.code === 'OFFLINE' || error.code === 'TIMEOUT');
        if (state.server === 'station') state.upstream = null;
        setError(viaHub ? 'HUB_OFFLINE' : error.code, error.message);
        emitState();
      },
      onGarbage: () => log.warn('sync.stream-garbage'),
    });
    stream.start();
    void uploader.kick();
    serverTimer = setInterval(() => {
      if (state.online) void refreshServer();
    }, options.serverStatusMs ?? 15_000);
    serverTimer.unref?.();
  }

  /**
   * Asks the server what it is (`GET /station/status`): the province, or a station hub with its
   * upstream state. A platform without the endpoint (404) is a province. A garbage answer changes nothing.
   */
  async function refreshServer(): Promise<void> {
    const c = client;
    if (!c?.token || closed) return;
    let status: StationStatus;
    try {
      const r = stationStatusResponse.safeParse(await c.request('GET', paths.stationStatus));
      if (!r.success) {
        log.warn('sync.server-status-garbage');
        return;
      }
      status = r.data;
    } catch (e) {
      if (e instanceof SyncTransportError && e.code === 'REQUEST_REFUSED' && e.status === 404) status = { role: 'province', stationId: null, upstream: null };
      else return;
    }
    const before = state.server;
    state.server = status.role;
    const u = status.upstream;
    state.upstream = u
      ? {
          reachable: u.reachable,
          lastContactAt: u.lastContactAt === null ? null : Date.parse(u.lastContactAt),
          pending: Object.values(u.pending).reduce((n, x) => n + x, 0),
          rejected: u.rejectedCount,
          error: u.reachable ? null : { code: 'PROVINCE_UNREACHABLE', at: u.lastError?.at ?? new Date().toISOString() },
        }
      : null;
    if (before !== state.server) await writeJson(stateFile, { lastSyncAt: state.local.lastSyncAt, server: state.server }).catch(() => undefined);
    emitState();
  }

  function adopt(e: Enrollment) {
    state.enrolled = true;
    state.stationId = e.stationId;
    state.terminalId = e.terminalId;
    state.replicationId = `${e.platform}|${e.stationId}`;
  }

  async function enroll(platformId: string): Promise<void> {
    if (!client) return;
    let code: string | undefined = ctx.config.platform?.enrollCode;
    if (!ctx.config.platform && demo) code = await demo.createEnrollCode();
    if (!code) {
      setError('NOT_ENROLLED');
      return;
    }
    try {
      const sealRequest = await seals.request().catch(() => undefined);
      const r = await client.enroll(code, `terminal ${ctx.config.role}`, undefined, sealRequest);
      const store = await getSecrets();
      await store.write(TOKEN, Buffer.from(r.token, 'utf8'));
      if (r.idHashKey) await store.write(ID_HASH_KEY, Buffer.from(r.idHashKey, 'hex'));
      const e: Enrollment = { platform: platformId, terminalId: r.terminalId, stationId: r.stationId };
      await writeJson(enrollFile, e);
      client.token = r.token;
      adopt(e);
      log.info('sync.enrolled', { terminalId: r.terminalId, stationId: r.stationId, seal: r.seal !== undefined });
      if (r.seal) await adoptSeal(platformId, r.seal);
      else void ensureSealCertificate(platformId);
    } catch (e) {
      const code = e instanceof SyncTransportError ? (e.code === 'REQUEST_REFUSED' ? 'ENROLL_FAILED' : e.code) : 'ENROLL_FAILED';
      setError(code, e instanceof Error ? e.message : undefined);
    }
  }

  async function adoptSeal(platformId: string, answer: unknown): Promise<void> {
    try {
      const issue = await seals.adopt(platformId, answer);
      log.info('sync.seal-certificate', { serial: issue.certificate.serial, notAfter: issue.certificate.notAfter });
    } catch (e) {
      log.warn('sync.seal-certificate-refused', { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
    }
  }

  /** 电子印章: asks the platform to certify this terminal's seal key when there is no certificate (or it ends within 30 days). */
  async function ensureSealCertificate(platformId: string): Promise<void> {
    try {
      if (!client?.token || !(await seals.needsCertificate(platformId, state.stationId))) return;
      await adoptSeal(platformId, await client.request('POST', SEAL_CERTIFICATE_PATH, { request: await seals.request() }));
    } catch (e) {
      log.warn('sync.seal-certificate-unavailable', { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
    }
  }

  /** The province key as the platform has it now; kept when it is new or differs (retried on the next start). */
  async function fetchIdHashKey(): Promise<void> {
    try {
      const me = await client?.me();
      if (me?.idHashKey) {
        const secrets = await getSecrets();
        const had = await secrets.read(ID_HASH_KEY);
        if (had?.toString('hex') === me.idHashKey) return;
        await secrets.write(ID_HASH_KEY, Buffer.from(me.idHashKey, 'hex'));
        log.info(had ? 'sync.id-hash-key-changed' : 'sync.id-hash-key-received');
      }
    } catch (e) {
      log.warn('sync.id-hash-key-unavailable', { error: e instanceof Error ? e.message.slice(0, 100) : 'unknown' });
    }
  }

  /** The renderer's lookup key: from the province key once known (waits for a first enrollment, bounded), else per terminal. */
  async function lookupKey(master: Buffer) {
    const store = await getSecrets();
    let province = await store.read(ID_HASH_KEY);
    if (!province && booting) {
      await Promise.race([booting, new Promise((r) => setTimeout(r, options.idHashKeyWaitMs ?? 15_000))]);
      province = await store.read(ID_HASH_KEY);
    }
    const legacy = deriveIdHashSalt(master);
    const idHashSalt = province?.length === 32 ? deriveProvinceIdHashKey(province) : legacy;
    return { idHashSalt, idHashScope: province?.length === 32 ? ('province' as const) : ('terminal' as const), idHashKeyId: idHashKeyId(idHashSalt), legacyIdHashSalt: legacy };
  }

  async function withClient(): Promise<PlatformClient> {
    if (booting) await Promise.race([booting, new Promise((r) => setTimeout(r, 20_000))]);
    if (!client || !client.token) {
      // the words are the current sync problem's (errors.SYNC_<code>), else "not enrolled"
      const why = (state.error?.code ?? 'NOT_ENROLLED') as SyncErrorCode;
      throw new HandlerError(why === 'DEMO_PLATFORM_FAILED' ? 'OFFLINE' : 'NOT_ENROLLED', `no platform connection (${why})`, undefined, syncErrorDetail(why));
    }
    return client;
  }

  /** `staffId`: who is signed in, from main's session (the dispatcher's staff gate), for the log. */
  async function storeAttachment(put: () => ReturnType<AttachmentStore['put']>, staffId: string | undefined) {
    try {
      const ref = await put();
      log.info('attachments.stored', { mimeType: ref.mimeType, size: ref.size, staffId: staffId ?? null });
      void uploader.refresh().then(() => uploader.kick());
      return ref;
    } catch (e) {
      if (e instanceof AttachmentError) {
        log.warn('attachments.refused', { code: e.code });
        throw new HandlerError(e.code, e.message, undefined, e.params);
      }
      log.error('attachments.store-failed', { error: e instanceof Error ? e.name : 'unknown' });
      throw new HandlerError('ATTACHMENT_STORE_FAILED', 'the attachment could not be stored');
    }
  }

  function asHandlerError(e: unknown): never {
    if (e instanceof SyncTransportError) {
      if (e.code === 'UNAUTHORIZED' || e.code === 'UPGRADE_REQUIRED') {
        setError(e.code, e.message);
        emitState();
      }
      throw new HandlerError(e.code, e.message.slice(0, 500));
    }
    throw e;
  }

  return {
    handlers: {
      'sync.pull': async (input) => {
        const c = await withClient();
        try {
          const r = await c.pull(input.collection, input.checkpoint, input.limit, ctx.config.platform ? { recentDays: ctx.config.platform.recentDays } : {});
          if (r.skipped) log.warn('sync.pull-skipped', { collection: input.collection, skipped: r.skipped });
          if (input.collection === 'station_config') ctx.stationZone?.learn(r.documents, state.stationId);
          return input.collection === 'staff' ? { ...r, documents: r.documents.map(forRenderer) } : r;
        } catch (e) {
          return asHandlerError(e);
        }
      },
      'sync.lookupApplications': async (input) => {
        const c = await withClient();
        try {
          const r = await c.lookupApplications(input);
          if (r.skipped) log.warn('sync.lookup-skipped', { skipped: r.skipped });
          return { documents: r.documents };
        } catch (e) {
          return asHandlerError(e);
        }
      },
      'sync.push': async (input) => {
        const c = await withClient();
        if (input.collection === 'applications') {
          // The protocol asks for attachments before the application that references them.
          const refs = input.rows.flatMap((r) => referencedAttachments(r.newDocumentState));
          if (refs.length) await uploader.flush(refs, options.attachmentFlushMs ?? 15_000).catch(() => undefined);
        }
        try {
          const r = await c.push(input.collection, input.rows);
          if (r.rejections.length) log.warn('sync.push-rejections', { collection: input.collection, count: r.rejections.length, codes: [...new Set(r.rejections.map((x) => x.code))].join(',') });
          return r;
        } catch (e) {
          return asHandlerError(e);
        }
      },
      'sync.status': () => snapshot(),
      'sync.retry': () => {
        stream?.reconnectNow();
        void refreshServer();
        void uploader.kick(true);
        if (state.online) ctx.events.emit('sync.stream', { type: 'RESYNC' });
        return { requested: true };
      },
      'sync.report': async (input: SyncLocalReport) => {
        const before = state.local.lastSyncAt;
        // A window that has not synced since it started reports null: the last success survives restarts.
        state.local = { ...input, lastSyncAt: Math.max(input.lastSyncAt ?? 0, before ?? 0) || null };
        if (state.local.lastSyncAt !== null && state.local.lastSyncAt !== before) await writeJson(stateFile, { lastSyncAt: state.local.lastSyncAt, server: state.server ?? null }).catch(() => undefined);
        emitState();
        return null;
      },
      'attachments.put': async (input, caller) => {
        const bytes = Buffer.from(input.bytes, 'base64');
        return storeAttachment(() => attachmentStore.put(bytes, input.mimeType, input.fileName), caller.staff?.id);
      },
      'attachments.putDocument': async (input, caller) => {
        const bytes = options.readDocument ? await options.readDocument(input.documentId) : null;
        if (!bytes) throw new HandlerError('NOT_FOUND', 'no such document', undefined, { detail: 'DOCUMENT_FILE_NOT_FOUND' });
        if (bytes.length > MAX_ATTACHMENT_BYTES) throw new HandlerError('ATTACHMENT_TOO_LARGE', `at most ${MAX_ATTACHMENT_BYTES} bytes`, undefined, { detail: 'DOCUMENT_TOO_LARGE_TO_ATTACH' });
        return storeAttachment(() => attachmentStore.put(bytes, 'application/pdf', input.fileName), caller.staff?.id);
      },
      'attachments.status': () => uploader.refresh(),
      'store.key': async (input) => {
        const master = await key();
        return { password: derivePassword(master, input.database), ...(await lookupKey(master)) };
      },
    },
    async start() {
      // 委托书 and scans no filed application ever referenced (abandoned cases) do not stay forever.
      void attachmentStore.sweepAbandoned(options.abandonedAttachmentMs).then((n) => n && log.info('attachments.abandoned-removed', { count: n }), () => undefined);
      booting = boot().catch((e) => {
        log.error('sync.boot-failed', { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
      });
    },
    async close() {
      closed = true;
      if (serverTimer) clearInterval(serverTimer);
      await booting?.catch(() => undefined);
      await stream?.stop();
      await uploader.close();
      await demo?.close().catch(() => undefined);
    },
    ready: async () => {
      await booting;
    },
    state: snapshot,
    demoUrl: () => demo?.url ?? null,
    platform: () => client,
    attachments: () => uploader,
    masterKey: key,
    holderIdHash: async (idNumber) => {
      const province = await (await getSecrets()).read(ID_HASH_KEY);
      if (province?.length !== 32) return null;
      return createHash('sha256').update(`${deriveProvinceIdHashKey(province)}:${idNumber.trim().toUpperCase()}`, 'utf8').digest('hex');
    },
    storeAttachment: async (bytes, mimeType, fileName) => {
      const ref = await attachmentStore.put(bytes, mimeType, fileName);
      void uploader.refresh();
      return ref;
    },
    seals,
  };
}
