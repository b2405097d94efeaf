/**
 * Field encryption at rest for the terminal's collections: the members a schema lists under
 * `encrypted` are stored as AES-256-GCM ciphertext (WebCrypto `crypto.subtle`: the same code path in
 * Chromium and in Node ≥ 20), one key per database derived once from the password.
 *
 * Format of a stored member (version 1): `g1.` + base64url(iv ‖ ciphertext ‖ tag): a random 96-bit IV
 * per encryption, a 128-bit tag. The additional authenticated data binds the ciphertext to where it
 * belongs: `g1` NUL storage-collection NUL primary key NUL member, so a ciphertext copied into another
 * document, another member or another collection fails to decrypt (`FIELD_CIPHER_REJECTED`) instead
 * of reading as someone else's data. The plaintext is the member's JSON.
 *
 * Key: HKDF-SHA256(password, salt, info "terminal field encryption g1") → AES-256-GCM key,
 * non-extractable. HKDF, not PBKDF2: the password is not a human's but a 256-bit HMAC output main
 * derives per database from its random master key (main/sync/keys.ts `derivePassword`), so there is
 * nothing to slow a guesser down for; an iteration count would only cost every window's open. The
 * salt (32 random bytes) is per database, made on first open and kept in a small storage instance
 * of its own beside the collections (`field-encryption-key`, one document `g1`; a second window that
 * races to make it takes the one written first). A damaged salt is refused (`FIELD_KEY_STORE`), never
 * replaced: that would make the data unreadable.
 *
 * Legacy format: stores written before this (rxdb's crypto-js wrapper, `encryptString`: OpenSSL
 * format, `U2FsdGVkX1…`, a key derived from the password by MD5 on every call) still read, through
 * crypto-js (kept for that only). crypto-js has no authentication: a legacy member whose plaintext is
 * not JSON (wrong password, damage) is refused the same way. Writing is always the new format.
 *
 * Migration of existing stores: lazily on every write (a member read in the legacy format is
 * encrypted anew when written, never re-used), and in the background after open: each encrypted
 * storage instance walks its stored documents in batches (`getChangedDocumentsSince`, by last-write
 * time), re-encrypts the legacy members of a batch and writes them back in one storage write whose
 * `previous` is the stored document (a document the app changed meanwhile is a conflict and
 * skipped: it was written in the new format anyway). Revision and last-write time stay as they were
 * and these writes are hidden from RxDB's change stream (their context, `MIGRATION_CONTEXT`): the
 * plaintext did not change, so nothing is pushed again, no query re-runs. Every member is readable
 * in either format at any moment, so a process killed between (or inside) batches loses nothing: the
 * next open finds the legacy members left and carries on. A legacy member that does not decrypt is
 * left as it is and counted (`failed`). A whole pass that leaves no legacy member writes a marker
 * (`migrated|<collection>|<schema version>` in the key store), so later opens do not walk the store
 * again (nothing writes the legacy format any more).
 *
 * Errors: `FieldEncryptionError` with a `code`: `FIELD_NOT_CIPHERTEXT` (a stored member that is not a
 * string), `FIELD_CIPHER_MALFORMED` (neither format, bad base64url, too short),
 * `FIELD_CIPHER_REJECTED` (wrong password, tampered or moved ciphertext: the tag does not verify),
 * `FIELD_KEY_STORE` (the salt document is damaged). Messages are English and name the member and the
 * document id, never content.
 *
 * Caches, per storage instance (collection or replication meta instance): WebCrypto is far cheaper
 * than crypto-js per call but asynchronous, and the replication still decrypts the same ciphertext
 * several times (every write's change event decrypts the written document and the one it replaced;
 * the upstream reads back what it just wrote) and encrypts the `previous` of every write (used by the
 * storage only for its revision). So one cache per storage instance, per document member (by
 * document id, then member): the last two (ciphertext, plaintext JSON) pairs written or read there.
 * A read is answered from it only for that very ciphertext string at that very document member (the
 * AAD it was encrypted or authenticated for): a moved, changed or unknown ciphertext is always
 * decrypted and its tag checked. Writing a plaintext the member holds in the new format reuses that ciphertext (a
 * changed member is encrypted anew, fresh IV). An encryption seeds the cache, so what a terminal has
 * just written (the 10k applications of a backlog pushed right after) is read by the upstream without
 * a cipher call. Bounded in characters (`FIELD_CACHE_CHARS`, the entries set longest ago dropped
 * first); values are parsed anew on every read (callers own them). bench/README.md has the numbers.
 *
 * The replication meta instances (rxdb `getRxReplicationMetaInstanceSchema`, `encrypted:
 * ['docData']`) are encrypted by the same wrapper: their whole `docData` is one member.
 *
 * Decryptions resolve in the order they were asked for (per storage instance): rxdb's wrapper
 * decrypts change events with `mergeMap`, which would emit a later event first if its decryption
 * finished first.
 *
 * Only top-level members can be encrypted (all of ours are); attachments are not encrypted.
 */
