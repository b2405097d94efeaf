// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createApp, h, nextTick, ref } from 'vue';
import { createI18n } from 'vue-i18n';
import zhCN from '../i18n/locales/zh-CN.json';
import FormRenderer from './FormRenderer.vue';
import { FormModel, type FieldFlag, type FormData, type UiElement } from './model';
import type { FieldError } from '../../sync/protocol/forms/validate';

// The app's own zh-CN catalogue: the validator's codes render as the words the form showed before.
const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } });
const schema = {
  type: 'object',
  properties: {
    applicantName: { type: 'string', title: '姓名', minLength: 2 },
    phone: { type: 'string', title: '手机号', pattern: '^1[3-9]\\d{9}$' },
    familySize: { type: 'integer', title: '家庭人口数', minimum: 1 },
    kind: { type: 'string', title: '类别', enum: ['普通', '其他'] },
    other: { type: 'string', title: '其他说明' },
    agree: { type: 'boolean', title: '同意' },
    birthDate: { type: 'string', title: '出生日期', format: 'date' },
  },
  required: ['applicantName', 'phone'],
};
const ui: UiElement = {
  type: 'VerticalLayout',
  elements: [
    {
      type: 'Group',
      label: '全部',
      elements: ['applicantName', 'phone', 'familySize', 'kind', 'agree', 'birthDate'].map((k) => ({ type: 'Control', scope: `#/properties/${k}` })).concat([{ type: 'Control', scope: '#/properties/other', rule: { effect: 'SHOW', condition: { scope: '#/properties/kind', schema: { const: '其他' } } } } as never]),
    },
  ],
};

async function mount(initial: FormData, extra: { flagged?: unknown; errors?: FieldError[]; cardKeys?: string[]; cardSource?: 'card' | 'qr'; density?: 'kiosk' | 'desktop'; activeKey?: string; activeText?: string } = {}) {
  const model = new FormModel('表', schema, ui);
  const data = ref<FormData>(initial);
  const el = document.createElement('div');
  document.body.appendChild(el);
  const app = createApp({
    render: () =>
      h(FormRenderer, {
        model,
        step: model.steps[0]!,
        modelValue: data.value,
        errors: extra.errors ?? model.stepErrors(model.steps[0]!, data.value),
        ...(extra.flagged !== undefined ? { flagged: extra.flagged as FieldFlag[] } : {}),
        readonlyKeys: ['applicantName'],
        ...(extra.cardKeys ? { cardKeys: extra.cardKeys } : {}),
        ...(extra.cardSource ? { cardSource: extra.cardSource } : {}),
        ...(extra.density ? { density: extra.density } : {}),
        ...(extra.activeKey ? { activeKey: extra.activeKey, activeText: extra.activeText ?? null } : {}),
        'onUpdate:modelValue': (v: FormData) => (data.value = v),
      }),
  });
  app.use(i18n).mount(el);
  await nextTick();
  return { el, data, app };
}

