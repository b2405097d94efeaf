/**
 * A refusal's words live in one place, the catalogue (`refusal.*`, `forms.issue.*`): the platform's
 * rules (sync/server/rules.ts) send codes and parameters, the terminal words them. In zh-CN they
 * read exactly as the sentences the platform used to send (the literal sentences below are those
 * of the platform before its words moved here), in en-US in English. Entries of earlier platforms
 * (only a Chinese `message`) read as they did; garbage never throws and never loses the text.
 */
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.json';
import enUS from './locales/en-US.json';
import { createValidator, exampleApplication, FIELD_ISSUE_CODES, tongbanProblem, type ApplicationDoc, type ServiceItemTongban } from '../../sync/protocol';
import { EXAMPLE_FORM_SCHEMA } from '../../sync/protocol/forms/example-form';
import { sanitizeRefusalIssues, sanitizeRefusalParams, sanitizeRefusedFields } from '../../sync/client/refused-fields';
// Test only: the platform's rules (a pure module, no Node), so the words are checked against what it really sends.
// eslint-disable-next-line no-restricted-imports
import { checkTerminalWrite, tongbanParams, type FormLookup, type RuleResult } from '../../sync/server/rules';
import { refusalLine, refusalText, refusalWords, refusedFieldsLine, withoutLegacyFieldsSuffix, type RefusalLike } from './refusal';

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, 'en-US': enUS } });
const zh = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p, { locale: 'zh-CN' }), te: (k: string) => i18n.global.te(k, 'zh-CN') };
const en = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p, { locale: 'en-US' }), te: (k: string) => i18n.global.te(k, 'en-US') };
const HAN = /\p{Script=Han}/u;

/** A rule's refusal as the terminal keeps it: over the wire (JSON) and through the transport's sanitizers. */
function received(r: RuleResult): RefusalLike {
  if (r.ok) throw new Error('accepted');
  const wire = JSON.parse(JSON.stringify(r)) as { code: string; message: string; params?: unknown; issues?: unknown };
  return {
    code: wire.code,
    message: wire.message,
    params: sanitizeRefusalParams(wire.params).params,
    issues: sanitizeRefusalIssues(wire.issues).issues,
    fields: sanitizeRefusedFields(wire.issues).fields,
  };
}

const at = '2026-12-06T00:00:00.000Z';
const submitted = (over: Partial<ApplicationDoc> = {}): ApplicationDoc =>
  exampleApplication({ status: 'submitted', submittedAt: at, statusHistory: [{ status: 'draft', at, by: 'terminal' }, { status: 'submitted', at, by: 'terminal' }], ...over });
const withForm = (schema: Record<string, unknown>): FormLookup => () => ({ validate: createValidator(schema) });
const write = (next: ApplicationDoc, forms: FormLookup) => checkTerminalWrite('applications', null, next, next.stationId, at, forms);

