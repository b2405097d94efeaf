/**
 * The packed storage: RxDB's memory storage for every read, query and index, kept on disk as a log of
 * IndexedDB records of many documents each.
 *
 * Why: the Dexie storage writes one IndexedDB record per document plus one per index entry. Measured
 * in Debian Chromium on this machine (bench/store-chromium.bench.ts, `idb-floor-10k-items`), 10,000
 * documents cost 2.5 s that way before RxDB does anything, and 0.24 s as ten records of 1,000.
 *
 * On disk (one IndexedDB database `rxdb-packed-<database>`, one object store `chunks`):
 * - every successful `bulkWrite` appends ONE record `{ i, k, d }`: `i` the storage instance
 *   (`<collection>--<schema version>`), `k` an auto-increment key (the log's order), `d` the written
 *   documents as stored (field-encrypted members stay ciphertext). A document's state is its copy in
 *   the record of highest `k`.
 * - small records are merged into one now and then, and the whole instance is rewritten as blocks
 *   of `blockSize` documents once stale copies outnumber live ones (compaction, one transaction).
 *
 * Durability: a write is persisted (a `strict`-durability transaction, fsync, as the Dexie store
 * did) BEFORE it is applied in memory and its change events are emitted. A write that fails to
 * persist changes nothing and rejects; readers never see a state that is not on disk.
 *
 * Several windows of one profile (the app has one store window per role; the browser host may have
 * more): each window holds its own memory copy. Every write of an instance runs under a Web Lock
 * named after it; under it the window first applies the records other windows appended since its
 * last look (the catch-up), so the conflict check runs against the newest state. After a write the
 * window posts `{ i, k }` on a BroadcastChannel; the others catch up at once, and their RxDB sees the
 * change as ordinary change events (so this storage does not also use RxDB's multi-instance relay).
 *
 * Damaged records (a record this module did not write: not an object, fields other than `i`, `k`
 * and `d`, `d` not a list, a document without its id, revision, deleted flag or write time; a later
 * version's format after a downgrade; disk damage) are SET ASIDE, not refused: the open (or the
 * catch-up) moves each one, in one transaction that re-reads it, from `chunks` into the object
 * store `damaged` (`{ instance, key, at, reason, during, record }`, `record` the stored value as it
 * was, nothing changed), then applies the remaining records. Nothing is deleted, and nothing reads
 * `damaged` back: it is for support (compaction and removal touch `chunks` only). A whole record is
 * set aside, never part of one. The window logs one English line per move (instance, record keys,
 * reasons; no document contents) and tells `onRecordsSetAside` listeners; `countSetAside` reads the
 * total for the UI's notice. If the move itself fails, the open (or the write whose catch-up met it)
 * fails as before and the record stays where it was: a record is never skipped without being kept.
 *
 * What the remaining state is: the log without that record. A document whose newest copy was in it
 * falls back to its copy in the latest earlier record (or is absent if it was first written there),
 * i.e. to a state this store really had, with its own revision: a valid RxDB state, which local
 * writes and the replication continue from like any other (a later write on it is an ordinary new
 * revision; a write the platform has since changed is a conflict the handlers resolve). What is lost
 * from the live store: the changes that record carried. Synced ones are still on the platform (the
 * terminal sees them again once the platform changes the case or a full re-pull runs: the pull
 * checkpoint is not rewound); unsynced local edits in it are kept only in `damaged`, for support to
 * recover by hand. A damaged record of the replication's own bookkeeping makes it pull or push again
 * from an earlier point, which the protocol's idempotency makes harmless.
 *
 * Database versions: 1 had `chunks` only; 2 adds `damaged` (the upgrade keeps every record; a window
 * still holding version 1 open closes its connection on `versionchange`). A build before version 2
 * cannot open the database any more (IndexedDB refuses a lower version); this build opens a later
 * version as it is, as long as `chunks` (with its index) and `damaged` are there.
 *
 * Earlier versions stored the same documents in the Dexie storage: an instance with no records that
 * finds its Dexie database (`legacy`) copies every document over in one transaction, then deletes
 * the Dexie database.
 */
