/**
 * The packed storage (./packed-storage.ts) on fake-indexeddb: what a write leaves on disk, reopening,
 * compaction, a failed write, damaged records set aside (on open and in a catch-up; fixed shapes and
 * seeded junk), the upgrade from database version 1, two windows writing one instance at once (seeded), and
 * the move from the Dexie store of earlier versions.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBDatabase, IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { createRevision, fillWithDefaultSettings, normalizeMangoQuery, now, prepareQuery, type RxDocumentData, type RxJsonSchema, type RxStorageInstance } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { countSetAside, getRxStoragePacked, onRecordsSetAside, PACKED_DB_PREFIX, realmLocks, type PackedLocks, type PackedStorageOptions, type SetAsideEvent, type SetAsideRecord } from './packed-storage';
import { dexieDatabaseName } from './storage';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { exampleApplication } from '../../sync/protocol/examples';
import { toLocal } from './modifiers';
import { TEST_PASSWORD } from './test-helpers';
import { prng } from '../../fuzz/prng';

interface Item {
  id: string;
  n: number;
  tag: string;
}
type Stored = RxDocumentData<Item>;

const schema = fillWithDefaultSettings<Item>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 40 }, n: { type: 'number', minimum: 0, maximum: 1e9, multipleOf: 1 }, tag: { type: 'string', maxLength: 20 } },
  required: ['id', 'n', 'tag'],
  indexes: ['tag', 'n'],
} as RxJsonSchema<Item>);

const TOKEN = 'tok01';
type Instance = RxStorageInstance<Item, unknown, unknown>;

const open: Instance[] = [];
afterEach(async () => {
  for (const i of open.splice(0)) await i.close().catch(() => undefined);
});

async function instance(options: PackedStorageOptions, databaseName = 'db1'): Promise<Instance> {
  const storage = getRxStoragePacked({ IDBKeyRange, BroadcastChannel: null, ...options });
  const i = await storage.createStorageInstance<Item>({ databaseInstanceToken: TOKEN, databaseName, collectionName: 'items', schema, options: {}, multiInstance: true, devMode: false });
  open.push(i as Instance);
  return i as Instance;
}

const doc = (id: string, n: number, tag = 't', previous?: Stored, deleted = false): Stored => {
  const d = { id, n, tag, _deleted: deleted, _attachments: {}, _meta: { lwt: now() }, _rev: '' } as Stored;
  d._rev = createRevision(TOKEN, previous);
  return d;
};

/** A closed packed database `databaseName` whose instance holds document `a` (revision `n`): the starting point of the damaged-record tests. */
async function closedStoreWithA(n: number, databaseName = 'db1'): Promise<IDBFactory> {
  const idb = new IDBFactory();
  const w = await instance({ indexedDB: idb }, databaseName);
  await w.bulkWrite([{ document: doc('a', n) }], 'test');
  await w.close();
  open.splice(0);
  return idb;
}

async function records(idb: IDBFactory, databaseName = 'db1'): Promise<{ i: string; k: number; d: Stored[] }[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = idb.open(PACKED_DB_PREFIX + databaseName);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const r = db.transaction('chunks', 'readonly').objectStore('chunks').getAll();
      r.onsuccess = () => resolve(r.result as never);
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}

const all = async (i: Instance) => {
  const docs = await i.findDocumentsById(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], true);
  return Object.fromEntries(docs.map((d) => [d.id, { n: d.n, rev: d._rev, deleted: d._deleted }]));
};

const I = 'items--0';

