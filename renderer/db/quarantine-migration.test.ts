// sync_quarantine v0 → v1: the refused fields become data. Old FORM_INVALID entries get them once
// from their reason text (the only place they were); nothing else about an entry changes.
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase } from 'rxdb';
import { exampleApplication, exampleEvaluation, formIssuesLogMessage } from '../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { legacyRefusedFields, MIGRATIONS, quarantineSchemaV0, quarantineSchemaV1 } from './migrations';
import { i18n } from '../i18n';
import { refusalLine } from '../i18n/refusal';
import { listQuarantine, quarantine, quarantineKey, refusalText, refusedFieldsOf, retryQuarantined } from './quarantine';
import { quarantineSchema } from './schemas';
import { createStorage } from './storage';
import { toLocal } from './modifiers';
import { TEST_PASSWORD } from './test-helpers';

const open: TerminalDatabase[] = [];
const zhWords = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p, { locale: 'zh-CN' }), te: (k: string) => i18n.global.te(k, 'zh-CN') };
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
  it('has a strategy and the v0 schema kept', () => {
    expect(quarantineSchema.version).toBe(2);
    expect(MIGRATIONS.sync_quarantine?.[1]).toBeTypeOf('function');
    expect(quarantineSchemaV0.properties).not.toHaveProperty('fields');
    expect(quarantineSchemaV0.version).toBe(0);
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

describe('sync_quarantine v1 → v2 (the parameters of the refusal\'s words)', () => {
  it('is version 2 with a strategy and the v1 schema kept', () => {
    expect(quarantineSchema.version).toBe(2);
    expect(MIGRATIONS.sync_quarantine?.[2]).toBeTypeOf('function');
    expect(quarantineSchemaV1.version).toBe(1);
    expect(quarantineSchemaV1.properties).toHaveProperty('fields');
    expect(quarantineSchemaV1.properties).not.toHaveProperty('params');
    expect(quarantineSchemaV1.properties).not.toHaveProperty('issues');
  });

  it('keeps v1 entries as they were: they show their stored text; new refusals keep code, params and issues and are worded by the catalogue', async () => {
    const name = `qmig2${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ sync_quarantine: { schema: quarantineSchemaV1 } });
    const zh = exampleApplication({ status: 'submitted' });
    const other = exampleEvaluation({ level: 1, reasons: [] });
    const entry = (collection: string, id: string, code: string, message: string, fields: unknown[], doc: Record<string, unknown>, at: number) => ({
      key: quarantineKey(collection, id), targetCollection: collection, docId: id, code, message, fields, at, attempts: 1, doc, state: 'open',
    });
    await old.sync_quarantine!.bulkInsert([
      entry('applications', zh.id, 'FORM_INVALID', ZH, [{ path: 'idNumber', keyword: 'pattern' }, { path: 'members.0.phone', keyword: 'required' }], zh, 2),
      entry('evaluations', other.id, 'INVALID_DOCUMENT', 'reasons are required', [], other, 1),
    ] as never[]);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const got = new Map((await listQuarantine(db)).map((q) => [q.docId, q]));
    expect(got.get(zh.id)).toMatchObject({ code: 'FORM_INVALID', message: ZH, attempts: 1, state: 'open', at: 2 });
    expect(got.get(zh.id)).not.toHaveProperty('params');
    expect(got.get(zh.id)).not.toHaveProperty('issues');
    expect(got.get(zh.id)!.doc).toEqual(zh);
    // an old entry reads as it did: its Chinese (without the field list where only the words are shown; whole in the list)
    expect(refusalText(got.get(zh.id)!)).toBe(ZH.slice(0, ZH.indexOf('（字段：')));
    expect(refusalLine(got.get(zh.id)!, zhWords)).toBe(ZH);
    expect(refusalLine(got.get(other.id)!, zhWords)).toBe('reasons are required');
    expect(refusalText(got.get(other.id)!)).toBeNull();

    // a new refusal of the same document: code, params and issues stored; the catalogue words it
    await quarantine(db, {
      collection: 'applications', docId: zh.id, code: 'FORM_INVALID', message: 'formData does not match MZ06@1: …', doc: zh,
      fields: [{ path: 'phone', keyword: 'required' }], params: { total: 1 }, issues: [{ code: 'required', params: { name: '手机号' } }],
    });
    const now = (await listQuarantine(db)).find((q) => q.docId === zh.id)!;
    expect(now).toMatchObject({ params: { total: 1 }, issues: [{ code: 'required', params: { name: '手机号' } }], fields: [{ path: 'phone', keyword: 'required' }] });
    expect(refusalText(now)).toBe('表单内容有1处不符合要求：请填写手机号。请核对修改后重新提交。');
    expect(refusalLine(now, zhWords)).toBe('表单内容有1处不符合要求：请填写手机号。请核对修改后重新提交。（字段：phone）');
  });

  it('garbage params and issues from the bridge are dropped; the refusal and its copy are kept', async () => {
    const db = await openTerminalDatabase({ name: `qgarbage${Date.now()}`, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const docs = Array.from({ length: 6 }, () => exampleApplication({ status: 'submitted' }));
    const garbage: { params?: unknown; issues?: unknown }[] = [
      { params: 'x', issues: 'x' },
      { params: [1], issues: [null, 1, { code: 'a b' }] },
      { params: { 'a b': 1, x: { y: 1 }, total: Number.NaN, long: 'y'.repeat(5000) }, issues: [{ code: 'required', params: { name: ['x'] } }] },
      { params: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`p${i}`, i])), issues: Array.from({ length: 300 }, () => ({ code: 'required', params: {} })) },
      { params: JSON.parse('{"__proto__": {"polluted": 1}, "reason": "LOCKED"}') as unknown },
      { params: { total: 1 }, issues: [{ code: 'required', params: { name: 'A' }, extra: '<script>' }] },
    ];
    for (const [i, g] of garbage.entries()) await quarantine(db, { collection: 'applications', docId: docs[i]!.id, code: i === 4 ? 'TONGBAN_INVALID' : 'FORM_INVALID', message: 'refused', doc: docs[i]!, ...g });
    const got = new Map((await listQuarantine(db)).map((q) => [q.docId, q]));
    expect(got.size).toBe(6);
    for (const d of docs) expect(got.get(d.id)!.doc).toEqual(d);
    expect(got.get(docs[0]!.id)).not.toHaveProperty('params');
    expect(got.get(docs[1]!.id)).not.toHaveProperty('issues');
    expect(got.get(docs[2]!.id)).toMatchObject({ params: { long: 'y'.repeat(200) }, issues: [{ code: 'required', params: {} }] });
    expect(Object.keys(got.get(docs[3]!.id)!.params!)).toHaveLength(8);
    expect(got.get(docs[3]!.id)!.issues).toHaveLength(20);
    expect(got.get(docs[4]!.id)!.params).toEqual({ reason: 'LOCKED' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(got.get(docs[5]!.id)!.issues).toEqual([{ code: 'required', params: { name: 'A' } }]);
    // what garbage leaves is worded safely or falls back to the stored text
    expect(refusalLine(got.get(docs[0]!.id)!, zhWords)).toBe('refused');
    expect(refusalLine(got.get(docs[2]!.id)!, zhWords)).toBe('refused');
    expect(refusalText(got.get(docs[4]!.id)!)).toBe('申请提交后不能再更改办理地。');
    expect(refusalText(got.get(docs[5]!.id)!)).toBe('表单内容有1处不符合要求：请填写A。请核对修改后重新提交。');
  });
});