import {
  categorizeBulkWriteRows,
  getChangedDocumentsSince,
  getPrimaryFieldOfPrimaryKey,
  type BulkWriteRow,
  type PreparedQuery,
  type RxDocumentData,
  type RxStorage,
  type RxStorageBulkWriteResponse,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { getMemoryCollectionKey, getRxStorageMemory, type RxStorageInstanceMemory, type RxStorageMemory } from 'rxdb/plugins/storage-memory';

type Doc = RxDocumentData<Record<string, unknown>>;
type Params = RxStorageInstanceCreationParams<Record<string, unknown>, PackedInstanceOptions>;
/** Per-instance options: none. */
export type PackedInstanceOptions = Record<string, never>;
export interface PackedInternals {
  key: string;
}

/** The part of the Web Locks API used here (navigator.locks). */
export interface PackedLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** A store of an earlier version to move documents from on first open (the Dexie storage). */
export interface LegacySource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any RxDB storage
  storage: RxStorage<any, any>;
  /** Whether the legacy store holds a database for this instance (without creating one). */
  has(params: Params): Promise<boolean>;
  /** Deletes the legacy database of this instance (after its documents were copied). */
  drop(params: Params): Promise<void>;
}

export interface PackedStorageOptions {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /** Default: navigator.locks, or a lock within this JavaScript realm where there is none. */
  locks?: PackedLocks;
  /** Default: the global BroadcastChannel (none: other windows are not told). */
  BroadcastChannel?: typeof BroadcastChannel | null;
  /** Documents per block on compaction (default 1,000). */
  blockSize?: number;
  /** Small records that trigger their merge (default 16). */
  mergeAfter?: number;
  legacy?: LegacySource;
  /**
   * Collections whose earlier copies must not outlive a write on disk (transient personal data, e.g.
   * the kiosk's drafts, overwritten before removal): the instance is rewritten after every write.
   * For small collections only: a rewrite costs all of their documents.
   */
  rewriteAfterWrite?: readonly string[];
}

interface ChunkRecord {
  i: string;
  k?: number;
  d: Doc[];
}

/** A record set aside (object store `damaged`): the stored value as it was, and when and why. */
export interface SetAsideRecord {
  /** The storage instance whose records it was among (`<collection>--<schema version>`). */
  instance: string;
  /** Its key in `chunks`. */
  key: number;
  /** When it was set aside (epoch ms). */
  at: number;
  /** Why (English, no document contents). */
  reason: string;
  during: 'open' | 'catch-up';
  /** The stored value, unchanged. */
  record: unknown;
}

/** Told when a window sets records aside (after the move committed). */
export interface SetAsideEvent {
  databaseName: string;
  instance: string;
  count: number;
}

const STORE = 'chunks';
const DAMAGED = 'damaged';
const BY_INSTANCE = 'ik';
/** 1: `chunks`; 2: adds `damaged`. */
const DB_VERSION = 2;
export const PACKED_DB_PREFIX = 'rxdb-packed-';

const setAsideListeners = new Set<(e: SetAsideEvent) => void>();
/**
 * Listens for records set aside, by this window or (told over the BroadcastChannel) another window of
 * the same profile; returns the unsubscribe.
 */
export function onRecordsSetAside(listener: (e: SetAsideEvent) => void): () => void {
  setAsideListeners.add(listener);
  return () => setAsideListeners.delete(listener);
}

function tellSetAside(event: SetAsideEvent): void {
  for (const listener of setAsideListeners) {
    try {
      listener(event);
    } catch {
      // A listener's failure is not the storage's.
    }
  }
}

/**
 * Opens (creating or upgrading) the packed database `name`. One a later build upgraded further (a
 * downgrade) is opened at its own version if it still has both object stores; its records this build
 * cannot read are then set aside like any damaged record.
 */
