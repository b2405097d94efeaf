// Attachments: content-addressed bytes (the id is their SHA-256), uploaded resumably per uploader,
// owned per station once the bytes are proven. A station reads what it owns or what a document shared
// with it references (see `readable`); the back office reads all.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/driver';
import { PlatformError } from '../errors';

/** Who asks about an attachment: an enrolled terminal (or station hub) of a station, or the back office. */
export type AttachmentCaller = { terminalId: string; stationId: string } | { backOffice: true };
export interface AttachmentState {
  sha256: string;
  received: number;
  size: number | null;
  complete: boolean;
}
/** Quota and expiry of unfinished uploads, per uploading terminal. */
export interface PartialUploadPolicy {
  /** Unfinished uploads a terminal may hold at once. */
  maxUploads: number;
  /** Their announced (else received) bytes, together. */
  maxBytes: number;
  /** An unfinished upload with no byte for this long is removed (its terminal starts again at 0). */
  expireMs: number;
}
export const DEFAULT_PARTIAL_UPLOADS: PartialUploadPolicy = { maxUploads: 32, maxBytes: 256 * 1024 * 1024, expireMs: 72 * 3_600_000 };
const BACK_OFFICE: AttachmentCaller = { backOffice: true };
/** The owner recorded for bytes the back office uploaded. Not a station id (those are digits). */
export const PLATFORM_OWNER = '#platform';
const stationOf = (c: AttachmentCaller) => ('backOffice' in c ? null : c.stationId);
const uploaderOf = (c: AttachmentCaller) => ('backOffice' in c ? PLATFORM_OWNER : c.terminalId);

export class Attachments {
  constructor(private readonly db: Database) {}

