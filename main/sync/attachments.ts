/**
 * Attachments on the terminal: the encrypted local store and the resumable uploader.
 *
 * Store (`<dataDir>/attachments/`, folder 0700, files 0600):
 * - One file per attachment, written atomically (temp file, fsync, rename, fsync of the folder)
 *   before `put` answers, so a reference the renderer stores in an application always has its bytes.
 * - Encrypted with AES-256-GCM under a key derived from the terminal's master key (keys.ts; the master
 *   key lives in safeStorage / a 0600 secret file). Layout: `TTA1` | iv (12) | tag (16) | ciphertext of
 *   `u32 metaLength | meta JSON {sha256,size,mimeType,fileName?,createdAt} | bytes`; the file name is
 *   bound in as additional data. Nothing on disk is readable without the key — not the bytes, not the
 *   file name, not even the SHA-256 (files are named by an HMAC of it).
 * - Main computes the SHA-256 itself and checks size, type allow-list and magic bytes.
 * - Retention: the file stays until the platform confirms the complete upload (its answer names our
 *   SHA-256 and size), then it is deleted. The platform is the record; the local copy of a resident's
 *   signature or ID copy is not kept longer than needed (the 委托书 PDF for reprinting stays in
 *   main/documents' folder).
 *
 * Release: an attachment is uploaded only once an application that references it is pushed (the
 *   sync feature calls `flush` with the push's references, which marks them released: a
 *   `<name>.rel` marker, so an upload cut by a restart still goes on). A 委托书 signed for a case that
 *   is never filed is never uploaded; `sweepAbandoned` removes such unreleased files after
 *   `ABANDONED_AFTER_MS` (30 days: longer than a field laptop can work offline, staff offlineDays ≤ 30).
 *
 * Uploader: one upload at a time, oldest first, through the shared platform client
 * (sync/client/attachments.ts): `HEAD` learns what the platform already has, then `PUT`s the rest in
 * chunks with `Content-Range`, so a cut network costs at most one chunk. A network
 * or platform failure (offline, timeout, 5xx, garbage, 401) stops the round and retries with jittered
 * backoff (sync/client/backoff.ts); a refusal of one file (413, 4xx, a hash the platform disputes) backs
 * off that file only. Nothing is deleted on a failure.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, chmodSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Backoff, backoffDelay, type BackoffOptions } from '../../sync/client/backoff';
import { AttachmentTransferError, uploadAttachment, type AttachmentTransferCode } from '../../sync/client/attachments';
import { ATTACHMENT_MIME_TYPES, hasMagic, MAX_ATTACHMENT_BYTES, type AttachmentMimeType, type AttachmentRefOut, type AttachmentStatus } from '../../preload/contract/attachment-calls';
import type { Logger } from '../core/log';
import { writeFileAtomic } from '../core/atomic-file';

const MAGIC = Buffer.from('TTA1');
const IV = 12;
const TAG = 16;
const HEADER = MAGIC.length + IV + TAG;
const FILE = /^[0-9a-f]{64}\.att$/;

const Meta = z.object({
  v: z.literal(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(0),
  mimeType: z.enum(ATTACHMENT_MIME_TYPES),
  fileName: z.string().max(200).optional(),
  createdAt: z.string().max(40),
});
type Meta = z.infer<typeof Meta>;

/** Why an attachment was refused or cannot be read; `code` is the bridge error code. */
export class AttachmentError extends Error {
  constructor(
    readonly code: 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_EMPTY' | 'ATTACHMENT_TYPE_NOT_ALLOWED' | 'ATTACHMENT_TYPE_MISMATCH' | 'LOCAL_DAMAGED' | 'NOT_FOUND',
    message: string,
    /** What the catalogue's `errors.<detail or code>` needs (renderer/i18n/locales). */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

/** Key material for the store, derived from the terminal's master key (never stored). */
export function deriveAttachmentKeys(master: Buffer): { enc: Buffer; name: Buffer } {
  return {
    enc: createHmac('sha256', master).update('attachment-store:enc:v1').digest(),
    name: createHmac('sha256', master).update('attachment-store:name:v1').digest(),
  };
}

/** Unreleased attachments (no application pushed references them) are removed after this long. */
export const ABANDONED_AFTER_MS = 30 * 24 * 3_600_000;
const RELEASED = '.rel';

export interface StoredAttachment {
  /** File name in the store (HMAC of the SHA-256). */
  name: string;
  /** An application push referenced it: to be uploaded. */
  released: boolean;
  /** Size on disk (ciphertext + overhead). */
  bytesOnDisk: number;
  mtimeMs: number;
}

export class AttachmentStore {
  readonly dir: string;
  private keys: Promise<{ enc: Buffer; name: Buffer }> | null = null;

  constructor(
    dir: string,
    private readonly masterKey: () => Promise<Buffer>,
    private readonly maxBytes = MAX_ATTACHMENT_BYTES,
  ) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      chmodSync(dir, 0o700);
    } catch {
      /* not ours to change */
    }
  }