describe('FORM_INVALID, worded by the terminal', () => {
  it('reads in zh-CN exactly as the platform’s sentence did, with the field list after it', () => {
    const r = received(write(submitted({ formData: { salary: 1 } as never }), withForm(EXAMPLE_FORM_SCHEMA)));
    expect(r.code).toBe('FORM_INVALID');
    expect(r.params).toEqual({ total: 5 });
    expect(r.message).not.toMatch(HAN);
    expect(refusalWords(r, zh)).toBe('表单内容有5处不符合要求：请填写姓名；请填写身份证号；请填写手机号；请填写参保人类别；不应包含“salary”。请核对修改后重新提交。');
    expect(refusalLine(r, zh)).toBe('表单内容有5处不符合要求：请填写姓名；请填写身份证号；请填写手机号；请填写参保人类别；不应包含“salary”。请核对修改后重新提交。（字段：applicantName、idNumber、phone、insuredType、salary）');
    expect(refusalText(r, zh)).toBe(refusalWords(r, zh));
    // more problems than listed
    const first2 = { ...r, params: { total: 5 }, issues: (r.issues as unknown[]).slice(0, 2) };
    expect(refusalWords(first2, zh)).toBe('表单内容有5处不符合要求：请填写姓名；请填写身份证号；另有3处。请核对修改后重新提交。');
  });

  it('words every problem code as the platform did (its sentences, two sets of parameters each)', () => {
    const said: Record<string, [string, string]> = {
      const: ['手机号应为“true”', '内容应为“x”'], enum: ['请从选项中选择手机号', '请从选项中选择内容'], type: ['手机号应填写整数', '内容应填写对象'], required: ['请填写手机号', '请填写内容'],
      minLength: ['手机号至少3个字', '内容至少0个字'], maxLength: ['手机号不能超过3个字', '内容不能超过0个字'], email: ['手机号格式不正确', '内容格式不正确'], date: ['手机号不是有效的日期', '内容不是有效的日期'],
      idNumber: ['手机号不正确，请核对后重新输入', '内容不正确，请核对后重新输入'], idPattern: ['手机号应为18位身份证号码', '内容应为18位身份证号码'], phone: ['手机号应为11位手机号码', '内容应为11位手机号码'],
      digits: ['手机号应为12到19位数字', '内容应为1到2位数字'], pattern: ['手机号格式不正确', '内容格式不正确'], idChecksum: ['手机号校验位不正确，请核对后重新输入', '内容校验位不正确，请核对后重新输入'],
      minimum: ['手机号不能小于3', '内容不能小于0'], maximum: ['手机号不能大于3', '内容不能大于0'], exclusiveMinimum: ['手机号应大于3', '内容应大于0'], exclusiveMaximum: ['手机号应小于3', '内容应小于0'],
      minItems: ['手机号至少3项', '内容至少0项'], maxItems: ['手机号最多3项', '内容最多0项'], additionalProperties: ['不应包含“salary”', '不应包含“k”'],
    };
    expect(Object.keys(said).sort()).toEqual([...FIELD_ISSUE_CODES].sort());
    const sets = [{ name: '手机号', limit: 3, min: 12, max: 19, type: 'integer', value: 'true', key: 'salary' }, { name: '', limit: 0, min: 1, max: 2, type: 'object', value: 'x', key: 'k' }];
    for (const code of FIELD_ISSUE_CODES) {
      sets.forEach((params, n) => {
        const one: RefusalLike = { code: 'FORM_INVALID', message: 'formData does not match', params: { total: 1 }, issues: [{ code, params }] };
        expect(refusalWords(one, zh), code).toBe(`表单内容有1处不符合要求：${said[code]![n]}。请核对修改后重新提交。`);
        const english = refusalWords({ ...one, issues: [{ code, params: { ...params, name: params.name ? 'Phone' : '' } }] }, en)!;
        expect(english, code).toMatch(/^The form does not meet the requirements in 1 place\(s\): .+\. Please check, correct and submit it again\.$/);
        expect(english, code).not.toMatch(HAN);
      });
    }
    expect(refusedFieldsLine({ fields: [{ path: 'idNumber', keyword: 'pattern' }, { path: 'members.0.phone', keyword: '' }] }, en)).toBe(' (fields: idNumber, members.0.phone)');
    expect(refusedFieldsLine({ fields: [] }, zh)).toBe('');
  });
});

