import { afterEach, describe, expect, it } from 'vitest';
import { memoryDb, TEST_SALT } from '../db/test-helpers';
import type { TerminalDatabase } from '../db/database';
import { discardDraft, findDraft, saveDraft, type DraftContent } from './drafts';

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

  it('are discarded on reset: personal data cleared, status withdrawn, no longer found', async () => {
    db = await memoryDb();
    const t = { db, idHashSalt: TEST_SALT, stationId: '360121201' };
    const id = await saveDraft(t, null, content());
    await discardDraft(t, id);
    const doc = (await db.applications.findOne(id).exec())!.toMutableJSON();
    expect(doc.status).toBe('withdrawn');
    expect(doc.formData).toEqual({});
    expect(doc.applicant).toBeNull();
    expect(await findDraft(t, '360102199003071236', 'YB01', 1)).toBeNull();
  });
});