  private k() {
    this.keys ??= this.masterKey().then(deriveAttachmentKeys);
    return this.keys;
  }

  async nameOf(sha256: string): Promise<string> {
    return `${createHmac('sha256', (await this.k()).name).update(sha256).digest('hex')}.att`;
  }

  /**
   * Validates, hashes, encrypts and durably stores the bytes. Idempotent for the same bytes. Stored
   * unreleased (not uploaded) unless `options.release`.
   */
  async put(bytes: Uint8Array, mimeType: string, fileName?: string, options: { release?: boolean } = {}): Promise<AttachmentRefOut> {
    const ref = await this.putSealed(bytes, mimeType, fileName);
    if (options.release) await this.release([ref.sha256]);
    return ref;
  }

  /** Marks stored attachments for upload (an application that references them is being pushed); unknown ones are ignored. */
  async release(sha256s: readonly string[]): Promise<number> {
    let n = 0;
    for (const s of new Set(sha256s)) {
      if (!/^[0-9a-f]{64}$/.test(s)) continue;
      const name = await this.nameOf(s);
      if (!(await stat(path.join(this.dir, name)).catch(() => null))) continue;
      const marker = path.join(this.dir, name + RELEASED);
      if (await stat(marker).catch(() => null)) continue;
      const fh = await open(marker, 'w', 0o600);
      await fh.sync().finally(() => fh.close());
      n++;
    }
    if (n) await this.syncDir();
    return n;
  }

  /** Removes attachments no pushed application referenced, stored longer than `maxAgeMs` ago (and stray markers). */
  async sweepAbandoned(maxAgeMs = ABANDONED_AFTER_MS, now = Date.now()): Promise<number> {
    let n = 0;
    const names = new Set((await readdir(this.dir).catch(() => [] as string[])));
    for (const f of names) {
      if (f.endsWith(RELEASED) && !names.has(f.slice(0, -RELEASED.length))) await rm(path.join(this.dir, f), { force: true });
    }
    for (const item of await this.list()) {
      if (item.released || now - item.mtimeMs < maxAgeMs) continue;
      await this.remove(item.name);
      n++;
    }
    return n;
  }

