import { describe, expect, it } from 'vitest';
import { createValidator } from './validate';
import { createValidator as sharedValidator } from '../../sync/protocol/forms/validate';
import { EXAMPLE_FORM_SCHEMA, EXAMPLE_ID_NUMBER } from '../../sync/protocol/forms/example-form';
import { FormModel, coerce, prefillFromCard, type UiElement } from './model';
import { fieldIssueText } from './issues';
import { i18n } from '../i18n';
// Test only: the platform's seeded demo forms and their sample data (pure modules, no Node).
// eslint-disable-next-line no-restricted-imports
import { demoFormSamples } from '../../sync/server/seed/catalog';

const words = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p), te: (k: string) => i18n.global.te(k) };

const schema = EXAMPLE_FORM_SCHEMA;
const ctl = (k: string) => ({ type: 'Control', scope: `#/properties/${k}` });
const ui: UiElement = {
  type: 'VerticalLayout',
  elements: [
    { type: 'Group', label: '申请人', elements: [ctl('applicantName'), ctl('idNumber'), ctl('phone'), ctl('applyDate')] },
    { type: 'Group', label: '申请内容', elements: [ctl('insuredType'), { ...ctl('newbornName'), rule: { effect: 'SHOW', condition: { scope: '#/properties/insuredType', schema: { const: '新生儿' } } } }, ctl('familySize'), ctl('bankAccount')] },
    ctl('byAgent'),
    { type: 'Group', label: '代办人', elements: [ctl('agentName')], rule: { effect: 'SHOW', condition: { scope: '#/properties/byAgent', schema: { const: true } } } },
  ],
};
const GOOD_ID = EXAMPLE_ID_NUMBER;

describe('form model', () => {
  const model = new FormModel('参保登记申请表', schema, ui);
  it('makes one step per group, loose controls in their own step', () => {
    expect(model.steps.map((s) => s.title)).toEqual(['申请人', '申请内容', '其他信息', '代办人']);
    expect(model.controls.find((c) => c.key === 'idNumber')?.kind).toBe('id-number');
    expect(model.controls.find((c) => c.key === 'phone')?.kind).toBe('phone');
    expect(model.controls.find((c) => c.key === 'insuredType')?.kind).toBe('select');
    expect(model.controls.find((c) => c.key === 'byAgent')?.kind).toBe('boolean');
    expect(model.controls.find((c) => c.key === 'applyDate')?.kind).toBe('date');
  });
  it('shows conditional sections only when their rule holds, and drops hidden values', () => {
    expect(model.visibleSteps({}).map((s) => s.title)).toEqual(['申请人', '申请内容', '其他信息']);
    expect(model.visibleSteps({ byAgent: true }).map((s) => s.title)).toContain('代办人');
    const step = model.steps[1]!;
    expect(model.visibleControls(step, {}).map((c) => c.key)).not.toContain('newbornName');
    expect(model.visibleControls(step, { insuredType: '新生儿' }).map((c) => c.key)).toContain('newbornName');
    expect(model.clean({ insuredType: '普通居民', newbornName: '残留' })).toEqual({ insuredType: '普通居民' });
  });
  it('validates one step at a time', () => {
    const data = { applicantName: '张三', idNumber: GOOD_ID, phone: '13800138000' };
    expect(model.stepErrors(model.steps[0]!, data)).toEqual([]);
    expect(model.stepErrors(model.steps[1]!, data).map((e) => [e.code, e.params])).toEqual([['required', { name: '参保人类别' }]]);
    expect(model.stepErrors(model.steps[1]!, data).map((e) => fieldIssueText(e, words))).toEqual(['请填写参保人类别']);
  });
  it('prefills from the ID card without overwriting typed values', () => {
    const { data, filled } = prefillFromCard(model, { applicantName: '' }, { name: '张三', idNumber: GOOD_ID });
    expect(data).toEqual({ applicantName: '张三', idNumber: GOOD_ID });
    expect(filled).toEqual(['applicantName', 'idNumber']);
  });
  it('coerces typed text to the schema type and builds review rows', () => {
    const c = model.controls.find((x) => x.key === 'familySize')!;
    expect(coerce(c, '3')).toBe(3);
    expect(coerce(c, ' ')).toBeUndefined();
    const rows = model.reviewRows({ applicantName: '张三', byAgent: false, familySize: 3 });
    expect(rows.map((r) => r.step)).toEqual(['申请人', '申请内容', '其他信息']);
    expect(rows[2]!.rows[0]).toMatchObject({ label: '委托他人代办（帮代办）', value: '否' });
  });
  it('names the step of loose controls and yes/no in the UI language (catalogue forms.otherStep, forms.yes / forms.no)', () => {
    i18n.global.locale.value = 'en-US';
    try {
      const en = new FormModel('参保登记申请表', schema, ui);
      const rows = en.reviewRows({ applicantName: '张三', byAgent: true, agentName: '李四' });
      expect(rows.map((r) => r.step)).toContain('Other information');
      expect(rows.flatMap((r) => r.rows).find((r) => r.key === 'byAgent')).toMatchObject({ value: 'Yes' });
    } finally {
      i18n.global.locale.value = 'zh-CN';
    }
  });
});

describe('one validator for the terminal and the platform', () => {
  it('renderer/forms uses the module the platform runs (sync/protocol/forms/validate.ts)', () => {
    expect(createValidator).toBe(sharedValidator);
  });
  it('accepts the sample data of every seeded demo form, as the platform does (sync/server/form-validation.test.ts)', () => {
    const samples = demoFormSamples();
    expect(samples.length).toBeGreaterThan(40);
    for (const { form, data } of samples) {
      const model = new FormModel(form.title, form.jsonSchema, form.uiSchema as unknown as UiElement);
      expect(model.errors(data), form.id).toEqual([]);
      expect(model.clean(data), form.id).toEqual(data); // every field is shown: nothing is dropped before submit
    }
  });
  it('gives the same Chinese message the platform sends for a bad check digit', () => {
    const { form, data } = demoFormSamples().find((x) => x.form.id === 'MZ06@1')!;
    const model = new FormModel(form.title, form.jsonSchema, form.uiSchema as unknown as UiElement);
    const errors = model.errors({ ...data, idNumber: '360121194010010025' });
    expect(errors).toEqual([{ path: 'idNumber', keyword: 'pattern', code: 'idChecksum', params: { name: '身份证号' }, message: '身份证号 has a wrong check digit' }]);
    expect(fieldIssueText(errors[0]!, words)).toBe('身份证号校验位不正确，请核对后重新输入');
  });
});
