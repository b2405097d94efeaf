// The renderer's push handler: a refusal's `fields` go from the bridge answer into the quarantine
// entry; hostile answers (fields of the wrong type, bad paths, oversized lists, rejections of
// documents never sent) never cost the refused copy or break the replication. Then older cases on
// demand (lookupOlder), at the end.
import { afterEach, describe, expect, it } from 'vitest';
import { exampleApplication, type ApplicationDoc, type CollectionName, type StreamEvent } from '../../sync/protocol';
import { prng } from '../../fuzz/prng';
import type { SyncLocalReport, SyncRejection } from '../../preload/contract/sync-calls';
import { fakeCatalog } from './fixtures';
import type { TerminalDatabase } from './database';
import { toLocal } from './modifiers';
import { listQuarantine, quarantine, quarantineKey, supersedeRefusal } from './quarantine';
import { startReplication, type ApplicationLookup, type SyncBridge, type TerminalReplication } from './replication';
import { answersLookup, memoryDb } from './test-helpers';

let db: TerminalDatabase | null = null;
let rep: TerminalReplication | null = null;
afterEach(async () => {
  await rep?.stop();
  rep = null;
  await db?.close();
  db = null;
});

type Doc = Record<string, unknown>;
/** A bridge whose push answers what `answer` makes of the rows (rejections may carry anything). */
function fakeBridge(answer: (rows: Doc[]) => { rejections: unknown[]; droppedFields?: number }): SyncBridge & { pushed: Doc[] } {
  const pushed: Doc[] = [];
  return {
    pushed,
    pull: async () => ({ documents: [], checkpoint: { seq: 0 }, skipped: 0 }),
    push: async ({ rows }) => {
      const docs = rows.map((r) => r.newDocumentState);
      pushed.push(...docs);
      const a = answer(docs);
      return { conflicts: [], rejections: a.rejections as SyncRejection[], ...(a.droppedFields ? { droppedFields: a.droppedFields } : {}) };
    },
    onStream: () => () => undefined,
  };
}

async function until<T>(check: () => Promise<T | undefined | null | false>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function run(docs: ApplicationDoc[], answer: (rows: Doc[]) => { rejections: unknown[]; droppedFields?: number }) {
  db = await memoryDb();
  await db.applications.bulkInsert(docs.map((d) => toLocal('applications', d)) as never[]);
  const bridge = fakeBridge(answer);
  rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 50, collections: ['applications'] as CollectionName[] });
  await until(async () => bridge.pushed.length >= docs.length, 'the push');
  return bridge;
}

