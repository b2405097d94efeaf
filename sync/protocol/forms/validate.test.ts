import { describe, expect, it } from 'vitest';
import { createValidator, formIssues, formIssuesLogMessage, formIssuesUserMessage, idNumberChecksumOk, matchesSchema, MAX_FORM_ISSUES, UnsupportedSchemaError } from './validate';
import { EXAMPLE_FORM_SCHEMA, EXAMPLE_ID_NUMBER } from './example-form';

const schema = EXAMPLE_FORM_SCHEMA;
const GOOD_ID = EXAMPLE_ID_NUMBER;

describe('validator (no eval, Chinese messages)', () => {
  const v = createValidator(schema);
  it('reports required fields by their Chinese titles', () => {
    const errors = v({});
    expect(errors.map((e) => e.message)).toEqual(['请填写姓名', '请填写身份证号', '请填写手机号', '请填写参保人类别']);
  });
  it('checks formats: ID number pattern and check digit, phone, dates, numbers, enums', () => {
    const base = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000', insuredType: '普通居民' };
    expect(v(base)).toEqual([]);
    expect(v({ ...base, idNumber: '110105194912310021' })[0]?.message).toBe('身份证号校验位不正确，请核对后重新输入');
    expect(v({ ...base, idNumber: '12345' })[0]?.message).toBe('身份证号应为18位身份证号码');
    expect(v({ ...base, phone: '1234' })[0]?.message).toBe('手机号应为11位手机号码');
    expect(v({ ...base, applyDate: '2026-02-30' })[0]?.message).toBe('申请日期不是有效的日期');
    expect(v({ ...base, familySize: 0 })[0]?.message).toBe('家庭人口数不能小于1');
    expect(v({ ...base, familySize: 2.5 })[0]?.message).toBe('家庭人口数应填写整数');
    expect(v({ ...base, insuredType: '外星人' })[0]?.message).toBe('请从选项中选择参保人类别');
    expect(v({ ...base, applicantName: '张' })[0]?.message).toBe('姓名至少2个字');
    expect(v({ ...base, bankAccount: '12' })[0]?.message).toBe('社保卡或银行账号应为12到19位数字');
    expect(v({ ...base, extra: 1 })[0]?.keyword).toBe('additionalProperties');
  });
  it('applies conditional sections (if/then)', () => {
    const base = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000', insuredType: '新生儿' };
    expect(v(base).map((e) => e.message)).toEqual(['请填写新生儿姓名']);
    expect(v({ ...base, newbornName: '张小', byAgent: true }).map((e) => e.message)).toEqual(['请填写代办人姓名']);
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
    expect(v({ ...base, applicantName: huge })[0]).toMatchObject({ path: 'applicantName', keyword: 'maxLength', message: '姓名不能超过30个字' });
    expect(v({ ...base, phone: huge })[0]).toMatchObject({ path: 'phone', keyword: 'pattern' });
    const e = v({ ...base, [huge]: 1 })[0]!;
    expect(e.keyword).toBe('additionalProperties');
    expect(e.path.length).toBeLessThanOrEqual(101);
    expect(e.message.length).toBeLessThan(60);
  });
  it('bounds the issues it reports, with a Chinese line for people and an English one for logs', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, i]));
    const { issues, total } = formIssues(v, many);
    expect(issues).toHaveLength(MAX_FORM_ISSUES);
    expect(total).toBe(54); // 4 required + 50 unknown
    expect(formIssuesUserMessage(issues, total)).toMatch(/^表单内容有54处不符合要求：请填写姓名；.*；另有34处。/);
    const log = formIssuesLogMessage(issues, total);
    expect(log).toMatch(/^54 field\(s\) do not match the form: applicantName \(required\), /);
    expect(log).toContain('and 34 more');
    expect(log).not.toMatch(/[\u4e00-\u9fff]/); // titles and messages stay out of the English line
  });
  it('matches UI rule conditions', () => {
    expect(matchesSchema({ const: true }, true)).toBe(true);
    expect(matchesSchema({ const: true }, false)).toBe(false);
  });
});
