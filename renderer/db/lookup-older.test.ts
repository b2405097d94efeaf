// Older cases on demand (TerminalReplication.lookupOlder): the bounded pull leaves old closed cases on
// the platform; a lookup stores them as pulled. Answers come late and writes cross them, so a seeded
// random run checks the invariant that matters: once quiet, every fetched case is the platform's
// latest state, never an older answer that arrived after a newer pull.
import { afterEach, describe, expect, it } from 'vitest';
import { exampleApplication, type ApplicationDoc, type CollectionName, type StreamEvent } from '../../sync/protocol';
import { prng } from '../../fuzz/prng';
import type { TerminalDatabase } from './database';
import { startReplication, type ApplicationLookup, type SyncBridge, type TerminalReplication } from './replication';
import { memoryDb } from './test-helpers';

type Doc = Record<string, unknown>;
let db: TerminalDatabase | null = null;
let rep: TerminalReplication | null = null;
afterEach(async () => {
  await rep?.stop();
  rep = null;
  await db?.close();
  db = null;
});

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
        const found = [...this.rows.values()].filter((r) => ('id' in q ? r.doc.id === q.id : q.applicantIdHashes.includes(String(r.doc.applicantIdHash)))).map((r) => structuredClone(r.doc) as Doc);
        // The answer is taken now and arrives late: writes may cross it.
        await sleep(this.rand() * 30);
        return { documents: found };
      },
    };
  }
}

async function start(platform: FakePlatform, lookupTimeoutMs?: number) {
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
    const r = await start(p);
    expect(await local(recent.id)).toBeTruthy();
    expect(await local(old.id)).toBeUndefined();
    expect((await r.lookupOlder({ id: old.id })).map((d) => d.id)).toEqual([old.id]);
    await r.awaitInSync();
    for (let i = 0; i < 100 && !(await local(old.id)); i++) await sleep(10);
    expect(await local(old.id)).toMatchObject({ id: old.id, status: 'completed' });
    expect(await r.isPending('applications', old.id)).toBe(false);
    expect(await r.pendingCount()).toBe(0);
    expect((await r.lookupOlder({ applicantIdHashes: ['c'.repeat(64)] })).map((d) => d.id)).toEqual([old.id]);
    expect(await r.lookupOlder({ id: 'nothing-like-this' })).toEqual([]);
  });

  it('offline: the lookup fails with OFFLINE after its timeout, and asks nothing; a failing lookup never fails the pull', async () => {
    const p = new FakePlatform();
    const r = await start(p, 300);
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
    for (let i = 0; i < 100 && !(await local(doc.id)); i++) await sleep(10);
    expect(await local(doc.id)).toBeTruthy();
  });

  const SEEDS = Number(process.env.LOOKUP_SEEDS ?? 12);
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: late lookup answers crossed by writes never leave a case older than the platform's`, async () => {
      const rand = prng(seed);
      const p = new FakePlatform(rand);
      const docs = Array.from({ length: 6 }, () => exampleApplication({ status: 'completed' }));
      for (const d of docs) p.write(d, true);
      const r = await start(p);
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