describe('UNKNOWN_FORM and TONGBAN_INVALID, worded by the terminal', () => {
  it('read in zh-CN exactly as the platform’s sentences did', () => {
    const unknown = received(write(submitted(), () => ({ missing: 'unknown' })));
    expect(unknown.params).toEqual({ form: 'MZ06@1', why: 'unknown' });
    expect(refusalLine(unknown, zh)).toBe('平台没有该申请使用的表单（MZ06@1），无法受理。请更新事项目录后重新填写，或联系平台管理员。');
    const unsupported = received(write(submitted(), () => ({ missing: 'unsupported' })));
    expect(refusalText(unsupported, zh)).toBe('平台无法核验该申请使用的表单（MZ06@1），请联系平台管理员。');

    const forms = withForm({ type: 'object' });
    const chosen = { scope: 'province' as const, divisionCode: '360102', divisionName: '东湖区' };
    const noRegistry = received(write(submitted({ tongban: chosen }), forms));
    expect(noRegistry.params).toEqual({ reason: 'NO_REGISTRY' });
    expect(refusalText(noRegistry, zh)).toBe('平台暂不能核验异地通办办理地，请联系平台管理员。');
    const before = submitted({ status: 'supplement_required', tongban: chosen });
    const locked = received(checkTerminalWrite('applications', before, { ...before, tongban: { ...chosen, divisionCode: '360121' } }, before.stationId, at, forms));
    expect(locked).toMatchObject({ code: 'TONGBAN_INVALID', params: { reason: 'LOCKED' } });
    expect(refusalText(locked, zh)).toBe('申请提交后不能再更改办理地。');

    const tongban: ServiceItemTongban = { scope: 'province', basis: 'household', divisions: [{ code: '360102', name: '东湖区' }, { code: '360121', name: '南昌县' }, { code: '110105', name: '朝阳区' }] };
    const item = { code: 'S1', tongban };
    const known = (c: string) => c !== '999999';
    const said = (choice: { scope: 'province' | 'cross_province'; divisionCode: string }, it: typeof item | { code: string } | null = item, station: string | null = '360121201') => {
      const p = tongbanProblem({ ...choice, divisionName: 'x' }, it, station, known);
      if (!p) return null;
      const r: RefusalLike = { code: 'TONGBAN_INVALID', message: p.message, params: sanitizeRefusalParams(JSON.parse(JSON.stringify(tongbanParams(p)))).params };
      expect(refusalWords(r, en), p.reason).not.toMatch(HAN);
      return [p.reason, refusalText(r, zh)];
    };
    expect(said({ scope: 'province', divisionCode: '999999' })).toEqual(['UNKNOWN_DIVISION', '办理地的行政区划代码（999999）不存在，无法转办。请重新选择办理地。']);
    expect(said({ scope: 'province', divisionCode: '360102' }, null)).toEqual(['UNKNOWN_ITEM', '平台没有该事项，无法转办。请更新事项目录后重新选择。']);
    expect(said({ scope: 'province', divisionCode: '360102' }, { code: 'S2' })).toEqual(['NOT_TONGBAN', '该事项不支持异地通办，请在户籍（或参保）所在地办理。']);
    expect(said({ scope: 'province', divisionCode: '360103' })).toEqual(['DIVISION_NOT_LISTED', '所选办理地（360103）不受理该事项的异地通办。请重新选择办理地。']);
    expect(said({ scope: 'province', divisionCode: '360102' }, item, null)).toEqual(['STATION_NO_DIVISION', '本站点未配置行政区划，无法转办。请联系平台管理员。']);
    expect(said({ scope: 'province', divisionCode: '360121' })).toEqual(['OWN_COUNTY', '所选办理地就是本地，请按本地事项办理。']);
    expect(said({ scope: 'cross_province', divisionCode: '110105' })).toEqual(['PROVINCE_ONLY', '该事项仅支持省内通办，所选办理地在外省。']);
    expect(said({ scope: 'cross_province', divisionCode: '360102' })).toEqual(['SCOPE_MISMATCH', '通办类型与办理地不符（省内/跨省），请重新选择办理地。']);
    expect(said({ scope: 'province', divisionCode: '360102' })).toBeNull();
  });

  it('read in English in en-US, the parameters in their place', () => {
    expect(refusalWords({ code: 'UNKNOWN_FORM', message: 'm', params: { form: 'MZ06@1', why: 'unknown' } }, en)).toMatch(/^The platform does not have the form this application uses \(MZ06@1\)/);
    expect(refusalWords({ code: 'TONGBAN_INVALID', message: 'm', params: { reason: 'DIVISION_NOT_LISTED', divisionCode: '360103' } }, en)).toContain('(360103)');
    for (const reason of ['LOCKED', 'NO_REGISTRY', 'UNKNOWN_DIVISION', 'UNKNOWN_ITEM', 'NOT_TONGBAN', 'DIVISION_NOT_LISTED', 'STATION_NO_DIVISION', 'OWN_COUNTY', 'PROVINCE_ONLY', 'SCOPE_MISMATCH']) {
      expect(refusalWords({ code: 'TONGBAN_INVALID', message: 'm', params: { reason, divisionCode: '360103' } }, en), reason).toMatch(/^[^\p{Script=Han}]{20,}$/u);
    }
  });
});

