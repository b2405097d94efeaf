import { describe, expect, it } from 'vitest';
import { createValidator, idNumberChecksumOk, UnsupportedSchemaError } from './validate';
import { FormModel, coerce, prefillFromCard, type UiElement } from './model';

// A form shaped like the platform's (sync/server/seed/forms.ts: insurance kind with 帮代办).
const ID = '^[1-9]\\d{5}(18|19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])\\d{3}[\\dX]$';
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    applicantName: { type: 'string', title: '姓名', minLength: 2, maxLength: 30 },
    idNumber: { type: 'string', title: '身份证号', pattern: ID },
    phone: { type: 'string', title: '手机号', pattern: '^1[3-9]\\d{9}$' },
    applyDate: { type: 'string', title: '申请日期', format: 'date' },
    insuredType: { type: 'string', title: '参保人类别', enum: ['普通居民', '新生儿'] },
    newbornName: { type: 'string', title: '新生儿姓名', maxLength: 30 },
    familySize: { type: 'integer', title: '家庭人口数', minimum: 1, maximum: 20 },
    byAgent: { type: 'boolean', title: '委托他人代办（帮代办）' },
    agentName: { type: 'string', title: '代办人姓名', minLength: 2, maxLength: 30 },
    bankAccount: { type: 'string', title: '社保卡或银行账号', pattern: '^\\d{12,19}$' },
  },
  required: ['applicantName', 'idNumber', 'phone', 'insuredType'],
  additionalProperties: false,
  allOf: [
    { if: { properties: { insuredType: { const: '新生儿' } }, required: ['insuredType'] }, then: { required: ['newbornName'] } },
    { if: { properties: { byAgent: { const: true } }, required: ['byAgent'] }, then: { required: ['agentName'] } },
  ],
};
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
const GOOD_ID = '11010519491231002X';

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
});

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
    expect(model.stepErrors(model.steps[1]!, data).map((e) => e.message)).toEqual(['请填写参保人类别']);
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
});