  /**
   * May `stationId` read the complete attachment `hash`? (null = the province's back office: yes.)
   * A station reads what it uploaded the bytes of (it is an owner), or what a document shared with it
   * references when that document is also an owner station's: referencing a hash in one's own
   * application grants nothing.
   */
  async readable(hash: string, stationId: string | null, q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = $1 AND complete) AND (
                $2::text IS NULL
             OR EXISTS (SELECT 1 FROM attachment_owners WHERE sha256 = $1 AND station_id = $2)
             OR EXISTS (SELECT 1 FROM documents d
                         WHERE d.collection = 'applications' AND $2::text = ANY(d.stations)
                           AND d.stations && ARRAY(SELECT station_id FROM attachment_owners WHERE sha256 = $1 AND station_id <> $2)
                           AND (d.data->'authorization'->>'letterSha256' = $1
                                OR d.data->'materials' @> jsonb_build_array(jsonb_build_object('attachments', jsonb_build_array(jsonb_build_object('sha256', $1::text))))))) AS ok`,
      [hash, stationId],
    );
    return rows[0]?.ok === true;
  }

  /**
   * The attachment as `caller` sees it: complete when it may read it; otherwise its own partial upload
   * (or null). Without a caller: the back office's view (complete attachments only).
   */
  async status(hash: string, caller: AttachmentCaller = BACK_OFFICE): Promise<AttachmentState | null> {
    if (await this.readable(hash, stationOf(caller))) {
      const rows = await this.db.query<{ size: string | number }>('SELECT size FROM attachments WHERE sha256 = $1', [hash]);
      const size = Number(rows[0]!.size);
      return { sha256: hash, received: size, size, complete: true };
    }
    const rows = await this.db.query<{ received: string | number; size: string | number | null }>(
      'SELECT received, size FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2',
      [hash, uploaderOf(caller)],
    );
    const r = rows[0];
    return r ? { sha256: hash, received: Number(r.received), size: r.size === null ? null : Number(r.size), complete: false } : null;
  }

  /**
   * Appends `data` at `offset` (must equal the received count) to the caller's own partial upload.
   * When the total is reached the bytes are hashed: a match makes the caller's station an owner (and
   * stores the bytes unless another station's upload already did); a mismatch discards the upload.
   * A new partial upload is refused over the caller's quota (`policy`); expired ones are removed first.
   */
  async append(
    hash: string,
    offset: number,
    data: Buffer,
    total: number | null,
    maxBytes: number,
    caller: AttachmentCaller = BACK_OFFICE,
    policy: PartialUploadPolicy = DEFAULT_PARTIAL_UPLOADS,
  ): Promise<AttachmentState> {
    if (total !== null && total > maxBytes) throw new PlatformError('ATTACHMENT_TOO_LARGE', `attachments are limited to ${maxBytes} bytes`, 413);
    const uploader = uploaderOf(caller);
    const station = stationOf(caller) ?? PLATFORM_OWNER;
    return this.db.transaction(async (tx) => {
      if (await this.readable(hash, stationOf(caller), tx)) {
        const size = Number((await tx.query<{ size: string | number }>('SELECT size FROM attachments WHERE sha256 = $1', [hash]))[0]!.size);
        return { sha256: hash, received: size, size, complete: true };
      }
      let rows = await tx.query<{ received: string | number; size: string | number | null }>(
        'SELECT received, size FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2 FOR UPDATE',
        [hash, uploader],
      );
      if (!rows[0]) {
        await tx.query(`DELETE FROM attachment_uploads WHERE updated_at < now() - ($1::text || ' milliseconds')::interval`, [String(policy.expireMs)]);
        const used = await tx.query<{ n: string | number; bytes: string | number | null }>(
          'SELECT count(*) AS n, sum(coalesce(size, received)) AS bytes FROM attachment_uploads WHERE uploader = $1',
          [uploader],
        );
        const n = Number(used[0]?.n ?? 0);
        const bytes = Number(used[0]?.bytes ?? 0);
        if (n + 1 > policy.maxUploads || bytes + (total ?? data.length) > policy.maxBytes) {
          throw new PlatformError(
            'ATTACHMENT_QUOTA_EXCEEDED',
            `this terminal already has ${n} unfinished uploads (${bytes} bytes; at most ${policy.maxUploads} and ${policy.maxBytes} bytes): finish them or wait until they expire (${Math.round(policy.expireMs / 3_600_000)} h after their last byte)`,
            429,
          );
        }
        await tx.query('INSERT INTO attachment_uploads (sha256, uploader, station_id, size) VALUES ($1, $2, $3, $4)', [hash, uploader, station, total]);
        rows = [{ received: 0, size: total }];
      }
      const row = rows[0]!;
      let received = Number(row.received);
      let size = row.size === null ? null : Number(row.size);
      if (total !== null && size !== null && total !== size) {
        throw new PlatformError('ATTACHMENT_OFFSET_MISMATCH', `the total size ${total} differs from the size ${size} announced earlier`, 409);
      }
      if (size === null && total !== null) size = total;
      if (offset !== received) {
        throw new PlatformError('ATTACHMENT_OFFSET_MISMATCH', `upload must continue at offset ${received}, not ${offset}`, 409);
      }
      if (received + data.length > (size ?? maxBytes)) {
        throw new PlatformError(size === null ? 'ATTACHMENT_TOO_LARGE' : 'ATTACHMENT_OFFSET_MISMATCH', 'more bytes than the announced size', size === null ? 413 : 409);
      }
      if (data.length > 0) {
        await tx.query('INSERT INTO attachment_upload_chunks (sha256, uploader, "offset", data) VALUES ($1, $2, $3, $4)', [hash, uploader, received, data]);
        received += data.length;
      }
      await tx.query('UPDATE attachment_uploads SET received = $3, size = $4, updated_at = now() WHERE sha256 = $1 AND uploader = $2', [hash, uploader, received, size]);
      if (size === null || received !== size) return { sha256: hash, received, size, complete: false };
      const h = createHash('sha256');
      const chunks = await tx.query<{ data: Uint8Array }>('SELECT data FROM attachment_upload_chunks WHERE sha256 = $1 AND uploader = $2 ORDER BY "offset"', [hash, uploader]);
      for (const c of chunks) h.update(c.data);
      if (h.digest('hex') !== hash) {
        await tx.query('DELETE FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2', [hash, uploader]);
        return { sha256: hash, received: -1, size, complete: false };
      }
      // The bytes are proven: keep them once (the first station to finish stores them), own them.
      const created = await tx.query(
        'INSERT INTO attachments (sha256, size, received, complete, completed_at) VALUES ($1, $2, $2, true, now()) ON CONFLICT (sha256) DO NOTHING RETURNING sha256',
        [hash, size],
      );
      if (created.length > 0) {
        await tx.query('INSERT INTO attachment_chunks (sha256, "offset", data) SELECT sha256, "offset", data FROM attachment_upload_chunks WHERE sha256 = $1 AND uploader = $2', [hash, uploader]);
      }
      await tx.query('DELETE FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2', [hash, uploader]);
      await tx.query('INSERT INTO attachment_owners (sha256, station_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [hash, station]);
      return { sha256: hash, received, size, complete: true };
    });
  }

  /** Partial uploads (count, bytes received) of one uploader, or of all (tests, metrics). */
  async partialUploads(caller?: AttachmentCaller): Promise<{ uploads: number; bytes: number }> {
    const rows = await this.db.query<{ n: string | number; bytes: string | number | null }>(
      'SELECT count(*) AS n, sum(received) AS bytes FROM attachment_uploads WHERE $1::text IS NULL OR uploader = $1',
      [caller ? uploaderOf(caller) : null],
    );
    return { uploads: Number(rows[0]?.n ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  async *read(hash: string): AsyncGenerator<Buffer> {
    const chunks = await this.db.query<{ offset: string | number }>('SELECT "offset" FROM attachment_chunks WHERE sha256 = $1 ORDER BY "offset"', [hash]);
    for (const c of chunks) {
      const rows = await this.db.query<{ data: Uint8Array }>('SELECT data FROM attachment_chunks WHERE sha256 = $1 AND "offset" = $2', [hash, c.offset]);
      if (rows[0]) yield Buffer.from(rows[0].data);
    }
  }
}
