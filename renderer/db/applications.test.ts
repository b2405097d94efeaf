// updateForm's one exception (a FORM_INVALID refusal corrected in the form) and the refusal's fields.
import { afterEach, describe, expect, it } from 'vitest';
import { exampleApplication, exampleFormData, formIssuesLogMessage, type ApplicationDoc } from '../../sync/protocol';
import type { TerminalDatabase } from './database';
import { toLocal } from './modifiers';
import { saveCorrection, setTerminalStatus, updateForm } from './applications';
import { listQuarantine, quarantine, quarantineKey, refusalText, refusedFields, releaseAccepted } from './quarantine';
import { memoryDb, TEST_SALT } from './test-helpers';

const open: TerminalDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
const fresh = async () => {
  const db = await memoryDb();
  open.push(db);
  return db;
};

/** The platform's message for a FORM_INVALID refusal (sync/server/rules.ts checkFormData). */
const platformMessage = (issues: { path: string; keyword: string }[], total = issues.length) =>
  `formData does not match MZ06@1: ${formIssuesLogMessage(issues.map((i) => ({ ...i, message: '…' })), total)}`;

async function refused(db: TerminalDatabase, status: ApplicationDoc['status'], code = 'FORM_INVALID'): Promise<ApplicationDoc> {
  const doc = exampleApplication({ status, formData: exampleFormData({ bankAccount: '12' }), submittedAt: new Date().toISOString() });
  await db.applications.insert(toLocal('applications', doc) as never);
  await quarantine(db, { collection: 'applications', docId: doc.id, code, message: platformMessage([{ path: 'bankAccount', keyword: 'pattern' }]), doc });
  return doc;
}

describe('refusedFields (FORM_INVALID reason → field paths)', () => {
  it('reads the field list the transport appends to the platform\'s Chinese reason', () => {
    // sync/client/transport.ts rejectionText: userMessage + （字段：…）, as e2e/sync-integration.spec.ts sees it
    const msg = '表单内容有2处不符合要求：身份证号校验位不正确，请核对后重新输入；请填写手机号。请核对修改后重新提交。（字段：idNumber、members.0.phone）';
    expect(refusedFields(msg)).toEqual([{ path: 'idNumber', keyword: '' }, { path: 'members.0.phone', keyword: '' }]);
    expect(refusalText(msg)).toBe('表单内容有2处不符合要求：身份证号校验位不正确，请核对后重新输入；请填写手机号。请核对修改后重新提交。');
    expect(refusedFields('表单内容有1处不符合要求。（字段：<img>、a b、、姓名、ok）')).toEqual([{ path: 'ok', keyword: '' }]);
    expect(refusalText(platformMessage([{ path: 'a', keyword: 'type' }]))).toBeNull();
    expect(refusalText('')).toBeNull();
  });


  it('reads the paths and keywords of the shared message format, ignoring root, "and N more" and duplicates', () => {
    const msg = platformMessage([{ path: 'bankAccount', keyword: 'pattern' }, { path: 'members.0.name', keyword: 'required' }, { path: '', keyword: 'type' }, { path: 'bankAccount', keyword: 'pattern' }], 9);
    expect(msg).toContain('and 5 more');
    expect(refusedFields(msg)).toEqual([{ path: 'bankAccount', keyword: 'pattern' }, { path: 'members.0.name', keyword: 'required' }]);
  });

  it('answers nothing for garbage, never a path that is not a form path', () => {
    const garbage = ['', 'x', 'do not match the form: ', 'do not match the form: <img src=x> (pattern)', 'do not match the form: a b (pattern), 姓名 (required), a..b (x)', 'do not match the form: ok (bad keyword!)', '\u0000'.repeat(5000), `do not match the form: ${'a'.repeat(300)} (pattern)`, 'formData.applicantName: too short'];
    for (const g of garbage) expect(refusedFields(g), g.slice(0, 40)).toEqual([]);
    const many = platformMessage(Array.from({ length: 40 }, (_, i) => ({ path: `f${i}`, keyword: 'required' })));
    expect(refusedFields(many)).toHaveLength(20);
  });
});

