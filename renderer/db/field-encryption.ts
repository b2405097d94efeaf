/**
 * Field encryption at rest for the terminal's collections: the members a schema lists under
 * `encrypted` are stored as crypto-js AES ciphertext (RxDB's `encryptString` / `decryptString`,
 * the format of rxdb's crypto-js wrapper, so stores written before read back unchanged and stores
 * written now stay readable by it).
 *
 * What this adds to rxdb's wrapper is memory of recent work, per storage instance (collection or
 * replication meta instance). Each crypto-js call derives its key from the password first (MD5 key
 * derivation, new random salt each time): the profile of a 10k push (bench/README.md) spent most of
 * its time there, decrypting the same ciphertext again and again (every write's change event
 * decrypts the written document and the one it replaced; the replication reads back what it just
 * wrote) and encrypting the `previous` of every write (used by the storage only for its revision).
 * So:
 * - ciphertext → plaintext JSON of recent encryptions and decryptions (decrypting a given
 *   ciphertext always gives the same plaintext with this password);
 * - per document member, its last known (plaintext JSON, ciphertext) pair: writing the same
 *   plaintext again reuses that ciphertext (the value stored is then what was stored before; a
 *   changed member is encrypted anew, with a fresh salt).
 * Both are bounded in characters (oldest dropped first); values are parsed anew on every read (callers own them).
 * Only top-level members can be encrypted (all of ours are); attachments are not encrypted.
 */
import { clone, getPrimaryFieldOfPrimaryKey, hasEncryption, newRxError, newRxTypeError, wrapRxStorageInstance, type RxJsonSchema, type RxStorage, type RxStorageInstanceCreationParams } from 'rxdb';
import { decryptString, encryptString } from 'rxdb/plugins/encryption-crypto-js';

const MIN_PASSWORD_LENGTH = 8;

/**
 * Characters each cache holds per storage instance (plaintext + ciphertext), about 6 MB at most: a
 * few push or pull batches of applications. Most instances (catalog, queue) hold little.
 */
export const FIELD_CACHE_CHARS = 3_000_000;

type Doc = Record<string, unknown>;