  private async putSealed(bytes: Uint8Array, mimeType: string, fileName?: string): Promise<AttachmentRefOut> {
    if (!(ATTACHMENT_MIME_TYPES as readonly string[]).includes(mimeType)) {
      throw new AttachmentError('ATTACHMENT_TYPE_NOT_ALLOWED', `type ${mimeType.slice(0, 60)} is not allowed`);
    }
    const mime = mimeType as AttachmentMimeType;
    if (bytes.length === 0) throw new AttachmentError('ATTACHMENT_EMPTY', 'the file is empty');
    if (bytes.length > this.maxBytes) throw new AttachmentError('ATTACHMENT_TOO_LARGE', `at most ${this.maxBytes} bytes`, { maxMb: Math.floor(this.maxBytes / 1024 / 1024) });
    if (!hasMagic(bytes, mime)) throw new AttachmentError('ATTACHMENT_TYPE_MISMATCH', `the bytes are not a ${mime} file`);

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const name = await this.nameOf(sha256);
    const file = path.join(this.dir, name);
    const ref: AttachmentRefOut = { sha256, size: bytes.length, mimeType: mime, ...(fileName ? { fileName } : {}) };
    const existing = await stat(file).catch(() => null);
    if (existing?.isFile()) return ref;

    const meta: Meta = { v: 1, sha256, size: bytes.length, mimeType: mime, ...(fileName ? { fileName } : {}), createdAt: new Date().toISOString() };
    const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(metaBytes.length);
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', (await this.k()).enc, iv);
    cipher.setAAD(Buffer.concat([MAGIC, Buffer.from(name)]));
    const ct = Buffer.concat([cipher.update(len), cipher.update(metaBytes), cipher.update(bytes), cipher.final()]);
    const sealed = Buffer.concat([MAGIC, iv, cipher.getAuthTag(), ct]);

    await writeFileAtomic(file, sealed, { durable: true });
    return ref;
  }

  private async syncDir(): Promise<void> {
    try {
      const d = await open(this.dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      /* not every file system syncs folders */
    }
  }

  /** Stored attachments, oldest first. Removes temp files a crash left behind (their put never answered). */
  async list(): Promise<StoredAttachment[]> {
    const out: StoredAttachment[] = [];
    for (const f of await readdir(this.dir).catch(() => [] as string[])) {
      if (f.endsWith('.tmp')) {
        const st = await stat(path.join(this.dir, f)).catch(() => null);
        if (st && Date.now() - st.mtimeMs > 60_000) await rm(path.join(this.dir, f), { force: true });
        continue;
      }
      if (!FILE.test(f)) continue;
      const st = await stat(path.join(this.dir, f)).catch(() => null);
      if (st?.isFile()) out.push({ name: f, released: !!(await stat(path.join(this.dir, f + RELEASED)).catch(() => null)), bytesOnDisk: st.size, mtimeMs: st.mtimeMs });
    }
    return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
  }

  async has(sha256: string): Promise<boolean> {
    return !!(await stat(path.join(this.dir, await this.nameOf(sha256))).catch(() => null));
  }

  /** Decrypts and checks one stored attachment (the bytes must hash to the recorded SHA-256). */
  async read(name: string): Promise<{ meta: Meta; bytes: Buffer }> {
    if (!FILE.test(name)) throw new AttachmentError('NOT_FOUND', 'bad name', { detail: 'ATTACHMENT_NOT_FOUND' });
    let raw: Buffer;
    try {
      raw = await readFile(path.join(this.dir, name));
    } catch {
      throw new AttachmentError('NOT_FOUND', 'no such attachment', { detail: 'ATTACHMENT_NOT_FOUND' });
    }
    const damaged = (why: string) => new AttachmentError('LOCAL_DAMAGED', `stored attachment is damaged: ${why}`);
    if (raw.length < HEADER + 4 || !raw.subarray(0, MAGIC.length).equals(MAGIC)) throw damaged('header');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', (await this.k()).enc, raw.subarray(MAGIC.length, MAGIC.length + IV));
      decipher.setAAD(Buffer.concat([MAGIC, Buffer.from(name)]));
      decipher.setAuthTag(raw.subarray(MAGIC.length + IV, HEADER));
      plain = Buffer.concat([decipher.update(raw.subarray(HEADER)), decipher.final()]);
    } catch {
      throw damaged('authentication');
    }
    const metaLen = plain.readUInt32BE(0);
    let meta: Meta;
    try {
      meta = Meta.parse(JSON.parse(plain.subarray(4, 4 + metaLen).toString('utf8')));
    } catch {
      throw damaged('metadata');
    }
    const bytes = plain.subarray(4 + metaLen);
    if (bytes.length !== meta.size || createHash('sha256').update(bytes).digest('hex') !== meta.sha256) throw damaged('hash');
    return { meta, bytes };
  }

