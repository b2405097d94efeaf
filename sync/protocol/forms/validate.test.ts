import { describe, expect, it } from 'vitest';
import { createValidator, formIssues, formIssuesLogMessage, idNumberChecksumOk, matchesSchema, MAX_FORM_ISSUES, UnsupportedSchemaError } from './validate';
import { EXAMPLE_FORM_SCHEMA, EXAMPLE_ID_NUMBER } from './example-form';

const schema = EXAMPLE_FORM_SCHEMA;
const GOOD_ID = EXAMPLE_ID_NUMBER;

// The words are the catalogue's (forms.issue.<code>); renderer/forms/issues.test.ts checks that the
// same cases read in zh-CN exactly as the validator's Chinese did before.
const said = (e: { code: string; params: Record<string, string | number> } | undefined) => (e ? [e.code, e.params] : undefined);

describe('validator (no eval, codes and parameters for the words)', () => {
  const v = createValidator(schema);
  it('reports required fields by their Chinese titles', () => {
    const errors = v({});
    expect(errors.map(said)).toEqual([['required', { name: '姓名' }], ['required', { name: '身份证号' }], ['required', { name: '手机号' }], ['required', { name: '参保人类别' }]]);
    expect(errors.map((e) => e.message)).toEqual(['姓名 is required', '身份证号 is required', '手机号 is required', '参保人类别 is required']);
  });
  it('checks formats: ID number pattern and check digit, phone, dates, numbers, enums', () => {
    const base = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000', insuredType: '普通居民' };
    expect(v(base)).toEqual([]);
    expect(said(v({ ...base, idNumber: '110105194912310021' })[0])).toEqual(['idChecksum', { name: '身份证号' }]);
    expect(said(v({ ...base, idNumber: '12345' })[0])).toEqual(['idPattern', { name: '身份证号' }]);
    expect(said(v({ ...base, phone: '1234' })[0])).toEqual(['phone', { name: '手机号' }]);
    expect(said(v({ ...base, applyDate: '2026-02-30' })[0])).toEqual(['date', { name: '申请日期' }]);
    expect(said(v({ ...base, familySize: 0 })[0])).toEqual(['minimum', { name: '家庭人口数', limit: 1 }]);
    expect(said(v({ ...base, familySize: 2.5 })[0])).toEqual(['type', { name: '家庭人口数', type: 'integer' }]);
    expect(said(v({ ...base, insuredType: '外星人' })[0])).toEqual(['enum', { name: '参保人类别' }]);
    expect(said(v({ ...base, applicantName: '张' })[0])).toEqual(['minLength', { name: '姓名', limit: 2 }]);
    expect(said(v({ ...base, bankAccount: '12' })[0])).toEqual(['digits', { name: '社保卡或银行账号', min: 12, max: 19 }]);
    expect(v({ ...base, extra: 1 })[0]).toMatchObject({ keyword: 'additionalProperties', code: 'additionalProperties', params: { name: '', key: 'extra' }, message: '"extra" is not expected' });
    for (const e of v({ ...base, idNumber: '12345', phone: '1234', familySize: 0 })) expect(e.message).not.toMatch(/12345|1234\b/); // no values in the English
  });
  it('applies conditional sections (if/then)', () => {
    const base = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000', insuredType: '新生儿' };
    expect(v(base).map(said)).toEqual([['required', { name: '新生儿姓名' }]]);
    expect(v({ ...base, newbornName: '张小', byAgent: true }).map(said)).toEqual([['required', { name: '代办人姓名' }]]);
  });
  it('refuses schemas with keywords it does not implement', () => {
    expect(() => createValidator({ type: 'object', oneOf: [] })).toThrow(UnsupportedSchemaError);
    expect(() => createValidator({ type: 'string', format: 'uri' })).toThrow(UnsupportedSchemaError);
  });
  it('verifies the GB 11643 check digit', () => {
    expect(idNumberChecksumOk(GOOD_ID)).toBe(true);
    expect(idNumberChecksumOk('110105194912310021')).toBe(false);
  });
  it('treats prototype names in the data as data (no inherited members)', () => {
    const base = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000', insuredType: '普通居民' };
    const withProto = JSON.parse(JSON.stringify(base).replace('{', '{"constructor":1,"toString":"x",')) as Record<string, unknown>;
    expect(v(withProto).map((e) => [e.path, e.keyword])).toEqual([['constructor', 'additionalProperties'], ['toString', 'additionalProperties']]);
    expect(createValidator({ type: 'object', required: ['toString'] })({})).toMatchObject([{ path: 'toString', keyword: 'required' }]);
  });
});

