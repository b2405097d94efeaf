// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createApp, h, nextTick, ref } from 'vue';
import { createI18n } from 'vue-i18n';
import FormRenderer from './FormRenderer.vue';
import { FormModel, type FormData, type UiElement } from './model';

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': { kiosk: { form: { requiredMark: '（必填）', yes: '是', no: '否', fromCard: '已从身份证读取' } } } } });
const schema = {
  type: 'object',
  properties: {
    applicantName: { type: 'string', title: '姓名', minLength: 2 },
    phone: { type: 'string', title: '手机号', pattern: '^1[3-9]\\d{9}$' },
    familySize: { type: 'integer', title: '家庭人口数', minimum: 1 },
    kind: { type: 'string', title: '类别', enum: ['普通', '其他'] },
    other: { type: 'string', title: '其他说明' },
    agree: { type: 'boolean', title: '同意' },
  },
  required: ['applicantName', 'phone'],
};
const ui: UiElement = {
  type: 'VerticalLayout',
  elements: [
    {
      type: 'Group',
      label: '全部',
      elements: ['applicantName', 'phone', 'familySize', 'kind', 'agree'].map((k) => ({ type: 'Control', scope: `#/properties/${k}` })).concat([{ type: 'Control', scope: '#/properties/other', rule: { effect: 'SHOW', condition: { scope: '#/properties/kind', schema: { const: '其他' } } } } as never]),
    },
  ],
};

async function mount(initial: FormData) {
  const model = new FormModel('表', schema, ui);
  const data = ref<FormData>(initial);
  const el = document.createElement('div');
  document.body.appendChild(el);
  const app = createApp({ render: () => h(FormRenderer, { model, step: model.steps[0]!, modelValue: data.value, errors: model.stepErrors(model.steps[0]!, data.value), readonlyKeys: ['applicantName'], 'onUpdate:modelValue': (v: FormData) => (data.value = v) }) });
  app.use(i18n).mount(el);
  await nextTick();
  return { el, data, app };
}

describe('FormRenderer', () => {
  it('renders labels, required marks, read-only card fields and Chinese errors linked to their inputs', async () => {
    const { el, app } = await mount({ applicantName: '王建国' });
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
});