import { filter } from 'rxjs';
import {
  clone,
  createRevision,
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  getPrimaryFieldOfPrimaryKey,
  hasEncryption,
  newRxError,
  newRxTypeError,
  now,
  randomToken,
  wrapRxStorageInstance,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { decryptString } from 'rxdb/plugins/encryption-crypto-js';
import { log } from '../shared/log';

const MIN_PASSWORD_LENGTH = 8;
/** The prefix of the current format. */
export const CIPHER_PREFIX = 'g1.';
/** base64 of `Salted__`: the start of every crypto-js (OpenSSL format) ciphertext. */
export const LEGACY_PREFIX = 'U2FsdGVkX1';
/** The context of the migration's storage writes (hidden from RxDB's change stream). */
export const MIGRATION_CONTEXT = 'field-encryption-migration';
/** Documents per migration batch (one storage write each). */
export const MIGRATION_BATCH = 100;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 32;
const HKDF_INFO = 'terminal field encryption g1';
const KEY_COLLECTION = 'field-encryption-key';
const KEY_DOC_ID = 'g1';

/**
 * Characters the cache of one storage instance holds (document member keys, ciphertexts and
 * plaintexts, as counted by `Bounded`). Sized for a backlog of 10,000 applications written offline
 * and pushed right after (issue 16): the applications instance then holds ≈ 8 M characters and its
 * replication meta instance (whole documents) ≈ 21 M (bench/README.md); beyond the bound the oldest
 * entries go and reads decrypt again. As V8 strings that is at most ≈ 24–48 MB per instance (two
 * bytes a character once a plaintext has Chinese in it); the other instances (catalog, queue,
 * settings) hold little.
 */
export const FIELD_CACHE_CHARS = 24_000_000;

type Doc = Record<string, unknown>;
/** Bytes WebCrypto takes (not a SharedArrayBuffer view). */
type Bytes = Uint8Array<ArrayBuffer>;

export type FieldEncryptionCode = 'FIELD_NOT_CIPHERTEXT' | 'FIELD_CIPHER_MALFORMED' | 'FIELD_CIPHER_REJECTED' | 'FIELD_KEY_STORE';

/** A member that cannot be read (see the header for the codes); the message names no content. */
export class FieldEncryptionError extends Error {
  constructor(
    readonly code: FieldEncryptionCode,
    message: string,
  ) {
    super(`field encryption: ${message}`);
    this.name = 'FieldEncryptionError';
  }
}

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('field encryption: WebCrypto (crypto.subtle) is not available');
  return s;
};
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Every 12-bit value as its two base64url characters. */
const B64URL_PAIRS = Array.from({ length: 4096 }, (_, v) => B64URL[v >> 6]! + B64URL[v & 63]!);