describe('validator on hostile data', () => {
  const v = createValidator(schema);
  const base = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000', insuredType: '普通居民' };
  it('answers any JSON value without throwing', () => {
    for (const data of [null, 1, 'x', [], [1, 2], true]) expect(v(data)[0]?.keyword).toBe('type');
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(v({ ...base, familySize: deep })[0]).toMatchObject({ path: 'familySize', keyword: 'type' });
    expect(v({ ...base, nested: deep })[0]).toMatchObject({ path: 'nested', keyword: 'additionalProperties' });
  });
  it('checks the length of a huge string before its pattern, and shortens unknown keys', () => {
    const huge = 'a'.repeat(1024 * 1024);
    expect(v({ ...base, applicantName: huge })[0]).toMatchObject({ path: 'applicantName', keyword: 'maxLength', code: 'maxLength', params: { name: '姓名', limit: 30 } });
    expect(v({ ...base, phone: huge })[0]).toMatchObject({ path: 'phone', keyword: 'pattern' });
    const e = v({ ...base, [huge]: 1 })[0]!;
    expect(e.keyword).toBe('additionalProperties');
    expect(e.path.length).toBeLessThanOrEqual(101);
    expect(e.message.length).toBeLessThan(60);
    expect(String(e.params.key).length).toBeLessThanOrEqual(41); // 40 characters and an ellipsis
  });
  it('bounds the issues it reports, with codes for people and an English line for logs', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, i]));
    const { issues, total } = formIssues(v, many);
    expect(issues).toHaveLength(MAX_FORM_ISSUES);
    expect(total).toBe(54); // 4 required + 50 unknown
    expect(issues[0]).toMatchObject({ code: 'required', params: { name: '姓名' } });
    const log = formIssuesLogMessage(issues, total);
    expect(log).toMatch(/^54 field\(s\) do not match the form: applicantName \(required\), /);
    expect(log).toContain('and 34 more');
    expect(log).not.toMatch(/[\u4e00-\u9fff]/); // titles and messages stay out of the English line
  });
  it('matches UI rule conditions', () => {
    expect(matchesSchema({ const: true }, true)).toBe(true);
    expect(matchesSchema({ const: true }, false)).toBe(false);
  });

  it('counts lengths in characters as people see them: astral characters once, lone surrogates once (seeded)', () => {
    // Strings of Han, ASCII, astral characters (𠀀, 😀: two UTF-16 units each) and lone surrogates.
    const pool = ['张', 'a', '𠀀', '😀', '\ud800', '\udfff', ' '];
    const v = createValidator({ type: 'object', properties: { s: { type: 'string', minLength: 3, maxLength: 6 } } });
    let state = 20261207;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2000; round++) {
      let s = '';
      const n = Math.floor(next() * 10);
      for (let i = 0; i < n; i++) s += pool[Math.floor(next() * pool.length)]!;
      const chars = [...s].length;
      const issues = v({ s });
      const want = chars === 0 ? [] : chars < 3 ? ['minLength'] : chars > 6 ? ['maxLength'] : [];
      expect(issues.map((i) => i.keyword), JSON.stringify(s)).toEqual(want);
    }
    expect(v({ s: '😀😀😀😀😀😀' })).toEqual([]); // 12 UTF-16 units, 6 characters
    expect(v({ s: '😀😀😀😀😀😀😀' })[0]).toMatchObject({ keyword: 'maxLength', params: { limit: 6 } });
  });
});
