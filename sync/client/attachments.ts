// Attachments over the platform protocol (`HEAD/PUT/GET /attachments/:sha256`, sync/README.md §5):
// the resumable chunked upload and the checked download, for the terminal's uploader (main/sync)
// and the station hub's upstream drain (sync/server/hub). Runtime-neutral (fetch, Web Crypto).
//
// Upload: `HEAD` learns what the platform already has, then `PUT`s the rest in chunks with
// `Content-Range`, so a cut network costs at most one chunk. Every answer is checked against the
// bytes we hold: a platform that claims a wrong hash, size or offset is a BAD_RESPONSE, never "done".
// Download: the bytes must hash to the id and stay under the size limit.
import { attachmentStatus as platformAttachmentStatus, LIMITS, paths, PROTOCOL_HEADER, PROTOCOL_VERSION, UPLOAD_LENGTH_HEADER, UPLOAD_OFFSET_HEADER } from '../protocol/index';
import type { SyncErrorCode } from './errors';
import type { FetchLike } from './transport';

export type AttachmentTransferCode = SyncErrorCode | 'ATTACHMENT_REFUSED' | 'LOCAL_DAMAGED';

/** A failed transfer. `global`: the whole round should stop (network / platform trouble), not just this file. */
export class AttachmentTransferError extends Error {
  constructor(
    readonly code: AttachmentTransferCode,
    message: string,
    readonly global: boolean,
  ) {
    super(message);
    this.name = 'AttachmentTransferError';
  }
}

export interface AttachmentConnection {
  baseUrl: string;
  token: string | null;
  fetch?: FetchLike;
  /** Per-request timeout, ms (default 60 s). */
  timeoutMs?: number;
  /** Aborts every request at once (the owner is closing). */
  signal?: AbortSignal;
}

interface Answer {
  res: Response;
  done: () => void;
}

async function request(conn: AttachmentConnection, url: string, init: RequestInit): Promise<Answer> {
  const timeoutMs = conn.timeoutMs ?? 60_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const signal = conn.signal ? AbortSignal.any([controller.signal, conn.signal]) : controller.signal;
    const res = await (conn.fetch ?? fetch)(url, { ...init, signal, redirect: 'error' });
    return { res, done: () => clearTimeout(timer) };
  } catch (e) {
    clearTimeout(timer);
    if (controller.signal.aborted) throw new AttachmentTransferError('TIMEOUT', `${init.method}: no answer within ${timeoutMs} ms`, true);
    throw new AttachmentTransferError('OFFLINE', `${init.method}: ${e instanceof Error ? e.message : 'network error'}`, true);
  }
}

