import { describe, expect, it } from 'vitest';
import { exampleApplication, exampleEvaluation, type ApplicationDoc } from '../../sync/protocol';
import { toLocal } from './modifiers';
import { dismissQuarantined, editQuarantined, listQuarantine, quarantine, quarantineKey, releaseAccepted, retryQuarantined } from './quarantine';
import { purgeCandidates, purgeExpired, retentionDaysOf } from './retention';
import { fakeStation } from './fixtures';
import { freshDatabases } from './test-helpers';

const fresh = freshDatabases();
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 6, 1);
const iso = (ms: number) => new Date(ms).toISOString();

describe('quarantine', () => {
  it('keeps the refused copy with the reason; edit and retry write it back; acceptance releases it; others unaffected', async () => {
    const db = await fresh();
    const bad = exampleApplication({ status: 'submitted', formData: { applicantName: '' } });
    const good = exampleApplication({ status: 'submitted' });
    await db.applications.bulkInsert([toLocal('applications', bad), toLocal('applications', good)] as never[]);
    await quarantine(db, { collection: 'applications', docId: bad.id, code: 'INVALID_DOCUMENT', message: 'formData.applicantName: too short', doc: bad });
    const [q] = await listQuarantine(db);
    expect(q).toMatchObject({ key: quarantineKey('applications', bad.id), code: 'INVALID_DOCUMENT', state: 'open', attempts: 0 });
    expect(q!.doc).toEqual(bad);

    // The platform's state may overwrite the local doc later: the quarantined copy is still there.
    await db.applications.upsert(toLocal('applications', { ...bad, status: 'draft', formData: {} }) as never);
    await editQuarantined(db, q!.key, { ...bad, formData: { applicantName: '改正后' } });
    await expect(editQuarantined(db, q!.key, { ...bad, id: 'other' })).rejects.toThrow(/id/);
    await retryQuarantined(db, q!.key, new Date(NOW));
    const after = await db.applications.findOne(bad.id).exec();
    expect(after?.formData).toEqual({ applicantName: '改正后' });
    expect(after?.status).toBe('submitted');
    expect(after?.updatedAt).toBe(iso(NOW));
    expect((await listQuarantine(db))[0]).toMatchObject({ state: 'retrying', attempts: 1 });
    expect((await db.applications.findOne(good.id).exec())?.status).toBe('submitted');

    await releaseAccepted(db, 'applications', [bad.id]);
    expect(await listQuarantine(db)).toEqual([]);
  });

  it('a refused append-only record is retried as its edited copy; dismiss removes an entry', async () => {
    const db = await fresh();
    const ev = exampleEvaluation({ level: 1, reasons: [] });
    await db.evaluations.insert(ev);
    await quarantine(db, { collection: 'evaluations', docId: ev.id, code: 'INVALID_DOCUMENT', message: 'reasons are required', doc: ev });
    const key = quarantineKey('evaluations', ev.id);
    await editQuarantined(db, key, { ...ev, reasons: ['服务态度差'] });
    await retryQuarantined(db, key);
    expect((await db.evaluations.findOne(ev.id).exec())?.reasons).toEqual(['服务态度差']);
    await quarantine(db, { collection: 'evaluations', docId: ev.id, code: 'APPEND_ONLY', message: 'again', doc: ev });
    expect((await listQuarantine(db))[0]).toMatchObject({ state: 'open', attempts: 1, code: 'APPEND_ONLY' });
    await dismissQuarantined(db, key);
    expect(await listQuarantine(db)).toEqual([]);
  });
});

describe('retention purge', () => {
  function finalApp(status: ApplicationDoc['status'], daysAgo: number, by: 'platform' | 'terminal' = 'platform'): ApplicationDoc {
    const at = iso(NOW - daysAgo * DAY);
    return exampleApplication({
      status,
      createdAt: at,
      updatedAt: at,
      statusHistory: [
        { status: 'draft', at, by: 'terminal' },
        { status, at, by },
      ],
    });
  }

  it('purges only final, synced, unquarantined applications older than the retention days', async () => {
    const db = await fresh();
    await db.station_config.insert(fakeStation({ retentionDays: 30 }));
    const oldCompleted = finalApp('completed', 40);
    const oldRejected = finalApp('rejected', 31);
    const oldWithdrawnSynced = finalApp('withdrawn', 60, 'terminal');
    const oldWithdrawnPending = finalApp('withdrawn', 60, 'terminal');
    const recentCompleted = finalApp('completed', 10);
    const oldInReview = finalApp('in_review', 90);
    const oldDraft = finalApp('draft', 90, 'terminal');
    const oldQuarantined = finalApp('completed', 90);
    const all = [oldCompleted, oldRejected, oldWithdrawnSynced, oldWithdrawnPending, recentCompleted, oldInReview, oldDraft, oldQuarantined];
    await db.applications.bulkInsert(all.map((a) => toLocal('applications', a)) as never[]);
    await quarantine(db, { collection: 'applications', docId: oldQuarantined.id, code: 'LOCAL_OVERRIDDEN', message: 'x', doc: oldQuarantined });
    const days = await retentionDaysOf(db, '360121201');
    expect(days).toBe(30);
    const pending = new Set([oldWithdrawnPending.id]);
    const opts = { retentionDays: days, now: NOW, isPending: async (id: string) => pending.has(id) };
    expect((await purgeCandidates(db, opts)).sort()).toEqual([oldCompleted.id, oldRejected.id, oldWithdrawnSynced.id].sort());
    expect(await purgeExpired(db, opts)).toBe(3);
    const left = (await db.applications.find().exec()).map((d) => d.id).sort();
    expect(left).toEqual([oldWithdrawnPending.id, recentCompleted.id, oldInReview.id, oldDraft.id, oldQuarantined.id].sort());
    // tombstones are gone too (no encrypted PII left behind)
    const raw = await db.applications.storageInstance.findDocumentsById([oldCompleted.id], true);
    expect(raw).toEqual([]);
    expect(await purgeExpired(db, opts)).toBe(0);
  });

  it('defaults to 180 days without a station config', async () => {
    const db = await fresh();
    expect(await retentionDaysOf(db, null)).toBe(180);
  });
});