/** base64url without padding (a table per 12 bits: several times faster than btoa and three replaces, it runs on every encryption). */
export function toBase64Url(bytes: Uint8Array): string {
  const n = bytes.length;
  const full = n - (n % 3);
  let s = '';
  for (let i = 0; i < full; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += B64URL_PAIRS[v >> 12]! + B64URL_PAIRS[v & 4095]!;
  }
  if (n - full === 1) s += B64URL_PAIRS[bytes[full]! << 4]!;
  else if (n - full === 2) {
    const v = (bytes[full]! << 8) | bytes[full + 1]!;
    s += B64URL_PAIRS[v >> 4]! + B64URL[(v & 15) << 2]!;
  }
  return s;
}

/** Each ASCII character's base64url value, -1 for any other character. */
const B64URL_VALUES = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[B64URL.charCodeAt(i)] = i;
  return t;
})();
const b64Value = (code: number): number => (code < 128 ? B64URL_VALUES[code]! : -1);

/**
 * Strict base64url (no padding, no other characters); null when it is not. By the table, four
 * characters at a time (every decryption: about twice as fast as a regex check, two replaces and atob).
 */
export function fromBase64Url(text: string): Bytes | null {
  const n = text.length;
  const rest = n % 4;
  if (rest === 1) return null;
  const out = new Uint8Array((n * 3) >> 2);
  const full = n - rest;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = b64Value(text.charCodeAt(i));
    const b = b64Value(text.charCodeAt(i + 1));
    const c = b64Value(text.charCodeAt(i + 2));
    const d = b64Value(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (rest > 0) {
    let v = 0;
    for (let k = 0; k < rest; k++) {
      const x = b64Value(text.charCodeAt(full + k));
      if (x < 0) return null;
      v = (v << 6) | x;
    }
    if (rest === 2) out[o] = v >> 4;
    else {
      out[o] = v >> 10;
      out[o + 1] = (v >> 2) & 255;
    }
  }
  return out;
}

/** The AES-256-GCM key of a database: HKDF-SHA256 of the password with its salt (see the header). */
export async function deriveFieldKey(password: string, salt: Bytes): Promise<CryptoKey> {
  const ikm = await subtle().importKey('raw', utf8.encode(password), 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: utf8.encode(HKDF_INFO) }, ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * A Map of strings that drops its oldest entries beyond `maxChars` (the sizes its `size` function
 * gives). Oldest = set longest ago: a Map iterates in insertion order, and `set` moves a key to the end.
 */
class Bounded<V> {
  private readonly map = new Map<string, { value: V; chars: number }>();
  private total = 0;
  constructor(
    private readonly maxChars: number,
    private readonly size: (key: string, value: V) => number,
  ) {}
  get(key: string): V | undefined {
    return this.map.get(key)?.value;
  }
  set(key: string, value: V): void {
    const before = this.map.get(key);
    if (before) {
      this.total -= before.chars;
      this.map.delete(key);
    }
    const chars = this.size(key, value);
    this.map.set(key, { value, chars });
    this.total += chars;
    while (this.total > this.maxChars) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.total -= this.map.get(oldest.value)!.chars;
      this.map.delete(oldest.value);
    }
  }
  /** Entries held (tests). */
  get entries(): number {
    return this.map.size;
  }
  /** Characters held, as counted (tests). */
  get chars(): number {
    return this.total;
  }
}

/** Counters for tests and benches: cipher calls made and avoided. */
export interface FieldCipherStats {
  encrypted: number;
  encryptReused: number;
  /** GCM decryptions (new format). */
  decrypted: number;
  /** crypto-js decryptions (legacy format). */
  legacyDecrypted: number;
  decryptCached: number;
}

/** A ciphertext of a document member and its plaintext JSON (legacy: crypto-js, never re-used for a write). */
interface Known {
  plain: string;
  cipher: string;
  legacy: boolean;
}
/**
 * Pairs kept per document member: the newest and the one before it, so that a write's change event
 * (the written document and the one it replaced) and the `previous` of the next write are answered
 * without a cipher call.
 */
const PAIRS_PER_MEMBER = 2;

const isLegacy = (v: unknown): boolean => typeof v === 'string' && v.startsWith(LEGACY_PREFIX);

/** The encrypt/decrypt of one storage instance's members, with its caches. */
export class FieldCipher {
  readonly stats: FieldCipherStats = { encrypted: 0, encryptReused: 0, decrypted: 0, legacyDecrypted: 0, decryptCached: 0 };
  /**
   * Per document id, per encrypted member (by its index in `paths`): the (ciphertext, plaintext)
   * pairs last written or read there, newest first, at most `PAIRS_PER_MEMBER`. A read is answered
   * from here only for the very ciphertext string that was encrypted or authenticated for that same
   * document member (the AAD), so a moved, changed or unknown ciphertext is always decrypted and
   * checked.
   */
  private readonly known: Bounded<(Known[] | undefined)[]>;
  constructor(
    /** For legacy (crypto-js) members only. */
    private readonly password: string,
    private readonly key: CryptoKey,
    readonly paths: readonly string[],
    private readonly primaryPath: string,
    /** The storage collection (bound into every ciphertext). */
    private readonly scope: string,
    maxChars = FIELD_CACHE_CHARS,
  ) {
    for (const p of paths) if (p.includes('.')) throw new Error(`field encryption: only top-level members can be encrypted, not "${p}"`);
    this.known = new Bounded<(Known[] | undefined)[]>(maxChars, (k, members) => {
      let n = k.length;
      for (const pairs of members) for (const e of pairs ?? []) n += e.plain.length + e.cipher.length;
      return n;
    });
  }

  /** Characters the cache holds, as counted against its bound (tests, benches). */
  get cachedChars(): number {
    return this.known.chars;
  }

  /** Documents the cache holds (tests). */
  get cachedDocuments(): number {
    return this.known.entries;
  }

  private pairsOf(docId: string, member: number): Known[] | undefined {
    return this.known.get(docId)?.[member];
  }

  private remember(docId: string, member: number, pair: Known): void {
    const members = this.known.get(docId)?.slice() ?? new Array<Known[] | undefined>(this.paths.length);
    const pairs = [pair];
    for (const e of members[member] ?? []) if (pairs.length < PAIRS_PER_MEMBER && e.cipher !== pair.cipher) pairs.push(e);
    members[member] = pairs;
    this.known.set(docId, members);
  }

  private memberIndex(path: string): number {
    const i = this.paths.indexOf(path);
    if (i < 0) throw new Error(`field encryption: "${path}" is not an encrypted member`);
    return i;
  }

  private aad(docId: string, path: string): Bytes {
    return utf8.encode(`g1\u0000${this.scope}\u0000${docId}\u0000${path}`);
  }

  async encryptMember(docId: string, path: string, value: unknown): Promise<string> {
    const plain = JSON.stringify(value);
    const member = this.memberIndex(path);
    // Only a new-format ciphertext is re-used: a legacy one is encrypted anew when written.
    const same = this.pairsOf(docId, member)?.find((e) => e.plain === plain && !e.legacy);
    if (same) {
      this.stats.encryptReused++;
      this.remember(docId, member, same);
      return same.cipher;
    }
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: this.aad(docId, path), tagLength: TAG_BYTES * 8 }, this.key, utf8.encode(plain)));
    const joined = new Uint8Array(IV_BYTES + sealed.length);
    joined.set(iv);
    joined.set(sealed, IV_BYTES);
    const cipher = CIPHER_PREFIX + toBase64Url(joined);
    this.stats.encrypted++;
    this.remember(docId, member, { plain, cipher, legacy: false });
    return cipher;
  }

  private async open(docId: string, path: string, cipher: string): Promise<string> {
    const bytes = fromBase64Url(cipher.slice(CIPHER_PREFIX.length));
    if (!bytes) throw new FieldEncryptionError('FIELD_CIPHER_MALFORMED', `stored member "${path}" of ${docId} is not valid base64url`);
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new FieldEncryptionError('FIELD_CIPHER_MALFORMED', `stored member "${path}" of ${docId} is too short (${bytes.length} bytes)`);
    let plain: ArrayBuffer;
    try {
      plain = await subtle().decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: this.aad(docId, path), tagLength: TAG_BYTES * 8 }, this.key, bytes.subarray(IV_BYTES));
    } catch {
      throw new FieldEncryptionError('FIELD_CIPHER_REJECTED', `stored member "${path}" of ${docId} does not authenticate (wrong password, or the ciphertext was changed or belongs to another document or member)`);
    }
    this.stats.decrypted++;
    return fromUtf8.decode(plain);
  }

  private openLegacy(docId: string, path: string, cipher: string): string {
    let plain: string;
    try {
      plain = decryptString(cipher, this.password);
      JSON.parse(plain);
    } catch {
      throw new FieldEncryptionError('FIELD_CIPHER_REJECTED', `stored member "${path}" of ${docId} (legacy crypto-js format) does not decrypt (wrong password or damaged)`);
    }
    this.stats.legacyDecrypted++;
    return plain;
  }

  async decryptMember(docId: string, path: string, cipher: unknown): Promise<unknown> {
    if (typeof cipher !== 'string') throw new FieldEncryptionError('FIELD_NOT_CIPHERTEXT', `stored member "${path}" of ${docId} is not ciphertext`);
    const member = this.memberIndex(path);
    const cached = this.pairsOf(docId, member)?.find((e) => e.cipher === cipher);
    let plain: string;
    if (cached) {
      plain = cached.plain;
      this.stats.decryptCached++;
    } else {
      if (cipher.startsWith(CIPHER_PREFIX)) plain = await this.open(docId, path, cipher);
      else if (cipher.startsWith(LEGACY_PREFIX)) plain = this.openLegacy(docId, path, cipher);
      else throw new FieldEncryptionError('FIELD_CIPHER_MALFORMED', `stored member "${path}" of ${docId} is in no known format`);
      this.remember(docId, member, { plain, cipher, legacy: !cipher.startsWith(CIPHER_PREFIX) });
    }
    return JSON.parse(plain) as unknown;
  }

  /** The document as stored: encrypted members as ciphertext, the rest copied (attachments as they are). */
  async toStorage(doc: Doc): Promise<Doc> {
    const id = String(doc[this.primaryPath]);
    const out: Doc = {};
    const pending: Promise<void>[] = [];
    for (const [k, v] of Object.entries(doc)) {
      if (k === '_attachments' || v === undefined) out[k] = v;
      else if (this.paths.includes(k)) {
        out[k] = undefined; // keeps the member order
        pending.push(this.encryptMember(id, k, v).then((c) => void (out[k] = c)));
      } else out[k] = clone(v);
    }
    await Promise.all(pending);
    return out;
  }

  /** The stored document decrypted (a copy; the stored one is never changed). */
  async fromStorage(doc: Doc): Promise<Doc> {
    const id = String(doc[this.primaryPath]);
    const out: Doc = {};
    const pending: Promise<void>[] = [];
    for (const [k, v] of Object.entries(doc)) {
      if (k === '_attachments' || v === undefined) out[k] = v;
      else if (this.paths.includes(k)) {
        out[k] = undefined;
        pending.push(this.decryptMember(id, k, v).then((p) => void (out[k] = p)));
      } else out[k] = clone(v);
    }
    await Promise.all(pending);
    return out;
  }

  /** Whether the stored document has a member in the legacy format. */
  hasLegacy(stored: Doc): boolean {
    return this.paths.some((p) => isLegacy(stored[p]));
  }
}

