import { afterEach, describe, expect, it } from 'vitest';
import { memoryDb, TEST_SALT } from '../db/test-helpers';
import type { TerminalDatabase } from '../db/database';
import { discardDraft, DRAFT_MAX_AGE_DAYS, expireDrafts, findDraft, saveDraft, submitDraft, type DraftContent } from './drafts';

let db: TerminalDatabase | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

const content = (over: Partial<DraftContent> = {}): DraftContent => ({
  serviceItemCode: 'YB01', formId: 'YB01', formVersion: 1, name: '王建国', idNumber: '360102199003071236', phone: '13800138000',
  formData: { applicantName: '王建国', idNumber: '360102199003071236', phone: '13800138000' }, ...over,
});

describe('kiosk drafts', () => {
  it('are saved after each step, found again only with the same ID number, and kept across reopen', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201' };
    const id = await saveDraft(t, null, content());
    expect(await saveDraft(t, id, content({ formData: { applicantName: '王建国', insuredType: '普通居民' } }))).toBe(id);
    const found = await findDraft(t, '360102199003071236', 'YB01', 1);
    expect(found?.id).toBe(id);
    expect(found?.formData).toEqual({ applicantName: '王建国', insuredType: '普通居民' });
    expect(await findDraft(t, '110105194912310021', 'YB01', 1)).toBeNull();
    expect(await findDraft(t, '360102199003071236', 'YB02', 1)).toBeNull();
  });

  it('never become applications until submitted: nothing for replication to push', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201' };
    await saveDraft(t, null, content());
    expect(await db.applications.count().exec()).toBe(0);
  });

  it('are discarded on reset: personal data overwritten, then removed, no longer found', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201' };
    const id = await saveDraft(t, null, content());
    await discardDraft(t, id);
    expect(await db.kiosk_drafts.findOne(id).exec()).toBeNull();
    expect(await findDraft(t, '360102199003071236', 'YB01', 1)).toBeNull();
    expect(await db.applications.count().exec()).toBe(0);
    await discardDraft(t, id); // twice is fine
  });

  it('become a submitted application with the same id on submit; the draft is gone; a retry does not file twice', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201', terminalId: 'T-1' };
    const id = await saveDraft(t, null, content());
    const app = await submitDraft(t, id);
    expect(app).toMatchObject({ id, status: 'submitted', channel: 'kiosk', serviceItemCode: 'YB01', terminalId: 'T-1' });
    expect(app.applicant).toMatchObject({ name: '王建国', idNumber: '360102199003071236' });
    expect(app.formData).toEqual(content().formData);
    expect(await db.kiosk_drafts.findOne(id).exec()).toBeNull();
    expect((await submitDraft(t, id)).id).toBe(id);
    expect(await db.applications.count().exec()).toBe(1);
    await expect(submitDraft(t, '0190b4a4-0000-7000-8000-000000000000')).rejects.toThrow(/no such draft/);
  });

  it('kept drafts expire after DRAFT_MAX_AGE_DAYS', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201' };
    const old = await saveDraft(t, null, content(), new Date(Date.now() - (DRAFT_MAX_AGE_DAYS + 1) * 86_400_000));
    const fresh = await saveDraft(t, null, content({ serviceItemCode: 'YB02', formId: 'YB02' }));
    expect(await expireDrafts(db)).toBe(1);
    expect(await db.kiosk_drafts.findOne(old).exec()).toBeNull();
    expect(await db.kiosk_drafts.findOne(fresh).exec()).not.toBeNull();
  });
});

describe('kiosk drafts: the applicant idType', () => {
  it('a Hong Kong / Macao / Taiwan residence permit read at the kiosk is stored as such, not as resident_id', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201' };
    const hk = await saveDraft(t, null, content({ idNumber: '810000199001011234', cardType: 'hmt-residence' }));
    const tw = await saveDraft(t, null, content({ idNumber: '830000199001011234', cardType: 'hmt-residence', serviceItemCode: 'YB02' }));
    const cn = await saveDraft(t, null, content({ cardType: 'resident', serviceItemCode: 'YB03' }));
    expect((await db!.kiosk_drafts.findOne(hk).exec())?.applicant?.idType).toBe('hk_macao_permit');
    expect((await db!.kiosk_drafts.findOne(tw).exec())?.applicant?.idType).toBe('taiwan_permit');
    expect((await db!.kiosk_drafts.findOne(cn).exec())?.applicant?.idType).toBe('resident_id');
    expect((await submitDraft(t, hk)).applicant?.idType).toBe('hk_macao_permit');
  });
});
