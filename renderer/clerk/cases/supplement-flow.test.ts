/**
 * The 补正 / FORM_INVALID correction journey on a real (memory) RxDB: opening an application with
 * its catalog entry, form and open refusal, the checks before a save, and the save itself.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleApplication, type ApplicationDoc } from '../../../sync/protocol';
import type { TerminalDatabase } from '../../db/database';
import { memoryDb, TEST_SALT } from '../../db/test-helpers';
import { toLocal } from '../../db/modifiers';
import { openFormRefusal, quarantine } from '../../db/quarantine';
import { form, formData, item, materials, T } from './supplement-test-data';
import { checkCorrection, flaggedFields, openCorrection, saveCheckedCorrection, type Correction } from './supplement-flow';

const supplement = { reasons: ['银行账号有误'], requestedAt: T, dueDate: '2026-12-31', fields: ['bankAccount'], materials: ['BZ01-M01'] };

let db: TerminalDatabase;
beforeEach(async () => {
  db = await memoryDb();
});
afterEach(async () => {
  await db.close();
});

async function catalog(): Promise<void> {
  await db.service_items.insert(item as never);
  await db.form_schemas.insert(form as never);
}
async function addApp(over: Partial<ApplicationDoc> = {}): Promise<ApplicationDoc> {
  const doc = exampleApplication({ serviceItemCode: 'BZ01', formId: 'BZ01', formVersion: 1, formData, materials, ...over });
  await db.applications.insert(toLocal('applications', doc) as never);
  return doc;
}
const ready = (c: Correction, mode: 'supplement' | 'form_invalid', data: Record<string, unknown>, m = c.materials) => checkCorrection(c, c.model!, mode, data, m);

describe('补正: opening an application', () => {
  it('opens the application with its catalog materials, form and the checklist as stored', async () => {
    await catalog();
    const doc = await addApp({ status: 'supplement_required', supplement });
    const c = await openCorrection(db, doc.id);
    expect(c.application.formData).toEqual(formData);
    expect(c.items.map((m) => [m.code, m.required])).toEqual([['BZ01-M01', true], ['BZ01-M02', false]]);
    expect(c.materials['BZ01-M01']?.provided).toBe(true);
    expect(c.baseline.map((m) => m.code)).toEqual(['BZ01-M01', 'BZ01-M02']);
    expect(c.model?.title).toBe('补助申请表');
    expect(c.formKey).toBe('BZ01@1');
    expect(c.refused).toEqual([]);
    expect(flaggedFields(c, 'supplement')).toEqual(['bankAccount']);
    expect(flaggedFields(c, 'form_invalid')).toEqual([]);
    // the loaded form data is a copy: editing it does not change what "unchanged" means
    c.application.formData.phone = '13900000000';
    expect(c.original.phone).toBe('13800000000');
  });

  it('an unknown application is NOT_FOUND; without the catalog entry and the form the application’s own list stands in and no form is offered', async () => {
    await expect(openCorrection(db, '0190f2a8-0000-7000-8000-000000000000')).rejects.toThrow('NOT_FOUND');
    await expect(openCorrection(db, '<script>')).rejects.toThrow('NOT_FOUND');
    const doc = await addApp({ status: 'supplement_required', supplement });
    const c = await openCorrection(db, doc.id);
    expect(c.model).toBeNull();
    expect(c.items.map((m) => [m.code, m.required])).toEqual([['BZ01-M01', false], ['BZ01-M02', false]]);
  });

  it('a form the renderer does not support is offered as no form, not an error', async () => {
    await db.service_items.insert(item as never);
    await db.form_schemas.insert({ ...form, jsonSchema: { type: 'object', properties: { a: { type: 'string', unknownKeyword: 1 } } } } as never);
    const doc = await addApp({ status: 'supplement_required', supplement });
    const c = await openCorrection(db, doc.id);
    expect(c.model).toBeNull();
    expect(c.application.id).toBe(doc.id);
  });

  it('an open FORM_INVALID refusal flags its stored fields in either mode, with the platform’s Chinese words only', async () => {
    await catalog();
    const doc = await addApp({ status: 'submitted', submittedAt: T, formData: { ...formData, bankAccount: '12' } });
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: '表单内容有1处不符合要求：社保卡或银行账号格式不正确。（字段：bankAccount）', fields: [{ path: 'bankAccount', keyword: 'pattern' }, { path: '<img src=x>', keyword: 'x' }], doc });
    const c = await openCorrection(db, doc.id);
    expect(c.refused.map((f) => f.path)).toEqual(['bankAccount']);
    expect(c.refusedWords).toBe('表单内容有1处不符合要求：社保卡或银行账号格式不正确。');
    expect(flaggedFields(c, 'form_invalid')).toEqual(['bankAccount']);
    expect(flaggedFields(c, 'supplement')).toEqual(['bankAccount']);
    expect(flaggedFields(null, 'supplement')).toEqual([]);
  });
});

describe('补正: checking and saving an edit', () => {
  it('refuses what the validator finds wrong and missing required materials; saves nothing then', async () => {
    await catalog();
    const doc = await addApp({ status: 'supplement_required', supplement });
    const c = await openCorrection(db, doc.id);
    expect(ready(c, 'supplement', { ...formData, bankAccount: '62-17 abc', applicantName: '王' })).toEqual({ kind: 'form-errors', count: 2 });
    const noBook = { ...c.materials, 'BZ01-M01': { ...c.materials['BZ01-M01']!, provided: false } };
    expect(ready(c, 'supplement', formData, noBook)).toEqual({ kind: 'materials-missing', names: ['户口簿'] });
    expect((await db.applications.findOne(doc.id).exec())?.status).toBe('supplement_required');
  });

  it('补正: the changed field keys and material codes (never values), then resubmitted', async () => {
    await catalog();
    const doc = await addApp({ status: 'supplement_required', supplement });
    const c = await openCorrection(db, doc.id);
    const copyOnly = { ...c.materials, 'BZ01-M02': { ...c.materials['BZ01-M02']!, provided: false } };
    const check = ready(c, 'supplement', { ...formData, bankAccount: '6217000000000000999' }, copyOnly);
    if (check.kind !== 'ready') throw new Error(check.kind);
    expect(check.changedFields).toEqual(['bankAccount']);
    expect(check.changedMaterials).toEqual(['BZ01-M02']);
    expect(JSON.stringify([check.changedFields, check.changedMaterials])).not.toContain('6217');
    const { doc: next, outcome } = await saveCheckedCorrection({ db, idHashSalt: TEST_SALT }, doc.id, check);
    expect(outcome).toBe('resubmitted');
    expect(next.status).toBe('resubmitted');
    expect(next.formData.bankAccount).toBe('6217000000000000999');
    expect(next.materials.find((m) => m.code === 'BZ01-M02')?.provided).toBe(false);
  });

  it('补正 unchanged is allowed (the platform asked; 补正后重新提交); a refusal corrected unchanged is not', async () => {
    await catalog();
    const a = await addApp({ status: 'supplement_required', supplement });
    const ca = await openCorrection(db, a.id);
    const same = ready(ca, 'supplement', formData);
    expect(same).toMatchObject({ kind: 'ready', changedFields: [], changedMaterials: [] });
    expect(same).not.toHaveProperty('materials');

    const b = await addApp({ status: 'submitted', submittedAt: T });
    await quarantine(db, { collection: 'applications', docId: b.id, code: 'FORM_INVALID', message: 'formData does not match', fields: [{ path: 'phone', keyword: 'pattern' }], doc: b });
    const cb = await openCorrection(db, b.id);
    expect(cb.refusedWords).toBeNull();
    expect(ready(cb, 'form_invalid', formData)).toEqual({ kind: 'unchanged' });
  });

  it('a corrected FORM_INVALID refusal is written into the quarantined copy and resent', async () => {
    await catalog();
    const doc = await addApp({ status: 'submitted', submittedAt: T, formData: { ...formData, bankAccount: '12' } });
    await quarantine(db, { collection: 'applications', docId: doc.id, code: 'FORM_INVALID', message: '格式不正确', fields: [{ path: 'bankAccount', keyword: 'pattern' }], doc });
    const c = await openCorrection(db, doc.id);
    expect(ready(c, 'form_invalid', c.original)).toEqual({ kind: 'form-errors', count: 1 });
    const check = ready(c, 'form_invalid', { ...c.original, bankAccount: '6217000000000000001' });
    if (check.kind !== 'ready') throw new Error(check.kind);
    expect(check.changedFields).toEqual(['bankAccount']);
    const { doc: next, outcome } = await saveCheckedCorrection({ db, idHashSalt: TEST_SALT }, doc.id, check);
    expect(outcome).toBe('resent');
    expect(next.status).toBe('submitted');
    expect(next.formData.bankAccount).toBe('6217000000000000001');
    // the refusal is no longer open: it is being resent
    expect(await openFormRefusal(db, doc.id)).toBeNull();
  });
});