function checkPassword(password: unknown): void {
  if (typeof password !== 'string') throw newRxTypeError('EN1', { passwordType: typeof password });
  if (password.length < MIN_PASSWORD_LENGTH) throw newRxError('EN2', { minPassLength: MIN_PASSWORD_LENGTH, passwordLength: password.length });
}

/** The stored schema: every encrypted member becomes a plain string. */
function storedSchema(schema: RxJsonSchema<Doc>): RxJsonSchema<Doc> {
  const out = clone(schema) as RxJsonSchema<Doc> & { encrypted?: string[] };
  delete out.encrypted;
  const props = out.properties as Record<string, unknown>;
  for (const p of schema.encrypted ?? []) props[p] = { type: 'string' };
  return out;
}

const KEY_SCHEMA = fillWithDefaultSettings({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 200 }, kdf: { type: 'string' }, salt: { type: 'string' } },
  required: ['id'],
} as RxJsonSchema<Doc>);

/** The database's own small storage instance for its salt and migration markers (opened per use). */
async function withKeyStore<I, O, T>(storage: RxStorage<I, O>, params: RxStorageInstanceCreationParams<unknown, O>, use: (instance: RxStorageInstance<Doc, I, O>) => Promise<T>): Promise<T> {
  const instance = (await storage.createStorageInstance({
    databaseInstanceToken: params.databaseInstanceToken,
    databaseName: params.databaseName,
    collectionName: KEY_COLLECTION,
    schema: KEY_SCHEMA as never,
    options: params.options,
    multiInstance: params.multiInstance,
    devMode: params.devMode,
  })) as unknown as RxStorageInstance<Doc, I, O>;
  try {
    return await use(instance);
  } finally {
    await instance.close();
  }
}

