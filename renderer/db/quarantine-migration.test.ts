// sync_quarantine v0 → v1: the refused fields become data. Old FORM_INVALID entries get them once
// from their reason text (the only place they were); nothing else about an entry changes.
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase } from 'rxdb';
import { exampleApplication, exampleEvaluation, formIssuesLogMessage } from '../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { legacyRefusedFields, MIGRATIONS, quarantineSchemaV0 } from './migrations';
import { listQuarantine, quarantine, quarantineKey, refusalText, refusedFieldsOf, retryQuarantined } from './quarantine';
import { quarantineSchema } from './schemas';
import { createStorage } from './storage';
import { toLocal } from './modifiers';
import { TEST_PASSWORD } from './test-helpers';

const open: TerminalDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

/** The English message of a FORM_INVALID refusal (sync/server/rules.ts checkFormData). */
const platformMessage = (issues: { path: string; keyword: string }[], total = issues.length) =>
  `formData does not match MZ06@1: ${formIssuesLogMessage(issues.map((i) => ({ ...i, message: '…' })), total)}`;
/** How the v0 transport wrote a FORM_INVALID reason: userMessage + （字段：…）. */
const ZH = '表单内容有2处不符合要求：身份证号校验位不正确，请核对后重新输入；请填写手机号。请核对修改后重新提交。（字段：idNumber、members.0.phone）';

describe('legacyRefusedFields (v0 reason text → fields; the migration only)', () => {
  it("reads the field list the old transport appended to the platform's Chinese reason", () => {
    expect(legacyRefusedFields(ZH)).toEqual([{ path: 'idNumber', keyword: '' }, { path: 'members.0.phone', keyword: '' }]);
    expect(legacyRefusedFields('表单内容有1处不符合要求。（字段：<img>、a b、、姓名、ok）')).toEqual([{ path: 'ok', keyword: '' }]);
  });

  it('reads the paths and keywords of the English log format, ignoring root, "and N more" and duplicates', () => {
    const msg = platformMessage([{ path: 'bankAccount', keyword: 'pattern' }, { path: 'members.0.name', keyword: 'required' }, { path: '', keyword: 'type' }, { path: 'bankAccount', keyword: 'pattern' }], 9);
    expect(msg).toContain('and 5 more');
    expect(legacyRefusedFields(msg)).toEqual([{ path: 'bankAccount', keyword: 'pattern' }, { path: 'members.0.name', keyword: 'required' }]);
  });

  it('answers nothing for garbage, never a path that is not a form path; at most 20', () => {
    const garbage: unknown[] = [
      '', 'x', 'do not match the form: ', 'do not match the form: <img src=x> (pattern)', 'do not match the form: a b (pattern), 姓名 (required), a..b (x)',
      'do not match the form: ok (bad keyword!)', '\u0000'.repeat(5000), `do not match the form: ${'a'.repeat(300)} (pattern)`, 'formData.applicantName: too short',
      '（字段：）', `（字段：${'a、'.repeat(3000)}）`, null, undefined, 42, { message: ZH }, [ZH],
    ];
    for (const g of garbage) expect(legacyRefusedFields(g), String(g).slice(0, 40)).toEqual([]);
    expect(legacyRefusedFields(platformMessage(Array.from({ length: 40 }, (_, i) => ({ path: `f${i}`, keyword: 'required' }))))).toHaveLength(20);
    expect(legacyRefusedFields(`表单。（字段：${Array.from({ length: 40 }, (_, i) => `f${i}`).join('、')}）`)).toHaveLength(20);
  });
});

describe('sync_quarantine v0 → v1', () => {
  it('is version 1 with a strategy and the v0 schema kept', () => {
    expect(quarantineSchema.version).toBe(1);
    expect(MIGRATIONS.sync_quarantine?.[1]).toBeTypeOf('function');
    expect(quarantineSchemaV0.properties).not.toHaveProperty('fields');
  });

  it('derives the fields of old FORM_INVALID entries once from their text, gives the others none, keeps everything else', async () => {
    const name = `qmig${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ sync_quarantine: { schema: quarantineSchemaV0 } });
    const zh = exampleApplication({ status: 'submitted' });
    const en = exampleApplication({ status: 'submitted' });
    const junk = exampleApplication({ status: 'submitted' });
    const other = exampleEvaluation({ level: 1, reasons: [] });
    const entry = (collection: string, id: string, code: string, message: string, doc: Record<string, unknown>, at: number) => ({
      key: quarantineKey(collection, id), targetCollection: collection, docId: id, code, message, at, attempts: 2, doc, state: 'open',
    });
    await old.sync_quarantine!.bulkInsert([
      entry('applications', zh.id, 'FORM_INVALID', ZH, zh, 4),
      entry('applications', en.id, 'FORM_INVALID', platformMessage([{ path: 'bankAccount', keyword: 'pattern' }]), en, 3),
      entry('applications', junk.id, 'FORM_INVALID', '表单内容不符合要求。（字段：<script>、a..b）', junk, 2),
      // a field-looking suffix on another code is not read
      entry('evaluations', other.id, 'INVALID_DOCUMENT', 'reasons are required（字段：reasons）', other, 1),
    ] as never[]);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const got = new Map((await listQuarantine(db)).map((q) => [q.docId, q]));
    expect(got.get(zh.id)!.fields).toEqual([{ path: 'idNumber', keyword: '' }, { path: 'members.0.phone', keyword: '' }]);
    expect(got.get(en.id)!.fields).toEqual([{ path: 'bankAccount', keyword: 'pattern' }]);
    expect(got.get(junk.id)!.fields).toEqual([]);
    expect(got.get(other.id)!.fields).toEqual([]);
    // the reason, the refused copy (encrypted at rest, decrypted with the same password), the counters: as they were
    expect(got.get(zh.id)).toMatchObject({ message: ZH, attempts: 2, state: 'open', code: 'FORM_INVALID', at: 4 });
    expect(got.get(zh.id)!.doc).toEqual(zh);
    expect(got.get(other.id)!.doc).toEqual(other);
    // what the editor reads after the migration
    expect(refusedFieldsOf(got.get(zh.id)!)).toHaveLength(2);
    expect(refusalText(got.get(zh.id)!)).toBe(ZH.slice(0, ZH.indexOf('（字段：')));

    // migrated entries work like new ones: a retry writes the copy back, a new refusal brings new fields
    await db.applications.insert(toLocal('applications', zh) as never);
    await retryQuarantined(db, quarantineKey('applications', zh.id));
    expect((await listQuarantine(db)).find((q) => q.docId === zh.id)).toMatchObject({ state: 'retrying', attempts: 3 });
    await quarantine(db, { collection: 'applications', docId: zh.id, code: 'FORM_INVALID', message: 'again', doc: zh, fields: [{ path: 'phone', keyword: 'pattern' }] });
    expect((await listQuarantine(db)).find((q) => q.docId === zh.id)!.fields).toEqual([{ path: 'phone', keyword: 'pattern' }]);
  });
});
