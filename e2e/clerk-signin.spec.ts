/**
 * Clerk sign-in, lock and the device page in Debian Chromium through the browser host (demo
 * platform and emulated devices): online sign-in, manual lock and unlock (main refuses a direct
 * documents call while signed out or locked), 5 wrong PINs lock the staff id, device tests (masked
 * card read, test slip on the emulated printer), axe on each screen, and no PIN or ID number in
 * the host's logs.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { DEMO_ADMIN, DEMO_ASSISTANT, DEMO_COUNTER, seriousViolations, signIn, waitEnrolled } from './clerk-helpers';

const SCREENS = join(ROOT, 'test-results', 'screens');
let host: RunningHost;

/** What a page gets when it asks main for a document directly (no UI in between). */
const documentCall = (page: Page) =>
  page.evaluate(async () => window.terminal!.invoke('documents.render', { kind: 'authorization', spec: { title: '授权委托书', blocks: [{ kind: 'title', text: '授权委托书' }] } }));

test.beforeAll(async () => {
  host = await startHost({ role: 'clerk', config: { role: 'clerk', stationName: '湖口县流泗镇便民服务中心', staff: { maxFailures: 5, lockoutMinutes: 15 } } });
});
test.afterAll(async () => host?.stop());

test('sign in, lock, unlock, device tests; axe clean', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await expect(page.getByTestId('clerk-signin')).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: join(SCREENS, 'clerk-signin.png'), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);

  // main refuses clerk work while nobody is signed in, whatever the page does; the refusal is a code
  // (the words are the page's catalogue: errors.NOT_SIGNED_IN, renderer/i18n/errors.test.ts)
  expect(await documentCall(page)).toEqual({ ok: false, error: { code: 'NOT_SIGNED_IN', message: expect.stringMatching(/signed in/) } });

  await signIn(page, DEMO_ASSISTANT);
  await expect(page.getByTestId('clerk-staff')).toContainText(DEMO_ASSISTANT.name);
  await expect(page.getByTestId('clerk-login-mode')).toHaveText('在线登录');
  expect(await documentCall(page)).toMatchObject({ ok: true, value: { documentId: expect.stringMatching(/^authorization-/) } });

  await page.getByTestId('clerk-lock-button').click();
  await expect(page.getByTestId('clerk-lock')).toBeVisible();
  // locked: a direct bridge call for a document is refused by main with the typed error
  expect(await documentCall(page)).toEqual({ ok: false, error: { code: 'STAFF_LOCKED', message: expect.stringMatching(/locked/) } });
  expect(await page.evaluate(async () => window.terminal!.invoke('documents.printers', {}))).toMatchObject({ ok: false, error: { code: 'STAFF_LOCKED' } });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENS, 'clerk-lock.png'), fullPage: true });
  await page.getByTestId('unlock-pin').fill('000000');
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('unlock-error')).toBeVisible();
  await page.getByTestId('unlock-pin').fill(DEMO_ASSISTANT.pin);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('clerk-lock')).toHaveCount(0);
  expect(await documentCall(page)).toMatchObject({ ok: true });

  await page.getByTestId('clerk-nav-devices').click();
  await expect(page.getByTestId('device-state-idcard')).toBeVisible();
  await page.getByTestId('device-test-read').click();
  await expect(page.getByTestId('device-card-id')).toHaveText(/^\d{4}\*{10}[\dX]{4}$/, { timeout: 20_000 });
  await page.getByTestId('device-test-print').click();
  await expect(page.getByTestId('device-print-message')).toHaveText('测试条已打印。', { timeout: 20_000 });
  const transcript = await page.evaluate(async () => {
    const r = await window.terminal!.invoke('devices.demo.printerTranscript', {});
    return r.ok ? (r.value as { jobs: string[][] }).jobs : [];
  });
  expect(transcript.at(-1)?.join('\n')).toContain('TEST');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENS, 'clerk-devices.png'), fullPage: true });

  await page.getByTestId('clerk-signout').click();
  await expect(page.getByTestId('clerk-signin')).toBeVisible();
});

test('five wrong PINs lock the staff id; logs carry no PIN or ID number', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await expect(page.getByTestId('clerk-signin')).toBeVisible({ timeout: 30_000 });
  await waitEnrolled(page);
  const staff = page.getByTestId('signin-staff');
  const pin = page.getByTestId('signin-pin');
  for (let i = 1; i <= 5; i++) {
    await staff.fill(DEMO_COUNTER.id);
    await pin.fill('999999');
    await page.getByTestId('signin-submit').click();
    await expect(page.getByTestId('signin-error')).toContainText(i < 5 ? `还可尝试 ${5 - i} 次` : '已锁定');
  }
  await staff.fill(DEMO_COUNTER.id);
  await pin.fill(DEMO_COUNTER.pin);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toContainText('已锁定');

  const logs = join(host.dataDir, 'logs');
  const text = existsSync(logs) ? readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('\n') : '';
  const all = text + host.output();
  expect(all).toContain('staff.locked-out');
  for (const secret of [DEMO_COUNTER.pin, DEMO_ASSISTANT.pin, DEMO_ASSISTANT.name, DEMO_COUNTER.name]) expect(all).not.toContain(secret);
  expect(all).not.toMatch(/\d{17}[\dX]/);
});

/** How the header's items sit: the spread of their vertical centres (one row ≈ 0) and any overflow. */
const headerLayout = (page: Page) =>
  page.evaluate(() => {
    const header = document.querySelector<HTMLElement>('.clerk-header')!;
    const items = [...header.querySelectorAll<HTMLElement>('.clerk-brand, .clerk-header__meta > *')].filter((e) => e.getClientRects().length > 0);
    const mids = items.map((e) => {
      const r = e.getBoundingClientRect();
      return r.top + r.height / 2;
    });
    // A text that breaks onto a second line inside its item is a wrap too, even when the items' centres
    // line up: that text's line fragments start at more than one height.
    const wrapped: string[] = [];
    for (const item of items) {
      const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!(node.textContent ?? '').trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
        if (tops.some((t) => Math.abs(t - tops[0]!) > 2)) wrapped.push((node.textContent ?? '').trim());
      }
    }
    return { items: items.length, spread: Math.round(Math.max(...mids) - Math.min(...mids)), overflow: header.scrollWidth - header.clientWidth, wrapped, height: Math.round(header.getBoundingClientRect().height) };
  });

test('the header stays one row at 1366×768, in elderly mode too, and shows package.json’s version', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(host.url);
  await signIn(page, DEMO_ADMIN);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  await expect(page.getByTestId('clerk-version')).toHaveText(`版本 ${version}`);
  const normal = await headerLayout(page);
  await page.screenshot({ path: join(SCREENS, 'clerk-header-1366.png') });
  expect(normal.items).toBeGreaterThan(5);
  expect(normal.overflow).toBeLessThanOrEqual(0);
  expect(normal.spread).toBeLessThan(6);
  expect(normal.wrapped).toEqual([]);
  await page.getByTestId('clerk-nav-settings').click();
  await page.getByTestId('clerk-elderly-switch').click();
  await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
  const elderly = await headerLayout(page);
  await page.screenshot({ path: join(SCREENS, 'clerk-header-1366-elderly.png') });
  expect(elderly.overflow).toBeLessThanOrEqual(0);
  expect(elderly.spread).toBeLessThan(6);
  expect(elderly.wrapped).toEqual([]);
  await expect(page.getByTestId('clerk-staff')).toBeVisible();
  await expect(page.getByTestId('clerk-signout')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByTestId('clerk-elderly-switch').click();
});