/** Inserts `doc` unless a document of its id is there; answers the one stored (the first writer's). */
async function insertOnce<I, O>(instance: RxStorageInstance<Doc, I, O>, doc: Doc): Promise<Doc> {
  const [there] = await instance.findDocumentsById([String(doc.id)], false);
  if (there) return there as Doc;
  const made = { ...doc, _deleted: false, _attachments: {}, _rev: createRevision(randomToken(10)), _meta: { lwt: now() } };
  const result = await instance.bulkWrite([{ document: made as never }], 'field-encryption-key');
  const conflict = result.error[0];
  if (conflict && !(conflict.status === 409 && conflict.documentInDb)) throw new FieldEncryptionError('FIELD_KEY_STORE', `the key store refused a write (status ${conflict.status})`);
  return (conflict?.documentInDb ?? made) as Doc;
}

/**
 * The database's salt: read from its key store, made (and written) on first open. Two windows
 * racing: the second write is a conflict, and the first one's salt is taken.
 */
async function databaseSalt<I, O>(storage: RxStorage<I, O>, params: RxStorageInstanceCreationParams<unknown, O>): Promise<Bytes> {
  const d = await withKeyStore(storage, params, (instance) => insertOnce(instance, { id: KEY_DOC_ID, kdf: 'HKDF-SHA256', salt: toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES))) }));
  const salt = typeof d.salt === 'string' ? fromBase64Url(d.salt) : null;
  if (d.kdf !== 'HKDF-SHA256' || !salt || salt.length !== SALT_BYTES) throw new FieldEncryptionError('FIELD_KEY_STORE', 'the stored key salt is damaged; refusing to replace it (encrypted data would become unreadable)');
  return salt;
}

