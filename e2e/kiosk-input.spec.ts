/**
 * Touch input on the kiosk, in Debian Chromium through the browser host with the reference platform
 * (seeded demo catalog) and emulated devices: 高龄津贴 and 低保 filled in with taps only — on-screen
 * keys, candidates, the touch date picker — never page.keyboard or fill() for kiosk fields.
 *
 * The machine runs in UTC at 23:30 (the browser's zone is UTC and its clock is Playwright's fake
 * clock at 2026-12-04T23:30Z); the station is in Asia/Shanghai, where it is already 12-05 07:30: the
 * date picker's today and its limits are the station's. Also: a nonsense search gets help, the
 * station's welcome and notices are on the home screen, 长者模式 is not offered when it is on, a
 * validation message clears as soon as the value is valid. axe on every screen; screenshots in
 * test-results/screens/input-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../sync/server/platform';
import type { KioskDevices } from './kiosk-devices';
import { startStation, type Station } from './station';
import { ROOT, type RunningHost } from './host';

const SCREENS = join(ROOT, 'test-results', 'screens');
/** 07:30 on 2026-12-05 at the station (Asia/Shanghai); still 12-04 in UTC. */
const NEAR_MIDNIGHT_UTC = new Date('2026-12-04T23:30:00Z');

test.describe.configure({ mode: 'serial', timeout: 360_000 });
test.use({ hasTouch: true, timezoneId: 'UTC', viewport: { width: 1280, height: 1024 } });

let station: Station | undefined;
let platform: Platform;
let devices: KioskDevices;
let host: RunningHost;
const axeFindings: string[] = [];

test.beforeAll(async () => {
  station = await startStation('kiosk', '南昌县南新乡便民服务中心');
  ({ platform, devices, host } = station);
});
test.afterAll(async () => {
  await station?.stop();
});

