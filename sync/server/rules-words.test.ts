// The Chinese a FORM_INVALID refusal still carries on the wire (rules.ts, until the rejection
// carries params) is the terminal catalogue's `forms.issue` in zh-CN, word for word: one set of
// words, checked here. The catalogue is read as a file (sync/ does not import renderer/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createValidator, FIELD_ISSUE_CODES, tongbanProblem, type FieldIssueParams, type ServiceItemTongban } from '../protocol/index';
import { EXAMPLE_FORM_SCHEMA } from '../protocol/forms/example-form';
import { zhFieldIssue, zhFormIssuesLine, zhTongbanProblem } from './rules';

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

describe('the platform’s Chinese for a refused 通办 choice', () => {
  const tongban: ServiceItemTongban = { scope: 'province', basis: 'household', divisions: [{ code: '360102', name: '东湖区' }, { code: '360121', name: '南昌县' }, { code: '110105', name: '朝阳区' }] };
  const item = { code: 'S1', tongban };
  const known = (c: string) => c !== '999999';
  const said = (choice: { scope: 'province' | 'cross_province'; divisionCode: string }, it: typeof item | { code: string } | null = item, station: string | null = '360121201') => {
    const p = tongbanProblem({ ...choice, divisionName: 'x' }, it, station, known);
    return p && [p.reason, zhTongbanProblem(p), p.message];
  };
  it('names each reason by code and reads as before', () => {
    expect(said({ scope: 'province', divisionCode: '999999' })).toEqual(['UNKNOWN_DIVISION', '办理地的行政区划代码（999999）不存在，无法转办。请重新选择办理地。', 'unknown administrative division code 999999']);
    expect(said({ scope: 'province', divisionCode: '360102' }, null)?.slice(0, 2)).toEqual(['UNKNOWN_ITEM', '平台没有该事项，无法转办。请更新事项目录后重新选择。']);
    expect(said({ scope: 'province', divisionCode: '360102' }, { code: 'S2' })?.slice(0, 2)).toEqual(['NOT_TONGBAN', '该事项不支持异地通办，请在户籍（或参保）所在地办理。']);
    expect(said({ scope: 'province', divisionCode: '360103' })?.slice(0, 2)).toEqual(['DIVISION_NOT_LISTED', '所选办理地（360103）不受理该事项的异地通办。请重新选择办理地。']);
    expect(said({ scope: 'province', divisionCode: '360102' }, item, null)?.slice(0, 2)).toEqual(['STATION_NO_DIVISION', '本站点未配置行政区划，无法转办。请联系平台管理员。']);
    expect(said({ scope: 'province', divisionCode: '360121' })?.slice(0, 2)).toEqual(['OWN_COUNTY', '所选办理地就是本地，请按本地事项办理。']);
    expect(said({ scope: 'cross_province', divisionCode: '110105' })?.slice(0, 2)).toEqual(['PROVINCE_ONLY', '该事项仅支持省内通办，所选办理地在外省。']);
    expect(said({ scope: 'cross_province', divisionCode: '360102' })?.slice(0, 2)).toEqual(['SCOPE_MISMATCH', '通办类型与办理地不符（省内/跨省），请重新选择办理地。']);
    expect(said({ scope: 'province', divisionCode: '360102' })).toBeNull();
    for (const r of ['UNKNOWN_DIVISION', 'UNKNOWN_ITEM', 'NOT_TONGBAN', 'DIVISION_NOT_LISTED', 'STATION_NO_DIVISION', 'OWN_COUNTY', 'PROVINCE_ONLY', 'SCOPE_MISMATCH'] as const) {
      expect(tongbanProblem({ scope: 'province', divisionCode: '999999', divisionName: 'x' }, item, '360121201', known)?.message).not.toMatch(/\p{Script=Han}/u);
      expect(zhTongbanProblem({ reason: r, divisionCode: '360102' })).toMatch(/\p{Script=Han}/u);
    }
  });
});