/** The key-store id of the marker saying a storage instance holds no legacy member any more. */
const migratedMarker = (params: { collectionName: string; schema: { version: number } }) => `migrated|${params.collectionName}|${params.schema.version}`;

export interface MigrationResult {
  /** Stored documents looked at. */
  scanned: number;
  /** Documents rewritten in the new format. */
  rewritten: number;
  /** Documents changed meanwhile (already new format): skipped. */
  conflicts: number;
  /** Documents with a legacy member that does not decrypt: left as they are. */
  failed: number;
  /** Stopped by close() before the end. */
  stopped: boolean;
}

/**
 * Rewrites the legacy members of `instance` (the storage below the field encryption) in the new
 * format, in batches (see the header). `stop()` is checked between batches.
 */
export async function migrateLegacyMembers(instance: RxStorageInstance<Doc, unknown, unknown>, cipher: FieldCipher, stop: () => boolean = () => false, batchSize = MIGRATION_BATCH): Promise<MigrationResult> {
  const result: MigrationResult = { scanned: 0, rewritten: 0, conflicts: 0, failed: 0, stopped: false };
  let checkpoint: unknown;
  for (;;) {
    if (stop()) return { ...result, stopped: true };
    const { documents, checkpoint: next } = await getChangedDocumentsSince(instance, batchSize, checkpoint as never);
    if (!documents.length) return result;
    result.scanned += documents.length;
    const rows: { previous: Doc; document: Doc }[] = [];
    for (const stored of documents as Doc[]) {
      if (!cipher.hasLegacy(stored)) continue;
      try {
        rows.push({ previous: stored, document: await cipher.toStorage(await cipher.fromStorage(stored)) });
      } catch {
        result.failed++;
      }
    }
    if (rows.length) {
      if (stop()) return { ...result, stopped: true };
      const written = await instance.bulkWrite(rows as never, MIGRATION_CONTEXT);
      for (const e of written.error) {
        if (e.status === 409) result.conflicts++;
        else throw new Error(`field encryption: migration write refused (status ${e.status})`);
      }
      result.rewritten += rows.length - written.error.length;
    }
    checkpoint = next;
    await new Promise((r) => setTimeout(r, 0));
  }
}