function openDatabase(idb: IDBFactory, name: string): Promise<IDBDatabase> {
  const at = (version?: number) => {
    const open = version === undefined ? idb.open(name) : idb.open(name, version);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'k', autoIncrement: true }).createIndex(BY_INSTANCE, ['i', 'k']);
      if (!db.objectStoreNames.contains(DAMAGED)) db.createObjectStore(DAMAGED, { autoIncrement: true });
    };
    return request(open).then((d) => {
      // Another tab deleting or upgrading the database: let it, this one is stale then.
      d.onversionchange = () => d.close();
      return d;
    });
  };
  return at(DB_VERSION).catch(async (error: unknown) => {
    if ((error as { name?: unknown } | null)?.name !== 'VersionError') throw error;
    const d = await at();
    if (d.objectStoreNames.contains(STORE) && d.objectStoreNames.contains(DAMAGED) && d.transaction(STORE, 'readonly').objectStore(STORE).indexNames.contains(BY_INSTANCE)) return d;
    d.close();
    throw new Error(`packed storage: ${name} is at version ${d.version}, from a later build, without the object stores this build uses; it was not opened`);
  });
}

/**
 * How many records of the packed database of `databaseName` were set aside so far (all instances;
 * 0 when there is no such database yet).
 */
export async function countSetAside(databaseName: string, indexedDB?: IDBFactory): Promise<number> {
  const idb = indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) return 0;
  const db = await openDatabase(idb, PACKED_DB_PREFIX + databaseName);
  try {
    return await request(db.transaction(DAMAGED, 'readonly').objectStore(DAMAGED).count());
  } finally {
    db.close();
  }
}

/**
 * Why `r` is not a record this module wrote (English, no contents), or null when it is one. `i` is
 * the instance's (the index only returns those) and `k` a number (the key range only has numbers).
 */
function damageOf(r: unknown, primary: string): string | null {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  const o = r as Record<string, unknown>;
  if (typeof o.k !== 'number') return 'key is not a number';
  for (const f of Object.keys(o)) if (f !== 'i' && f !== 'k' && f !== 'd') return 'fields other than i, k and d';
  if (!Array.isArray(o.d)) return 'documents are not a list';
  const docs = o.d as unknown[];
  for (let n = 0; n < docs.length; n++) if (!isStoredDoc(docs[n], primary)) return `document ${n} lacks its id, revision, deleted flag or write time`;
  return null;
}

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('indexeddb request failed'));
  });

/** `p`, with its rejection marked handled (the transaction's own error is the one reported). */
const quiet = <T>(p: Promise<T>): Promise<T> => {
  p.catch(() => undefined);
  return p;
};

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('indexeddb transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexeddb transaction aborted'));
  });

/** A lock within one JavaScript realm (Node tests; browsers without Web Locks). */
export function realmLocks(): PackedLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const prev = tails.get(name) ?? Promise.resolve();
      const run = prev.then(callback, callback);
      const tail = run.catch(() => undefined);
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return run;
    },
  };
}

function defaultLocks(): PackedLocks {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  if (nav?.locks) {
    const locks = nav.locks;
    return { request: <T>(name: string, callback: () => Promise<T>) => locks.request(name, callback) as Promise<T> };
  }
  return realmLocks();
}

/** One open IndexedDB database of the packed storage, shared by the instances of one RxDB database. */
interface Connection {
  db: Promise<IDBDatabase>;
  channel: BroadcastChannel | null;
  states: Map<string, InstanceState>;
  /** Opens in progress (the connection stays open for them). */
  opening: number;
}

/** What one window knows of one storage instance; shared by its open instances. */
class InstanceState {
  refs = 0;
  /** The highest record key applied to memory. */
  lastKey = 0;
  /** Documents per record on disk, by record key (this window's view). */
  sizes = new Map<number, number>();
  private queue: Promise<unknown> = Promise.resolve();
  ready: Promise<void>;

  constructor(
    readonly key: string,
    readonly databaseName: string,
    readonly mem: RxStorageInstanceMemory<Record<string, unknown>>,
    readonly conn: Connection,
    readonly storage: PackedStorage,
    load: (state: InstanceState) => Promise<void>,
  ) {
    this.ready = this.local(() => this.storage.locks.request(this.lockName, () => load(this)));
  }

