/**
 * Where rendered PDFs live between rendering, printing and discarding: `<dataDir>/documents/`.
 *
 * Documents with personal data (受理回执, 委托书, 办结单, 终止单: names, ID numbers, signatures) are
 * encrypted at rest with AES-256-GCM under a key derived from the terminal's master key
 * (main/sync/keys.ts): `<id>.pdf.enc` = `TTD1` | iv (12) | tag (16) | ciphertext, the document id
 * bound in as additional data (a file renamed to another id does not open). Printing needs a plain
 * file for the spooler: `withPlainFile` writes one (0600) under `spool/`, runs the print and removes
 * it, also when the print fails. Exports without personal data (the daily summary) are written as
 * plain `<id>.pdf` so the assistant can take the file.
 *
 * Writes go to a temp file, are synced and renamed, so a killed process leaves either the whole
 * document or none (temp leftovers and old spool files are swept at start-up).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../core/atomic-file';
import { join } from 'node:path';

const MAGIC = Buffer.from('TTD1');
const IV = 12;
const TAG = 16;

export function deriveDocumentKey(master: Buffer): Buffer {
  return createHmac('sha256', master).update('document-store:enc:v1').digest();
}

export class DocumentDecryptError extends Error {
  constructor(readonly documentId: string) {
    super('document cannot be decrypted (wrong key or damaged file)');
    this.name = 'DocumentDecryptError';
  }
}

export interface DocumentStoreOptions {
  dir: string;
  /** The terminal's master key (loaded on first use). */
  masterKey: () => Promise<Buffer>;
}

export class DocumentStore {
  readonly dir: string;
  private readonly spoolDir: string;
  private key: Promise<Buffer> | null = null;

  constructor(private readonly options: DocumentStoreOptions) {
    this.dir = options.dir;
    this.spoolDir = join(options.dir, 'spool');
  }

  private encKey(): Promise<Buffer> {
    this.key ??= this.options.masterKey().then(deriveDocumentKey);
    return this.key;
  }

  /** File of a document: encrypted (personal data) or plain (an export). */
  private encPath = (id: string) => join(this.dir, `${id}.pdf.enc`);
  /** Plain export path (no personal data). */
  plainPath = (id: string) => join(this.dir, `${id}.pdf`);

  private atomicWrite(path: string, bytes: Buffer): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomicSync(path, bytes, { durable: true });
  }

  /** Stores a document with personal data, encrypted. */
  async writeEncrypted(id: string, pdf: Uint8Array): Promise<void> {
    const key = await this.encKey();
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const ct = Buffer.concat([cipher.update(pdf), cipher.final()]);
    this.atomicWrite(this.encPath(id), Buffer.concat([MAGIC, iv, cipher.getAuthTag(), ct]));
  }

  /** Stores an export without personal data as a plain PDF; returns its path. */
  writePlain(id: string, pdf: Uint8Array): string {
    this.atomicWrite(this.plainPath(id), Buffer.from(pdf));
    return this.plainPath(id);
  }

  has(id: string): boolean {
    return existsSync(this.encPath(id)) || existsSync(this.plainPath(id));
  }

  /** The PDF bytes, or null when there is no such document. Throws DocumentDecryptError on a bad file. */
  async read(id: string): Promise<Buffer | null> {
    if (existsSync(this.plainPath(id))) return readFileSync(this.plainPath(id));
    if (!existsSync(this.encPath(id))) return null;
    const data = readFileSync(this.encPath(id));
    if (data.length < MAGIC.length + IV + TAG || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw new DocumentDecryptError(id);
    const key = await this.encKey();
    const iv = data.subarray(MAGIC.length, MAGIC.length + IV);
    const tag = data.subarray(MAGIC.length + IV, MAGIC.length + IV + TAG);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data.subarray(MAGIC.length + IV + TAG)), decipher.final()]);
    } catch {
      throw new DocumentDecryptError(id);
    }
  }

  /**
   * Runs `fn` with a plain copy of the document (for the spooler) and removes the copy afterwards,
   * whether `fn` succeeds or fails. Plain exports are passed as they are.
   */
  async withPlainFile<T>(id: string, fn: (path: string) => Promise<T>): Promise<T | null> {
    if (existsSync(this.plainPath(id))) return fn(this.plainPath(id));
    const pdf = await this.read(id);
    if (!pdf) return null;
    mkdirSync(this.spoolDir, { recursive: true, mode: 0o700 });
    const path = join(this.spoolDir, `${randomUUID()}.pdf`);
    writeFileSync(path, pdf, { mode: 0o600 });
    try {
      return await fn(path);
    } finally {
      rmSync(path, { force: true });
    }
  }

  remove(id: string): boolean {
    const had = this.has(id);
    rmSync(this.encPath(id), { force: true });
    rmSync(this.plainPath(id), { force: true });
    return had;
  }

  /** Start-up: removes documents older than `maxAgeMs`, unfinished writes and every spool copy. */
  sweep(maxAgeMs: number, now = Date.now()): number {
    let removed = 0;
    rmSync(this.spoolDir, { recursive: true, force: true });
    for (const f of existsSync(this.dir) ? readdirSync(this.dir) : []) {
      const p = join(this.dir, f);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      if (f.endsWith('.tmp') || now - st.mtimeMs > maxAgeMs) {
        rmSync(p, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