/** The packed database at its present version, for raw reads and writes. */
const rawDb = (idb: IDBFactory, databaseName = 'db1') =>
  new Promise<IDBDatabase>((resolve, reject) => {
    const r = idb.open(PACKED_DB_PREFIX + databaseName);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** One request in a transaction of its own; resolves with its result once the transaction committed. */
async function raw<T>(idb: IDBFactory, store: string, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>, databaseName = 'db1'): Promise<T> {
  const db = await rawDb(idb, databaseName);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const q = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(q.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
const putRecord = (idb: IDBFactory, value: unknown, databaseName?: string) => raw(idb, 'chunks', 'readwrite', (s) => s.add(value), databaseName) as Promise<number>;
const getRecord = (idb: IDBFactory, k: number, databaseName?: string) => raw<unknown>(idb, 'chunks', 'readonly', (s) => s.get(k), databaseName);
const setAsideRows = (idb: IDBFactory, databaseName?: string) => raw(idb, 'damaged', 'readonly', (s) => s.getAll(), databaseName) as Promise<SetAsideRecord[]>;

/** Records this module never writes, each given the next revision of a document (to set aside). */
const garbageShapes: [string, (next: Stored) => unknown][] = [
  ['an array, not an object', () => Object.assign(['junk'], { i: I })],
  ['d a string', () => ({ i: I, d: 'junk' })],
  ['d an object', (next) => ({ i: I, d: { 0: next } })],
  ['d null', () => ({ i: I, d: null })],
  ['no d', () => ({ i: I })],
  ['a null document', () => ({ i: I, d: [null] })],
  ['an id not a string', (next) => ({ i: I, d: [{ ...next, id: 7 }] })],
  ['a document without id', (next) => ({ i: I, d: [{ ...next, id: undefined }] })],
  ['a document without _rev', (next) => ({ i: I, d: [Object.fromEntries(Object.entries(next).filter(([f]) => f !== '_rev'))] })],
  ['a document without its write time', (next) => ({ i: I, d: [{ ...next, _meta: {} }] })],
  ['a good document beside a bad one', (next) => ({ i: I, d: [next, 'junk'] })],
  ["a later version's field", (next) => ({ i: I, d: [next], z: 'gzip' })],
  ['a huge junk string', () => ({ i: I, d: 'x'.repeat(4_000_000) })],
];

/** A seeded junk value (never a stored document: no `lwt` anywhere). */
function junkValue(random: () => number, depth = 0): unknown {
  const r = random();
  const leaves = [null, true, 0, -1.5, '', 'junk', 'x'.repeat(Math.floor(random() * 2000)), new Date(0), new Uint8Array([1, 2, 3]), undefined];
  if (depth > 2 || r < 0.35) return leaves[Math.floor(random() * leaves.length)];
  if (r < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => junkValue(random, depth + 1));
  const names = ['id', '_rev', '_deleted', '_meta', 'n', 'd', 'i', 'tag', 'zz'];
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [names[Math.floor(random() * names.length)]!, junkValue(random, depth + 1)]));
}

/** A seeded record of the instance this module never writes. */
function junkRecord(random: () => number, ids: string[], model: Map<string, Stored>): unknown {
  const id = ids[Math.floor(random() * ids.length)]!;
  switch (Math.floor(random() * 5)) {
    case 0: {
      const d = junkValue(random, 1);
      return { i: I, d: Array.isArray(d) ? [...d, null] : d };
    }
    case 1: {
      // The next revision of a document, lacking one of the members every stored document has.
      const next = doc(id, 1e6, 'junk', model.get(id)) as unknown as Record<string, unknown>;
      delete next[['id', '_rev', '_deleted', '_meta'][Math.floor(random() * 4)]!];
      return { i: I, d: [next] };
    }
    case 2:
      return { i: I, d: [doc(id, 1e6, 'junk', model.get(id))], [['v', 'z', 'meta'][Math.floor(random() * 3)]!]: junkValue(random, 1) };
    case 3:
      return Object.assign([junkValue(random, 1)], { i: I });
    default:
      return { i: I, d: 'x'.repeat(100_000 + Math.floor(random() * 400_000)) };
  }
}

describe('packed storage', () => {
  it('puts one record per write on disk before the write resolves, and reads it back after a reopen', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb });
    const events: number[] = [];
    const sub = a.changeStream().subscribe((b) => events.push(b.events.length));
    const r1 = await a.bulkWrite([{ document: doc('a', 1) }, { document: doc('b', 2) }], 'test');
    expect(r1.error).toEqual([]);
    // On disk at the moment the write resolved: one record holding both documents.
    const disk = await records(idb);
    expect(disk.map((r) => r.d.map((d) => d.id))).toEqual([['a', 'b']]);
    expect(events).toEqual([2]);
    const [prevA] = await a.findDocumentsById(['a'], false);
    const r2 = await a.bulkWrite([{ previous: prevA!, document: doc('a', 10, 'x', prevA) }, { document: doc('c', 3) }], 'test');
    expect(r2.error).toEqual([]);
    // A write on a stale revision is refused and not written.
    const r3 = await a.bulkWrite([{ previous: prevA!, document: doc('a', 99, 'x', prevA) }], 'test');
    expect(r3.error.map((e) => e.status)).toEqual([409]);
    expect((await records(idb)).length).toBe(2);
    sub.unsubscribe();
    const before = await all(a);
    await a.close();
    open.splice(0);
    const again = await instance({ indexedDB: idb });
    expect(await all(again)).toEqual(before);
    expect(before.a!.n).toBe(10);
    // Indexes and queries work on the loaded state.
    const { documents } = await again.query(prepareQuery(schema, normalizeMangoQuery(schema, { selector: { tag: 'x' } })));
    expect(documents.map((d) => d.id)).toEqual(['a']);
  });

  it('a write that fails to reach the disk changes nothing, emits nothing and rejects; the next write works', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb });
    await a.bulkWrite([{ document: doc('a', 1) }], 'test');
    const events: number[] = [];
    const sub = a.changeStream().subscribe((b) => events.push(b.events.length));
    // The next transaction aborts (as on a full disk).
    const realTransaction = IDBDatabase.prototype.transaction;
    let fail = true;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const tx = realTransaction.apply(this, args);
      if (fail && args[1] === 'readwrite') {
        fail = false;
        queueMicrotask(() => tx.abort());
      }
      return tx;
    } as IDBDatabase['transaction'];
    try {
      await expect(a.bulkWrite([{ document: doc('b', 2) }], 'test')).rejects.toThrow();
    } finally {
      IDBDatabase.prototype.transaction = realTransaction;
    }
    expect(await a.findDocumentsById(['b'], true)).toEqual([]);
    expect(events).toEqual([]);
    expect((await a.bulkWrite([{ document: doc('b', 3) }], 'test')).error).toEqual([]);
    expect(events).toEqual([1]);
    expect((await records(idb)).flatMap((r) => r.d.map((d) => `${d.id}${d.n}`))).toEqual(['a1', 'b3']);
    sub.unsubscribe();
  });

  it('merges small records and rewrites stale ones as blocks; the state survives every compaction', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb, blockSize: 10, mergeAfter: 4 });
    const model = new Map<string, Stored>();
    const random = prng(4711);
    for (let step = 0; step < 300; step++) {
      const id = `d${Math.floor(random() * 25)}`;
      const [prev] = await a.findDocumentsById([id], true);
      const next = doc(id, step, random() < 0.5 ? 'x' : 'y', prev, random() < 0.1);
      expect((await a.bulkWrite([prev ? { previous: prev, document: next } : { document: next }], 'test')).error).toEqual([]);
      model.set(id, next);
      const disk = await records(idb);
      // Bounded: never more copies than twice the live documents plus a block, and few small records.
      expect(disk.reduce((s, r) => s + r.d.length, 0)).toBeLessThanOrEqual(2 * model.size + 10 + 1);
      expect(disk.filter((r) => r.d.length < 5).length).toBeLessThanOrEqual(4);
    }
    await a.close();
    open.splice(0);
    const again = await instance({ indexedDB: idb, blockSize: 10, mergeAfter: 4 });
    const ids = [...model.keys()];
    const loaded = await again.findDocumentsById(ids, true);
    expect(Object.fromEntries(loaded.map((d) => [d.id, d._rev]))).toEqual(Object.fromEntries([...model].map(([id, d]) => [id, d._rev])));
  });

  it('cleanup purges old tombstones from disk too', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb, blockSize: 2 });
    await a.bulkWrite([{ document: doc('a', 1) }, { document: doc('b', 2) }, { document: doc('c', 3) }], 'test');
    const [b] = await a.findDocumentsById(['b'], false);
    const gone = doc('b', 2, 't', b, true);
    gone._meta.lwt = now() - 10_000;
    await a.bulkWrite([{ previous: b!, document: gone }], 'test');
    await a.cleanup(1000);
    expect((await records(idb)).flatMap((r) => r.d.map((d) => d.id)).sort()).toEqual(['a', 'c']);
  });

  it('rewriteAfterWrite: an overwritten copy does not stay behind on disk', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb, rewriteAfterWrite: ['items'] });
    await a.bulkWrite([{ document: doc('a', 1, 'secret') }, { document: doc('b', 2) }], 'test');
    const [prev] = await a.findDocumentsById(['a'], false);
    await a.bulkWrite([{ previous: prev!, document: doc('a', 1, 'blank', prev) }], 'test');
    const disk = JSON.stringify(await records(idb));
    expect(disk).not.toContain('secret');
    expect(disk).toContain('blank');
  });

  it.each([9921, 9922])('opens and closes of one instance crossing each other (seed %i): every write lands, nothing is lost, memory is freed', async (seed) => {
    const idb = new IDBFactory();
    const random = prng(seed);
    const storage = getRxStoragePacked({ indexedDB: idb, IDBKeyRange, BroadcastChannel: null });
    const params = { databaseInstanceToken: TOKEN, databaseName: `oc${seed}`, collectionName: 'items', schema, options: {}, multiInstance: true, devMode: false } as const;
    // One instance held open all along, as the database's other collections keep the connection.
    const keeper = await storage.createStorageInstance<Item>({ ...params, collectionName: 'keeper' });
    const written: string[] = [];
    let n = 0;
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 10)));
        const inst = await storage.createStorageInstance<Item>(params);
        const id = `x${i}`;
        const res = await inst.bulkWrite([{ document: doc(id, ++n) }], 'test');
        expect(res.error).toEqual([]);
        written.push(id);
        if (random() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(random() * 5)));
        await inst.close();
      }),
    );
    const last = await storage.createStorageInstance<Item>(params);
    expect((await last.findDocumentsById(written, false)).length).toBe(30);
    await last.close();
    // Nothing of `items` stays in memory once its last instance closed.
    expect([...(storage as unknown as { memory: { collectionStates: Map<string, unknown> } }).memory.collectionStates.keys()].filter((k) => k.includes('items'))).toEqual([]);
    await keeper.close();
    const fresh = await instance({ indexedDB: idb }, `oc${seed}`);
    expect((await fresh.findDocumentsById(written, false)).length).toBe(30);
  });

  it.each(garbageShapes.map(([name]) => name))('sets a damaged record aside (%s): kept as stored in `damaged`, the rest opens, later writes, reopens and compactions work', async (name) => {
    const shape = garbageShapes.find(([n]) => n === name)![1];
    const idb = new IDBFactory();
    const w = await instance({ indexedDB: idb });
    await w.bulkWrite([{ document: doc('a', 1) }, { document: doc('b', 2) }], 'test');
    const [a1] = await w.findDocumentsById(['a'], false);
    const before = await all(w);
    await w.close();
    open.splice(0);
    // The damaged record would have updated `a`: set aside, `a` stays at the revision before it.
    const k = await putRecord(idb, shape(doc('a', 99, 'x', a1)));
    const stored = await getRecord(idb, k);
    const events: SetAsideEvent[] = [];
    const off = onRecordsSetAside((e) => events.push(e));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const again = await instance({ indexedDB: idb });
      expect(await all(again)).toEqual(before);
      const aside = await setAsideRows(idb);
      expect(aside).toHaveLength(1);
      expect(aside[0]).toMatchObject({ instance: I, key: k, during: 'open' });
      expect(aside[0]!.reason).toMatch(/^[ -~]+$/);
      expect(aside[0]!.record).toStrictEqual(stored);
      expect(await getRecord(idb, k)).toBeUndefined();
      expect(events).toEqual([{ databaseName: 'db1', instance: I, count: 1 }]);
      expect(await countSetAside('db1', idb)).toBe(1);
      // One English log line, with no document contents.
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0]![0]);
      expect(line).toMatch(/^packed storage: set aside 1 damaged record\(s\) of items--0 in db1 during open \([ -~]+\)/);
      for (const secret of ['junk', 'gzip', 'xxxx', '"a"', 'lwt']) expect(line).not.toContain(secret);
      // Later writes work and survive a reopen; the reopen sets nothing aside again.
      const [cur] = await again.findDocumentsById(['a'], false);
      expect((await again.bulkWrite([{ previous: cur!, document: doc('a', 3, 'y', cur) }, { document: doc('c', 4) }], 'test')).error).toEqual([]);
      await again.close();
      open.splice(0);
      const compacting = await instance({ indexedDB: idb, rewriteAfterWrite: ['items'] });
      expect(await all(compacting)).toMatchObject({ a: { n: 3 }, b: { n: 2 }, c: { n: 4 } });
      // A write that rewrites the instance (compaction): `damaged` is left as it was.
      expect((await compacting.bulkWrite([{ document: doc('d', 5) }], 'test')).error).toEqual([]);
      expect((await records(idb)).length).toBe(1);
      expect(await setAsideRows(idb)).toStrictEqual(aside);
      expect(events).toHaveLength(1);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      off();
      warn.mockRestore();
    }
  });

  it.each([7301, 7302, 7303, 7304])('seeded junk among good records (seed %i): every junk record is set aside as stored, the state is that of the good records', async (seed) => {
    const random = prng(seed);
    const idb = await closedStoreWithA(0);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const model = new Map<string, Stored>();
    model.set('a', (await records(idb))[0]!.d[0]!);
    const junk = new Map<number, unknown>();
    for (let n = 0; n < 40; n++) {
      if (random() < 0.4) {
        const k = await putRecord(idb, junkRecord(random, ids, model));
        junk.set(k, await getRecord(idb, k));
      } else {
        // Another window's good record: a few documents, each the next revision of its model copy.
        const docs = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => ids[Math.floor(random() * ids.length)]!))].map((id) => doc(id, n, 't', model.get(id), random() < 0.1));
        await putRecord(idb, { i: I, d: docs });
        for (const d of docs) model.set(d.id, d);
      }
    }
    expect(junk.size).toBeGreaterThan(3);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const again = await instance({ indexedDB: idb });
      const revs = async (i: Instance) => Object.fromEntries((await i.findDocumentsById(ids, true)).map((d) => [d.id, d._rev]));
      expect(await revs(again)).toEqual(Object.fromEntries([...model].map(([id, d]) => [id, d._rev])));
      const aside = await setAsideRows(idb);
      expect(new Map(aside.map((r) => [r.key, r.record]))).toStrictEqual(junk);
      expect(aside.every((r) => r.instance === I && r.during === 'open' && /^[ -~]+$/.test(r.reason))).toBe(true);
      expect((await records(idb)).every((r) => !junk.has(r.k))).toBe(true);
      expect(warn).toHaveBeenCalledTimes(junk.size ? 1 : 0);
      // Writes go on; a reopen sets nothing aside again; a compaction leaves `damaged` alone.
      const [a] = await again.findDocumentsById(['a'], true);
      expect((await again.bulkWrite([{ previous: a!, document: doc('a', 1000, 't', a) }], 'test')).error).toEqual([]);
      await again.close();
      open.splice(0);
      const third = await instance({ indexedDB: idb, rewriteAfterWrite: ['items'] });
      expect((await third.findDocumentsById(['a'], true))[0]!.n).toBe(1000);
      expect((await third.bulkWrite([{ document: doc('f', 1) }], 'test')).error).toEqual([]);
      expect(await setAsideRows(idb)).toStrictEqual(aside);
      expect(await countSetAside('db1', idb)).toBe(junk.size);
    } finally {
      warn.mockRestore();
    }
  });

  it("leaves another instance's records alone (e.g. a later schema version's after a downgrade)", async () => {
    const idb = await closedStoreWithA(1);
    const others = [{ i: 'items--1', d: 'a later format' }, { i: 'other--0', d: [{ id: 7 }] }, { d: [] }, { i: 42, d: null }];
    const keys = [];
    for (const o of others) keys.push(await putRecord(idb, o));
    const again = await instance({ indexedDB: idb });
    expect((await all(again)).a?.n).toBe(1);
    expect(await setAsideRows(idb)).toEqual([]);
    for (const [n, k] of keys.entries()) expect(await getRecord(idb, k)).toStrictEqual({ ...others[n], k });
  });

  it('if a damaged record cannot be set aside, the open fails and the record stays where it was', async () => {
    const idb = await closedStoreWithA(1);
    const k = await putRecord(idb, { i: I, d: [{ id: 'z' }] });
    const stored = await getRecord(idb, k);
    const realAdd = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (this.name === 'damaged') throw new DOMException('full', 'QuotaExceededError');
      return realAdd.apply(this, args);
    };
    try {
      await expect(instance({ indexedDB: idb })).rejects.toThrow(/1 damaged record\(s\) of items--0 in db1 could not be set aside; the store was not opened or written/);
    } finally {
      IDBObjectStore.prototype.add = realAdd;
    }
    expect(await getRecord(idb, k)).toStrictEqual(stored);
    expect(await setAsideRows(idb)).toEqual([]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ok = await instance({ indexedDB: idb });
    warn.mockRestore();
    expect((await all(ok)).a?.n).toBe(1);
    expect((await setAsideRows(idb)).map((r) => r.record)).toStrictEqual([stored]);
  });

  it('upgrades a version-1 database: its records are kept, a window holding version 1 closes its connection', async () => {
    const idb = new IDBFactory();
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = idb.open(PACKED_DB_PREFIX + 'v1', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('chunks', { keyPath: 'k', autoIncrement: true }).createIndex('ik', ['i', 'k']);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    let closed = false;
    // What a window of the previous build does on a version change.
    old.onversionchange = () => {
      old.close();
      closed = true;
    };
    await new Promise((resolve) => {
      const tx = old.transaction('chunks', 'readwrite');
      tx.objectStore('chunks').add({ i: I, d: [doc('a', 1)] });
      tx.oncomplete = resolve;
    });
    const w = await instance({ indexedDB: idb }, 'v1');
    expect(closed).toBe(true);
    expect((await all(w)).a?.n).toBe(1);
    expect((await w.bulkWrite([{ document: doc('b', 2) }], 'test')).error).toEqual([]);
    const db = await rawDb(idb, 'v1');
    expect(db.version).toBe(2);
    expect([...db.objectStoreNames].sort()).toEqual(['chunks', 'damaged']);
    db.close();
    expect(await countSetAside('v1', idb)).toBe(0);
  });

  it('opens a database a later build upgraded (after a downgrade) at its version; its records in a later format are set aside', async () => {
    const idb = await closedStoreWithA(1, 'v3');
    // The later build: version 3, one more object store, and a record in its own format.
    await new Promise<void>((resolve, reject) => {
      const r = idb.open(PACKED_DB_PREFIX + 'v3', 3);
      r.onupgradeneeded = () => r.result.createObjectStore('later');
      r.onsuccess = () => {
        const tx = r.result.transaction('chunks', 'readwrite');
        tx.objectStore('chunks').add({ i: I, d: 'compressed', v: 3 });
        tx.oncomplete = () => {
          r.result.close();
          resolve();
        };
      };
      r.onerror = () => reject(r.error);
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const again = await instance({ indexedDB: idb }, 'v3');
      expect((await all(again)).a?.n).toBe(1);
      expect((await again.bulkWrite([{ document: doc('b', 2) }], 'test')).error).toEqual([]);
      expect((await setAsideRows(idb, 'v3')).map((r) => r.record)).toEqual([{ i: I, d: 'compressed', v: 3, k: 2 }]);
      const db = await rawDb(idb, 'v3');
      expect(db.version).toBe(3);
      db.close();
    } finally {
      warn.mockRestore();
    }
    // A later version without the stores this build uses is not opened (and not changed).
    await new Promise<void>((resolve) => {
      const r = idb.open(PACKED_DB_PREFIX + 'alien', 5);
      r.onupgradeneeded = () => r.result.createObjectStore('other');
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
    });
    await expect(instance({ indexedDB: idb }, 'alien')).rejects.toThrow(/is at version 5, from a later build, without the object stores this build uses/);
  });

  it.each([9931, 9932, 9933, 9934])('two windows meeting a damaged record in catch-ups at once (seed %i): set aside once, both go on and agree', async (seed) => {
    const random = prng(seed);
    const idb = new IDBFactory();
    const locks = realmLocks();
    const name = `cw${seed}`;
    const [A, B] = [await instance({ indexedDB: idb, locks, BroadcastChannel }, name), await instance({ indexedDB: idb, locks, BroadcastChannel }, name)];
    await A!.bulkWrite([{ document: doc('a', 1) }], 'test');
    const [a1] = await A!.findDocumentsById(['a'], false);
    // A third window's good record, then a damaged one updating `a`, then a good one.
    await putRecord(idb, { i: I, d: [doc('b', 2)] }, name);
    const bad = await putRecord(idb, { i: I, d: [{ ...doc('a', 9, 't', a1), _rev: 7 }] }, name);
    const stored = await getRecord(idb, bad, name);
    const good = await putRecord(idb, { i: I, d: [doc('e', 5)] }, name);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const events: SetAsideEvent[] = [];
    const off = onRecordsSetAside((e) => events.push(e));
    try {
      const sleep = () => new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
      await Promise.all([
        // The third window's notice: both catch up outside the lock.
        sleep().then(() => {
          const ch = new BroadcastChannel(PACKED_DB_PREFIX + name);
          ch.postMessage({ i: I, k: good });
          ch.close();
        }),
        // Each writes (a catch-up under the lock first).
        sleep().then(async () => expect((await A!.bulkWrite([{ document: doc('c', 3) }], 'test')).error).toEqual([])),
        sleep().then(async () => expect((await B!.bulkWrite([{ document: doc('d', 4) }], 'test')).error).toEqual([])),
      ]);
      const view = async (i: Instance) => Object.fromEntries(Object.entries(await all(i)).map(([id, d]) => [id, d.n]));
      const want = { a: 1, b: 2, c: 3, d: 4, e: 5 };
      for (let t = 0; t < 100 && (JSON.stringify(await view(A!)) !== JSON.stringify(want) || JSON.stringify(await view(B!)) !== JSON.stringify(want)); t++) await new Promise((r) => setTimeout(r, 10));
      expect(await view(A!)).toEqual(want);
      expect(await view(B!)).toEqual(want);
      const aside = await setAsideRows(idb, name);
      expect(aside).toHaveLength(1);
      expect(aside[0]).toMatchObject({ instance: I, key: bad, during: 'catch-up' });
      expect(aside[0]!.record).toStrictEqual(stored);
      expect(await getRecord(idb, bad, name)).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      // Both go on writing; a third window opens on the same state and sets nothing aside.
      const [aA] = await A!.findDocumentsById(['a'], false);
      expect((await A!.bulkWrite([{ previous: aA!, document: doc('a', 10, 't', aA) }], 'test')).error).toEqual([]);
      expect((await B!.bulkWrite([{ document: doc('f', 6) }], 'test')).error).toEqual([]);
      const third = await instance({ indexedDB: idb, locks }, name);
      expect(await view(third)).toEqual({ ...want, a: 10, f: 6 });
      expect(await countSetAside(name, idb)).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      // The window that moved it is told, and the other over the channel (both in this one realm here).
      expect(events).toEqual([
        { databaseName: name, instance: I, count: 1 },
        { databaseName: name, instance: I, count: 1 },
      ]);
    } finally {
      off();
      warn.mockRestore();
    }
  });
  it.each([9901, 9902, 9903, 9904])('two windows writing at once (seed %i): no update is lost, both and a reopen agree', async (seed) => {
    const idb = new IDBFactory();
    const locks: PackedLocks = realmLocks();
    const windows = [
      await instance({ indexedDB: idb, locks, BroadcastChannel, blockSize: 6, mergeAfter: 3 }, `w${seed}`),
      await instance({ indexedDB: idb, locks, BroadcastChannel, blockSize: 6, mergeAfter: 3 }, `w${seed}`),
    ];
    const random = prng(seed);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    // Every accepted write: its document's revision and the revision it replaced.
    const accepted: { id: string; prev: string | null; rev: string }[] = [];
    let refused = 0;
    let counter = 0;
    for (let round = 0; round < 40; round++) {
      const ops = Array.from({ length: 1 + Math.floor(random() * 5) }, async () => {
        const w = windows[Math.floor(random() * 2)]!;
        const id = ids[Math.floor(random() * ids.length)]!;
        const [prev] = await w.findDocumentsById([id], true);
        const next = doc(id, ++counter, 't', prev, !!prev && random() < 0.15);
        const res = await w.bulkWrite([prev ? { previous: prev, document: next } : { document: next }], 'test');
        if (res.error.length) {
          expect(res.error[0]!.status).toBe(409);
          refused++;
        } else accepted.push({ id, prev: prev?._rev ?? null, rev: next._rev });
      });
      await Promise.all(ops);
    }
    // Per document, the accepted writes form one chain: none replaced a revision another had replaced.
    const finals: Record<string, string> = {};
    for (const id of ids) {
      const mine = accepted.filter((a) => a.id === id);
      const byPrev = new Map<string | null, string>();
      for (const a of mine) {
        expect(byPrev.has(a.prev), `${id}: two writes replaced ${a.prev}`).toBe(false);
        byPrev.set(a.prev, a.rev);
      }
      let at: string | null = null;
      let walked = 0;
      while (byPrev.has(at)) {
        at = byPrev.get(at)!;
        walked++;
      }
      expect(walked).toBe(mine.length);
      if (at) finals[id] = at;
    }
    expect(refused).toBeGreaterThan(0); // the mix did cross
    const revs = async (i: Instance) => Object.fromEntries((await i.findDocumentsById(ids, true)).map((d) => [d.id, d._rev]));
    // The other window hears of each write over the channel.
    for (let t = 0; t < 100 && JSON.stringify(await revs(windows[0]!)) !== JSON.stringify(await revs(windows[1]!)); t++) await new Promise((r) => setTimeout(r, 10));
    expect(await revs(windows[0]!)).toEqual(finals);
    expect(await revs(windows[1]!)).toEqual(finals);
    const third = await instance({ indexedDB: idb, locks }, `w${seed}`);
    expect(await revs(third)).toEqual(finals);
  });
});

