/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// The platform checks the formData of every submitted application against its form schema, with the
// validator the terminal's forms use (sync/protocol/forms/validate.ts). On PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createValidator,
  exampleApplication,
  exampleFormData,
  MAX_FORM_ISSUES,
  paths,
  pushResponse,
  type ApplicationDoc,
} from '../protocol/index';
import { readFileSync } from 'node:fs';
import { startPlatform, type Platform } from './platform';
import { demoCatalog, demoFormSamples } from './seed/catalog';
import { backends, client, enroll, type Client } from './test/helpers';

const A = '360121201';
/**
 * A form issue as the zh-CN catalogue words it (`forms.issue.<code>`; the terminal renders it so,
 * renderer/i18n/refusal.test.ts): the catalogue is read as a file, sync/ does not import renderer/.
 */
const ZH = JSON.parse(readFileSync(new URL('../../renderer/i18n/locales/zh-CN.json', import.meta.url), 'utf8')) as { forms: { unnamed: string; types: Record<string, string>; issue: Record<string, string> } };
const zhIssue = (i: { code?: string; params?: Record<string, string | number> }): string => {
  const p: Record<string, string | number> = { ...i.params, name: i.params?.name || ZH.forms.unnamed, ...(typeof i.params?.type === 'string' ? { type: ZH.forms.types[i.params.type] ?? i.params.type } : {}) };
  return ZH.forms.issue[i.code ?? '']!.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k]));
};
const now = () => new Date().toISOString();

/** A submitted (new) application of the demo form MZ06@1 with this form data. */
const submitted = (formData: Record<string, unknown>, overrides: Partial<ApplicationDoc> = {}): ApplicationDoc =>
  exampleApplication({
    stationId: A,
    formData,
    status: 'submitted',
    statusHistory: [{ status: 'draft', at: now(), by: 'terminal' }, { status: 'submitted', at: now(), by: 'terminal' }],
    submittedAt: now(),
    ...overrides,
  });

