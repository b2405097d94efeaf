// @vitest-environment happy-dom
/**
 * The kiosk's touch date picker: the station's today, the range (future days of a birth date cannot
 * be picked), year steps that keep the picked day valid, Chinese reading. Real buttons, clicked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, h, nextTick, ref, type App } from 'vue';
import { i18n } from '../../i18n';
import DatePicker from './DatePicker.vue';
import { clampDate, daysInMonth, formatDate, parseIsoDate } from '../../forms/dates';

let app: App | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
  document.body.innerHTML = '';
});

function mount(initial: string, range: { min: string; max: string; today: string }) {
  const value = ref(initial);
  const done = ref(0);
  const host = document.createElement('div');
  document.body.append(host);
  app = createApp({ render: () => h(DatePicker, { ...range, label: '出生日期', modelValue: value.value, 'onUpdate:modelValue': (v: string) => (value.value = v), onDone: () => done.value++ }) });
  app.use(i18n);
  app.mount(host);
  return { value, done };
}
const btn = (id: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!;
const tap = async (id: string) => {
  btn(id).click();
  await nextTick();
};
const text = (id: string) => btn(id).textContent?.trim();

describe('DatePicker', () => {
  it('opens on the station’s today, and days after it cannot be picked for a past-only field', async () => {
    const { value } = mount('', { min: '1900-01-01', max: '2026-12-05', today: '2026-12-05' });
    expect(text('date-year')).toBe('2026年');
    expect(btn('date-month-12').getAttribute('aria-pressed')).toBe('true');
    expect(btn('date-day-5').disabled).toBe(false);
    expect(btn('date-day-6').disabled).toBe(true);
    expect(btn('date-year-plus1').disabled).toBe(true);
    await tap('date-today');
    expect(value.value).toBe('2026-12-05');
    expect(text('date-picker-value')).toBe('2026年12月05日');
  });

  it('steps years by 10 and 1, picks month and day; a picked 29 Feb follows the year (28 in a common year)', async () => {
    const { value, done } = mount('', { min: '1900-01-01', max: '2026-12-05', today: '2026-12-05' });
    for (let i = 0; i < 8; i++) await tap('date-year-minus10');
    await tap('date-year-plus1');
    expect(text('date-year')).toBe('1947年');
    expect(value.value).toBe(''); // nothing picked yet: only the view moved
    for (let i = 0; i < 3; i++) await tap('date-year-minus1');
    await tap('date-month-2');
    await tap('date-day-29');
    expect(value.value).toBe('1944-02-29');
    await tap('date-year-plus1');
    expect(value.value).toBe('1945-02-28');
    expect(btn('date-day-29')).toBeNull();
    await tap('date-done');
    expect(done.value).toBe(1);
    await tap('date-clear');
    expect(value.value).toBe('');
  });

  it('a future-only field (预产期) cannot go before today; today outside the range is not offered', async () => {
    const { value } = mount('', { min: '2026-12-05', max: '2036-12-05', today: '2026-12-05' });
    expect(btn('date-day-4').disabled).toBe(true);
    expect(btn('date-month-11').disabled).toBe(true);
    expect(btn('date-year-minus1').disabled).toBe(true);
    await tap('date-day-20');
    expect(value.value).toBe('2026-12-20');
    app!.unmount();
    document.body.innerHTML = '';
    mount('', { min: '1900-01-01', max: '2000-12-31', today: '2026-12-05' });
    expect(btn('date-today').disabled).toBe(true);
    expect(text('date-year')).toBe('2000年');
  });

  it('a stored value that is not a date is not shown as one (garbage in, nothing picked)', async () => {
    mount('1940-13-45', { min: '1900-01-01', max: '2026-12-05', today: '2026-12-05' });
    expect(text('date-picker-value')).toBe('请选择年、月、日');
    expect(document.querySelectorAll('[aria-pressed="true"][data-testid^="date-day-"]')).toHaveLength(0);
  });
});

describe('calendar helpers', () => {
  it('parses only real dates, knows leap years, clamps, reads in Chinese', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    for (const bad of ['2023-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '', null, 20260101, '2026-12-05T00:00:00Z']) expect(parseIsoDate(bad)).toBeNull();
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 4)).toBe(30);
    expect(clampDate({ year: 2030, month: 1, day: 1 }, { year: 1900, month: 1, day: 1 }, { year: 2026, month: 12, day: 5 })).toEqual({ year: 2026, month: 12, day: 5 });
    const zh = (key: string, params: Record<string, string>) => i18n.global.t(key, params, { locale: 'zh-CN' });
    const en = (key: string, params: Record<string, string>) => i18n.global.t(key, params, { locale: 'en-US' });
    expect(formatDate('1940-10-01', zh)).toBe('1940年10月01日');
    expect(formatDate('1940-10-01', en)).toBe('1940-10-01');
    expect(formatDate('not a date', zh)).toBe('not a date');
  });
});