describe('packed storage under the terminal database', () => {
  const dbs: TerminalDatabase[] = [];
  afterEach(async () => {
    for (const d of dbs.splice(0)) await d.close().catch(() => undefined);
  });

  it('takes over a Dexie store of earlier versions on first open: documents, tombstones and ciphertext; the Dexie databases are deleted', async () => {
    const idb = new IDBFactory();
    const name = 'mig1';
    const storage = { indexedDB: idb, IDBKeyRange, BroadcastChannel: null } as const;
    const old = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'dexie', ...storage }, multiInstance: false });
    const apps = Array.from({ length: 30 }, (_, n) => toLocal('applications', exampleApplication({ id: `app-${String(n).padStart(3, '0')}` } as never)));
    await old.applications.bulkInsert(apps as never[]);
    await old.applications.findOne('app-007').remove();
    const name0 = (await old.applications.findOne('app-003').exec())!.applicant?.name;
    const version = old.applications.schema.version;
    await old.close();
    const before = (await idb.databases()).map((d) => d.name!);
    expect(before).toContain(dexieDatabaseName(name, 'applications', version));

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'packed', ...storage }, multiInstance: false });
    dbs.push(db);
    expect(await db.applications.count().exec()).toBe(29);
    expect((await db.applications.findOne('app-003').exec())!.applicant?.name).toBe(name0);
    const after = (await idb.databases()).map((d) => d.name!);
    expect(after.filter((n) => n.startsWith('rxdb-dexie-'))).toEqual([]);
    expect(after).toContain(PACKED_DB_PREFIX + name);
    // The tombstone came along (replication needs it), and PII is ciphertext on disk.
    const disk = await records(idb, name);
    const stored = disk.filter((r) => r.i.startsWith('applications--')).flatMap((r) => r.d as unknown as Record<string, unknown>[]);
    expect(stored.find((d) => d.id === 'app-007')?._deleted).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(String(name0));
    // Writes go on, and a second open (nothing left to move) reads the same.
    await db.applications.insert(toLocal('applications', exampleApplication({ id: 'app-new' } as never)) as never);
    await db.close();
    dbs.splice(0);
    const again = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'packed', ...storage }, multiInstance: false });
    dbs.push(again);
    expect(await again.applications.count().exec()).toBe(30);
  });

  it('a Dexie store left after a completed move (closed mid-way) is deleted, not copied again', async () => {
    const idb = new IDBFactory();
    const storage = { indexedDB: idb, IDBKeyRange, BroadcastChannel: null } as const;
    const db = await openTerminalDatabase({ name: 'mig2', password: TEST_PASSWORD, storage: { kind: 'packed', ...storage }, multiInstance: false });
    await db.applications.insert(toLocal('applications', exampleApplication({ id: 'app-1' } as never)) as never);
    const version = db.applications.schema.version;
    await db.close();
    // A stale Dexie database of the same collection with another document in it.
    const stale = await getRxStorageDexie({ indexedDB: idb, IDBKeyRange } as never).createStorageInstance({ databaseInstanceToken: TOKEN, databaseName: 'mig2', collectionName: 'items', schema, options: {}, multiInstance: false, devMode: false });
    await stale.bulkWrite([{ document: doc('zz', 1) as never }], 'test');
    await stale.close();
    expect((await idb.databases()).map((d) => d.name)).toContain(dexieDatabaseName('mig2', 'items', 0));
    // Packed instance `items` exists now too (so the Dexie one is a leftover).
    const p = await instance({ indexedDB: idb, legacy: undefined }, 'mig2');
    await p.bulkWrite([{ document: doc('a', 1) }], 'test');
    await p.close();
    open.splice(0);
    const { createStorage } = await import('./storage');
    const wrapped = createStorage({ kind: 'packed', ...storage });
    const again = await wrapped.createStorageInstance({ databaseInstanceToken: TOKEN, databaseName: 'mig2', collectionName: 'items', schema, options: {}, multiInstance: false, devMode: false });
    const docs = await again.findDocumentsById(['a', 'zz'], true);
    expect(docs.map((d: Stored) => d.id)).toEqual(['a']);
    expect((await idb.databases()).map((d) => d.name)).not.toContain(dexieDatabaseName('mig2', 'items', 0));
    await again.close();
    expect(version).toBeGreaterThanOrEqual(0);
  });
});