function headers(conn: AttachmentConnection): Record<string, string> {
  if (!conn.token) throw new AttachmentTransferError('NOT_ENROLLED', 'no platform token', true);
  return { authorization: `Bearer ${conn.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
}

const urlOf = (conn: AttachmentConnection, sha256: string) => conn.baseUrl.replace(/\/+$/, '') + paths.attachment(sha256);

async function readSmallJson(a: Answer): Promise<unknown> {
  try {
    const buf = await a.res.arrayBuffer();
    if (buf.byteLength > 64 * 1024) return null;
    const text = new TextDecoder().decode(buf);
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  } finally {
    a.done();
  }
}

function errorCode(json: unknown): string | null {
  const code = (json as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code.slice(0, 64) : null;
}

export function attachmentStatusError(status: number, what: string): AttachmentTransferError {
  if (status === 401) return new AttachmentTransferError('UNAUTHORIZED', `${what}: HTTP 401`, true);
  if (status >= 500 || status === 429 || status === 408) return new AttachmentTransferError('SERVER_ERROR', `${what}: HTTP ${status}`, true);
  if (status === 426 || status === 410) return new AttachmentTransferError('UPGRADE_REQUIRED', `${what}: HTTP ${status}`, true);
  if (status >= 200 && status < 300) return new AttachmentTransferError('BAD_RESPONSE', `${what}: unexpected HTTP ${status}`, true);
  return new AttachmentTransferError('ATTACHMENT_REFUSED', `${what}: HTTP ${status}`, false);
}

/** `HEAD`: the platform's offset for this id, or 'complete' when it holds exactly `size` bytes already. */
export async function headAttachment(conn: AttachmentConnection, sha256: string, size: number): Promise<number | 'complete'> {
  const a = await request(conn, urlOf(conn, sha256), { method: 'HEAD', headers: headers(conn) });
  await a.res.arrayBuffer().catch(() => undefined);
  a.done();
  if (a.res.status === 404) return 0;
  if (a.res.status !== 200) throw attachmentStatusError(a.res.status, 'HEAD');
  const off = a.res.headers.get(UPLOAD_OFFSET_HEADER) ?? '';
  const len = a.res.headers.get(UPLOAD_LENGTH_HEADER);
  const complete = a.res.headers.get('x-attachment-complete');
  if (!/^\d{1,12}$/.test(off) || (len !== null && !/^\d{1,12}$/.test(len)) || (complete !== 'true' && complete !== 'false')) {
    throw new AttachmentTransferError('BAD_RESPONSE', 'HEAD answered without valid upload headers', true);
  }
  const offset = Number(off);
  if (len !== null && Number(len) !== size) throw new AttachmentTransferError('ATTACHMENT_REFUSED', `the platform expects ${len} bytes for this id, we hold ${size}`, false);
  if (complete === 'true') {
    if (len === null || offset !== size) throw new AttachmentTransferError('BAD_RESPONSE', 'HEAD says complete with a size that is not ours', true);
    return 'complete';
  }
  if (offset > size) throw new AttachmentTransferError('BAD_RESPONSE', 'HEAD offset beyond the size', true);
  return offset;
}

/**
 * Uploads `bytes` (whose SHA-256 is `sha256`) from wherever the platform left off. Resolves when the
 * platform confirms the complete attachment (its answer names our hash and size); throws
 * AttachmentTransferError otherwise.
 */
export async function uploadAttachment(conn: AttachmentConnection, sha256: string, bytes: Uint8Array, chunkBytes = 1024 * 1024): Promise<void> {
  const size = bytes.length;
  const chunk = Math.max(1024, chunkBytes);
  const url = urlOf(conn, sha256);
  const auth = headers(conn);
  let offset = await headAttachment(conn, sha256, size);
  if (offset === 'complete') return;
  for (let rounds = 0; rounds < Math.ceil(size / chunk) + 8; rounds++) {
    const end = Math.min(size, offset + chunk);
    const a = await request(conn, url, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-range': end > offset ? `bytes ${offset}-${end - 1}/${size}` : `bytes ${offset}-/${size}` },
      body: new Uint8Array(bytes.subarray(offset, end)),
    });
    const json = await readSmallJson(a);
    const status = a.res.status;
    if (status === 200 || status === 201 || status === 202) {
      const st = platformAttachmentStatus.safeParse(json);
      if (!st.success || st.data.sha256 !== sha256) throw new AttachmentTransferError('BAD_RESPONSE', `PUT answered ${status} without a valid status for this attachment`, true);
      if (st.data.complete) {
        if (st.data.size !== size || st.data.received !== size) throw new AttachmentTransferError('BAD_RESPONSE', `the platform reports ${st.data.size}/${st.data.received} bytes for a ${size}-byte attachment`, true);
        return;
      }
      if (status !== 202 || st.data.received > size || st.data.received < 0) throw new AttachmentTransferError('BAD_RESPONSE', `PUT answered ${status} with an impossible offset`, true);
      if (st.data.received >= size) throw new AttachmentTransferError('BAD_RESPONSE', 'the platform has every byte but did not complete the attachment', true);
      offset = st.data.received;
      continue;
    }
    const code = errorCode(json);
    if (status === 409 && code === 'ATTACHMENT_OFFSET_MISMATCH') {
      const h = await headAttachment(conn, sha256, size);
      if (h === 'complete') return;
      offset = h;
      continue;
    }
    if (status === 422 && code === 'ATTACHMENT_HASH_MISMATCH') {
      // The platform discarded what it had (bytes damaged on the way?): this file starts over later.
      throw new AttachmentTransferError('ATTACHMENT_REFUSED', 'the platform disputes the hash; the upload starts over', false);
    }
    throw attachmentStatusError(status, `PUT ${code ?? ''}`);
  }
  throw new AttachmentTransferError('BAD_RESPONSE', 'the upload made no progress', true);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * `GET`: the bytes of a complete attachment, checked against its id. `null` when the platform has
 * none (404) or only part of it (409 ATTACHMENT_INCOMPLETE).
 */
export async function downloadAttachment(conn: AttachmentConnection, sha256: string, maxBytes: number = LIMITS.maxAttachmentBytes): Promise<Uint8Array | null> {
  const a = await request(conn, urlOf(conn, sha256), { method: 'GET', headers: headers(conn) });
  try {
    if (a.res.status === 404 || a.res.status === 409) {
      await a.res.body?.cancel().catch(() => undefined);
      return null;
    }
    if (a.res.status !== 200) {
      await a.res.body?.cancel().catch(() => undefined);
      throw attachmentStatusError(a.res.status, 'GET');
    }
    const len = a.res.headers.get('content-length');
    if (len && /^\d+$/.test(len) && Number(len) > maxBytes) {
      await a.res.body?.cancel().catch(() => undefined);
      throw new AttachmentTransferError('BAD_RESPONSE', `GET: ${len} bytes announced; at most ${maxBytes}`, true);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (a.res.body) {
      const reader = a.res.body.getReader();
      for (;;) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch {
          throw new AttachmentTransferError('OFFLINE', 'GET: connection lost while reading the bytes', true);
        }
        if (r.done) break;
        total += r.value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new AttachmentTransferError('BAD_RESPONSE', `GET: more than ${maxBytes} bytes`, true);
        }
        chunks.push(r.value);
      }
    }
    const all = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.byteLength;
    }
    if ((await sha256Hex(all)) !== sha256) throw new AttachmentTransferError('BAD_RESPONSE', 'GET: the bytes do not hash to the id', true);
    return all;
  } finally {
    a.done();
  }
}