  get lockName(): string {
    return `${PACKED_DB_PREFIX}${this.databaseName}/${this.key}`;
  }

  /** Notes a record on disk (its key and document count) as applied in memory. */
  noteRecord(k: number, n: number): void {
    this.sizes.set(k, n);
    if (k > this.lastKey) this.lastKey = k;
  }

  /** Runs `fn` after this window's earlier work on the instance. */
  local<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `fn` after this window's earlier work and under the instance's lock across windows. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.local(() => this.storage.locks.request(this.lockName, fn));
  }

  /** Waits for everything queued so far. */
  settled(): Promise<void> {
    return this.local(() => Promise.resolve());
  }
}

/** Whether `d` has the shape of a stored RxDB document (its primary key, revision and write time). */
function isStoredDoc(d: unknown, primary: string): d is Doc {
  if (!d || typeof d !== 'object') return false;
  const o = d as Record<string, unknown>;
  const meta = o._meta as { lwt?: unknown } | undefined;
  return typeof o[primary] === 'string' && typeof o._rev === 'string' && typeof o._deleted === 'boolean' && !!meta && typeof meta.lwt === 'number';
}

/** The memory storage's documents, after its lazy index work. */
function memDocs(mem: RxStorageInstanceMemory<Record<string, unknown>>): Map<string, Doc> {
  mem.ensurePersistence();
  return mem.internals.documents as Map<string, Doc>;
}

export class PackedStorage implements RxStorage<PackedInternals, PackedInstanceOptions> {
  readonly name = 'packed';
  readonly rxdbVersion: string;
  readonly locks: PackedLocks;
  readonly blockSize: number;
  readonly mergeAfter: number;
  private readonly memory: RxStorageMemory;
  private readonly connections = new Map<string, Connection>();

  constructor(readonly options: PackedStorageOptions = {}) {
    this.memory = getRxStorageMemory();
    // A private memory state per packed storage (the plugin's default map is shared by the realm).
    this.memory.collectionStates = new Map();
    this.rxdbVersion = this.memory.rxdbVersion;
    this.locks = options.locks ?? defaultLocks();
    this.blockSize = options.blockSize ?? 1000;
    this.mergeAfter = options.mergeAfter ?? 16;
  }