describe('updateForm on a refused submission', () => {
  it('corrects the form of a FORM_INVALID application through the quarantine: written back, pushed again, released on acceptance', async () => {
    const db = await fresh();
    const doc = await refused(db, 'submitted');
    const fixed = exampleFormData({ bankAccount: '6217000000000000009' });
    await updateForm(db, doc.id, { formData: fixed }, TEST_SALT, new Date('2026-07-01T00:00:00Z'));
    const after = (await db.applications.findOne(doc.id).exec())!.toMutableJSON();
    expect(after.formData).toEqual(fixed);
    expect(after.status).toBe('submitted');
    expect(after.statusHistory).toEqual(doc.statusHistory);
    expect(after.updatedAt).toBe('2026-07-01T00:00:00.000Z');
    const [q] = await listQuarantine(db);
    expect(q).toMatchObject({ state: 'retrying', attempts: 1 });
    expect((q!.doc as ApplicationDoc).formData).toEqual(fixed);
    // A second correction while the platform has not answered is refused (the entry is no longer open).
    await expect(updateForm(db, doc.id, { formData: {} }, TEST_SALT)).rejects.toThrow(/submitted/);
    await releaseAccepted(db, 'applications', [doc.id]);
    expect(await listQuarantine(db)).toEqual([]);
  });

  it('a refused resubmission (after 补正) may be corrected too, materials included', async () => {
    const db = await fresh();
    const doc = await refused(db, 'resubmitted');
    const materials: ApplicationDoc['materials'] = [{ code: 'MZ06-M01', name: '户口簿', provided: true, origin: 'paper', attachments: [], note: '原件' }];
    await updateForm(db, doc.id, { formData: exampleFormData(), materials }, TEST_SALT);
    const after = (await db.applications.findOne(doc.id).exec())!.toMutableJSON();
    expect(after.materials).toEqual(materials);
    expect(after.status).toBe('resubmitted');
  });

  it('refuses everything else: no refusal, another code, other statuses, other fields', async () => {
    const db = await fresh();
    const plain = exampleApplication({ status: 'submitted' });
    await db.applications.insert(toLocal('applications', plain) as never);
    await expect(updateForm(db, plain.id, { formData: {} }, TEST_SALT)).rejects.toThrow(/submitted; it can't be edited/);
    const other = await refused(db, 'submitted', 'INVALID_DOCUMENT');
    await expect(updateForm(db, other.id, { formData: {} }, TEST_SALT)).rejects.toThrow(/can't be edited/);
    const accepted = await refused(db, 'accepted');
    await expect(updateForm(db, accepted.id, { formData: {} }, TEST_SALT)).rejects.toThrow(/accepted; it can't be edited/);
    const sub = await refused(db, 'submitted');
    await expect(updateForm(db, sub.id, { formData: {}, applicant: { name: '别人' } }, TEST_SALT)).rejects.toThrow(/only the form and the materials/);
    await expect(updateForm(db, sub.id, { agent: null }, TEST_SALT)).rejects.toThrow(/not agent/);
    // Nothing of the refused ones changed.
    expect((await db.applications.findOne(sub.id).exec())!.formData).toEqual(sub.formData);
    expect((await db.sync_quarantine.findOne(quarantineKey('applications', sub.id)).exec())!.state).toBe('open');
    await expect(updateForm(db, 'nope', { formData: {} }, TEST_SALT)).rejects.toThrow(/no such application/);
  });
});

describe('saveCorrection (the 补正 editor\'s save)', () => {
  it('a refused resubmission that fell back to supplement_required is written, resubmitted, and its refusal waits for the answer', async () => {
    const db = await fresh();
    const doc = await refused(db, 'supplement_required');
    const r = await saveCorrection(db, doc.id, { formData: exampleFormData() }, TEST_SALT);
    expect(r.outcome).toBe('resubmitted');
    expect(r.doc.status).toBe('resubmitted');
    expect(r.doc.formData).toEqual(exampleFormData());
    expect((await listQuarantine(db))[0]!.state).toBe('retrying');
    await releaseAccepted(db, 'applications', [doc.id]);
    expect(await listQuarantine(db)).toEqual([]);
  });

  it('a refused submission is corrected in place (resent); withdrawal leaves a refusal open', async () => {
    const db = await fresh();
    const doc = await refused(db, 'submitted');
    const r = await saveCorrection(db, doc.id, { formData: exampleFormData() }, TEST_SALT);
    expect(r).toMatchObject({ outcome: 'resent', doc: { status: 'submitted' } });
    const other = await refused(db, 'supplement_required');
    await setTerminalStatus(db, other.id, 'withdrawn');
    expect((await db.sync_quarantine.findOne(quarantineKey('applications', other.id)).exec())!.state).toBe('open');
    await expect(saveCorrection(db, 'nope', { formData: {} }, TEST_SALT)).rejects.toThrow(/no such application/);
  });
});
