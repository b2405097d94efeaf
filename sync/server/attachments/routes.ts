// Attachments over HTTP (sync/README.md §5), resumable and per station:
//   HEAD /api/v1/attachments/:sha256  the caller's view: Upload-Offset, complete, Upload-Length
//   PUT  /api/v1/attachments/:sha256  bytes from Upload-Offset (Content-Range), streamed to the database in slices
//   GET  /api/v1/attachments/:sha256  the bytes, when the caller may read them
// Terminals act for their station; the admin token is the back office (reads all).
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sha256Hex, UPLOAD_LENGTH_HEADER, UPLOAD_OFFSET_HEADER } from '../../protocol/index';
import type { Auth } from '../auth/callers';
import { fail, PlatformError } from '../errors';
import type { AttachmentCaller, Attachments, PartialUploadPolicy } from './repository';

export interface AttachmentRouteDeps {
  attachments: Attachments;
  auth: Pick<Auth, 'caller'>;
  /** Largest attachment (LIMITS.maxAttachmentBytes). */
  maxBytes: number;
  /** Quota and expiry of unfinished uploads (sync/server/rate-limits.ts). */
  partialUploads: PartialUploadPolicy;
}

export function registerAttachments(app: FastifyInstance, deps: AttachmentRouteDeps): void {
  const { attachments, auth } = deps;

  // Attachments are streamed: the handler reads the raw request so a cut upload keeps what arrived.
  app.addContentTypeParser('application/octet-stream', (_req, _payload, done) => done(null, undefined));

  const attachmentHash = (req: FastifyRequest) => {
    const raw = (req.params as { sha256?: string }).sha256 ?? '';
    const r = sha256Hex.safeParse(raw);
    if (!r.success) throw fail('VALIDATION_FAILED', 'the attachment id must be the SHA-256 of its bytes (64 lowercase hex)', 400);
    return r.data;
  };

  /** Attachments are per station (Attachments.readable); the back office reads all. */
  const attachmentCaller = async (req: FastifyRequest): Promise<AttachmentCaller> => {
    const c = await auth.caller(req);
    return c.kind === 'admin' ? { backOffice: true } : { terminalId: c.terminalId, stationId: c.stationId };
  };

  app.head('/api/v1/attachments/:sha256', async (req, reply) => {
    const who = await attachmentCaller(req);
    const st = await attachments.status(attachmentHash(req), who);
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
    const { start, total } = parseContentRange(req.headers['content-range'], req.headers['content-length'], deps.maxBytes);
    const current = await attachments.status(hash, who);
    if (current?.complete) {
      req.raw.resume();
      return current;
    }
    if ((current?.received ?? 0) !== start) {
      req.raw.resume();
      void reply.header(UPLOAD_OFFSET_HEADER, String(current?.received ?? 0));
      throw fail('ATTACHMENT_OFFSET_MISMATCH', `upload must continue at offset ${current?.received ?? 0}, not ${start}`, 409);
    }
    const st = await receiveChunks(req.raw, hash, start, total, deps.maxBytes, who);
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
      last = await attachments.append(hash, offset, data, total, max, who, deps.partialUploads);
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
      if (pendingBytes === 0 && offset === start) last = await attachments.append(hash, offset, Buffer.alloc(0), total, max, who, deps.partialUploads);
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
    const st = await attachments.status(hash, who);
    if (!st) throw fail('NOT_FOUND', 'no attachment with this hash', 404);
    if (!st.complete) throw fail('ATTACHMENT_INCOMPLETE', `the upload is incomplete (${st.received} bytes received)`, 409);
    void reply.header('content-type', 'application/octet-stream').header('content-length', String(st.size)).header('etag', `"${hash}"`).header('cache-control', 'private, max-age=31536000, immutable');
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(attachments.read(hash)));
  });

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

