// The terminal's HTTP transport to the platform (runs in main under Node, or any fetch runtime).
// Holds the token, bounds every request (timeout, response size), validates every answer with the
// protocol schemas and turns failures into SyncTransportError codes. A hostile or broken platform
// can make a request fail, never corrupt what the terminal stores.
import { z } from 'zod';
import {
  documentSchemas,
  enrollResponse,
  type EnrollRequest,
  meResponse,
  type MeResponse,
  errorResponse,
  healthResponse,
  LIMITS,
  MAX_LOOKUP_RESULTS,
  paths,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  pushResponse,
  rejection,
  type Checkpoint,
  type CollectionName,
  type EnrollResponse,
  type RefusalIssue,
  type RefusalParams,
  type RefusedField,
} from '../protocol/index';
import { checkpoint as checkpointSchema } from '../protocol/index';
import { MAX_ERROR_DETAIL_CHARS, MAX_ERROR_DETAILS, SyncTransportError } from './errors';
import { downloadAttachment, headAttachment, uploadAttachment } from './attachments';
import { sanitizeRefusalIssues, sanitizeRefusalParams, sanitizeRefusedFields } from './refused-fields';

export type FetchLike = typeof fetch;

export interface PlatformClientOptions {
  baseUrl: string;
  token?: string | null;
  fetch?: FetchLike;
  /** Per-request timeout, ms (default 30 s). */
  timeoutMs?: number;
  /** Largest response body accepted, bytes (default 32 MiB). */
  maxResponseBytes?: number;
  /** Largest request body sent, bytes (default: the platform's limit minus a margin). */
  maxBodyBytes?: number;
  /** Called after every answered request (any status): the platform is reachable. */
  onContact?: () => void;
}

export interface PushRowIn {
  assumedMasterState?: Record<string, unknown> | null;
  newDocumentState: Record<string, unknown>;
}

export interface PushRejection {
  id: string;
  code: string;
  /** The platform's English (for logs), or the Chinese words of a platform from before `params`. */
  message: string;
  /** `FORM_INVALID`: the refused form fields (validated paths, ≤ 20), from the platform's `issues`. */
  fields?: RefusedField[];
  /** The parameters of the refusal's words (the terminal's catalogue, `refusal.<code>`), sanitized. */
  params?: RefusalParams;
  /** `FORM_INVALID`: what is wrong, problem by problem (code and params, ≤ 20), from the platform's `issues`. */
  issues?: RefusalIssue[];
}

export interface PushResult {
  conflicts: Record<string, unknown>[];
  rejections: PushRejection[];
  /** Entries of the platform's `issues` and `params` that were malformed and left out (counted, for logs). */
  droppedFields?: number;
  /** Ids of accepted rows the platform stored otherwise than pushed; their stored state is in `conflicts`. */
  adjusted?: string[];
}

export interface PullResult {
  documents: Record<string, unknown>[];
  checkpoint: Checkpoint;
  skipped: number;
}

const DEFAULT_MAX_RESPONSE = 32 * 1024 * 1024;
/** `droppedFields` is a count for logs; it stops here (the bridge contract's bound). */
const MAX_DROPPED_COUNT = 1_000_000;

/**
 * The push answer as this terminal reads it: rejection codes it does not know yet (a newer
 * platform) are kept as they are — a refused document is quarantined whatever the reason — instead
 * of failing the whole answer and retrying the batch forever. `issues` and `params` are read entry
 * by entry (`sanitizeRefusedFields`, `sanitizeRefusalIssues`, `sanitizeRefusalParams`): a
 * malformed or oversized list loses its bad entries, not the answer.
 */
const pushAnswer = pushResponse.extend({
  rejections: z.array(rejection.extend({ code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/), params: z.unknown().optional(), userMessage: z.unknown().optional(), issues: z.unknown().optional() })),
});

/**
 * What the terminal keeps as the refusal's message: the Chinese words a platform from before
 * `params` sent (`userMessage`), else the English. The terminal words a refusal with `params` itself.
 */
function rejectionMessage(x: z.infer<typeof pushAnswer>['rejections'][number]): string {
  return typeof x.userMessage === 'string' && x.userMessage ? x.userMessage.slice(0, 2000) : x.message.slice(0, 1000);
}

export class PlatformClient {
  readonly baseUrl: string;
  token: string | null;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxBodyBytes: number;

  constructor(private readonly options: PlatformClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
    this.maxBodyBytes = options.maxBodyBytes ?? LIMITS.maxBodyBytes - 64 * 1024;
  }

  // ---------------------------------------------------------------- requests