  private get idb(): IDBFactory {
    const f = this.options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!f) throw new Error('packed storage: no IndexedDB in this environment');
    return f;
  }

  get keyRange(): typeof IDBKeyRange {
    const r = this.options.IDBKeyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
    if (!r) throw new Error('packed storage: no IDBKeyRange in this environment');
    return r;
  }

  private connection(databaseName: string): Connection {
    let conn = this.connections.get(databaseName);
    if (conn) return conn;
    const db = openDatabase(this.idb, PACKED_DB_PREFIX + databaseName);
    const BC = this.options.BroadcastChannel === undefined ? (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel : this.options.BroadcastChannel;
    const channel = BC ? new BC(PACKED_DB_PREFIX + databaseName) : null;
    conn = { db, channel, states: new Map(), opening: 0 };
    const c = conn;
    if (channel) {
      channel.onmessage = (e: MessageEvent) => {
        const m = e.data as { i?: unknown; k?: unknown; aside?: unknown } | null;
        if (m && typeof m.i === 'string' && typeof m.aside === 'number') tellSetAside({ databaseName, instance: m.i, count: m.aside });
        if (!m || typeof m.i !== 'string' || typeof m.k !== 'number') return;
        const state = c.states.get(m.i);
        if (state && m.k > state.lastKey) void state.local(() => this.catchUp(state)).catch(() => undefined);
      };
    }
    this.connections.set(databaseName, conn);
    return conn;
  }

  createStorageInstance<RxDocType>(params: RxStorageInstanceCreationParams<RxDocType, PackedInstanceOptions>): Promise<RxStorageInstance<RxDocType, PackedInternals, PackedInstanceOptions>> {
    return this.open(params as unknown as Params) as unknown as Promise<RxStorageInstance<RxDocType, PackedInternals, PackedInstanceOptions>>;
  }

  private async open(params: Params): Promise<PackedInstance> {
    if (params.schema.attachments) throw new Error('packed storage: attachments are not supported');
    const key = `${params.collectionName}--${params.schema.version}`;
    const conn = this.connection(params.databaseName);
    let state = conn.states.get(key);
    if (!state) {
      conn.opening++;
      let mem: RxStorageInstanceMemory<Record<string, unknown>>;
      try {
        mem = (await this.memory.createStorageInstance({ ...params, options: {} } as never)) as RxStorageInstanceMemory<Record<string, unknown>>;
      } finally {
        conn.opening--;
      }
      // Another open of the same instance may have won the race while this one waited.
      state = conn.states.get(key);
      if (state) void mem.close();
      else {
        const s = new InstanceState(key, params.databaseName, mem, conn, this, (st) => this.load(st, params));
        conn.states.set(key, s);
        s.ready.catch(() => {
          if (conn.states.get(key) === s) conn.states.delete(key);
          void mem.close();
          this.release(params.databaseName);
        });
        state = s;
      }
    }
    // Counted at once (no await since the lookup): a close running now sees it and keeps the state.
    state.refs++;
    try {
      await state.ready;
    } catch (error) {
      state.refs--;
      throw error;
    }
    return new PackedInstance(this, state, params);
  }

  /** Records of `state`'s instance with a key above `after`, in key order. */
  private async records(state: InstanceState, after: number): Promise<ChunkRecord[]> {
    const db = await state.conn.db;
    const tx = db.transaction(STORE, 'readonly');
    const range = this.keyRange.bound([state.key, after], [state.key, Infinity], true, false);
    return request(tx.objectStore(STORE).index(BY_INSTANCE).getAll(range)) as Promise<ChunkRecord[]>;
  }

  /**
   * Applies records to memory: per document, its copy in the latest record; unchanged ones skipped.
   * Damaged records are set aside first (before any record is taken: if that fails, this throws and
   * the catch-up does not move past them). Resolves with the number of records applied.
   */
  private async apply(state: InstanceState, all: ChunkRecord[], during: SetAsideRecord['during']): Promise<number> {
    if (all.length === 0) return 0;
    const primary = getPrimaryFieldOfPrimaryKey(state.mem.schema.primaryKey) as string;
    // Only this module writes these records; anything else is damage. Applying it could be wrong,
    // and skipping it while it stays in `chunks` would lose it (the next compaction rewrites the
    // instance from memory): it is moved to `damaged` (see the header).
    let records = all;
    let damaged: { k: number; reason: string }[] | null = null;
    for (const r of all) {
      const reason = damageOf(r, primary);
      if (reason) (damaged ??= []).push({ k: (r as { k: number }).k, reason });
    }
    if (damaged) {
      await this.setAside(state, damaged, during);
      const aside = new Set(damaged.map((d) => d.k));
      records = all.filter((r) => !aside.has(r.k!));
    }
    const latest = new Map<string, Doc>();
    for (const r of records) {
      for (const d of r.d) latest.set(d[primary] as string, d);
      state.noteRecord(r.k!, r.d.length);
    }
    const current = memDocs(state.mem);
    const rows: BulkWriteRow<Record<string, unknown>>[] = [];
    for (const [id, d] of latest) {
      const prev = current.get(id);
      if (prev && prev._rev === d._rev && prev._meta.lwt === d._meta.lwt) continue;
      rows.push(prev ? { previous: prev, document: d } : { document: d });
    }
    if (rows.length === 0) return records.length;
    const res = await state.mem.bulkWrite(rows, 'packed-storage-apply');
    if (res.error.length) throw new Error(`packed storage: ${res.error.length} stored documents could not be applied in ${state.key}`);
    return records.length;
  }

  /**
   * Moves damaged records of `state`'s instance from `chunks` to `damaged`, in one transaction that
   * re-reads each (one another window set aside, or compacted away, meanwhile is not moved twice).
   * Rejects, moving nothing, if the transaction fails.
   */
  private async setAside(state: InstanceState, damaged: { k: number; reason: string }[], during: SetAsideRecord['during']): Promise<void> {
    const db = await state.conn.db;
    const tx = db.transaction([STORE, DAMAGED], 'readwrite', { durability: 'strict' });
    const chunks = tx.objectStore(STORE);
    const aside = tx.objectStore(DAMAGED);
    const at = Date.now();
    const moved: { k: number; reason: string }[] = [];
    for (const d of damaged) {
      void quiet(request(chunks.get(d.k))).then((record: unknown) => {
        if (record === undefined) return;
        try {
          aside.add({ instance: state.key, key: d.k, at, reason: d.reason, during, record } satisfies SetAsideRecord);
          chunks.delete(d.k);
          moved.push(d);
        } catch {
          // Never a delete without its copy: nothing of this transaction is kept.
          try {
            tx.abort();
          } catch {
            // Already aborted.
          }
        }
      });
    }
    try {
      await done(tx);
    } catch (error) {
      throw new Error(`packed storage: ${damaged.length} damaged record(s) of ${state.key} in ${state.databaseName} could not be set aside; the store was not opened or written (${String((error as Error)?.name ?? error)})`);
    }
    for (const d of damaged) if (d.k > state.lastKey) state.lastKey = d.k;
    if (moved.length === 0) return;
    console.warn(`packed storage: set aside ${moved.length} damaged record(s) of ${state.key} in ${state.databaseName} during ${during} (${moved.map((d) => `${d.k}: ${d.reason}`).join('; ')}); the other records were applied`);
    tellSetAside({ databaseName: state.databaseName, instance: state.key, count: moved.length });
    try {
      state.conn.channel?.postMessage({ i: state.key, aside: moved.length });
    } catch {
      // A closed channel: the other windows count on their next look.
    }
  }

  /** Applies what other windows appended since this window's last look. */
  async catchUp(state: InstanceState): Promise<void> {
    await this.apply(state, await this.records(state, state.lastKey), 'catch-up');
  }

  private async load(state: InstanceState, params: Params): Promise<void> {
    const records = await this.records(state, 0);
    // Only damaged records (now set aside) count as none: the Dexie store is then still the copy.
    const applied = await this.apply(state, records, 'open');
    if (applied === 0 && this.options.legacy && (await this.options.legacy.has(params))) {
      await this.migrate(state, params);
      return;
    }
    if (applied && this.options.legacy && (await this.options.legacy.has(params))) {
      // Copied before, but the old database outlived it (closed mid-way): remove it now.
      await this.options.legacy.drop(params);
    }
    await this.maybeCompact(state);
  }

  private async migrate(state: InstanceState, params: Params): Promise<void> {
    const legacy = this.options.legacy!;
    const old = (await legacy.storage.createStorageInstance({ ...params, options: {}, multiInstance: false })) as RxStorageInstance<Record<string, unknown>, unknown, unknown, unknown>;
    const docs: Doc[] = [];
    try {
      let checkpoint: unknown;
      for (;;) {
        const page = await getChangedDocumentsSince(old, 1000, checkpoint);
        docs.push(...(page.documents as Doc[]));
        if (page.documents.length < 1000) break;
        checkpoint = page.checkpoint;
      }
    } finally {
      await old.close();
    }
    if (docs.length) {
      await this.rewrite(state, docs);
      const res = await state.mem.bulkWrite(docs.map((document) => ({ document })), 'packed-storage-apply');
      if (res.error.length) throw new Error(`packed storage: ${res.error.length} moved documents could not be applied in ${state.key}`);
    }
    await legacy.drop(params);
  }

  /** Appends one record; resolves with its key once it is on disk. */
  async append(state: InstanceState, docs: Doc[]): Promise<number> {
    const db = await state.conn.db;
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    const k = quiet(request(tx.objectStore(STORE).add({ i: state.key, d: docs } satisfies ChunkRecord)));
    await done(tx);
    return (await k) as number;
  }

  /**
   * Replaces every record of the instance with blocks of `docs` (all of its documents), in one
   * transaction: on failure the old records stay as they were.
   */
  private async rewrite(state: InstanceState, docs: Doc[]): Promise<void> {
    const db = await state.conn.db;
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(STORE);
    const added: Promise<IDBValidKey>[] = [];
    void this.deleteAll(store, state).then(() => {
      for (let at = 0; at < docs.length; at += this.blockSize) added.push(quiet(request(store.add({ i: state.key, d: docs.slice(at, at + this.blockSize) } satisfies ChunkRecord))));
    });
    await done(tx);
    state.sizes.clear();
    for (let n = 0; n < added.length; n++) {
      const k = (await added[n]!) as number;
      state.noteRecord(k, Math.min(this.blockSize, docs.length - n * this.blockSize));
    }
    this.announce(state, state.lastKey);
  }

  /** Merges the small records into one (their documents' present states). */
  private async mergeSmall(state: InstanceState, small: number[]): Promise<void> {
    const db = await state.conn.db;
    const primary = getPrimaryFieldOfPrimaryKey(state.mem.schema.primaryKey) as string;
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(STORE);
    const ids = new Set<string>();
    const gets = small.map((k) => quiet(request(store.get(k)) as Promise<ChunkRecord | undefined>));
    let added: Promise<IDBValidKey> | null = null;
    let merged = 0;
    void Promise.all(gets).then((records) => {
      for (const r of records) for (const d of r?.d ?? []) ids.add(d[primary] as string);
      const current = memDocs(state.mem);
      const docs = [...ids].map((id) => current.get(id)).filter((d): d is Doc => !!d);
      merged = docs.length;
      for (const k of small) store.delete(k);
      if (docs.length) added = quiet(request(store.add({ i: state.key, d: docs } satisfies ChunkRecord)));
    });
    await done(tx);
    for (const k of small) state.sizes.delete(k);
    if (added) {
      const k = (await added) as number;
      state.noteRecord(k, merged);
      this.announce(state, k);
    }
  }

  /**
   * Compaction, under the instance's lock with memory caught up: a full rewrite once the records
   * hold more than twice the live documents (plus a block) or when asked (documents purged from memory
   * by a cleanup; `rewriteAfterWrite`), else a merge of the small records once
   * there are `mergeAfter` of them.
   */
  async maybeCompact(state: InstanceState, rewrite = false): Promise<void> {
    const live = memDocs(state.mem);
    let stored = 0;
    const small: number[] = [];
    for (const [k, n] of state.sizes) {
      stored += n;
      if (n < this.blockSize / 2) small.push(k);
    }
    if (rewrite || stored > 2 * live.size + this.blockSize) await this.rewrite(state, [...live.values()]);
    else if (small.length >= this.mergeAfter) await this.mergeSmall(state, small);
  }

  announce(state: InstanceState, k: number): void {
    try {
      state.conn.channel?.postMessage({ i: state.key, k });
    } catch {
      // A closed channel: the other windows catch up on their next write.
    }
  }

  /** Deletes every record of the instance. */
  async removeRecords(state: InstanceState): Promise<void> {
    const db = await state.conn.db;
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    void this.deleteAll(tx.objectStore(STORE), state);
    await done(tx);
    state.sizes.clear();
  }

  /** Deletes every record of the instance within the transaction of `store` (resolves once queued). */
  private deleteAll(store: IDBObjectStore, state: InstanceState): Promise<void> {
    const range = this.keyRange.bound([state.key, -Infinity], [state.key, Infinity]);
    return quiet(request(store.index(BY_INSTANCE).getAllKeys(range))).then((ks) => {
      for (const k of ks) store.delete(k);
    });
  }

  /** Drops a state nobody holds any more; closes the database once no instance is open. */
  drop(state: InstanceState): void {
    if (state.conn.states.get(state.key) === state) state.conn.states.delete(state.key);
    // Frees the documents (the memory storage keeps a state by this key until it is deleted).
    this.memory.collectionStates.delete(getMemoryCollectionKey(state.databaseName, state.mem.collectionName, state.mem.schema.version));
    this.release(state.databaseName);
  }

  private release(databaseName: string): void {
    const conn = this.connections.get(databaseName);
    if (!conn || conn.states.size > 0 || conn.opening > 0) return;
    this.connections.delete(databaseName);
    conn.channel?.close();
    void conn.db.then((d) => d.close()).catch(() => undefined);
  }
}