describe.each(backends())('form validation on push ($name)', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let a: Client;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true });
    a = await enroll(p, A);
  });
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  const stored = (id: string) => p.store.getDocument('applications', id) as Promise<ApplicationDoc | null>;
  const push = async (docs: ApplicationDoc[] | { assumedMasterState?: unknown; newDocumentState: unknown }[]) => {
    const rows = (docs as any[]).map((d) => ('newDocumentState' in d ? d : { newDocumentState: d }));
    const r = await a.push('applications', rows);
    expect(pushResponse.safeParse(r).success).toBe(true);
    return r;
  };

  it('accepts a valid submission (stored as synced)', async () => {
    const doc = submitted(exampleFormData());
    const r = await push([doc]);
    expect(r).toMatchObject({ written: 1, rejections: [] });
    expect((await stored(doc.id))?.status).toBe('synced');
  });

  it('accepts a draft with any form data, then checks it when the draft is submitted', async () => {
    const draft = exampleApplication({ stationId: A, formData: { applicantName: 7, junk: { deep: [1, 2, 3] }, phone: 'x'.repeat(10_000) } });
    expect(await push([draft])).toMatchObject({ written: 1, rejections: [] });
    expect((await stored(draft.id))?.status).toBe('draft');
    const submit = { ...draft, status: 'submitted' as const, statusHistory: [...draft.statusHistory, { status: 'submitted' as const, at: now(), by: 'terminal' as const }] };
    const refused = await push([{ assumedMasterState: draft, newDocumentState: submit }]);
    expect(refused.rejections.map((x) => x.code)).toEqual(['FORM_INVALID']);
    expect((await stored(draft.id))?.status).toBe('draft'); // nothing changed
    const fixed = { ...submit, formData: exampleFormData() };
    expect(await push([{ assumedMasterState: draft, newDocumentState: fixed }])).toMatchObject({ written: 1, rejections: [] });
    expect((await stored(draft.id))?.status).toBe('synced');
    // A withdrawal is not a submission: a half-filled draft may be withdrawn.
    const d2 = exampleApplication({ stationId: A, formData: { half: true } });
    await push([d2]);
    const w = { ...d2, status: 'withdrawn' as const, statusHistory: [...d2.statusHistory, { status: 'withdrawn' as const, at: now(), by: 'terminal' as const }] };
    expect(await push([{ assumedMasterState: d2, newDocumentState: w }])).toMatchObject({ written: 1, rejections: [] });
  });

  it('refuses invalid form data per document: FORM_INVALID with paths, codes and params (worded as before), nothing stored', async () => {
    const cases: [string, Record<string, unknown>, { path: string; keyword: string; message: string }][] = [
      ['missing required', exampleFormData({ phone: undefined }), { path: 'phone', keyword: 'required', message: '请填写手机号' }],
      ['empty required', exampleFormData({ applicantName: '' }), { path: 'applicantName', keyword: 'required', message: '请填写姓名' }],
      ['ID check digit', exampleFormData({ idNumber: '360121194010010025' }), { path: 'idNumber', keyword: 'pattern', message: '身份证号校验位不正确，请核对后重新输入' }],
      ['wrong type', exampleFormData({ birthDate: 19401001 }), { path: 'birthDate', keyword: 'type', message: '出生日期应填写文字' }],
      ['bad date', exampleFormData({ birthDate: '1940-02-30' }), { path: 'birthDate', keyword: 'format', message: '出生日期不是有效的日期' }],
      ['extra property', exampleFormData({ salary: 100 }), { path: 'salary', keyword: 'additionalProperties', message: '不应包含“salary”' }],
      ['huge string', exampleFormData({ address: '村'.repeat(300_000) }), { path: 'address', keyword: 'maxLength', message: '户籍地址不能超过120个字' }],
      ['conditional section', exampleFormData({ byAgent: true }), { path: 'agentName', keyword: 'required', message: '请填写代办人姓名' }],
    ];
    for (const [name, formData, issue] of cases) {
      const doc = submitted(formData);
      const r = await push([doc]);
      expect(r.written, name).toBe(0);
      expect(r.rejections, name).toHaveLength(1);
      const rej = r.rejections[0]!;
      expect(rej, name).toMatchObject({ id: doc.id, index: 0, code: 'FORM_INVALID' });
      expect(rej.params, name).toEqual({ total: rej.issues!.length });
      // path and keyword, the validator's code and params (English message for logs); the zh-CN catalogue words them as before
      const { message: zh, ...where } = issue;
      expect(rej.issues?.[0], name).toMatchObject(where);
      expect(zhIssue(rej.issues![0]!), name).toBe(zh);
      expect(rej.userMessage, name).toBeUndefined();
      expect(rej.message, name).toMatch(new RegExp(`MZ06@1: .*${issue.path} \\(${issue.keyword}\\)`));
      expect(rej.message, name).not.toMatch(/[\u4e00-\u9fff]/); // English for logs; no values echoed
      expect(JSON.stringify(rej).length, name).toBeLessThan(8_000);
      expect(await stored(doc.id), name).toBeNull();
    }
  });

  it('bounds the issues of one document (first 20)', async () => {
    const junk = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x${i}`, i]));
    const r = await push([submitted(junk)]);
    const rej = r.rejections[0]!;
    expect(rej.code).toBe('FORM_INVALID');
    expect(rej.issues).toHaveLength(MAX_FORM_ISSUES);
    expect(rej.params).toEqual({ total: 205 });
    expect(rej.issues!.every((i) => typeof i.code === 'string' && i.params !== undefined)).toBe(true);
    expect(rej.message.length).toBeLessThanOrEqual(2000);
  });

  it('one bad document never blocks the rest of the batch', async () => {
    const good = Array.from({ length: 4 }, (_, i) => submitted(exampleFormData({ applicantName: `测试${i}号` })));
    const bad = submitted(exampleFormData({ idNumber: '12345' }));
    const unknown = submitted(exampleFormData(), { formId: 'NOPE', serviceItemCode: 'NOPE' });
    const r = await push([good[0]!, bad, good[1]!, unknown, good[2]!, good[3]!]);
    expect(r.written).toBe(4);
    expect(r.rejections.map((x) => [x.index, x.code])).toEqual([[1, 'FORM_INVALID'], [3, 'UNKNOWN_FORM']]);
    for (const g of good) expect((await stored(g.id))?.status).toBe('synced');
    expect(await stored(bad.id)).toBeNull();
    expect(await stored(unknown.id)).toBeNull();
  });

  it('refuses a submission of a form the platform does not have: UNKNOWN_FORM', async () => {
    for (const o of [{ formId: 'NO-SUCH-FORM' }, { formVersion: 99 }]) {
      const doc = submitted(exampleFormData(), o);
      const r = await push([doc]);
      expect(r.rejections).toEqual([expect.objectContaining({ code: 'UNKNOWN_FORM', message: expect.stringMatching(/no form/), params: { form: `${doc.formId}@${doc.formVersion}`, why: 'unknown' } })]);
      expect(r.rejections[0]!.userMessage).toBeUndefined();
      expect(await stored(doc.id)).toBeNull();
    }
    // A draft of an unknown form is kept (the catalog may arrive later).
    expect(await push([exampleApplication({ stationId: A, formId: 'NO-SUCH-FORM' })])).toMatchObject({ written: 1, rejections: [] });
  });

  it('checks a resubmission after 补正 too', async () => {
    const doc = submitted(exampleFormData());
    await push([doc]);
    const act = (action: string, body: unknown = {}) => client(p.url, p.adminToken).req('POST', `${paths.adminApplication(doc.id)}/${action}`, body);
    await act('accept');
    const sup = (await act('supplement', { reasons: ['银行账号有误'] })).json as ApplicationDoc;
    expect(sup.status).toBe('supplement_required');
    const resub = (formData: Record<string, unknown>) => ({ ...sup, formData, status: 'resubmitted' as const, statusHistory: [...sup.statusHistory, { status: 'resubmitted' as const, at: now(), by: 'terminal' as const }] });
    // Editing while 补正 is pending may leave the form half-done; the resubmission must be complete.
    expect(await push([{ assumedMasterState: sup, newDocumentState: { ...sup, formData: { bankAccount: '1' } } }])).toMatchObject({ written: 1 });
    const cur = (await stored(doc.id))!;
    const refused = await push([{ assumedMasterState: cur, newDocumentState: resub(exampleFormData({ bankAccount: '12' })) }]);
    expect(refused.rejections[0]).toMatchObject({ code: 'FORM_INVALID', params: { total: 1 }, issues: [{ path: 'bankAccount', keyword: 'pattern', code: 'digits', params: { min: 12, max: 19 } }] });
    expect(zhIssue(refused.rejections[0]!.issues![0]!)).toBe('社保卡或银行账号应为12到19位数字');
    expect(await push([{ assumedMasterState: cur, newDocumentState: resub(exampleFormData({ bankAccount: '6217000000000000002' })) }])).toMatchObject({ written: 1, rejections: [] });
    expect((await stored(doc.id))?.status).toBe('resubmitted');
  });

  it('hostile input gets a clear 4xx or a per-document rejection, never a crash', async () => {
    // formData that is not an object: the document schema refuses it.
    for (const formData of [[], 'x', null, 5]) {
      const r = await push([{ ...submitted({}), formData } as unknown as ApplicationDoc]);
      expect(r.rejections[0]).toMatchObject({ code: 'INVALID_DOCUMENT', message: expect.stringMatching(/^formData: /) });
    }
    // Deeply nested form data, as a draft and as a submission (as raw JSON: no stack needed to build it).
    const depth = 100_000;
    const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    for (const status of ['draft', 'submitted'] as const) {
      const base = status === 'draft' ? exampleApplication({ stationId: A }) : submitted(exampleFormData());
      const body = JSON.stringify([{ newDocumentState: { ...base, formData: { ...base.formData, nested: '__DEEP__' } } }]).replace('"__DEEP__"', deep);
      const r = await a.req('POST', paths.push('applications'), body);
      expect(r.status, status).toBe(200);
      expect(r.json.written, status).toBe(0);
      expect(r.json.rejections[0], status).toMatchObject({ code: 'INVALID_DOCUMENT', message: expect.stringMatching(/nested/) });
      expect(await stored(base.id), status).toBeNull();
    }
    // A 1 MB string: in a known field, in an unknown field, as a key.
    const mb = 'x'.repeat(1024 * 1024);
    const r = await push([submitted(exampleFormData({ phone: mb })), submitted(exampleFormData({ [mb]: 1 })), submitted(exampleFormData({ note: mb }))]);
    expect(r.rejections.map((x) => x.code)).toEqual(['FORM_INVALID', 'FORM_INVALID', 'FORM_INVALID']);
    expect(JSON.stringify(r).length).toBeLessThan(20_000);
    // Prototype names in the data are data.
    const proto = await a.req('POST', paths.push('applications'), `[{"newDocumentState":${JSON.stringify(submitted(exampleFormData())).replace('"formData":{', '"formData":{"constructor":{"x":1},')}}]`);
    expect(proto.status).toBe(200);
    expect(proto.json.rejections[0]).toMatchObject({ code: 'FORM_INVALID', issues: [{ path: 'constructor', keyword: 'additionalProperties' }] });
    // Still healthy.
    expect((await fetch(p.url + paths.health)).status).toBe(200);
    expect(await push([submitted(exampleFormData())])).toMatchObject({ written: 1, rejections: [] });
  });

  it('every seeded demo form accepts its sample data on the platform (the renderer test checks the same data)', async () => {
    const samples = demoFormSamples();
    expect(samples.length).toBe(demoCatalog().forms.length);
    const docs = samples.map(({ form, data }) => submitted(data, { formId: form.formId, formVersion: form.version, serviceItemCode: form.formId }));
    const r = await push(docs);
    expect(r.rejections).toEqual([]);
    expect(r.written).toBe(samples.length);
    // The module the platform ran is the one the renderer imports (renderer/forms re-exports it).
    for (const { form, data } of samples) expect(createValidator(form.jsonSchema)(data), form.id).toEqual([]);
  });

  it('a rewritten form schema is used from the next push on (validators are cached by sequence)', async () => {
    const form = demoCatalog().forms.find((f) => f.id === 'MZ06@1')!;
    const schema = form.jsonSchema as { required: string[] };
    const stricter = { ...form, jsonSchema: { ...form.jsonSchema, required: [...schema.required, 'address'] }, updatedAt: now() };
    expect(await push([submitted(exampleFormData())])).toMatchObject({ written: 1 });
    try {
      await p.store.upsertAsPlatform('form_schemas', [stricter]);
      const r = await push([submitted(exampleFormData())]);
      expect(r.rejections[0]).toMatchObject({ code: 'FORM_INVALID', issues: [{ path: 'address', keyword: 'required' }] });
      // A schema the shared validator cannot check refuses submissions instead of skipping the check.
      await p.store.upsertAsPlatform('form_schemas', [{ ...form, jsonSchema: { ...form.jsonSchema, oneOf: [] }, updatedAt: now() }]);
      expect((await push([submitted(exampleFormData())])).rejections[0]).toMatchObject({ code: 'UNKNOWN_FORM', message: expect.stringMatching(/unsupported/) });
    } finally {
      await p.store.upsertAsPlatform('form_schemas', [{ ...form, updatedAt: now() }]);
    }
    expect(await push([submitted(exampleFormData())])).toMatchObject({ written: 1, rejections: [] });
  });

  it('a form compiled before is used with no query, and a rewrite landing between the check and the write sends the submission back to be checked on it', async () => {
    const form = demoCatalog().forms.find((f) => f.id === 'MZ06@1')!;
    const schema = form.jsonSchema as { required: string[] };
    const stricter = { ...form, jsonSchema: { ...form.jsonSchema, required: [...schema.required, 'address'] }, updatedAt: now() };
    const db = p.store.db as { query: (sql: string, params?: unknown[]) => Promise<unknown[]> };
    const query = db.query;
    let formReads = 0;
    let beforeWrite: (() => Promise<unknown>) | null = null;
    db.query = async (sql, params) => {
      if (sql.includes("d.collection = 'form_schemas'")) formReads++;
      if (sql.startsWith('WITH u AS MATERIALIZED') && beforeWrite) {
        const run = beforeWrite;
        beforeWrite = null;
        await run();
      }
      return query.call(db, sql, params);
    };
    try {
      expect(await push([submitted(exampleFormData())])).toMatchObject({ written: 1 }); // compiled here, if not before
      formReads = 0;
      expect(await push([submitted(exampleFormData()), submitted(exampleFormData())])).toMatchObject({ written: 2, rejections: [] });
      expect(formReads).toBe(0);
      // Checked against the cached form, then the form is rewritten before the write: not written, checked again.
      beforeWrite = () => p.store.upsertAsPlatform('form_schemas', [stricter]);
      const raced = submitted(exampleFormData());
      const r = await push([raced]);
      expect(beforeWrite).toBeNull();
      expect(r).toMatchObject({ written: 0, rejections: [{ id: raced.id, code: 'FORM_INVALID', issues: [{ path: 'address', keyword: 'required' }] }] });
      expect(await stored(raced.id)).toBeNull();
      expect(formReads).toBe(1);
      // A refusal made on the cached form is confirmed on a fresh read: the form was loosened since.
      await query.call(db, "UPDATE documents SET data = $1::jsonb, seq = doc_position() WHERE collection = 'form_schemas' AND id = 'MZ06@1'", [JSON.stringify({ ...form, updatedAt: now() })]);
      formReads = 0;
      expect(await push([submitted(exampleFormData())])).toMatchObject({ written: 1, rejections: [] });
      expect(formReads).toBe(1);
    } finally {
      db.query = query;
      await p.store.upsertAsPlatform('form_schemas', [{ ...form, updatedAt: now() }]);
    }
  });
});