  async remove(name: string): Promise<void> {
    if (!FILE.test(name)) return;
    await rm(path.join(this.dir, name), { force: true });
    await rm(path.join(this.dir, name + RELEASED), { force: true });
    await this.syncDir();
  }
}

// ---------------------------------------------------------------- uploader

type UploadErrorCode = AttachmentTransferCode;

/** English for these two (the page says `errors.<code>`); the transport's codes keep the sync client's text. */
const UPLOAD_MESSAGES: Record<'ATTACHMENT_REFUSED' | 'LOCAL_DAMAGED', string> = {
  ATTACHMENT_REFUSED: 'the platform refused an attachment; it stays on this terminal and is retried',
  LOCAL_DAMAGED: 'a stored attachment is damaged and cannot be uploaded',
};

/** A failed upload (the shared client's error type). */
const UploadError = AttachmentTransferError;
type UploadError = AttachmentTransferError;

export interface Connection {
  baseUrl: string;
  token: string | null;
}

export interface UploaderOptions {
  store: AttachmentStore;
  /** The sync feature's platform connection (null until enrolled). */
  connection: () => Connection | null;
  log: Logger;
  fetch?: typeof fetch;
  /** Backoff of the whole queue after a network/platform failure. */
  backoff?: BackoffOptions;
  /** Backoff of one file the platform refused. */
  fileBackoff?: BackoffOptions;
  /** Bytes per PUT (default 1 MiB): a cut network costs at most this much. */
  chunkBytes?: number;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  onChange?: (status: AttachmentStatus) => void;
}

export class AttachmentUploader {
  private readonly fetchImpl: typeof fetch;
  private readonly backoff: Backoff;
  private readonly chunk: number;
  private readonly timeoutMs: number;
  private readonly failures = new Map<string, { attempts: number; nextAt: number; code: UploadErrorCode }>();
  private listed: StoredAttachment[] = [];
  private globalNextAt = 0;
  private running: Promise<void> | null = null;
  private rerun = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly closing = new AbortController();
  private readonly stats = { uploaded: 0, lastUploadAt: null as number | null, error: null as AttachmentStatus['error'], active: false };

  constructor(private readonly o: UploaderOptions) {
    this.fetchImpl = o.fetch ?? fetch;
    this.backoff = new Backoff({ baseMs: 2000, maxMs: 5 * 60_000, ...o.backoff });
    this.chunk = Math.max(1024, o.chunkBytes ?? 1024 * 1024);
    this.timeoutMs = o.timeoutMs ?? 60_000;
  }

  status(): AttachmentStatus {
    const names = new Set(this.listed.map((l) => l.name));
    return {
      pending: this.listed.length,
      failed: [...this.failures.keys()].filter((n) => names.has(n)).length,
      pendingBytes: this.listed.reduce((n, l) => n + Math.max(0, l.bytesOnDisk - HEADER - 4 - 200), 0),
      uploaded: this.stats.uploaded,
      active: this.stats.active,
      error: this.stats.error,
      lastUploadAt: this.stats.lastUploadAt,
    };
  }

  /** Re-reads the store (after a put) and reports. */
  async refresh(): Promise<AttachmentStatus> {
    this.listed = await this.queue();
    this.changed();
    return this.status();
  }

  /** What is to be uploaded: released attachments only. */
  private async queue(): Promise<StoredAttachment[]> {
    return (await this.o.store.list()).filter((l) => l.released);
  }

  private changed() {
    if (!this.closed) this.o.onChange?.(this.status());
  }