class PackedInstance implements RxStorageInstance<Record<string, unknown>, PackedInternals, PackedInstanceOptions> {
  readonly databaseName: string;
  readonly collectionName: string;
  readonly schema: Params['schema'];
  readonly options: PackedInstanceOptions;
  readonly internals: PackedInternals;
  private readonly primary: string;
  private closed = false;

  constructor(
    private readonly storage: PackedStorage,
    private readonly state: InstanceState,
    params: Params,
  ) {
    this.databaseName = params.databaseName;
    this.collectionName = params.collectionName;
    this.schema = params.schema;
    this.options = params.options;
    this.internals = { key: state.key };
    this.primary = getPrimaryFieldOfPrimaryKey(params.schema.primaryKey) as string;
  }

  private get mem() {
    if (this.closed) throw new Error(`packed storage: ${this.collectionName} is closed`);
    return this.state.mem;
  }

  bulkWrite(rows: BulkWriteRow<Record<string, unknown>>[], context: string): Promise<RxStorageBulkWriteResponse<Record<string, unknown>>> {
    const mem = this.mem;
    const { storage, state } = this;
    return state.exclusive(async () => {
      await storage.catchUp(state);
      const categorized = categorizeBulkWriteRows(mem, this.primary as never, memDocs(mem), rows, context);
      const docs: Doc[] = [];
      for (const r of categorized.bulkInsertDocs) docs.push(r.document as Doc);
      for (const r of categorized.bulkUpdateDocs) docs.push(r.document as Doc);
      if (docs.length === 0) return { error: categorized.errors };
      const k = await storage.append(state, docs);
      const result = await mem.bulkWrite(rows, context);
      state.noteRecord(k, docs.length);
      storage.announce(state, k);
      await storage.maybeCompact(state, storage.options.rewriteAfterWrite?.includes(this.collectionName) ?? false).catch(() => undefined);
      return result;
    });
  }

