// The renderer's push handler: a refusal's `fields` go from the bridge answer into the quarantine
// entry; hostile answers (fields of the wrong type, bad paths, oversized lists, rejections of
// documents never sent) never cost the refused copy or break the replication.
import { afterEach, describe, expect, it } from 'vitest';
import { exampleApplication, type ApplicationDoc, type CollectionName } from '../../sync/protocol';
import type { SyncRejection } from '../../preload/contract/sync-calls';
import type { TerminalDatabase } from './database';
import { toLocal } from './modifiers';
import { listQuarantine, quarantineKey } from './quarantine';
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