describe('refusals without usable parameters', () => {
  it('an earlier platform’s Chinese (or an older entry) reads as it was stored; its field list is taken off where only the words are shown', () => {
    const old: RefusalLike = { code: 'FORM_INVALID', message: '表单内容有1处不符合要求：社保卡或银行账号格式不正确。请核对修改后重新提交。（字段：bankAccount）', fields: [{ path: 'bankAccount', keyword: '' }] };
    expect(refusalWords(old, zh)).toBeNull();
    expect(refusalLine(old, en)).toBe(old.message);
    expect(refusalText(old, en)).toBe('表单内容有1处不符合要求：社保卡或银行账号格式不正确。请核对修改后重新提交。');
    expect(withoutLegacyFieldsSuffix('请核对。（字段：a、b）')).toBe('请核对。');
    for (const m of ['请核对。', '（字段：', '', '（字段：a）。']) expect(withoutLegacyFieldsSuffix(m)).toBe(m);
  });

  it('codes without a sentence show the platform’s English in the list and no words of their own', () => {
    for (const code of ['INVALID_DOCUMENT', 'TOO_LARGE', 'LOCAL_OVERRIDDEN', 'SOMETHING_NEW']) {
      const r: RefusalLike = { code, message: 'reasons are required', params: { total: 1, reason: 'LOCKED', form: 'x', why: 'unknown' } };
      expect(refusalWords(r, zh), code).toBeNull();
      expect(refusalLine(r, zh), code).toBe('reasons are required');
      expect(refusalText(r, zh), code).toBeNull();
    }
  });

  it('garbage parameters fall back to the stored text, never throw', () => {
    const garbage: unknown[] = [
      undefined, null, 'x', 42, [], [1], { total: '3' }, { total: 0 }, { total: -1 }, { total: 1.5 }, { total: Number.NaN }, { total: Number.POSITIVE_INFINITY },
      { form: 'MZ06@1' }, { form: 7, why: 'unknown' }, { form: '', why: 'unknown' }, { form: 'f', why: 'other' }, { form: 'f', why: 'constructor' }, { form: 'f', why: '__proto__' }, { form: 'f', why: '../x' },
      { reason: 'SOMETHING' }, { reason: 'constructor' }, { reason: 'toString' }, { reason: 'UNKNOWN_DIVISION.x' }, { reason: 42 }, { reason: { x: 1 } },
    ];
    for (const code of ['FORM_INVALID', 'UNKNOWN_FORM', 'TONGBAN_INVALID']) {
      for (const params of garbage) {
        const r: RefusalLike = { code, message: 'the English', params, issues: 'junk', fields: 'junk' };
        expect(refusalWords(r, zh), `${code} ${JSON.stringify(params)}`).toBeNull();
        expect(refusalLine(r, zh)).toBe('the English');
        expect(refusalText({ ...r, message: '平台的话（字段：a）' }, zh)).toBe('平台的话');
      }
    }
    // FORM_INVALID with a usable count but garbage issues: the count, without problems it cannot word
    expect(refusalWords({ code: 'FORM_INVALID', message: 'm', params: { total: 2 }, issues: [null, { code: 'a b' }, 'x'] }, zh)).toBe('表单内容有2处不符合要求。请核对修改后重新提交。');
    // an issue code the catalogue does not know reads as the generic format line
    expect(refusalWords({ code: 'FORM_INVALID', message: 'm', params: { total: 1 }, issues: [{ code: 'somethingNew', params: { name: 'A' } }] }, zh)).toBe('表单内容有1处不符合要求：内容格式不正确。请核对修改后重新提交。');
    // oversized values are cut by the sanitizer, not shown whole
    const long = refusalWords({ code: 'TONGBAN_INVALID', message: 'm', params: { reason: 'UNKNOWN_DIVISION', divisionCode: '9'.repeat(10_000) } }, zh)!;
    expect(long.length).toBeLessThan(300);
  });
});