  findDocumentsById(ids: string[], withDeleted: boolean): Promise<Doc[]> {
    return this.mem.findDocumentsById(ids, withDeleted);
  }

  query(preparedQuery: PreparedQuery<Record<string, unknown>>) {
    return this.mem.query(preparedQuery);
  }

  count(preparedQuery: PreparedQuery<Record<string, unknown>>) {
    return this.mem.count(preparedQuery);
  }

  getAttachmentData(): Promise<Blob> {
    return Promise.reject(new Error('packed storage: attachments are not supported'));
  }

  changeStream() {
    return this.mem.changeStream();
  }

  cleanup(minimumDeletedTime: number): Promise<boolean> {
    const mem = this.mem;
    const { storage, state } = this;
    return state.exclusive(async () => {
      await storage.catchUp(state);
      const before = memDocs(mem).size;
      await mem.cleanup(minimumDeletedTime);
      if (memDocs(mem).size !== before) await storage.maybeCompact(state, true);
      return true;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.state.settled();
    this.state.refs--;
    if (this.state.refs > 0) return;
    // Out of the maps at once (no await in between), so an open from now on loads afresh from disk.
    this.storage.drop(this.state);
    await this.state.mem.close();
  }

  async remove(): Promise<void> {
    const mem = this.mem;
    const { storage, state } = this;
    await state.exclusive(() => storage.removeRecords(state));
    this.closed = true;
    state.refs--;
    await mem.remove();
    storage.drop(state);
  }
}

export function getRxStoragePacked(options: PackedStorageOptions = {}): PackedStorage {
  return new PackedStorage(options);
}
