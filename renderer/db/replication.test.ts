// The renderer's push handler: a refusal's `fields` go from the bridge answer into the quarantine
// entry; hostile answers (fields of the wrong type, bad paths, oversized lists, rejections of
// documents never sent) never cost the refused copy or break the replication.
import { afterEach, describe, expect, it } from 'vitest';
import { exampleApplication, type ApplicationDoc, type CollectionName } from '../../sync/protocol';
import type { SyncRejection } from '../../preload/contract/sync-calls';
import type { TerminalDatabase } from './database';
import { toLocal } from './modifiers';
import { listQuarantine, quarantine, quarantineKey, supersedeRefusal } from './quarantine';
import { startReplication, type SyncBridge, type TerminalReplication } from './replication';
import { memoryDb } from './test-helpers';

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
