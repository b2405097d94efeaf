import { afterEach, describe, expect, it } from 'vitest';
import { memoryDb, olderCasesBridge, TEST_SALT } from '../db/test-helpers';
import type { TerminalDatabase } from '../db/database';
import type { ApplicationLocal } from '../db/schemas';
import { saveDraft, submitDraft, type DraftContent } from './drafts';
import { evaluationDoc } from './evaluation';
import { ratedApplicationIds, watchProgress } from './progress-lookup';
import { hashIdNumber } from '../db/applications';
import { startReplication } from '../db/replication';
import { exampleApplication, type CollectionName } from '../../sync/protocol';

let db: TerminalDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const RESIDENT = '360102199003071236';
const OTHER = '110105194912310021';
const content = (idNumber: string, code = 'YB01'): DraftContent => ({ serviceItemCode: code, formId: code, formVersion: 1, name: '王建国', idNumber, formData: { applicantName: '王建国', idNumber } });

async function file(idNumber: string, at: string, code?: string): Promise<string> {
  const t = { db: db!, idHashSalt: TEST_SALT, stationId: '360121201' };
  const id = await saveDraft(t, null, content(idNumber, code), new Date(at));
  await submitDraft(t, id, new Date(at));
  return id;
}

/** Collects every emission; `settle` waits until the latest one satisfies the check. */
function collector() {
  const seen: ApplicationLocal[][] = [];
  return {
    seen,
    on: (apps: ApplicationLocal[]) => void seen.push(apps),
    async settle(check: (apps: ApplicationLocal[]) => boolean): Promise<ApplicationLocal[]> {
      for (let i = 0; i < 200; i++) {
        const last = seen.at(-1);
        if (last && check(last)) return last;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`never settled: ${JSON.stringify(seen.map((s) => s.map((a) => [a.id, a.status])))}`);
    },
  };
}

