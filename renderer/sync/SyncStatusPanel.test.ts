// @vitest-environment happy-dom
/**
 * The sync centre's list of refused documents (同步状态 → quarantine) with Element Plus and the real
 * catalogue: a refusal the platform sent as code and params is worded by the catalogue in the UI
 * language (zh-CN: the platform's sentence of before, field list after); an entry stored before
 * (only the platform's Chinese) and a code without a sentence show the stored text; garbage
 * parameters fall back to the stored text. Damaged local records set aside: the notice, in both languages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import ElementPlus from 'element-plus';
import { i18n } from '../i18n';
import { useSyncStore } from '../stores/sync';
import type { QuarantineDoc } from '../db/schemas';
import SyncStatusPanel from './SyncStatusPanel.vue';

let app: App | null = null;
let root: HTMLElement | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
  root?.remove();
  i18n.global.locale.value = 'zh-CN';
});

const entry = (docId: string, over: Partial<QuarantineDoc>): QuarantineDoc => ({
  key: `applications:${docId}`, targetCollection: 'applications', docId, code: 'FORM_INVALID', message: 'formData does not match MZ06@1: …', fields: [], at: 1, attempts: 0, doc: { id: docId }, state: 'open', ...over,
});

async function mount(entries: QuarantineDoc[], damaged = 0): Promise<HTMLElement> {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSyncStore().quarantine = entries;
  useSyncStore().damaged = damaged;
  root = document.createElement('div');
  document.body.appendChild(root);
  app = createApp({ render: () => h(SyncStatusPanel) });
  app.use(pinia).use(ElementPlus).use(i18n).mount(root);
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await nextTick();
  }
  return root;
}

async function reasons(entries: QuarantineDoc[]): Promise<string[]> {
  return [...(await mount(entries)).querySelectorAll('[data-testid="sync-q-reason"]')].map((e) => e.textContent ?? '');
}

const ENTRIES = [
  entry('a1', { params: { total: 2 }, issues: [{ code: 'required', params: { name: '手机号' } }, { code: 'idChecksum', params: { name: '身份证号' } }], fields: [{ path: 'phone', keyword: 'required' }, { path: 'idNumber', keyword: 'pattern' }] }),
  entry('a2', { code: 'TONGBAN_INVALID', message: 'unknown administrative division code 999999', params: { reason: 'UNKNOWN_DIVISION', divisionCode: '999999' } }),
  entry('a3', { message: '表单内容有1处不符合要求：请填写手机号。请核对修改后重新提交。（字段：phone）', fields: [{ path: 'phone', keyword: '' }] }),
  entry('a4', { targetCollection: 'evaluations', code: 'INVALID_DOCUMENT', message: 'reasons are required' }),
  entry('a5', { code: 'TONGBAN_INVALID', message: 'the platform said no', params: { reason: 'constructor' } }),
];

describe('the sync centre lists refusals in the catalogue’s words', () => {
  it('zh-CN: the platform’s sentences of before; stored text where there are no parameters', async () => {
    expect(await reasons(ENTRIES)).toEqual([
      '表单内容有2处不符合要求：请填写手机号；身份证号校验位不正确，请核对后重新输入。请核对修改后重新提交。（字段：phone、idNumber）',
      '办理地的行政区划代码（999999）不存在，无法转办。请重新选择办理地。',
      '表单内容有1处不符合要求：请填写手机号。请核对修改后重新提交。（字段：phone）',
      'reasons are required',
      'the platform said no',
    ]);
  });

  it('en-US: English for what the catalogue words (the field titles are the form’s own)', async () => {
    i18n.global.locale.value = 'en-US';
    const [form, tongban, old, other] = await reasons(ENTRIES);
    expect(form).toBe('The form does not meet the requirements in 2 place(s): Please fill in 手机号; The check digit of 身份证号 is wrong; please check it and enter it again. Please check, correct and submit it again. (fields: phone, idNumber)');
    expect(form!.replace(/手机号|身份证号/g, '')).not.toMatch(/\p{Script=Han}/u);
    expect(tongban).toMatch(/^The administrative division code of the handling location \(999999\) does not exist/);
    expect(old).toBe('表单内容有1处不符合要求：请填写手机号。请核对修改后重新提交。（字段：phone）');
    expect(other).toBe('reasons are required');
  });
});

describe('the sync centre says when damaged local records were set aside', () => {
  it('zh-CN and en-US: how many, that they are kept, that the rest works, and whom to call; nothing when there are none', async () => {
    const zh = await mount([], 2);
    expect(zh.querySelector('[data-testid="sync-damaged"]')?.textContent?.trim()).toBe('本地数据中有 2 条记录已损坏，已隔离保存；其余数据可正常使用，请联系技术支持。');
    app?.unmount();
    root?.remove();
    i18n.global.locale.value = 'en-US';
    const en = await mount([], 1);
    expect(en.querySelector('[data-testid="sync-damaged"]')?.textContent?.trim()).toBe('1 damaged record(s) in the local data were set aside and kept; everything else works normally. Please contact technical support.');
    app?.unmount();
    root?.remove();
    expect((await mount([], 0)).querySelector('[data-testid="sync-damaged"]')).toBeNull();
  });
});
