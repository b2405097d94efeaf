/**
 * The validator's codes and parameters read, in zh-CN, exactly as the validator's own Chinese did
 * before the words moved to the catalogue (the same cases as sync/protocol/forms/validate.test.ts),
 * and in en-US without Han. Garbage never throws.
 */
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../i18n/locales/zh-CN.json';
import enUS from '../i18n/locales/en-US.json';
import { createValidator, FIELD_ISSUE_CODES } from '../../sync/protocol/forms/validate';
import { EXAMPLE_FORM_SCHEMA, EXAMPLE_ID_NUMBER } from '../../sync/protocol/forms/example-form';
import { fieldIssueText } from './issues';

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, 'en-US': enUS } });
const zh = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p, { locale: 'zh-CN' }), te: (k: string) => i18n.global.te(k, 'zh-CN') };
const en = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p, { locale: 'en-US' }), te: (k: string) => i18n.global.te(k, 'en-US') };
const HAN = /\p{Script=Han}/u;

const v = createValidator(EXAMPLE_FORM_SCHEMA);
const base = { applicantName: '张三', idNumber: EXAMPLE_ID_NUMBER, phone: '13800138000', insuredType: '普通居民' };
const first = (data: unknown) => v(data)[0]!;

describe('form issues in the catalogue', () => {
  it('read in zh-CN as the validator said them before', () => {
    expect(v({}).map((e) => fieldIssueText(e, zh))).toEqual(['请填写姓名', '请填写身份证号', '请填写手机号', '请填写参保人类别']);
    const cases: [unknown, string][] = [
      [{ ...base, idNumber: '110105194912310021' }, '身份证号校验位不正确，请核对后重新输入'],
      [{ ...base, idNumber: '12345' }, '身份证号应为18位身份证号码'],
      [{ ...base, phone: '1234' }, '手机号应为11位手机号码'],
      [{ ...base, applyDate: '2026-02-30' }, '申请日期不是有效的日期'],
      [{ ...base, familySize: 0 }, '家庭人口数不能小于1'],
      [{ ...base, familySize: 2.5 }, '家庭人口数应填写整数'],
      [{ ...base, insuredType: '外星人' }, '请从选项中选择参保人类别'],
      [{ ...base, applicantName: '张' }, '姓名至少2个字'],
      [{ ...base, bankAccount: '12' }, '社保卡或银行账号应为12到19位数字'],
      [{ ...base, applicantName: 'a'.repeat(100) }, '姓名不能超过30个字'],
      [{ ...base, extra: 1 }, '不应包含“extra”'],
      [{ ...base, insuredType: '新生儿' }, '请填写新生儿姓名'],
    ];
    for (const [data, words] of cases) expect(fieldIssueText(first(data), zh)).toBe(words);
  });
  it('reads the other keywords as before, a field without a title as 内容', () => {
    const one = (schema: Record<string, unknown>, data: unknown) => fieldIssueText(createValidator(schema)(data)[0]!, zh);
    expect(one({ title: '人数', type: 'number', maximum: 9 }, 10)).toBe('人数不能大于9');
    expect(one({ title: '人数', type: 'number', exclusiveMinimum: 0 }, 0)).toBe('人数应大于0');
    expect(one({ title: '人数', type: 'number', exclusiveMaximum: 9 }, 9)).toBe('人数应小于9');
    expect(one({ title: '成员', type: 'array', minItems: 1 }, [])).toBe('成员至少1项');
    expect(one({ title: '成员', type: 'array', maxItems: 1 }, [1, 2])).toBe('成员最多1项');
    expect(one({ title: '同意', const: true }, false)).toBe('同意应为“true”');
    expect(one({ title: '邮箱', type: 'string', format: 'email' }, 'x')).toBe('邮箱格式不正确');
    expect(one({ title: '证号', type: 'string', format: 'id-number' }, '110105194912310021')).toBe('证号不正确，请核对后重新输入');
    expect(one({ title: '编号', type: 'string', pattern: '^[A-Z]+$' }, 'a')).toBe('编号格式不正确');
    expect(one({ type: 'object' }, 1)).toBe('内容应填写对象');
    expect(one({ type: 'string', minLength: 1 }, '')).toBe('请填写内容');
    expect(one({ title: '备注', type: 'string', minLength: 3 }, 'ab')).toBe('备注至少3个字');
  });
  it('has words for every code in both languages, English without Han', () => {
    for (const code of FIELD_ISSUE_CODES) {
      expect(i18n.global.te(`forms.issue.${code}`, 'zh-CN'), code).toBe(true);
      const text = fieldIssueText({ code, params: { name: 'Phone', limit: 3, min: 1, max: 2, type: 'string', value: 'x', key: 'k' } }, en);
      expect(text, code).not.toMatch(HAN);
      expect(text, code).not.toContain('{');
    }
    expect(fieldIssueText(first({ ...base, familySize: 2.5 }), en)).toBe('家庭人口数 must be a whole number'); // the title is the form's data
  });
  it('never throws on garbage: an unknown code shows the English message, odd parameters are left out', () => {
    expect(fieldIssueText({ code: 'nope' as never, params: {}, message: 'x is wrong' }, zh)).toBe('x is wrong');
    expect(fieldIssueText({ code: 'forms.issue.required' as never, params: {} }, zh)).toBe('内容格式不正确');
    expect(fieldIssueText({}, zh)).toBe('内容格式不正确');
    expect(fieldIssueText({ code: 'required', params: { name: 42 as never } }, zh)).toBe('请填写内容');
    expect(fieldIssueText({ code: 'required', params: { name: { evil: true } as never } }, zh)).toBe('请填写内容');
    expect(fieldIssueText({ code: 'required', params: [] as never }, zh)).toBe('请填写内容');
    expect(fieldIssueText({ code: 'type', params: { name: 'A', type: 'constructor' } }, zh)).toBe('A应填写constructor');
    expect(fieldIssueText({ code: 'maxLength', params: { name: 'A', limit: Number.NaN } }, zh)).toBe('A不能超过个字'); // a number that is not finite is left out
  });
});