describe('push handler → quarantine', () => {
  it("quarantines a FORM_INVALID refusal with its fields, other refusals with none", async () => {
    const bad = exampleApplication({ status: 'submitted' });
    const other = exampleApplication({ status: 'submitted' });
    const good = exampleApplication({ status: 'submitted' });
    await run([bad, other, good], () => ({
      rejections: [
        { id: bad.id, code: 'FORM_INVALID', message: '表单内容有1处不符合要求。（字段：bankAccount）', fields: [{ path: 'bankAccount', keyword: 'pattern' }] },
        { id: other.id, code: 'WRONG_STATION', message: 'the station is not yours' },
      ],
    }));
    const q = await until(async () => ((await listQuarantine(db!)).length === 2 ? listQuarantine(db!) : null), 'two quarantined');
    const byId = new Map(q.map((x) => [x.docId, x]));
    expect(byId.get(bad.id)).toMatchObject({ key: quarantineKey('applications', bad.id), code: 'FORM_INVALID', fields: [{ path: 'bankAccount', keyword: 'pattern' }], state: 'open' });
    expect(byId.get(bad.id)!.doc).toMatchObject({ id: bad.id, formData: bad.formData });
    expect(byId.get(other.id)!.fields).toEqual([]);
    expect(byId.has(good.id)).toBe(false);
  });

  it('hostile fields are dropped, the refused copy is kept; a rejection of a document never sent is ignored', async () => {
    const docs = Array.from({ length: 5 }, () => exampleApplication({ status: 'submitted' }));
    const hostile: unknown[] = [
      'bankAccount',
      { path: 'bankAccount', keyword: 'pattern' },
      [{ path: '<img src=x onerror=alert(1)>', keyword: 'pattern' }, { path: 'a b', keyword: 1 }, null, { path: 'ok', keyword: 'required' }],
      Array.from({ length: 5000 }, (_, i) => ({ path: `f${i}`, keyword: 'required' })),
      42,
    ];
    await run(docs, () => ({
      rejections: [
        ...docs.map((d, i) => ({ id: d.id, code: 'FORM_INVALID', message: `m${i}`, fields: hostile[i] })),
        { id: exampleApplication().id, code: 'FORM_INVALID', message: 'not ours', fields: [{ path: 'x', keyword: '' }] },
      ],
      droppedFields: 12,
    }));
    const q = await until(async () => ((await listQuarantine(db!)).length === docs.length ? listQuarantine(db!) : null), 'all quarantined');
    const fieldsOf = (id: string) => q.find((x) => x.docId === id)!.fields;
    expect(fieldsOf(docs[0]!.id)).toEqual([]);
    expect(fieldsOf(docs[1]!.id)).toEqual([]);
    expect(fieldsOf(docs[2]!.id)).toEqual([{ path: 'ok', keyword: 'required' }]);
    expect(fieldsOf(docs[3]!.id)).toHaveLength(20);
    expect(fieldsOf(docs[4]!.id)).toEqual([]);
    for (const [i, d] of docs.entries()) expect(q.find((x) => x.docId === d.id)).toMatchObject({ message: `m${i}`, doc: { id: d.id } });
    expect(q).toHaveLength(docs.length); // the stranger's id was not quarantined
    expect(rep!.snapshot().errors).toEqual({});
  });
});

describe('push answer `adjusted` (accepted, stored otherwise)', () => {
  it('adopts the stored state as the platform state, releases the retried copy, never quarantines a LOCAL_OVERRIDDEN copy', async () => {
    const a = exampleApplication({ status: 'submitted' });
    const b = exampleApplication({ status: 'submitted' });
    db = await memoryDb();
    await db.applications.bulkInsert([a, b].map((d) => toLocal('applications', d)) as never[]);
    // b was refused earlier and is being sent again (retrying): accepted now, it must be released.
    await quarantine(db, { collection: 'applications', docId: b.id, code: 'FORM_INVALID', message: 'x', doc: b });
    await supersedeRefusal(db, b.id);
    const stored = (d: Doc) => ({ ...d, status: 'synced', formData: { ...(d.formData as Doc), normalised: true }, statusHistory: [...(d.statusHistory as unknown[]), { status: 'synced', at: new Date().toISOString(), by: 'platform' }] });
    const pushed: Doc[] = [];
    const bridge: SyncBridge = {
      pull: async () => ({ documents: [], checkpoint: { seq: 0 }, skipped: 0 }),
      push: async ({ rows }) => {
        pushed.push(...rows.map((r) => r.newDocumentState));
        // The platform has it already in the stored form: nothing to adjust on a repeat.
        const fresh = rows.filter((r) => r.newDocumentState.status === 'submitted');
        return { conflicts: fresh.map((r) => stored(r.newDocumentState)), rejections: [], adjusted: fresh.map((r) => String(r.newDocumentState.id)) };
      },
      onStream: () => () => undefined,
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 50, collections: ['applications'] as CollectionName[] });
    await until(async () => ((await db!.applications.find({ selector: { status: 'synced' } }).exec()).length === 2 ? true : null), 'both synced locally');
    await rep.awaitInSync();
    for (const d of [a, b]) {
      const local = (await db.applications.findOne(d.id).exec())!.toMutableJSON() as unknown as Doc;
      expect(local).toMatchObject({ status: 'synced', formData: { normalised: true } });
    }
    expect(await rep.pendingCount()).toBe(0);
    // Nothing refused, nothing overridden: the quarantine is empty (b's retried copy was released).
    expect(await until(async () => ((await listQuarantine(db!)).length === 0 ? 'empty' : null), 'quarantine released')).toBe('empty');
    // Adopted, not merged: the pushed submitted state was not pushed again and again.
    expect(pushed.filter((d) => d.status === 'submitted')).toHaveLength(2);
  });

  it('a real conflict is still resolved by ownership (the platform state is not adopted blindly)', async () => {
    const a = exampleApplication({ status: 'draft', formData: { local: 1 } });
    db = await memoryDb();
    await db.applications.insert(toLocal('applications', a) as never);
    let first = true;
    const bridge: SyncBridge = {
      pull: async () => ({ documents: [], checkpoint: { seq: 0 }, skipped: 0 }),
      push: async ({ rows }) => {
        if (!first) return { conflicts: [], rejections: [] };
        first = false;
        // The platform has another version of the draft (another terminal): a conflict, not adjusted.
        return { conflicts: rows.map((r) => ({ ...r.newDocumentState, formData: { remote: 1 } })), rejections: [] };
      },
      onStream: () => () => undefined,
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 50, collections: ['applications'] as CollectionName[] });
    await until(async () => (!first ? true : null), 'the push');
    await rep.awaitInSync();
    // The terminal owns a draft's form: its version survives the conflict.
    expect((await db.applications.findOne(a.id).exec())!.formData).toEqual({ local: 1 });
  });
});