/** A Map of strings that drops its oldest entries beyond `maxChars` (key + value lengths). */
class Bounded<V> {
  private readonly map = new Map<string, { value: V; seq: number; chars: number }>();
  /** Insertion order: [key, seq]; an entry set again later has a newer seq, its old place is skipped. */
  private order: [string, number][] = [];
  private head = 0;
  private seq = 0;
  private chars = 0;
  constructor(
    private readonly maxChars: number,
    private readonly size: (key: string, value: V) => number,
  ) {}
  get(key: string): V | undefined {
    return this.map.get(key)?.value;
  }
  set(key: string, value: V): void {
    const before = this.map.get(key);
    if (before) this.chars -= before.chars;
    const entry = { value, seq: ++this.seq, chars: this.size(key, value) };
    this.map.set(key, entry);
    this.order.push([key, entry.seq]);
    this.chars += entry.chars;
    while (this.chars > this.maxChars && this.head < this.order.length) {
      const [k, seq] = this.order[this.head++]!;
      const e = this.map.get(k);
      if (e && e.seq === seq) {
        this.map.delete(k);
        this.chars -= e.chars;
      }
    }
    // Drop the skipped places now and then (amortised): the list stays within twice the live entries.
    if (this.order.length - this.head > 2 * this.map.size + 1024) {
      this.order = this.order.slice(this.head).filter(([k, seq]) => this.map.get(k)?.seq === seq);
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}

/** Counters for tests and benches: crypto-js calls made and avoided. */
export interface FieldCipherStats {
  encrypted: number;
  encryptReused: number;
  decrypted: number;
  decryptCached: number;
}

/** The encrypt/decrypt of one storage instance's members, with its caches. */
export class FieldCipher {
  readonly stats: FieldCipherStats = { encrypted: 0, encryptReused: 0, decrypted: 0, decryptCached: 0 };
  private readonly plainOf: Bounded<string>;
  private readonly lastOf: Bounded<{ plain: string; cipher: string }>;
  constructor(
    private readonly password: string,
    readonly paths: readonly string[],
    private readonly primaryPath: string,
    maxChars = FIELD_CACHE_CHARS,
  ) {
    for (const p of paths) if (p.includes('.')) throw new Error(`field encryption: only top-level members can be encrypted, not "${p}"`);
    this.plainOf = new Bounded<string>(maxChars, (k, v) => k.length + v.length);
    this.lastOf = new Bounded<{ plain: string; cipher: string }>(maxChars, (k, v) => k.length + v.plain.length + v.cipher.length);
  }

  encryptMember(docId: string, path: string, value: unknown): string {
    const plain = JSON.stringify(value);
    const key = `${docId}\u0000${path}`;
    const last = this.lastOf.get(key);
    if (last && last.plain === plain) {
      this.stats.encryptReused++;
      return last.cipher;
    }
    const cipher = encryptString(plain, this.password);
    this.stats.encrypted++;
    this.lastOf.set(key, { plain, cipher });
    this.plainOf.set(cipher, plain);
    return cipher;
  }

  decryptMember(docId: string, path: string, cipher: unknown): unknown {
    if (typeof cipher !== 'string') throw new Error(`field encryption: stored member "${path}" of ${docId} is not ciphertext`);
    let plain = this.plainOf.get(cipher);
    if (plain === undefined) {
      plain = decryptString(cipher, this.password);
      this.stats.decrypted++;
      this.plainOf.set(cipher, plain);
    } else this.stats.decryptCached++;
    this.lastOf.set(`${docId}\u0000${path}`, { plain, cipher });
    return JSON.parse(plain) as unknown;
  }

  /** The document as stored: encrypted members as ciphertext, the rest copied (attachments as they are). */
  toStorage(doc: Doc): Doc {
    const id = String(doc[this.primaryPath]);
    const out: Doc = {};
    for (const [k, v] of Object.entries(doc)) out[k] = k === '_attachments' ? v : this.paths.includes(k) ? (v === undefined ? v : this.encryptMember(id, k, v)) : clone(v);
    return out;
  }

  /** The stored document decrypted (a copy; the stored one is never changed). */
  fromStorage(doc: Doc): Doc {
    const id = String(doc[this.primaryPath]);
    const out: Doc = {};
    for (const [k, v] of Object.entries(doc)) out[k] = k === '_attachments' ? v : this.paths.includes(k) ? (v === undefined ? v : this.decryptMember(id, k, v)) : clone(v);
    return out;
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

/** Wraps `storage` so that the schemas' `encrypted` members are encrypted at rest (see above). */
export function wrappedFieldEncryptionStorage<I, O>(args: { storage: RxStorage<I, O> }): RxStorage<I, O> {
  return {
    ...args.storage,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the wrapped instance carries the original schema's document type
    async createStorageInstance<D>(params: RxStorageInstanceCreationParams<D, O>): Promise<any> {
      if (params.password !== undefined) checkPassword(params.password);
      const schema = params.schema as unknown as RxJsonSchema<Doc>;
      if (!hasEncryption(schema)) return args.storage.createStorageInstance(params);
      if (!params.password) throw newRxError('EN3', { database: params.databaseName, collection: params.collectionName, schema });
      if ((schema as { attachments?: { encrypted?: boolean } }).attachments?.encrypted) throw new Error('field encryption: encrypted attachments are not supported');
      const cipher = new FieldCipher(params.password as string, schema.encrypted ?? [], String(getPrimaryFieldOfPrimaryKey(schema.primaryKey as never)));
      const instance = await args.storage.createStorageInstance({ ...params, schema: storedSchema(schema) as never });
      const wrapped = wrapRxStorageInstance(
        schema as never,
        instance as never,
        (d) => cipher.toStorage(d as Doc) as never,
        (d) => cipher.fromStorage(d as Doc) as never,
      );
      return Object.assign(wrapped, { fieldCipher: cipher });
    },
  };
}