  /**
   * Starts a round now. `reset` (the platform came back, or the operator pressed retry) also drops
   * every backoff. Resolves when the round (and any round requested meanwhile) is over.
   */
  kick(reset = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (reset) {
      this.backoff.reset();
      this.globalNextAt = 0;
      for (const f of this.failures.values()) f.nextAt = 0;
    }
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loop().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  /** Releases these (an application that references them is being pushed) and tries to upload them first. */
  async flush(sha256s: string[], budgetMs: number): Promise<void> {
    const wanted: string[] = [];
    for (const s of new Set(sha256s)) if (await this.o.store.has(s)) wanted.push(s);
    if (!wanted.length || this.closed) return;
    await this.o.store.release(wanted);
    // A push is about to hit the network anyway: try now, whatever the backoff says.
    await Promise.race([this.kick(true), new Promise((r) => setTimeout(r, budgetMs).unref?.())]);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.closing.abort();
    await this.running?.catch(() => undefined);
  }

  private schedule() {
    if (this.closed || !this.listed.length) return;
    const now = Date.now();
    const next = Math.min(...this.listed.map((l) => Math.max(this.globalNextAt, this.failures.get(l.name)?.nextAt ?? 0)));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.kick(), Math.max(50, next - now));
    this.timer.unref?.();
  }

  private async loop(): Promise<void> {
    do {
      this.rerun = false;
      this.listed = await this.queue();
      const conn = this.o.connection();
      if (Date.now() < this.globalNextAt) break;
      if (!conn?.token) {
        // Not enrolled (yet): look again later; the sync feature kicks as soon as it is connected.
        if (this.listed.length) this.globalNextAt = Date.now() + this.backoff.next();
        break;
      }
      this.stats.active = true;
      this.changed();
      try {
        for (const item of this.listed) {
          if (this.closed) return;
          const f = this.failures.get(item.name);
          if (f && f.nextAt > Date.now()) continue;
          try {
            await this.uploadOne(item.name, conn);
            this.failures.delete(item.name);
            this.stats.uploaded++;
            this.stats.lastUploadAt = Date.now();
            this.stats.error = null;
            this.backoff.reset();
            await this.o.store.remove(item.name);
          } catch (e) {
            const err = e instanceof UploadError ? e : new UploadError('BAD_RESPONSE', e instanceof Error ? e.message : 'unknown', true);
            const attempts = (f?.attempts ?? 0) + 1;
            // English for logs: the sync page says the code in the UI language (errors.<code>, errors.SYNC_<code>)
            const message = err.code in UPLOAD_MESSAGES ? UPLOAD_MESSAGES[err.code as keyof typeof UPLOAD_MESSAGES] : `the upload failed (${err.code})`;
            this.stats.error = { code: err.code, message, at: new Date().toISOString() };
            this.o.log.warn('attachments.upload-failed', { code: err.code, attempts, detail: err.message.slice(0, 200) });
            if (err.global) {
              this.failures.set(item.name, { attempts, nextAt: 0, code: err.code });
              this.globalNextAt = Date.now() + this.backoff.next();
              break;
            }
            // A damaged local copy will not heal by retrying soon: check again after an hour.
            const delay = err.code === 'LOCAL_DAMAGED' ? 3_600_000 : backoffDelay(attempts, { baseMs: 30_000, maxMs: 3_600_000, ...this.o.fileBackoff });
            this.failures.set(item.name, { attempts, nextAt: Date.now() + delay, code: err.code });
          }
        }
      } finally {
        this.listed = await this.queue();
        for (const n of this.failures.keys()) if (!this.listed.some((l) => l.name === n)) this.failures.delete(n);
        this.stats.active = false;
        this.changed();
      }
    } while (this.rerun && !this.closed);
  }

  private async uploadOne(name: string, conn: Connection): Promise<void> {
    let stored: { meta: Meta; bytes: Buffer };
    try {
      stored = await this.o.store.read(name);
    } catch (e) {
      if (e instanceof AttachmentError && e.code === 'NOT_FOUND') return; // gone meanwhile
      throw new UploadError('LOCAL_DAMAGED', e instanceof Error ? e.message : 'unreadable', false);
    }
    // The protocol itself (HEAD, chunked PUT, answer checks) is the shared platform client's.
    await uploadAttachment({ ...conn, fetch: this.fetchImpl, timeoutMs: this.timeoutMs, signal: this.closing.signal }, stored.meta.sha256, stored.bytes, this.chunk);
  }
}