// Older cases on demand (TerminalReplication.lookupOlder): the bounded pull leaves old closed cases on
// the platform; a lookup stores them as pulled. Answers come late and writes cross them, so a seeded
// random run checks the invariant that matters: once quiet, every fetched case is the platform's
// latest state, never an older answer that arrived after a newer pull.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A platform in memory: every write gets the next seq; pulls are bounded (old documents left out unless written again). */
class FakePlatform {
  seq = 0;
  readonly rows = new Map<string, { doc: ApplicationDoc; seq: number; old: boolean }>();
  listeners = new Set<(e: StreamEvent) => void>();
  offline = false;
  lookups = 0;
  constructor(private readonly rand: () => number = () => 0) {}
  write(doc: ApplicationDoc, old = false) {
    this.rows.set(doc.id, { doc: structuredClone(doc), seq: ++this.seq, old });
    for (const l of this.listeners) l({ type: 'CHANGE', collection: 'applications', checkpoint: { seq: this.seq } });
  }
  bridge(): SyncBridge {
    return {
      pull: async ({ checkpoint, limit }) => {
        if (this.offline) throw Object.assign(new Error('offline'), { code: 'OFFLINE' });
        await sleep(this.rand() * 5);
        const since = checkpoint?.seq ?? 0;
        const page = [...this.rows.values()].filter((r) => r.seq > since && !r.old).sort((a, b) => a.seq - b.seq).slice(0, limit);
        return { documents: page.map((r) => structuredClone(r.doc) as Doc), checkpoint: { seq: page.at(-1)?.seq ?? since }, skipped: 0 };
      },
      push: async () => ({ conflicts: [], rejections: [] }),
      onStream: (l) => {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
      },
      lookup: async (q: ApplicationLookup) => {
        this.lookups++;
        if (this.offline) throw Object.assign(new Error('offline'), { code: 'OFFLINE' });
        const found = [...this.rows.values()].filter((r) => answersLookup(r.doc, q)).map((r) => structuredClone(r.doc) as Doc);
        // The answer is taken now and arrives late: writes may cross it.
        await sleep(this.rand() * 30);
        return { documents: found };
      },
    };
  }
}