/**
 * The migration of one storage instance after open: skipped when its marker says it was done; the
 * marker written after a whole pass that left no legacy member (none failed, not stopped). Never
 * rejects (a failure stops it; the next open tries again).
 */
async function backgroundMigration<I, O>(storage: RxStorage<I, O>, params: RxStorageInstanceCreationParams<unknown, O>, instance: RxStorageInstance<Doc, I, O>, cipher: FieldCipher, stop: () => boolean): Promise<MigrationResult> {
  const none: MigrationResult = { scanned: 0, rewritten: 0, conflicts: 0, failed: 0, stopped: false };
  try {
    const marker = migratedMarker(params);
    const done = await withKeyStore(storage, params, async (store) => (await store.findDocumentsById([marker], false)).length > 0);
    if (done) return none;
    const result = await migrateLegacyMembers(instance as never, cipher, stop);
    if (!result.stopped && result.failed === 0 && !stop()) await withKeyStore(storage, params, (store) => insertOnce(store, { id: marker }));
    if (result.rewritten || result.failed) log(result.failed ? 'warn' : 'info', 'store.field-migration', { collection: params.collectionName.slice(0, 64), rewritten: result.rewritten, failed: result.failed, conflicts: result.conflicts });
    return result;
  } catch (e) {
    log('warn', 'store.field-migration-stopped', { collection: params.collectionName.slice(0, 64), code: String((e as { code?: unknown }).code ?? 'ERROR').slice(0, 64) });
    return { ...none, stopped: true };
  }
}

export interface FieldEncryptionOptions<I, O> {
  storage: RxStorage<I, O>;
  /** Rewrite legacy members in the background after open (default true). */
  migrate?: boolean;
}

/** What the wrapper adds to a storage instance with encrypted members. */
export interface FieldEncryptedInstance {
  fieldCipher: FieldCipher;
  /** The background migration of this instance (resolves when done or stopped; null when off). */
  fieldMigration: Promise<MigrationResult> | null;
}

