/**
 * The packed storage (./packed-storage.ts) on fake-indexeddb: what a write leaves on disk, reopening,
 * compaction, a failed write, damaged records, two windows writing one instance at once (seeded), and
 * the move from the Dexie store of earlier versions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IDBDatabase, IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createRevision, fillWithDefaultSettings, normalizeMangoQuery, now, prepareQuery, type RxDocumentData, type RxJsonSchema, type RxStorageInstance } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { getRxStoragePacked, PACKED_DB_PREFIX, realmLocks, type PackedLocks, type PackedStorageOptions } from './packed-storage';
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

  it('refuses to open over a damaged record and leaves it on disk', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb });
    await a.bulkWrite([{ document: doc('a', 1) }], 'test');
    await a.close();
    open.splice(0);
    for (const garbage of [{ i: 'items--0', d: 'x' }, { i: 'items--0', d: [{ id: 7 }] }, { i: 'items--0', d: [null] }, { i: 'items--0', d: [{ id: 'z', _rev: '1-a', _deleted: false, _meta: {} }] }]) {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const r = idb.open(PACKED_DB_PREFIX + 'db1');
        r.onsuccess = () => resolve(r.result);
      });
      const tx = db.transaction('chunks', 'readwrite');
      const put = tx.objectStore('chunks').add(garbage);
      const k = await new Promise<IDBValidKey>((resolve) => (put.onsuccess = () => resolve(put.result)));
      await new Promise((resolve) => (tx.oncomplete = resolve));
      await expect(instance({ indexedDB: idb })).rejects.toThrow(/malformed; the store was not opened/);
      expect((await records(idb)).length).toBe(2);
      const del = db.transaction('chunks', 'readwrite');
      del.objectStore('chunks').delete(k);
      await new Promise((resolve) => (del.oncomplete = resolve));
      db.close();
    }
    const ok = await instance({ indexedDB: idb });
    expect((await all(ok)).a?.n).toBe(1);
  });

  it('a damaged record met in a catch-up fails the write and is not skipped by the next one', async () => {
    const idb = new IDBFactory();
    const a = await instance({ indexedDB: idb });
    await a.bulkWrite([{ document: doc('a', 1) }], 'test');
    // Another window's good record, then a damaged one.
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = idb.open(PACKED_DB_PREFIX + 'db1');
      r.onsuccess = () => resolve(r.result);
    });
    const put = (v: unknown) =>
      new Promise<IDBValidKey>((resolve) => {
        const tx = db.transaction('chunks', 'readwrite');
        const q = tx.objectStore('chunks').add(v);
        tx.oncomplete = () => resolve(q.result);
      });
    await put({ i: 'items--0', d: [doc('b', 2)] });
    const bad = await put({ i: 'items--0', d: [{ id: 'z' }] });
    await expect(a.bulkWrite([{ document: doc('c', 3) }], 'test')).rejects.toThrow(/malformed/);
    expect(await a.findDocumentsById(['b', 'c'], true)).toEqual([]);
    // The damage removed (by hand): the next write catches up on the good record too.
    await new Promise((resolve) => {
      const tx = db.transaction('chunks', 'readwrite');
      tx.objectStore('chunks').delete(bad);
      tx.oncomplete = resolve;
    });
    db.close();
    expect((await a.bulkWrite([{ document: doc('c', 3) }], 'test')).error).toEqual([]);
    expect((await a.findDocumentsById(['b', 'c'], true)).map((d) => d.id).sort()).toEqual(['b', 'c']);
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