async function startOn(platform: FakePlatform, lookupTimeoutMs?: number) {
  db = await memoryDb();
  rep = startReplication(db, platform.bridge(), { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 30, collections: ['applications'] as CollectionName[], ...(lookupTimeoutMs ? { lookupTimeoutMs } : {}) });
  await rep.awaitInSync();
  return rep;
}

const local = async (id: string) => (await db!.applications.findOne(id).exec())?.toMutableJSON() as Doc | undefined;

describe('lookupOlder', () => {
  it('fetches an old closed case by id or applicant hash and stores it as pulled (nothing pushed back)', async () => {
    const p = new FakePlatform();
    const old = exampleApplication({ status: 'completed', applicantIdHash: 'c'.repeat(64) });
    const recent = exampleApplication({ status: 'submitted' });
    p.write(old, true);
    p.write(recent);
    const r = await startOn(p);
    expect(await local(recent.id)).toBeTruthy();
    expect(await local(old.id)).toBeUndefined();
    expect((await r.lookupOlder({ id: old.id })).map((d) => d.id)).toEqual([old.id]);
    await r.awaitInSync();
    expect(await until(() => local(old.id), 'the old case stored')).toMatchObject({ id: old.id, status: 'completed' });
    expect(await r.isPending('applications', old.id)).toBe(false);
    expect(await r.pendingCount()).toBe(0);
    expect((await r.lookupOlder({ applicantIdHashes: ['c'.repeat(64)] })).map((d) => d.id)).toEqual([old.id]);
    expect(await r.lookupOlder({ id: 'nothing-like-this' })).toEqual([]);
  });

  it('offline: the lookup fails with OFFLINE after its timeout, and asks nothing; a failing lookup never fails the pull', async () => {
    const p = new FakePlatform();
    const r = await startOn(p, 300);
    p.offline = true;
    await expect(r.lookupOlder({ id: 'x' })).rejects.toMatchObject({ code: 'OFFLINE' });
    expect(p.lookups).toBe(0);
    p.offline = false;
    // A lookup that throws (a hostile or broken answer) rejects its caller; the page still lands.
    const doc = exampleApplication({ status: 'submitted' });
    const bridge = p.bridge();
    const lookup = bridge.lookup!;
    p.bridge = () => bridge;
    bridge.lookup = async (q) => {
      await lookup(q);
      throw new Error('BAD_RESPONSE');
    };
    await rep!.stop();
    await db!.close();
    db = await memoryDb();
    rep = startReplication(db, bridge, { identifier: 'test2', waitForLeadership: false, reportEveryMs: 0, retryTime: 30, collections: ['applications'] as CollectionName[] });
    await rep.awaitInSync();
    p.write(doc);
    await expect(rep.lookupOlder({ id: doc.id })).rejects.toThrow('BAD_RESPONSE');
    await until(() => local(doc.id), 'the page stored');
  });

  const SEEDS = Number(process.env.LOOKUP_SEEDS ?? 12);
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: late lookup answers crossed by writes never leave a case older than the platform's`, async () => {
      const rand = prng(seed);
      const p = new FakePlatform(rand);
      const docs = Array.from({ length: 6 }, () => exampleApplication({ status: 'completed' }));
      for (const d of docs) p.write(d, true);
      const r = await startOn(p);
      const work: Promise<unknown>[] = [];
      for (let step = 0; step < 40; step++) {
        const d = docs[Math.floor(rand() * docs.length)]!;
        if (rand() < 0.5) work.push(r.lookupOlder({ id: d.id }).catch(() => undefined));
        else {
          const cur = p.rows.get(d.id)!.doc;
          p.write({ ...cur, formData: { ...cur.formData, edit: step }, updatedAt: new Date(Date.now() + step).toISOString() });
        }
        await sleep(rand() * 10);
      }
      await Promise.all(work);
      await r.awaitInSync();
      // Quiet: every case the terminal holds is the platform's latest state.
      for (let i = 0; i < 200; i++) {
        const stale = [];
        for (const d of docs) {
          const l = await local(d.id);
          if (l && (l.formData as Doc).edit !== p.rows.get(d.id)!.doc.formData.edit) stale.push(d.id);
        }
        if (!stale.length) break;
        if (i === 199) expect(stale, `seed ${seed}`).toEqual([]);
        await sleep(20);
      }
    });
  }
});

