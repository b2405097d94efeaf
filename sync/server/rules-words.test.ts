// The Chinese a FORM_INVALID refusal still carries on the wire (rules.ts, until the rejection
// carries params) is the terminal catalogue's `forms.issue` in zh-CN, word for word: one set of
// words, checked here. The catalogue is read as a file (sync/ does not import renderer/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createValidator, FIELD_ISSUE_CODES, type FieldIssueParams } from '../protocol/index';
import { EXAMPLE_FORM_SCHEMA } from '../protocol/forms/example-form';
import { zhFieldIssue, zhFormIssuesLine } from './rules';

const zh = JSON.parse(readFileSync(new URL('../../renderer/i18n/locales/zh-CN.json', import.meta.url), 'utf8')) as { forms: { unnamed: string; types: Record<string, string>; issue: Record<string, string> } };
const render = (code: string, p: FieldIssueParams) => {
  const params: FieldIssueParams = { ...p, name: p.name || zh.forms.unnamed, ...(typeof p.type === 'string' ? { type: zh.forms.types[p.type] ?? p.type } : {}) };
  return zh.forms.issue[code]!.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]));
};

describe('the platform’s Chinese for form issues', () => {
  it('is the catalogue’s zh-CN for every code', () => {
    for (const code of FIELD_ISSUE_CODES) {
      for (const params of [{ name: '手机号', limit: 3, min: 12, max: 19, type: 'integer', value: 'true', key: 'salary' }, { name: '', limit: 0, min: 1, max: 2, type: 'object', value: 'x', key: 'k' }]) {
        expect(zhFieldIssue({ code, params }), code).toBe(render(code, params));
      }
    }
  });
  it('reads the validator’s findings as before', () => {
    const v = createValidator(EXAMPLE_FORM_SCHEMA);
    const issues = v({ salary: 1 });
    expect(issues.map(zhFieldIssue)).toEqual(['请填写姓名', '请填写身份证号', '请填写手机号', '请填写参保人类别', '不应包含“salary”']);
    expect(zhFormIssuesLine(issues.slice(0, 2).map(zhFieldIssue), 5)).toBe('表单内容有5处不符合要求：请填写姓名；请填写身份证号；另有3处。请核对修改后重新提交。');
    expect(zhFieldIssue({ code: 'type', params: { name: 'A', type: 'weird' } })).toBe('A应填写weird');
  });
});