describe('kiosk progress lookup', () => {
  it('by card: the resident’s applications, newest first, no drafts, nobody else’s; followed live as the status changes', async () => {
    db = await memoryDb();
    const older = await file(RESIDENT, '2026-12-01T02:00:00Z');
    const newer = await file(RESIDENT, '2026-12-04T02:00:00Z', 'YB02');
    await file(OTHER, '2026-12-03T02:00:00Z');
    await saveDraft({ db, idHashSalt: TEST_SALT, stationId: '360121201' }, null, content(RESIDENT)); // a draft: never shown
    const c = collector();
    const stop = await watchProgress({ db, lookupSalts: TEST_SALT }, { kind: 'card', idNumber: RESIDENT.toLowerCase().replace('x', 'X') }, c.on);
    expect((await c.settle((a) => a.length === 2)).map((a) => a.id)).toEqual([newer, older]);
    // the platform's decision arrives by sync
    await (await db.applications.findOne(older).exec())!.incrementalPatch({ status: 'accepted' });
    const after = await c.settle((a) => a.find((x) => x.id === older)?.status === 'accepted');
    expect(after.map((a) => a.id)).toEqual([newer, older]);
    stop();
    const count = c.seen.length;
    await (await db.applications.findOne(newer).exec())!.incrementalPatch({ status: 'accepted' });
    await new Promise((r) => setTimeout(r, 50));
    expect(c.seen.length).toBe(count);
  });

  it('by the receipt’s QR code (both forms); garbage and unknown ids find nothing', async () => {
    db = await memoryDb();
    const id = await file(RESIDENT, '2026-12-01T02:00:00Z');
    for (const text of [`TT1:${id}`, ` ${id}\n`, `https://zwfw.jiangxi.gov.cn/progress?id=${id}`]) {
      const c = collector();
      const stop = await watchProgress({ db, lookupSalts: TEST_SALT }, { kind: 'code', text }, c.on);
      expect((await c.settle((a) => a.length > 0)).map((a) => a.id), text).toEqual([id]);
      stop();
    }
    for (const text of ['', 'TT1:', 'TT1:not-a-uuid', 'https://evil.example/?id=1', '\u0000\u0001', 'x'.repeat(5000), `TT1:${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`]) {
      const c = collector();
      const stop = await watchProgress({ db, lookupSalts: TEST_SALT }, { kind: 'code', text }, c.on);
      expect(await c.settle(() => true), JSON.stringify(text.slice(0, 40))).toEqual([]);
      stop();
    }
  });

  it('older cases: nothing here → asked of the platform (the bounded pull left them there), shown, stored, followed; a failed lookup finds nothing', async () => {
    db = await memoryDb();
    // The platform's old cases: filed here long ago by another terminal, not in this terminal's pull.
    const mine = exampleApplication({ status: 'completed', stationId: '360121201', applicantIdHash: await hashIdNumber(TEST_SALT, RESIDENT), createdAt: '2025-03-01T02:00:00.000Z' });
    const mine2 = exampleApplication({ status: 'completed', stationId: '360121201', applicantIdHash: await hashIdNumber(TEST_SALT, RESIDENT), createdAt: '2025-05-01T02:00:00.000Z' });
    const theirs = exampleApplication({ status: 'completed', stationId: '360121201', applicantIdHash: await hashIdNumber(TEST_SALT, OTHER) });
    const platform = [mine, mine2, theirs];
    const { bridge, state } = olderCasesBridge(platform);
    const rep = startReplication(db, bridge, { identifier: 'progress', waitForLeadership: false, reportEveryMs: 0, retryTime: 30, collections: ['applications'] as CollectionName[] });
    try {
      const store = { db, lookupSalts: [TEST_SALT], replication: () => rep };
      const c = collector();
      const stop = await watchProgress(store, { kind: 'card', idNumber: RESIDENT }, c.on);
      expect((await c.settle((a) => a.length === 2)).map((a) => a.id)).toEqual([mine2.id, mine.id]);
      // Stored as pulled: followed live from here on.
      for (let i = 0; i < 200 && (await db.applications.find().exec()).length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await (await db.applications.findOne(mine.id).exec())!.incrementalPatch({ status: 'accepted' });
      expect((await c.settle((a) => a.find((x) => x.id === mine.id)?.status === 'accepted')).map((a) => a.id)).toEqual([mine2.id, mine.id]);
      stop();
      // Found here now: the platform is not asked again.
      const asked = state.asked;
      const again = collector();
      (await watchProgress(store, { kind: 'card', idNumber: RESIDENT }, again.on))();
      expect(await again.settle((a) => a.length === 2)).toHaveLength(2);
      expect(state.asked).toBe(asked);
      // By the receipt's code.
      const byCode = collector();
      const stop2 = await watchProgress(store, { kind: 'code', text: `TT1:${theirs.id}` }, byCode.on);
      expect((await byCode.settle((a) => a.length === 1)).map((a) => a.id)).toEqual([theirs.id]);
      stop2();
      // The platform unreachable: nothing found, nothing thrown.
      state.mode = 'down';
      const none = collector();
      const stop3 = await watchProgress(store, { kind: 'code', text: `TT1:${exampleApplication().id}` }, none.on);
      await new Promise((r) => setTimeout(r, 200));
      expect(none.seen.every((s) => s.length === 0)).toBe(true);
      stop3();
    } finally {
      await rep.stop();
    }
  });

  it('rated: only the applications with a stored evaluation', async () => {
    db = await memoryDb();
    const a = await file(RESIDENT, '2026-12-01T02:00:00Z');
    const b = await file(RESIDENT, '2026-12-02T02:00:00Z');
    expect(await ratedApplicationIds(db, [])).toEqual(new Set());
    await db.evaluations.insert(evaluationDoc({ stationId: '360121201', level: 5, reasons: [], comment: null, applicationId: a, ticketId: null, serviceItemCode: 'YB01' }) as never);
    expect(await ratedApplicationIds(db, [a, b])).toEqual(new Set([a]));
  });
});