describe('the pending count after a bulk write', () => {
  it('a batch written in one go (one write time for all) counts 0 once the platform has it all, and exactly before', async () => {
    db = await memoryDb();
    const docs = Array.from({ length: 450 }, () => exampleApplication({ status: 'submitted' }));
    await db.applications.bulkInsert(docs.map((d) => toLocal('applications', d)) as never[]);
    const lwts = new Set((await db.applications.find().exec()).map((d) => (d.toJSON(true) as unknown as { _meta: { lwt: number } })._meta.lwt));
    expect(lwts.size).toBe(1); // RxDB gives a bulk write one time: the case this is about
    let hold = true;
    let asked = false;
    const pushed: Doc[] = [];
    const bridge: SyncBridge = {
      pull: async () => ({ documents: [], checkpoint: { seq: 0 }, skipped: 0 }),
      push: async ({ rows }) => {
        asked = true;
        while (hold) await new Promise((r) => setTimeout(r, 10));
        pushed.push(...rows.map((r) => r.newDocumentState));
        return { conflicts: [], rejections: [] };
      },
      onStream: () => () => undefined,
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 50, collections: ['applications'] as CollectionName[] });
    await until(async () => asked || null, 'the first push asked');
    expect(await rep.pendingCount()).toBe(450); // nothing answered yet: all of them
    hold = false;
    await until(async () => (pushed.length >= 450 ? true : null), 'all pushed');
    await rep.awaitInSync();
    expect(await rep.pendingCount()).toBe(0);
    expect(await rep.isPending('applications', docs[449]!.id)).toBe(false);
    expect(await rep.pendingIds('applications')).toEqual([]);
    // A later edit of one of them is pending again, and only that one.
    const one = (await db.applications.findOne(docs[7]!.id).exec())!;
    await one.incrementalPatch({ updatedAt: new Date(Date.now() + 1000).toISOString() });
    expect(await rep.pendingIds('applications')).toEqual([docs[7]!.id]);
  });

  it('full push batches whose every document the platform stores otherwise (adjusted) count 0 once answered', async () => {
    // Each answer makes RxDB write the stored state, above the upstream checkpoint: a whole batch of
    // them must be counted exactly (equal to the assumed state), not as a backlog.
    db = await memoryDb();
    const docs = Array.from({ length: 1200 }, () => exampleApplication({ status: 'submitted' }));
    await db.applications.bulkInsert(docs.map((d) => toLocal('applications', d)) as never[]);
    const sizes: number[] = [];
    const bridge: SyncBridge = {
      pull: async () => ({ documents: [], checkpoint: { seq: 0 }, skipped: 0 }),
      push: async ({ rows }) => {
        sizes.push(rows.length);
        const stored: Doc[] = rows.map((r) => ({ ...(r.newDocumentState as Doc), status: 'synced' }));
        return { conflicts: stored, rejections: [], adjusted: stored.map((d) => String(d.id)) };
      },
      onStream: () => () => undefined,
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 50, collections: ['applications'] as CollectionName[] });
    await until(async () => (sizes.reduce((a, b) => a + b, 0) >= 1200 ? true : null), 'all pushed');
    await rep.awaitInSync();
    expect(Math.max(...sizes)).toBe(500); // the platform's most per push
    expect((await db.applications.find({ selector: { status: 'synced' } as never }).exec()).length).toBe(1200);
    expect(await rep.pendingCount()).toBe(0);
    expect(await rep.pendingIds('applications')).toEqual([]);
  });

  it('a backlog goes as requests in flight together; one that fails loses nothing and leaves nothing pending', async () => {
    db = await memoryDb();
    const docs = Array.from({ length: 2600 }, () => exampleApplication({ status: 'submitted' }));
    await db.applications.bulkInsert(docs.map((d) => toLocal('applications', d)) as never[]);
    const platform = new Map<string, Doc>();
    const sizes: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const bridge: SyncBridge = {
      pull: async () => ({ documents: [], checkpoint: { seq: 0 }, skipped: 0 }),
      push: async ({ rows }) => {
        sizes.push(rows.length);
        const call = ++calls;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 20 + (call % 3) * 15)); // answers come back out of order
          // The third request fails after the platform stored its rows (its answer lost): RxDB pushes
          // the batch again, and the platform answers what it has as it stored it.
          for (const r of rows) platform.set(String(r.newDocumentState.id), { ...(r.newDocumentState as Doc), status: 'synced' });
          if (call === 3) throw Object.assign(new Error('the connection dropped'), { code: 'OFFLINE' });
          const stored = rows.map((r) => platform.get(String(r.newDocumentState.id))!);
          return { conflicts: stored, rejections: [], adjusted: stored.map((d) => String(d.id)) };
        } finally {
          inFlight--;
        }
      },
      onStream: () => () => undefined,
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 50, collections: ['applications'] as CollectionName[] });
    await until(async () => ((await db!.applications.count({ selector: { status: 'synced' } as never }).exec()) === 2600 ? true : null), 'all synced');
    await rep.awaitInSync();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500); // the platform's most per request
    expect(maxInFlight).toBeGreaterThanOrEqual(5); // one upstream batch of 2,500: five requests at once
    expect(platform.size).toBe(2600);
    expect(await rep.pendingCount()).toBe(0);
    expect(await rep.pendingIds('applications')).toEqual([]);
    expect(await db.sync_quarantine.count().exec()).toBe(0);
  });
});