  /** One request; resolves with the parsed JSON of a 2xx answer, or throws SyncTransportError. */
  async request(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
    if (auth && !this.token) throw new SyncTransportError('NOT_ENROLLED', 'the terminal has no platform token');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers: {
          accept: 'application/json',
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          ...(auth && this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        signal: controller.signal,
        redirect: 'error',
      });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) throw new SyncTransportError('TIMEOUT', `${method} ${path}: no answer within ${this.timeoutMs} ms`);
      throw new SyncTransportError('OFFLINE', `${method} ${path}: ${error instanceof Error ? error.message : 'network error'}`);
    }
    let text: string;
    try {
      text = await readLimited(res, this.maxResponseBytes);
    } catch (error) {
      if (error instanceof SyncTransportError) throw error;
      if (controller.signal.aborted) throw new SyncTransportError('TIMEOUT', `${method} ${path}: the answer did not finish within ${this.timeoutMs} ms`);
      throw new SyncTransportError('OFFLINE', `${method} ${path}: connection lost while reading the answer`);
    } finally {
      clearTimeout(timer);
    }
    this.options.onContact?.();
    let json: unknown;
    try {
      json = text.length ? JSON.parse(text) : null;
    } catch {
      if (res.status >= 500) throw new SyncTransportError('SERVER_ERROR', `${method} ${path}: HTTP ${res.status}`, res.status);
      throw new SyncTransportError('BAD_RESPONSE', `${method} ${path}: HTTP ${res.status} with a body that is not JSON`, res.status);
    }
    if (res.status >= 200 && res.status < 300) return json;
    const err = errorResponse.safeParse(json);
    const code = err.success ? err.data.error.code : null;
    const msg = `${method} ${path}: HTTP ${res.status}${code ? ` ${code}` : ''}${err.success ? `: ${err.data.error.message.slice(0, 300)}` : ''}`;
    if (res.status === 401) throw new SyncTransportError('UNAUTHORIZED', msg, 401);
    if (res.status === 426 || res.status === 410 || code === 'CLIENT_UPGRADE_REQUIRED' || code === 'API_VERSION_UNSUPPORTED') {
      throw new SyncTransportError('UPGRADE_REQUIRED', msg, res.status);
    }
    if (code === 'ENROLL_CODE_INVALID') throw new SyncTransportError('ENROLL_FAILED', msg, res.status);
    if (res.status >= 500 || res.status === 429 || res.status === 408) throw new SyncTransportError('SERVER_ERROR', msg, res.status);
    const details = err.success ? err.data.error.details?.slice(0, MAX_ERROR_DETAILS).map((d) => ({ path: d.path.slice(0, MAX_ERROR_DETAIL_CHARS), message: d.message.slice(0, MAX_ERROR_DETAIL_CHARS) })) : undefined;
    throw new SyncTransportError('REQUEST_REFUSED', msg, res.status, code ?? undefined, details?.length ? details : undefined);
  }

  // ---------------------------------------------------------------- API

  async health(): Promise<void> {
    const r = healthResponse.safeParse(await this.request('GET', paths.health, undefined, false));
    if (!r.success) throw new SyncTransportError('BAD_RESPONSE', 'health: unexpected answer');
  }

  async enroll(code: string, label?: string, kind?: 'terminal' | 'station_hub', seal?: EnrollRequest['seal']): Promise<EnrollResponse> {
    const r = enrollResponse.safeParse(await this.request('POST', paths.enroll, { code, ...(label ? { label } : {}), ...(kind ? { kind } : {}), ...(seal ? { seal } : {}) }, false));
    if (!r.success) throw new SyncTransportError('BAD_RESPONSE', 'enroll: unexpected answer');
    return r.data;
  }

  /** Who the platform knows this terminal as; carries the province's ID lookup hash key. */
  async me(): Promise<MeResponse> {
    const r = meResponse.safeParse(await this.request('GET', paths.me));
    if (!r.success) throw new SyncTransportError('BAD_RESPONSE', 'me: unexpected answer');
    return r.data;
  }

  /** One page after `since`; documents that fail the protocol schema are counted in `skipped`, never returned. */
  /** `recentDays`: a bounded pull (protocol `pullQuery`): of a history collection, only recent and open documents. */
  async pull(collection: CollectionName, since: Checkpoint | null, limit: number, options: { recentDays?: number } = {}): Promise<PullResult> {
    const q = new URLSearchParams({ checkpoint: String(since?.seq ?? 0), limit: String(Math.min(limit, LIMITS.maxPullLimit)) });
    if (options.recentDays !== undefined) q.set('recentDays', String(options.recentDays));
    const json = await this.request('GET', `${paths.pull(collection)}?${q.toString()}`);
    if (!json || typeof json !== 'object' || !Array.isArray((json as { documents?: unknown }).documents)) {
      throw new SyncTransportError('BAD_RESPONSE', `pull ${collection}: the answer has no documents array`);
    }
    const cp = checkpointSchema.safeParse((json as { checkpoint?: unknown }).checkpoint);
    if (!cp.success) throw new SyncTransportError('BAD_RESPONSE', `pull ${collection}: the answer has no valid checkpoint`);
    const raw = (json as { documents: unknown[] }).documents;
    if (raw.length > limit) throw new SyncTransportError('BAD_RESPONSE', `pull ${collection}: ${raw.length} documents for a limit of ${limit}`);
    const schema = documentSchemas[collection];
    const documents: Record<string, unknown>[] = [];
    let skipped = 0;
    for (const d of raw) {
      const r = schema.safeParse(d);
      if (r.success) documents.push(r.data as Record<string, unknown>);
      else skipped++;
    }
    return { documents, checkpoint: cp.data, skipped };
  }

  /**
   * The station's applications by id or applicant hashes, however old (the bounded pull's on-demand
   * complement). Documents that fail the protocol schema are skipped and counted, as in a pull.
   */
  async lookupApplications(query: { id: string } | { applicantIdHashes: readonly string[] }): Promise<{ documents: Record<string, unknown>[]; skipped: number }> {
    const q = new URLSearchParams();
    if ('id' in query) q.set('id', query.id);
    else for (const h of query.applicantIdHashes) q.append('applicantIdHash', h);
    const json = await this.request('GET', `${paths.applicationLookup}?${q.toString()}`);
    const raw = json && typeof json === 'object' ? (json as { documents?: unknown }).documents : undefined;
    if (!Array.isArray(raw)) throw new SyncTransportError('BAD_RESPONSE', 'lookup: the answer has no documents array');
    if (raw.length > MAX_LOOKUP_RESULTS) throw new SyncTransportError('BAD_RESPONSE', `lookup: ${raw.length} documents, more than ${MAX_LOOKUP_RESULTS}`);
    const documents: Record<string, unknown>[] = [];
    let skipped = 0;
    for (const d of raw) {
      const r = documentSchemas.applications.safeParse(d);
      if (r.success) documents.push(r.data as Record<string, unknown>);
      else skipped++;
    }
    return { documents, skipped };
  }

  /**
   * Pushes rows in batches under the platform's row and body limits. A single document too large
   * to send is answered as a `TOO_LARGE` rejection (quarantined by the caller), never an endless retry.
   */
  async push(collection: CollectionName, rows: PushRowIn[]): Promise<PushResult> {
    const result: PushResult = { conflicts: [], rejections: [] };
    const sized = rows.map((row) => ({ row, bytes: byteLength(JSON.stringify(row)) }));
    let batch: typeof sized = [];
    let bytes = 2;
    const flush = async () => {
      if (batch.length === 0) return;
      const r = await this.pushBatch(collection, batch.map((b) => b.row));
      result.conflicts.push(...r.conflicts);
      result.rejections.push(...r.rejections);
      if (r.adjusted?.length) (result.adjusted ??= []).push(...r.adjusted);
      if (r.droppedFields) result.droppedFields = Math.min(MAX_DROPPED_COUNT, (result.droppedFields ?? 0) + r.droppedFields);
      batch = [];
      bytes = 2;
    };
    for (const s of sized) {
      if (s.bytes + 2 > this.maxBodyBytes) {
        result.rejections.push({ id: idOf(s.row), code: 'TOO_LARGE', message: `the document is ${s.bytes} bytes; the platform accepts at most ${this.maxBodyBytes}` });
        continue;
      }
      if (batch.length >= LIMITS.maxPushRows || bytes + s.bytes + 1 > this.maxBodyBytes) await flush();
      batch.push(s);
      bytes += s.bytes + 1;
    }
    await flush();
    return result;
  }

  // ---------------------------------------------------------------- attachments (sync/client/attachments.ts)

  /** The connection the attachment calls use: this client's URL, token and fetch. */
  attachmentConnection(extra: { timeoutMs?: number; signal?: AbortSignal } = {}) {
    return { baseUrl: this.baseUrl, token: this.token, fetch: this.fetchImpl, timeoutMs: extra.timeoutMs ?? this.timeoutMs * 2, ...(extra.signal ? { signal: extra.signal } : {}) };
  }

  /** Resumable upload (HEAD, then chunked PUT); throws AttachmentTransferError. */
  async uploadAttachment(sha256: string, bytes: Uint8Array, options: { chunkBytes?: number; signal?: AbortSignal } = {}): Promise<void> {
    await uploadAttachment(this.attachmentConnection(options), sha256, bytes, options.chunkBytes);
    this.options.onContact?.();
  }

  /** What the platform holds of an attachment: its offset, or 'complete'. */
  async headAttachment(sha256: string, size: number): Promise<number | 'complete'> {
    const r = await headAttachment(this.attachmentConnection(), sha256, size);
    this.options.onContact?.();
    return r;
  }

  /** The bytes (checked against the hash), or null when the platform has no complete copy. */
  async downloadAttachment(sha256: string, maxBytes?: number): Promise<Uint8Array | null> {
    const r = await downloadAttachment(this.attachmentConnection(), sha256, maxBytes);
    this.options.onContact?.();
    return r;
  }

  private async pushBatch(collection: CollectionName, rows: PushRowIn[]): Promise<PushResult> {
    let json: unknown;
    try {
      json = await this.request('POST', paths.push(collection), rows);
    } catch (error) {
      // The platform's limits may be lower than ours: split and try again; a lone row is rejected.
      if (error instanceof SyncTransportError && error.status === 413) {
        if (rows.length === 1) return { conflicts: [], rejections: [{ id: idOf(rows[0]!), code: 'TOO_LARGE', message: 'the platform refused the document as too large' }] };
        const mid = Math.ceil(rows.length / 2);
        const a = await this.pushBatch(collection, rows.slice(0, mid));
        const b = await this.pushBatch(collection, rows.slice(mid));
        const dropped = Math.min(MAX_DROPPED_COUNT, (a.droppedFields ?? 0) + (b.droppedFields ?? 0));
        const adjusted = [...(a.adjusted ?? []), ...(b.adjusted ?? [])];
        return { conflicts: [...a.conflicts, ...b.conflicts], rejections: [...a.rejections, ...b.rejections], ...(dropped ? { droppedFields: dropped } : {}), ...(adjusted.length ? { adjusted } : {}) };
      }
      throw error;
    }
    const r = pushAnswer.safeParse(json);
    if (!r.success) throw new SyncTransportError('BAD_RESPONSE', `push ${collection}: unexpected answer`);
    const schema = documentSchemas[collection];
    const sent = new Set(rows.map(idOf));
    const conflicts: Record<string, unknown>[] = [];
    for (const c of r.data.conflicts) {
      const p = schema.safeParse(c);
      // A conflict must be the platform's state of a document we sent; anything else is garbage.
      if (!p.success || !sent.has(String((p.data as { id: unknown }).id))) {
        throw new SyncTransportError('BAD_RESPONSE', `push ${collection}: a conflict document is invalid or was not sent`);
      }
      conflicts.push(p.data as Record<string, unknown>);
    }
    let droppedFields = 0;
    const rejections = r.data.rejections.map((x): PushRejection => {
      const { fields, dropped } = sanitizeRefusedFields(x.issues);
      const words = sanitizeRefusalIssues(x.issues);
      const { params, dropped: droppedParams } = sanitizeRefusalParams(x.params);
      // A list that is not an array is counted once (by the fields); coded entries and params count their own.
      droppedFields = Math.min(MAX_DROPPED_COUNT, droppedFields + dropped + (Array.isArray(x.issues) ? words.dropped : 0) + droppedParams);
      return {
        id: x.id.startsWith('#') ? idOf(rows[x.index] ?? { newDocumentState: {} }) : x.id,
        code: x.code,
        message: rejectionMessage(x),
        ...(fields.length ? { fields } : {}),
        ...(Object.keys(params).length ? { params } : {}),
        ...(words.issues.length ? { issues: words.issues } : {}),
      };
    });
    // Adjusted rows: only ids we sent whose stored state came with the answer (else it is not ours to trust).
    const answered = new Set(conflicts.map((c) => String(c.id)));
    const adjusted = [...new Set(r.data.adjusted ?? [])].filter((id) => sent.has(id) && answered.has(id));
    return { conflicts, rejections, ...(droppedFields ? { droppedFields } : {}), ...(adjusted.length ? { adjusted } : {}) };
  }
}

function idOf(row: PushRowIn): string {
  const id = row.newDocumentState.id;
  return typeof id === 'string' ? id.slice(0, 200) : '(no id)';
}

const encoder = new TextEncoder();
export const byteLength = (s: string): number => encoder.encode(s).length;

/** Reads a response body, refusing more than `max` bytes. */
export async function readLimited(res: Response, max: number): Promise<string> {
  const len = res.headers.get('content-length');
  if (len && /^\d+$/.test(len) && Number(len) > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new SyncTransportError('BAD_RESPONSE', `the answer is ${len} bytes; at most ${max} are accepted`, res.status);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new SyncTransportError('BAD_RESPONSE', `the answer exceeds ${max} bytes`, res.status);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}
