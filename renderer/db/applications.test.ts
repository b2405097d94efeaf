// updateForm's one exception (a FORM_INVALID refusal corrected in the form) and the refusal's stored fields.
import { describe, expect, it } from 'vitest';
import { exampleApplication, exampleFormData, formIssuesLogMessage, type ApplicationDoc } from '../../sync/protocol';
import type { TerminalDatabase } from './database';
import { toLocal } from './modifiers';
import { saveCorrection, setTerminalStatus, updateForm } from './applications';
import { listQuarantine, quarantine, quarantineKey, refusalText, refusedFieldsOf, releaseAccepted } from './quarantine';
import { freshDatabases, TEST_SALT } from './test-helpers';

const fresh = freshDatabases();

/** The platform's message for a FORM_INVALID refusal (sync/server/rules.ts checkFormData). */
const platformMessage = (issues: { path: string; keyword: string }[], total = issues.length) =>
  `formData does not match MZ06@1: ${formIssuesLogMessage(issues.map((i) => ({ ...i, message: '…' })), total)}`;

async function refused(db: TerminalDatabase, status: ApplicationDoc['status'], code = 'FORM_INVALID'): Promise<ApplicationDoc> {
  const doc = exampleApplication({ status, formData: exampleFormData({ bankAccount: '12' }), submittedAt: new Date().toISOString() });
  await db.applications.insert(toLocal('applications', doc) as never);
  await quarantine(db, { collection: 'applications', docId: doc.id, code, message: platformMessage([{ path: 'bankAccount', keyword: 'pattern' }]), doc, fields: [{ path: 'bankAccount', keyword: 'pattern' }] });
  return doc;
}

describe('a FORM_INVALID refusal: stored fields and the platform\'s words', () => {
  it('shows the platform\'s Chinese reason without the field list the transport appends for people; no English log line', () => {
    const msg = '表单内容有2处不符合要求：身份证号校验位不正确，请核对后重新输入；请填写手机号。请核对修改后重新提交。（字段：idNumber、members.0.phone）';
    expect(refusalText({ code: 'FORM_INVALID', message: msg })).toBe('表单内容有2处不符合要求：身份证号校验位不正确，请核对后重新输入；请填写手机号。请核对修改后重新提交。');
    expect(refusalText({ code: 'FORM_INVALID', message: '表单内容有1处不符合要求。' })).toBe('表单内容有1处不符合要求。');
    expect(refusalText({ code: 'FORM_INVALID', message: platformMessage([{ path: 'a', keyword: 'type' }]) })).toBeNull();
    expect(refusalText({ code: 'FORM_INVALID', message: '' })).toBeNull();
    expect(refusalText({ code: 'FORM_INVALID', message: '（字段：a）' })).toBeNull();
  });

  it('stores the fields the bridge delivered, as data, and reads them back', async () => {
    const db = await fresh();
    const doc = await refused(db, 'submitted');
    const [q] = await listQuarantine(db);
    expect(q!.fields).toEqual([{ path: 'bankAccount', keyword: 'pattern' }]);
    expect(refusedFieldsOf(q!)).toEqual([{ path: 'bankAccount', keyword: 'pattern' }]);
    // a new refusal of the same document replaces them; a refusal without fields has none
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: 'x', doc, fields: [{ path: 'members.0.phone', keyword: 'required' }] });
    expect((await listQuarantine(db))[0]!.fields).toEqual([{ path: 'members.0.phone', keyword: 'required' }]);
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'WRONG_STATION', message: 'x', doc });
    expect((await listQuarantine(db))[0]!.fields).toEqual([]);
  });

  it('garbage fields (wrong types, bad paths, HTML, bad keywords, oversized lists) are dropped; the refused copy is always kept', async () => {
    const db = await fresh();
    const doc = exampleApplication({ status: 'submitted' });
    const garbage: unknown[] = [
      'bankAccount',
      42,
      { path: 'bankAccount' },
      null,
      [null, 7, 'x', [], { path: 7, keyword: 'pattern' }, { path: '<img src=x onerror=alert(1)>', keyword: 'pattern' }, { path: 'a b', keyword: 'x' }, { path: 'a..b', keyword: 'x' }, { path: '/idNumber', keyword: 'x' }, { path: '姓名', keyword: 'x' }],
      [{ path: 'ok', keyword: 'bad keyword!' }, { path: 'ok', keyword: 'x'.repeat(41) }, { path: 'ok', keyword: 5 }, { path: `a${'b'.repeat(200)}`, keyword: '' }, { path: '', keyword: 'type' }],
    ];
    for (const [i, fields] of garbage.entries()) {
      await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: `m${i}`, doc, fields });
      const [q] = await listQuarantine(db);
      expect(q!.message, String(i)).toBe(`m${i}`);
      expect(q!.doc, String(i)).toEqual(doc);
      expect(q!.fields, String(i)).toEqual([]);
    }
    // oversized: the first 20 distinct good ones; duplicates and extra members (the platform's message) left out
    const many = [{ path: 'dup', keyword: 'pattern', message: '请核对' }, { path: 'dup', keyword: 'required' }, ...Array.from({ length: 5000 }, (_, i) => ({ path: `f${i}`, keyword: 'required' }))];
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: 'many', doc, fields: many });
    const [q] = await listQuarantine(db);
    expect(q!.fields).toHaveLength(20);
    expect(q!.fields[0]).toEqual({ path: 'dup', keyword: 'pattern' });
    expect(q!.fields[1]).toEqual({ path: 'f0', keyword: 'required' });
    // a stored entry damaged by other means reads as no fields, never throws
    expect(refusedFieldsOf({ fields: 'nope' as never })).toEqual([]);
    expect(refusedFieldsOf({ fields: [{ path: '<b>', keyword: '' }] })).toEqual([]);
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