describe('a local write that fails (a full disk)', () => {
  it('says so, re-syncs by itself with a growing wait while it keeps failing, and stores the page once it can', async () => {
    db = await memoryDb();
    const { items } = fakeCatalog(3, 0);
    let pulls = 0;
    const bridge: SyncBridge & { reports: SyncLocalReport[] } = {
      reports: [],
      pull: async ({ checkpoint }) => {
        pulls++;
        return (checkpoint as { seq: number } | null)?.seq === 3 ? { documents: [], checkpoint: { seq: 3 }, skipped: 0 } : { documents: items as never[], checkpoint: { seq: 3 }, skipped: 0 };
      },
      push: async () => ({ conflicts: [], rejections: [] }),
      onStream: () => () => undefined,
      report: async (r) => void bridge.reports.push(r),
    };
    // The store refuses every write while "full", as IndexedDB does on a full disk.
    let full = true;
    const fork = db.service_items.storageInstance;
    const write = fork.bulkWrite.bind(fork);
    fork.bulkWrite = async (rows, context) => {
      if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return write(rows, context);
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 40, collections: ['service_items'] as CollectionName[] });
    await until(async () => rep!.snapshot().error?.code === 'LOCAL_STORAGE_FULL', 'the error');
    expect(rep.snapshot().error?.message).toContain('本机存储空间已满');
    expect(rep.snapshot().retryAt).toBeGreaterThan(Date.now() - 1000);
    // A cycle that failed is not a successful sync.
    expect(rep.snapshot().lastSyncAt).toBeNull();
    // Nobody asks, yet it pulls the same page again, waiting longer each time (40, 80, 160 ms ...).
    const retriesAt: number[] = [];
    let seen = pulls;
    await until(async () => {
      if (pulls > seen) {
        seen = pulls;
        retriesAt.push(Date.now());
      }
      return retriesAt.length >= 3;
    }, 'three re-syncs');
    expect(retriesAt[2]! - retriesAt[1]!).toBeGreaterThan((retriesAt[1]! - retriesAt[0]!) * 1.3);
    expect(await db.service_items.count().exec()).toBe(0);
    expect(rep.snapshot().lastSyncAt).toBeNull();
    expect(bridge.reports.every((r) => r.lastSyncAt === null)).toBe(true);
    // Space again: the next re-sync stores the page, the error and the retry time go.
    full = false;
    await until(async () => (await db!.service_items.count().exec()) === 3, 'the items stored');
    await until(async () => rep!.snapshot().error === null && rep!.snapshot().retryAt === null, 'the error gone');
    const last = bridge.reports.at(-1)!;
    expect(last.error).toBeNull();
    expect(last.retryAt).toBeNull();
    expect(bridge.reports.some((r) => typeof r.retryAt === 'number')).toBe(true);
    // Settled: no more re-syncs.
    const after = pulls;
    await new Promise((r) => setTimeout(r, 400));
    expect(pulls).toBe(after);
  });
  it("a push the platform stored otherwise, whose local write fails: the re-sync brings the platform's state once there is space", async () => {
    db = await memoryDb();
    const a = exampleApplication({ status: 'submitted' });
    await db.applications.insert(toLocal('applications', a) as never);
    // A small platform: it stores a new submission as 'synced' (answered as adjusted) and serves pulls by sequence.
    const held = new Map<string, { seq: number; doc: Doc }>();
    let seq = 0;
    const bridge: SyncBridge = {
      pull: async ({ checkpoint }) => {
        const since = (checkpoint as { seq: number } | null)?.seq ?? 0;
        const docs = [...held.values()].filter((h) => h.seq > since).sort((x, y) => x.seq - y.seq);
        return { documents: docs.map((h) => h.doc) as never[], checkpoint: { seq: docs.at(-1)?.seq ?? since }, skipped: 0 };
      },
      push: async ({ rows }) => {
        const conflicts: Doc[] = [];
        const adjusted: string[] = [];
        for (const r of rows) {
          const d = r.newDocumentState;
          const id = String(d.id);
          const was = held.get(id);
          if (was && JSON.stringify(was.doc) !== JSON.stringify(d)) {
            conflicts.push(was.doc);
            continue;
          }
          const stored = d.status === 'submitted' ? { ...d, status: 'synced' } : d;
          held.set(id, { seq: ++seq, doc: stored });
          if (stored !== d) {
            conflicts.push(stored);
            adjusted.push(id);
          }
        }
        return { conflicts: conflicts as never[], rejections: [], adjusted };
      },
      onStream: () => () => undefined,
    };
    let full = true;
    const fork = db.applications.storageInstance;
    const write = fork.bulkWrite.bind(fork);
    fork.bulkWrite = async (rows, context) => {
      if (full && context.startsWith('replication')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return write(rows, context);
    };
    rep = startReplication(db, bridge, { identifier: 'test', waitForLeadership: false, reportEveryMs: 0, retryTime: 40, collections: ['applications'] as CollectionName[] });
    await until(async () => rep!.snapshot().error?.code === 'LOCAL_STORAGE_FULL', 'the error');
    expect(held.get(a.id)?.doc.status).toBe('synced');
    expect((await db.applications.findOne(a.id).exec())!.status).toBe('submitted');
    full = false;
    await until(async () => (await db!.applications.findOne(a.id).exec())!.status === 'synced', "the platform's state stored");
    await until(async () => rep!.snapshot().error === null && rep!.snapshot().retryAt === null, 'the error gone');
    // The platform's state is the assumed one (the meta write follows the fork write): nothing left to push.
    await until(async () => (await rep!.pendingCount()) === 0, 'nothing pending');
    expect(await listQuarantine(db)).toEqual([]);
  });
});