async function step(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `input-${name}.png`) });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of results.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    axeFindings.push(`${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

const keyboard = (page: Page) => page.getByTestId('on-screen-keyboard');
/** Taps each character's key on the on-screen keyboard. */
async function tapKeys(page: Page, text: string): Promise<void> {
  for (const ch of text) await keyboard(page).locator(`.hg-button[data-skbtn="${ch}"]`).first().tap();
}
/** Types pinyin and taps the candidate. */
async function tapPinyin(page: Page, pinyin: string, word: string): Promise<void> {
  await tapKeys(page, pinyin);
  await page.getByTestId('keyboard-candidate').filter({ hasText: new RegExp(`^${word}$`) }).first().tap();
}
const field = (page: Page, key: string) => page.getByTestId(`field-${key}`);
const input = (page: Page, key: string) => field(page, key).locator('input, textarea, button.form-input');

/** Opens the kiosk on the fake clock and waits for the catalog (and station) to sync down. */
async function openKiosk(page: Page): Promise<void> {
  await page.clock.install({ time: NEAR_MIDNIGHT_UTC });
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  expect(await page.evaluate(() => new Date().toISOString().slice(0, 10))).toBe('2026-12-04');
  await page.getByTestId('kiosk-tile-services').tap();
  await expect(page.locator('[data-testid^="group-"]').first()).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('kiosk-back-home').tap();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
}

async function searchAndOpen(page: Page, query: string, code: string, shot: string): Promise<void> {
  await page.getByTestId('kiosk-tile-services').tap();
  await expect(page.getByTestId('kiosk-services')).toBeVisible();
  await tapKeys(page, query);
  await expect(page.getByTestId('service-search')).toHaveValue(query);
  await expect(page.getByTestId(`service-${code}`)).toBeVisible({ timeout: 30_000 });
  await step(page, shot);
  await page.getByTestId(`service-${code}`).tap();
  await expect(page.getByTestId('kiosk-guide')).toBeVisible();
  await page.getByTestId('guide-apply').tap();
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
}

test('高龄津贴 by touch: typed ID number, pinyin name, digits, mixed address, the date picker in the station’s time zone', async ({ page }) => {
  await openKiosk(page);
  // The station's own welcome and notices (station_config.kioskContent).
  await expect(page.getByTestId('kiosk-welcome')).toHaveText('欢迎来到南新乡便民服务中心', { timeout: 30_000 });
  await expect(page.getByTestId('kiosk-notices')).toContainText('办理业务请先取号');
  await step(page, 'home');

  // Nonsense finds nothing and gets help; a suggested word then finds services.
  await page.getByTestId('kiosk-tile-services').tap();
  await tapKeys(page, 'zzzz');
  await expect(page.getByTestId('search-help')).toBeVisible();
  await expect(page.getByTestId('service-results').locator('a')).toHaveCount(0);
  await expect(page.getByTestId('search-help-queue')).toBeVisible();
  await step(page, 'search-nonsense');
  await page.getByTestId('search-help').locator('[data-testid^="search-help-term-"]').first().tap();
  await expect(page.getByTestId('service-results').locator('a').first()).toBeVisible();
  await page.getByTestId('kiosk-back-home').tap();

  await searchAndOpen(page, 'glbt', 'MZ06', 'search-glbt');
  await page.getByTestId('identify-manual').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'id-number');
  await tapKeys(page, '360121194010010024');
  await page.getByTestId('manual-submit').tap();
  // 86 years old and elderly mode off: offered once; this resident declines.
  await expect(page.getByTestId('elderly-offer')).toBeVisible();
  await step(page, 'glbt-elderly-offer');
  await page.getByTestId('elderly-decline').tap();
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 15_000 });
  // An 86-year-old, typed in: no 已从身份证读取 anywhere (no card was read).
  await expect(page.getByTestId('from-card')).toHaveCount(0);

  // Name in pinyin only (a name has no digits).
  await input(page, 'applicantName').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'pinyin');
  await expect(page.getByTestId('keyboard-tab-digits')).toHaveCount(0);
  for (const [py, ch] of [['wang', '王'], ['jian', '建'], ['guo', '国']] as const) await tapPinyin(page, py, ch);
  await expect(input(page, 'applicantName')).toHaveValue('王建国');
  // Phone on the digit pad.
  await input(page, 'phone').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'digits');
  await tapKeys(page, '13800138000');
  // Address: Chinese, a house number and 号 on the mixed keyboard.
  await input(page, 'address').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'pinyin');
  await tapPinyin(page, 'nanchangxian', '南昌县');
  await page.getByTestId('keyboard-tab-digits').tap();
  await tapKeys(page, '12');
  await page.getByTestId('keyboard-tab-pinyin').tap();
  await tapPinyin(page, 'hao', '号');
  await expect(input(page, 'address')).toHaveValue('南昌县12号');
  await step(page, 'glbt-applicant');
  await page.getByTestId('apply-next').tap();

  // 出生日期: the touch picker (never a keyboard, never the browser's date input).
  await expect(field(page, 'birthDate')).toBeVisible();
  await expect(page.locator('input[type="date"]')).toHaveCount(0);
  await input(page, 'birthDate').tap();
  await expect(page.getByTestId('date-picker')).toBeVisible();
  await expect(keyboard(page)).toHaveCount(0);
  // Today is the station's 12-05 (the machine's UTC date is still 12-04); later days cannot be picked.
  await expect(page.getByTestId('date-year')).toHaveText('2026年');
  await expect(page.getByTestId('date-month-12')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('date-day-5')).toBeEnabled();
  await expect(page.getByTestId('date-day-6')).toBeDisabled();
  await expect(page.getByTestId('date-year-plus1')).toBeDisabled();
  await step(page, 'glbt-date-picker');
  for (let i = 0; i < 8; i++) await page.getByTestId('date-year-minus10').tap();
  for (let i = 0; i < 6; i++) await page.getByTestId('date-year-minus1').tap();
  await expect(page.getByTestId('date-year')).toHaveText('1940年');
  await page.getByTestId('date-month-10').tap();
  await page.getByTestId('date-day-1').tap();
  await expect(input(page, 'birthDate')).toHaveText('1940年10月01日');
  await step(page, 'glbt-date-picked');
  await page.getByTestId('date-done').tap();
  await expect(page.getByTestId('date-picker')).toHaveCount(0);

  // Bank card number: digits (the letter keyboard could not type it before).
  await input(page, 'bankAccount').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'digits');
  await tapKeys(page, '6217000000000000001');
  await expect(input(page, 'bankAccount')).toHaveValue('6217000000000000001');
  // Certificate number: uppercase letters and digits.
  await input(page, 'disabilityCertNo').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'alphanumeric');
  await tapKeys(page, 'A3601211940');
  await expect(input(page, 'disabilityCertNo')).toHaveValue('A3601211940');
  await step(page, 'glbt-content');
  await page.getByTestId('apply-next').tap();

  await field(page, 'byAgent').getByRole('button', { name: '否' }).tap();
  await page.getByTestId('apply-next').tap();
  await expect(page.getByTestId('apply-review')).toBeVisible();
  await expect(page.getByTestId('apply-review')).toContainText('6217000000000000001');
  await expect(page.getByTestId('apply-review')).toContainText('南昌县12号');
  await step(page, 'glbt-review');
  await page.getByTestId('apply-submit').tap();
  await expect(page.getByTestId('kiosk-submitted')).toBeVisible({ timeout: 20_000 });
  const id = (await page.getByTestId('submitted-id').textContent())!.trim();
  await step(page, 'glbt-submitted');
  await expect.poll(async () => !!(await platform.store.getDocument('applications', id)), { timeout: 60_000, intervals: [500] }).toBe(true);
  await page.getByTestId('submitted-finish').tap();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  expect(axeFindings).toEqual([]);
});

test('低保 by touch in elderly mode: no second 长者模式 offer, amounts, a reason in pinyin, errors that clear, today from the picker', async ({ page }) => {
  await openKiosk(page);
  await page.getByTestId('elderly-toggle').tap();
  await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
  await step(page, 'elderly-home');

  await searchAndOpen(page, 'dibao', 'MZ01', 'elderly-search-dibao');
  // A 74-year-old's card: elderly mode is on already, so it is not offered again.
  await devices.present('resident-long-term');
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('elderly-offer')).toHaveCount(0);
  await devices.remove();
  await expect(page.getByTestId('from-card').first()).toBeVisible();

  await input(page, 'phone').tap();
  await tapKeys(page, '13900139000');
  // 申请日期 with the picker in elderly mode: 今天 is the station's date.
  await input(page, 'applyDate').tap();
  await expect(page.getByTestId('date-picker')).toBeVisible();
  await page.getByTestId('date-today').tap();
  await expect(input(page, 'applyDate')).toHaveText('2026年12月05日');
  await step(page, 'elderly-date-picker');
  await page.getByTestId('date-done').tap();
  await page.getByTestId('apply-next').tap();

  // 申请内容: 下一步 with nothing filled shows the errors; each clears as soon as its value is valid.
  await expect(field(page, 'familySize')).toBeVisible();
  await page.getByTestId('apply-next').tap();
  await expect(field(page, 'familySize').getByRole('alert')).toBeVisible();
  await expect(field(page, 'monthlyIncome').getByRole('alert')).toBeVisible();
  await step(page, 'elderly-dibao-errors');
  await input(page, 'familySize').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'digits');
  await tapKeys(page, '3');
  await expect(field(page, 'familySize').getByRole('alert')).toHaveCount(0);
  await expect(field(page, 'monthlyIncome').getByRole('alert')).toBeVisible();
  await input(page, 'monthlyIncome').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'decimal');
  await tapKeys(page, '1200.5');
  await expect(field(page, 'monthlyIncome').getByRole('alert')).toHaveCount(0);
  await field(page, 'hardship').getByRole('button', { name: '其他' }).tap();
  await input(page, 'hardshipOther').tap();
  await expect(keyboard(page)).toHaveAttribute('data-layout', 'pinyin');
  for (const [py, word] of [['laoren', '老人'], ['wo', '卧'], ['chuang', '床']] as const) await tapPinyin(page, py, word);
  await expect(input(page, 'hardshipOther')).toHaveValue('老人卧床');
  await field(page, 'hasBankAccount').getByRole('button', { name: '是' }).tap();
  await input(page, 'bankAccount').tap();
  await tapKeys(page, '6217000000000000002');
  await step(page, 'elderly-dibao-content');
  await page.getByTestId('apply-next').tap();

  await field(page, 'byAgent').getByRole('button', { name: '否' }).tap();
  await page.getByTestId('apply-next').tap();
  await expect(page.getByTestId('apply-review')).toBeVisible();
  await expect(page.getByTestId('apply-review')).toContainText('老人卧床');
  await expect(page.getByTestId('apply-review')).toContainText('1200.5');
  await step(page, 'elderly-dibao-review');
  await page.getByTestId('apply-submit').tap();
  await expect(page.getByTestId('kiosk-submitted')).toBeVisible({ timeout: 20_000 });
  const id = (await page.getByTestId('submitted-id').textContent())!.trim();
  await step(page, 'elderly-dibao-submitted');
  await expect.poll(async () => !!(await platform.store.getDocument('applications', id)), { timeout: 60_000, intervals: [500] }).toBe(true);
  expect(axeFindings).toEqual([]);
});