describe('a pull that lands between the check and the write (fuzz seed 9516)', () => {
  /** The next `findOne(id).exec()` of the collection answers, then the platform's `status` is applied before the caller writes. */
  function pullLandsAfterRead(db: TerminalDatabase, status: ApplicationDoc['status']) {
    const coll = db.applications;
    const findOne = coll.findOne.bind(coll);
    let armed = true;
    coll.findOne = ((id: string) => {
      const q = findOne(id);
      const exec = q.exec.bind(q);
      q.exec = (async () => {
        const d = await exec();
        if (armed && d) {
          armed = false;
          await d.incrementalModify((x) => ({ ...x, status, statusHistory: [...x.statusHistory, { status, at: new Date().toISOString(), by: 'platform' as const }] }));
        }
        return d;
      }) as typeof q.exec;
      return q;
    }) as typeof coll.findOne;
    return () => void (coll.findOne = findOne as typeof coll.findOne);
  }

  it('a form edit is refused, not written over the state the platform moved the case to', async () => {
    const db = await fresh();
    const doc = exampleApplication({ status: 'draft', formData: exampleFormData({ bankAccount: '6217000000000000001' }) });
    await db.applications.insert(toLocal('applications', doc) as never);
    const restore = pullLandsAfterRead(db, 'withdrawn');
    await expect(updateForm(db, doc.id, { formData: exampleFormData({ bankAccount: '12' }) }, TEST_SALT)).rejects.toThrow(/withdrawn; it can't be edited/);
    restore();
    const now = (await db.applications.findOne(doc.id).exec())!;
    expect(now.status).toBe('withdrawn');
    expect((now.formData as { bankAccount: string }).bankAccount).toBe('6217000000000000001');
  });

  it('a submission is refused, not appended to a state it cannot follow', async () => {
    const db = await fresh();
    const doc = exampleApplication({ status: 'draft' });
    await db.applications.insert(toLocal('applications', doc) as never);
    const restore = pullLandsAfterRead(db, 'withdrawn');
    await expect(setTerminalStatus(db, doc.id, 'submitted')).rejects.toThrow(/cannot move an application from withdrawn to submitted/);
    restore();
    const now = (await db.applications.findOne(doc.id).exec())!;
    expect(now.status).toBe('withdrawn');
    expect(now.statusHistory.map((h) => h.status)).toEqual(['draft', 'withdrawn']);
  });
});