describe('FormRenderer', () => {
  it('renders labels, required marks, read-only card fields and Chinese errors linked to their inputs', async () => {
    const { el, app } = await mount({ applicantName: '王建国' }, { cardKeys: ['applicantName'] });
    const name = el.querySelector<HTMLInputElement>('#f-applicantName')!;
    expect(name.readOnly).toBe(true);
    expect(el.querySelector('label[for="f-applicantName"]')?.textContent).toContain('已从身份证读取');
    const phone = el.querySelector<HTMLInputElement>('#f-phone')!;
    expect(phone.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector(`#${phone.getAttribute('aria-describedby')}`)?.textContent).toBe('请填写手机号');
    expect(phone.getAttribute('inputmode')).toBe('none');
    expect(el.querySelector('[data-testid="field-other"]')).toBeNull();
    app.unmount();
  });

  it('emits typed values: numbers as numbers, choices, booleans; shows conditional fields', async () => {
    const { el, data, app } = await mount({});
    const size = el.querySelector<HTMLInputElement>('#f-familySize')!;
    size.value = '3';
    size.dispatchEvent(new Event('input'));
    expect(data.value.familySize).toBe(3);
    [...el.querySelectorAll<HTMLButtonElement>('[data-testid="field-kind"] button')].find((b) => b.textContent?.trim() === '其他')!.click();
    await nextTick();
    expect(data.value.kind).toBe('其他');
    expect(el.querySelector('[data-testid="field-other"]')).not.toBeNull();
    [...el.querySelectorAll<HTMLButtonElement>('[data-testid="field-agree"] button')].find((b) => b.textContent?.trim() === '否')!.click();
    expect(data.value.agree).toBe(false);
    size.value = '';
    size.dispatchEvent(new Event('input'));
    expect('familySize' in data.value).toBe(false);
    app.unmount();
  });

  it('marks flagged fields without calling them invalid: highlight and 需补正 text linked by aria-describedby, no aria-invalid, no alert', async () => {
    const valid = { applicantName: '王建国', phone: '13800000000', familySize: 3, kind: '普通' };
    const { el, app } = await mount(valid, { flagged: [{ path: 'phone', reason: '平台在补正通知中标出了此项' }, { path: 'kind', reason: '请核对类别' }] });
    expect(el.querySelectorAll('[role="alert"]')).toHaveLength(0);
    const phone = el.querySelector<HTMLInputElement>('#f-phone')!;
    expect(phone.getAttribute('aria-invalid')).toBe('false');
    expect(el.querySelector('[data-testid="field-phone"]')!.classList.contains('form-field--flagged')).toBe(true);
    expect(el.querySelector('[data-testid="field-phone"]')!.classList.contains('form-field--invalid')).toBe(false);
    const flag = el.querySelector(`#${phone.getAttribute('aria-describedby')}`)!;
    expect(flag.textContent).toBe('需补正：平台在补正通知中标出了此项');
    expect(flag.getAttribute('role')).toBeNull();
    // a choice group is described by its flag the same way
    const kind = el.querySelector('[data-testid="field-kind"] fieldset')!;
    expect(el.querySelector(`#${kind.getAttribute('aria-describedby')}`)?.textContent).toBe('需补正：请核对类别');
    expect(kind.hasAttribute('aria-invalid')).toBe(false);
    // fields not flagged are plain
    const size = el.querySelector<HTMLInputElement>('#f-familySize')!;
    expect(size.hasAttribute('aria-describedby')).toBe(false);
    expect(el.querySelector('[data-testid="field-familySize"]')!.classList.contains('form-field--flagged')).toBe(false);
    app.unmount();
  });

  it('a flagged field that is also invalid is described by both, invalid only through errors', async () => {
    const { el, app } = await mount({ applicantName: '王建国' }, { flagged: [{ path: 'phone', reason: '号码有误' }, { path: 'phone.0', reason: '号码有误' }] });
    const phone = el.querySelector<HTMLInputElement>('#f-phone')!;
    expect(phone.getAttribute('aria-invalid')).toBe('true');
    const ids = phone.getAttribute('aria-describedby')!.split(' ');
    expect(ids.map((i) => el.querySelector(`#${i}`)?.textContent)).toEqual(['需补正：号码有误', '请填写手机号']);
    expect(el.querySelector(`#${ids[1]}`)!.getAttribute('role')).toBe('alert');
    app.unmount();
  });

  it('garbage flags: unknown paths render nothing, hostile reasons are text, an empty list is no flag', async () => {
    const { el, app } = await mount({ applicantName: '王建国', phone: '13800000000' }, {
      errors: [],
      flagged: [{ path: 'nope.0.deep', reason: 'x' }, { path: '', reason: 'root' }, { path: 'phone', reason: '<img src=x onerror=alert(1)>' }],
    });
    expect(el.querySelectorAll('.form-field--flagged')).toHaveLength(1);
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('[data-testid="flag-phone"]')!.textContent).toBe('需补正：<img src=x onerror=alert(1)>');
    app.unmount();
    const second = await mount({ applicantName: '王建国' }, { flagged: [] });
    expect(second.el.querySelectorAll('.form-field--flagged, .form-flag')).toHaveLength(0);
    second.app.unmount();
  });

  it('fields filled from an electronic ID QR code say so, not 已从身份证读取', async () => {
    const { el, app } = await mount({ applicantName: '王建国' }, { cardKeys: ['applicantName'], cardSource: 'qr' });
    const label = el.querySelector('label[for="f-applicantName"]')?.textContent ?? '';
    expect(label).toContain('已从电子身份码读取');
    expect(label).not.toContain('已从身份证读取');
    app.unmount();
  });

  it('a read-only field says 已从身份证读取 only when the card filled it (a typed, locked ID number does not)', async () => {
    const { el, app } = await mount({ applicantName: '王建国' });
    expect(el.querySelector<HTMLInputElement>('#f-applicantName')!.readOnly).toBe(true);
    expect(el.querySelector('label[for="f-applicantName"]')?.textContent).not.toContain('已从身份证读取');
    expect(el.querySelector('[data-testid="from-card"]')).toBeNull();
    app.unmount();
  });

  it('an error shown after 下一步 clears as soon as the value is valid, and follows the value until then', async () => {
    const model = new FormModel('表', schema, ui);
    const shown = model.stepErrors(model.steps[0]!, { applicantName: '王建国' });
    const { el, app } = await mount({ applicantName: '王建国' }, { errors: shown });
    const phone = () => el.querySelector<HTMLInputElement>('#f-phone')!;
    expect(el.querySelector('[data-testid="field-phone"] [role="alert"]')?.textContent).toBe('请填写手机号');
    phone().value = '138';
    phone().dispatchEvent(new Event('input'));
    await nextTick();
    // still wrong: the message says what is wrong now
    expect(phone().getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector('[data-testid="field-phone"] [role="alert"]')?.textContent).not.toBe('请填写手机号');
    phone().value = '13800138000';
    phone().dispatchEvent(new Event('input'));
    await nextTick();
    expect(el.querySelector('[data-testid="field-phone"] [role="alert"]')).toBeNull();
    expect(phone().getAttribute('aria-invalid')).toBe('false');
    expect(phone().hasAttribute('aria-describedby')).toBe(false);
    // a field without a shown error gets none from typing (errors appear on 下一步, not while typing)
    const size = el.querySelector<HTMLInputElement>('#f-familySize')!;
    size.value = '0';
    size.dispatchEvent(new Event('input'));
    await nextTick();
    expect(el.querySelector('[data-testid="field-familySize"] [role="alert"]')).toBeNull();
    app.unmount();
  });

  it('on the kiosk a date is a button opening the picker, read as 年月日; the counter keeps a date input', async () => {
    const { el, app } = await mount({ birthDate: '1940-10-01' }, { density: 'kiosk' });
    const date = el.querySelector<HTMLElement>('#f-birthDate')!;
    expect(date.tagName).toBe('BUTTON');
    expect(date.textContent?.trim()).toBe('1940年10月01日');
    expect(el.querySelector('input[type="date"]')).toBeNull();
    app.unmount();
    const desk = await mount({}, { density: 'desktop' });
    expect(desk.el.querySelector<HTMLInputElement>('#f-birthDate')!.type).toBe('date');
    desk.app.unmount();
  });

  it('the field being typed on shows the text as typed (1200. on the way to 1200.5), others their value', async () => {
    const { el, app } = await mount({ familySize: 1200, phone: '138' }, { activeKey: 'familySize', activeText: '1200.' });
    expect(el.querySelector<HTMLInputElement>('#f-familySize')!.value).toBe('1200.');
    expect(el.querySelector<HTMLInputElement>('#f-phone')!.value).toBe('138');
    app.unmount();
  });
});