/** Wraps `storage` so that the schemas' `encrypted` members are encrypted at rest (see above). */
export function wrappedFieldEncryptionStorage<I, O>(args: FieldEncryptionOptions<I, O>): RxStorage<I, O> {
  const keys = new Map<string, Promise<CryptoKey>>();
  const keyOf = (params: RxStorageInstanceCreationParams<unknown, O>, password: string): Promise<CryptoKey> => {
    const id = `${params.databaseName}\u0000${password}`;
    let key = keys.get(id);
    if (!key) {
      key = databaseSalt(args.storage, params).then((salt) => deriveFieldKey(password, salt));
      keys.set(id, key);
      key.catch(() => keys.delete(id));
    }
    return key;
  };
  return {
    ...args.storage,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wrapped instance carries the original schema's document type
    async createStorageInstance<D>(params: RxStorageInstanceCreationParams<D, O>): Promise<any> {
      if (params.password !== undefined) checkPassword(params.password);
      const schema = params.schema as unknown as RxJsonSchema<Doc>;
      if (!hasEncryption(schema)) return args.storage.createStorageInstance(params);
      if (!params.password) throw newRxError('EN3', { database: params.databaseName, collection: params.collectionName, schema });
      if ((schema as { attachments?: { encrypted?: boolean } }).attachments?.encrypted) throw new Error('field encryption: encrypted attachments are not supported');
      const password = params.password as string;
      const key = await keyOf(params as RxStorageInstanceCreationParams<unknown, O>, password);
      const cipher = new FieldCipher(password, key, schema.encrypted ?? [], String(getPrimaryFieldOfPrimaryKey(schema.primaryKey as never)), params.collectionName);
      const instance = (await args.storage.createStorageInstance({ ...params, schema: storedSchema(schema) as never })) as unknown as RxStorageInstance<Doc, I, O>;
      // The instance as rxdb's wrapper sees it: the migration's writes left out of its change stream.
      const below = {
        databaseName: instance.databaseName,
        internals: instance.internals,
        options: instance.options,
        schema: instance.schema,
        collectionName: instance.collectionName,
        cleanup: instance.cleanup.bind(instance),
        close: instance.close.bind(instance),
        count: instance.count.bind(instance),
        remove: instance.remove.bind(instance),
        bulkWrite: instance.bulkWrite.bind(instance),
        query: instance.query.bind(instance),
        findDocumentsById: instance.findDocumentsById.bind(instance),
        getAttachmentData: instance.getAttachmentData.bind(instance),
        ...(instance.getChangedDocumentsSince ? { getChangedDocumentsSince: instance.getChangedDocumentsSince.bind(instance) } : {}),
        changeStream: () => instance.changeStream().pipe(filter((bulk) => bulk.context !== MIGRATION_CONTEXT)),
      };
      // Decryptions resolve in the order asked (see the header).
      let tail: Promise<unknown> = Promise.resolve();
      const inOrder = (doc: Doc): Promise<Doc> => {
        const work = cipher.fromStorage(doc);
        work.catch(() => undefined); // a failure that comes before its turn is not "unhandled": `done` carries it
        const done = tail.then(() => work);
        tail = done.catch(() => undefined);
        return done;
      };
      const wrapped = wrapRxStorageInstance(
        schema as never,
        below as never,
        (d) => cipher.toStorage(d as Doc) as never,
        (d) => inOrder(d as Doc) as never,
      ) as unknown as Record<string, unknown> & { close(): Promise<void>; remove(): Promise<void> };
      let stopped = false;
      const migration = args.migrate === false ? null : backgroundMigration(args.storage, params as RxStorageInstanceCreationParams<unknown, O>, instance, cipher, () => stopped);
      const stopThen =
        <T>(f: () => Promise<T>) =>
        async (): Promise<T> => {
          stopped = true;
          await migration;
          return f();
        };
      const close = wrapped.close;
      const remove = wrapped.remove;
      wrapped.close = stopThen(close);
      wrapped.remove = stopThen(remove);
      const added: FieldEncryptedInstance = { fieldCipher: cipher, fieldMigration: migration };
      return Object.assign(wrapped, added);
    },
  };
}
