// @vitest-environment happy-dom
/**
 * The on-screen keyboard bound to a text: keys, pinyin candidates with paging, picking a candidate,
 * the length limit, numeric mode without candidates. simple-keyboard renders its real buttons in
 * happy-dom; clicks go through its own handlers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, h, nextTick, ref, type App } from 'vue';
import { i18n } from '../../i18n';
import TextKeyboard from './TextKeyboard.vue';
import type { KeyboardKind } from '../../forms/field-input';

let app: App | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
  document.body.innerHTML = '';
});

function mount(props: { mode?: KeyboardKind; maxLength?: number; phrases?: (tail: string) => string[] } = {}, initial = '') {
  const text = ref(initial);
  const host = document.createElement('div');
  document.body.append(host);
  app = createApp({ render: () => h(TextKeyboard, { ...props, modelValue: text.value, 'onUpdate:modelValue': (v: string) => (text.value = v) }) });
  app.use(i18n);
  app.mount(host);
  return text;
}

const press = async (key: string) => {
  const button = document.querySelector<HTMLElement>(`.hg-button[data-skbtn="${key}"]`);
  if (!button) throw new Error(`no key ${key}`);
  // simple-keyboard listens to pointer events where the browser has them (happy-dom does).
  button.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
  button.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
  await nextTick();
};
const candidates = () => [...document.querySelectorAll<HTMLButtonElement>('[data-testid="keyboard-candidate"]')];

describe('TextKeyboard', () => {
  it('turns typed pinyin into candidates and a pick replaces only the letters it covers', async () => {
    const text = mount({}, '江西省');
    for (const k of 'nanchangxian') await press(k);
    expect(text.value).toBe('江西省nanchangxian');
    expect(candidates()[0]!.textContent).toBe('南昌县');
    const nanchang = candidates().find((b) => b.textContent === '南昌')!;
    nanchang.click();
    await nextTick();
    expect(text.value).toBe('江西省南昌xian');
    candidates()[0]!.click();
    await nextTick();
    expect(text.value).toBe('江西省南昌县');
    expect(candidates()).toHaveLength(0);
  });

  it('pages through many candidates', async () => {
    mount();
    await press('z');
    await press('h');
    const first = candidates().map((b) => b.textContent);
    expect(first).toHaveLength(8);
    const next = document.querySelector<HTMLButtonElement>('[data-testid="keyboard-candidates-next"]')!;
    const prev = document.querySelector<HTMLButtonElement>('[data-testid="keyboard-candidates-prev"]')!;
    expect(prev.disabled).toBe(true);
    next.click();
    await nextTick();
    const second = candidates().map((b) => b.textContent);
    expect(second).toHaveLength(8);
    expect(second.some((c) => first.includes(c))).toBe(false);
    // New letters: back to the first page.
    await press('a');
    expect(document.querySelector<HTMLButtonElement>('[data-testid="keyboard-candidates-prev"]')?.disabled ?? true).toBe(true);
  });

  it('puts the page’s own words first and keeps the text within maxLength', async () => {
    const text = mount({ maxLength: 4, phrases: (tail) => (tail === 'jmyb' ? ['居民医保'] : []) });
    for (const k of 'jmybxx') await press(k);
    expect(text.value).toBe('jmyb');
    expect(candidates()[0]!.textContent).toBe('居民医保');
    await press('{bksp}');
    expect(text.value).toBe('jmy');
    await press('{clear}');
    expect(text.value).toBe('');
  });

  const keys = () => [...document.querySelectorAll<HTMLElement>('.hg-button')].map((b) => b.dataset.skbtn ?? '');
  const tab = async (name: string) => {
    document.querySelector<HTMLButtonElement>(`[data-testid="keyboard-tab-${name}"]`)!.click();
    await nextTick();
  };

  it('id-number mode has digits and X, and no candidates', async () => {
    const text = mount({ mode: 'id-number' });
    for (const k of '3601X') await press(k);
    expect(text.value).toBe('3601X');
    expect(document.querySelector('[data-testid="keyboard-candidate"]')).toBeNull();
  });

  it('digits mode types a bank card number; it has no letters and no candidates', async () => {
    const text = mount({ mode: 'digits' });
    for (const k of '6217000000000000001') await press(k);
    expect(text.value).toBe('6217000000000000001');
    expect(keys().filter((k) => !k.startsWith('{')).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(document.querySelector('[data-testid="keyboard-candidate"]')).toBeNull();
  });

  it('decimal mode has a point for amounts', async () => {
    const text = mount({ mode: 'decimal' });
    for (const k of '1200.5') await press(k);
    expect(text.value).toBe('1200.5');
  });

  it('alphanumeric mode types a certificate number (uppercase letters and digits)', async () => {
    const text = mount({ mode: 'alphanumeric' });
    for (const k of 'Q360123456') await press(k);
    expect(text.value).toBe('Q360123456');
    expect(keys()).not.toContain('q');
    expect(document.querySelector('[data-testid="keyboard-candidate"]')).toBeNull();
  });

  it('mixed mode switches between pinyin, letters, digits and symbols in one text', async () => {
    const text = mount({ mode: 'mixed' }, '');
    expect(document.querySelector('[data-testid="on-screen-keyboard"]')!.getAttribute('data-layout')).toBe('pinyin');
    for (const k of 'nanchang') await press(k);
    candidates().find((b) => b.textContent === '南昌')!.click();
    await nextTick();
    await tab('digits');
    expect(document.querySelector('[data-testid="keyboard-tab-digits"]')!.getAttribute('aria-pressed')).toBe('true');
    expect(document.querySelector('[data-testid="keyboard-candidate"]')).toBeNull();
    for (const k of '12') await press(k);
    await tab('abc');
    await press('B');
    await tab('symbols');
    await press('-');
    await tab('digits');
    await press('3');
    await tab('pinyin');
    for (const k of 'hao') await press(k);
    candidates().find((b) => b.textContent === '号')!.click();
    await nextTick();
    expect(text.value).toBe('南昌12B-3号');
  });
});
