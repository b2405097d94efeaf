/**
 * The resident's journey at the kiosk in Debian Chromium through the browser host, with the
 * reference platform (seeded demo catalog) behind a fault proxy and emulated devices on socat ptys:
 * card → search `jmyb` → form → submit → receipt slip on the printer emulator → PDF saved →
 * progress after the platform accepts → 好差评; again with the platform down and in elderly mode;
 * then the idle reset wipes everything personal. axe-core on every screen; screenshots of each step
 * in test-results/screens/kiosk-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../sync/server/platform';
import { DocumentStore } from '../main/documents/store';
import { loadOrCreateMasterKey } from '../main/sync/keys';
import { openSecretStore } from '../main/sync/secrets';
import type { KioskDevices } from './kiosk-devices';
import { startStation, STATION, type Station } from './station';
import type { FaultProxy } from './sync-fault-proxy';
import { ROOT, startHost, type RunningHost } from './host';
import { fileKioskApplication, typeOnKeyboard } from './kiosk-steps';

const SCREENS = join(ROOT, 'test-results', 'screens');
test.describe.configure({ mode: 'serial', timeout: 360_000 });
// The suite runs with reduced motion (playwright.config.ts); the resident's journey runs as a kiosk
// shows it by default, animations and transitions included.
test.use({ reducedMotion: 'no-preference' });

let platform: Platform;
let proxy: FaultProxy;
let devices: KioskDevices;
let host: RunningHost;
const axeFindings: string[] = [];

async function axe(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) axeFindings.push(`${screen}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `kiosk-${name}.png`) });
}

/** One step: screenshot + axe. */
async function step(page: Page, name: string): Promise<void> {
  await shot(page, name);
  await axe(page, name);
}

async function adminAccept(id: string): Promise<void> {
  const r = await fetch(`${platform.url}/api/v1/admin/applications/${id}/accept`, {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ actor: 'e2e' }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

async function waitOnServer(id: string, timeout = 60_000): Promise<void> {
  await expect.poll(async () => !!(await platform.store.getDocument('applications', id)), { timeout, intervals: [500] }).toBe(true);
}

/** The shared kiosk filing steps (./kiosk-steps.ts), with this spec's screenshot + axe at each step. */
const fileApplication = (page: Page, card: string, opts: { elderly?: boolean } = {}) => fileKioskApplication(page, devices, card, { ...opts, step: (name) => step(page, name) });

let station: Station | undefined;
test.beforeAll(async () => {
  station = await startStation('kiosk', '南昌县莲塘镇便民服务中心');
  ({ platform, proxy, devices, host } = station);
});
test.afterAll(async () => {
  await station?.stop();
});

test('the whole journey: card → jmyb → form → submit → slip + PDF → progress after acceptance → rating', async ({ page }) => {
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()) && !/frame-ancestors/.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await step(page, 'home');
  const id = await fileApplication(page, 'resident');

  // Receipt slip on the printer emulator.
  await expect(page.getByTestId('slip-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect((await devices.transcript()).join('\n')).toContain(id.slice(0, 8));
  // A4: the PDF is saved; this machine has no CUPS printer, so the print fails visibly with a retry.
  await expect(page.getByTestId('a4-saved')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('a4-status')).toHaveAttribute('data-state', /done|failed/);
  if ((await page.getByTestId('a4-status').getAttribute('data-state')) === 'failed') await expect(page.getByTestId('a4-retry')).toBeVisible();
  await step(page, 'resident-submitted');
  // Stored encrypted at rest (names, ID numbers): no readable PDF in the data folder. The test opens
  // it with the terminal's own key, as main does for printing.
  const docs = join(host.dataDir, 'documents');
  expect(readdirSync(docs).filter((f) => f.endsWith('.pdf'))).toEqual([]);
  const stored = readdirSync(docs).filter((f) => f.endsWith('.pdf.enc'));
  expect(stored.length).toBe(1);
  const onDisk = readFileSync(join(docs, stored[0]!));
  expect(onDisk.subarray(0, 4).toString()).toBe('TTD1');
  expect(onDisk.includes(Buffer.from('%PDF'))).toBe(false);
  // The host's master key as main keeps it: sealed under the store key (keyring, or its warned file fallback).
  const master = await loadOrCreateMasterKey((await openSecretStore({ dir: join(host.dataDir, 'secrets'), host: 'browser' })).store);
  const bytes = await new DocumentStore({ dir: docs, masterKey: async () => master }).read(stored[0]!.replace(/\.pdf\.enc$/, ''));
  const pdf = join(host.dataDir, 'receipt-under-test.pdf');
  writeFileSync(pdf, bytes!);
  expect(statSync(pdf).size).toBeLessThan(150 * 1024);
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  expect(text).toContain('受理回执');
  expect(text).toContain(id);
  // The filled form follows on its own page (申请表), with the ID number masked there too.
  expect(text).toContain('城乡居民参保登记（含新生儿）申请表');
  expect(text).toContain('13800138000'.slice(0, 3));
  expect(text).toContain('3601**********1236');
  expect(text).not.toContain('360102199003071236');
  // Renders with its embedded font only: no system fonts visible to poppler.
  const fc = join(host.dataDir, 'empty-fonts.conf');
  writeFileSync(fc, '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n');
  const render = spawnSync('pdftoppm', ['-r', '40', '-gray', pdf, join(host.dataDir, 'page')], { env: { ...process.env, FONTCONFIG_FILE: fc }, encoding: 'utf8' });
  expect(render.status).toBe(0);
  expect(render.stderr).not.toMatch(/error/i);
  expect(readdirSync(host.dataDir).filter((f) => f.startsWith('page') && f.endsWith('.pgm')).length).toBe(2);
  expect(execFileSync('pdffonts', [pdf], { encoding: 'utf8' })).toMatch(/NotoSansSC\S*\s+CID TrueType\s+Identity-H\s+yes/);

  // The platform receives it and accepts it; the kiosk shows the new status and 受理号.
  await waitOnServer(id);
  await adminAccept(id);
  await page.getByTestId('submitted-progress').click();
  await expect(page.getByTestId('kiosk-progress')).toBeVisible();
  const row = page.getByTestId(`progress-${id}`);
  await expect(row).toHaveAttribute('data-status', 'accepted', { timeout: 60_000 });
  await expect(row.getByTestId('progress-acceptance')).toContainText(STATION);
  await step(page, 'resident-progress');

  // 好差评: a low rating needs a reason; one rating per application.
  await page.getByTestId(`progress-rate-${id}`).click();
  await expect(page.getByTestId('kiosk-evaluation')).toBeVisible();
  await page.getByTestId('evaluation-level-2').click();
  await page.getByTestId('evaluation-submit').click();
  await expect(page.getByTestId('evaluation-error')).toBeVisible();
  await step(page, 'resident-evaluation');
  // No reason chip: the resident writes one instead, in pinyin on the on-screen keyboard (free text).
  await page.getByTestId('evaluation-comment').click();
  for (const [pinyin, word] of [['paidui', '排队'], ['shijian', '时间'], ['taichang', '太长']] as const) {
    await typeOnKeyboard(page, pinyin);
    await page.getByTestId('keyboard-candidate').filter({ hasText: new RegExp(`^${word}$`) }).click();
  }
  // A single character from the table, found on a later page of candidates when needed.
  await typeOnKeyboard(page, 'le');
  await page.getByTestId('keyboard-candidate').filter({ hasText: /^了$/ }).click();
  await expect(page.getByTestId('evaluation-comment')).toHaveValue('排队时间太长了');
  await step(page, 'resident-evaluation-comment');
  await page.getByTestId('evaluation-submit').click();
  await expect(page.getByTestId('evaluation-thanks')).toBeVisible();
  await step(page, 'resident-evaluation-thanks');
  await expect
    .poll(async () => {
      const { documents } = await platform.store.pull('evaluations', { seq: 0 }, 1000, null);
      const mine = documents.find((d) => d.applicationId === id);
      return mine ? { level: mine.level, reasons: mine.reasons, comment: mine.comment } : null;
    }, { timeout: 60_000, intervals: [500] })
    .toEqual({ level: 2, reasons: ['其他意见'], comment: '排队时间太长了' });
  await page.evaluate((appId) => (location.hash = `#/kiosk/evaluation?application=${appId}`), id);
  await expect(page.getByTestId('evaluation-already').or(page.getByTestId('kiosk-evaluation'))).toBeVisible();

  // 结束办理 forgets the resident; progress by the receipt's QR code (keyboard-wedge scanner types it + Enter).
  await page.evaluate(() => (location.hash = '#/kiosk/submitted'));
  await page.getByTestId('submitted-finish').click();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await page.getByTestId('kiosk-tile-progress').click();
  await expect(page.getByTestId('progress-scan')).toBeFocused();
  await step(page, 'progress-scan');
  await page.keyboard.type(`TT1:${id}`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`progress-${id}`)).toHaveAttribute('data-status', 'accepted');
  // Rated already (stored evaluation): no second rating offered.
  await expect(page.getByTestId(`progress-rate-${id}`)).toHaveCount(0);
  expect(axeFindings).toEqual([]);
  expect(cspViolations).toEqual([]);
});

test('platform down and elderly mode: submitted offline, synced later; then the queue ticket', async ({ page }) => {
  // A fresh browser profile: let the catalog sync down first (the terminal had it before the outage).
  await page.goto(host.url);
  await page.getByTestId('kiosk-tile-services').click();
  await expect(page.locator('[data-testid^="group-"]').first()).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('kiosk-back-home').click();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  proxy.set({ kind: 'drop' });
  const before = await devices.count();
  const id = await fileApplication(page, 'resident-long-term', { elderly: true });
  await expect(page.getByTestId('kiosk-submitted')).toContainText('网络暂时中断');
  await expect(page.getByTestId('slip-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(await devices.count()).toBeGreaterThan(before);
  await step(page, 'elderly-offline-submitted');
  expect(await platform.store.getDocument('applications', id)).toBeFalsy();
  // Progress offline: the last known state, and it says so.
  await page.getByTestId('submitted-progress').click();
  await expect(page.getByTestId(`progress-${id}`)).toHaveAttribute('data-status', 'submitted');
  await expect(page.getByTestId('progress-offline')).toBeVisible({ timeout: 30_000 });
  await step(page, 'elderly-progress-offline');
  proxy.set({ kind: 'pass' });
  await waitOnServer(id, 90_000);

  // Queue ticket with elderly priority (accepted at the card).
  await page.evaluate(() => (location.hash = '#/kiosk/queue'));
  await expect(page.getByTestId('kiosk-queue')).toBeVisible();
  // elderly priority comes from the card read in this session (age >= 70 in the station's zone)
  await expect(page.getByTestId('queue-elderly')).toBeVisible();
  await step(page, 'elderly-queue');
  const printedBefore = await devices.count();
  await page.getByTestId('queue-cat-general').or(page.locator('[data-testid^="queue-cat-"]').first()).first().click();
  await expect(page.getByTestId('queue-number')).toHaveText(/^[A-Z]\d{3}$/);
  await expect.poll(() => devices.count(), { timeout: 15_000 }).toBeGreaterThan(printedBefore);
  await step(page, 'elderly-ticket');
  const number = await page.getByTestId('queue-number').textContent();
  const tickets = (await platform.store.pull('queue_tickets', { seq: 0 }, 500, STATION)).documents as { number: string }[];
  expect(tickets.find((x) => x.number === number)).toMatchObject({ priority: 'elderly', status: 'waiting' });
  expect(axeFindings).toEqual([]);
});

test('manual ID entry; the draft is kept with 保存草稿 and resumed with the same ID number', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('kiosk-tile-services').click();
  await expect(page.locator('[data-testid^="group-"]').first()).toBeVisible({ timeout: 60_000 });
  const openForm = async () => {
    await typeOnKeyboard(page, 'jmyb');
    await page.getByTestId('service-YB01').click();
    await page.getByTestId('guide-apply').click();
    await expect(page.getByTestId('kiosk-identify')).toBeVisible();
    await page.getByTestId('identify-manual').click();
    await typeOnKeyboard(page, '36010219900307123');
  };
  await openForm();
  await typeOnKeyboard(page, '5');
  await page.getByTestId('manual-submit').click();
  await expect(page.getByRole('alert')).toContainText('证件号码不正确');
  await step(page, 'manual-invalid');
  await page.locator('[data-testid="on-screen-keyboard"] .hg-button[data-skbtn="{bksp}"]').click();
  await typeOnKeyboard(page, '6');
  await page.getByTestId('manual-submit').click();
  await expect(page.getByTestId('kiosk-apply')).toBeVisible();
  await expect(page.getByTestId('field-idNumber').locator('input')).toHaveValue('360102199003071236');
  // The name is typed in pinyin and picked from the candidates.
  await page.getByTestId('field-applicantName').locator('input').click();
  for (const [pinyin, char] of [['wang', '王'], ['jian', '建'], ['guo', '国']] as const) {
    await typeOnKeyboard(page, pinyin);
    await page.getByTestId('keyboard-candidate').filter({ hasText: new RegExp(`^${char}$`) }).click();
  }
  await expect(page.getByTestId('field-applicantName').locator('input')).toHaveValue('王建国');
  await page.getByTestId('field-phone').locator('input').click();
  await typeOnKeyboard(page, '13912345678');
  await page.getByTestId('apply-next').click();
  await expect(page.getByTestId('field-insuredType')).toBeVisible();
  await page.getByTestId('apply-keep-draft').click();
  await expect(page.getByTestId('apply-draft-notice')).toBeVisible();
  await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 10_000 });
  // A kept draft stays on this kiosk: the platform never sees half-filled forms.
  await new Promise((r) => setTimeout(r, 3000));
  expect((await platform.store.listApplications({ stationId: STATION, limit: 500 })).filter((a) => a.status === 'draft')).toEqual([]);

  await page.getByTestId('kiosk-tile-services').click();
  await openForm();
  await typeOnKeyboard(page, '6');
  await page.getByTestId('manual-submit').click();
  await expect(page.getByTestId('apply-resumed')).toBeVisible();
  await expect(page.getByTestId('field-phone').locator('input')).toHaveValue('13912345678');
  await expect(page.getByTestId('field-applicantName').locator('input')).toHaveValue('王建国');
  await step(page, 'draft-resumed');
  expect(axeFindings).toEqual([]);
});

test('idle reset wipes the name and ID number from the DOM, the stores and sessionStorage', async ({ page }) => {
  // The serial emulators can be open by one host at a time: this test gets its own, short-timeout host.
  await host.stop();
  const idle = await startHost({
    role: 'kiosk',
    config: { role: 'kiosk', platform: { url: proxy.url, enrollCode: await platform.createEnrollCode(STATION) }, devices: devices.config, kiosk: { idleTimeoutSec: 10, countdownSec: 3, elderlyTimeoutFactor: 1 } },
  });
  const secrets = ['王建国', '360102199003071236', '3601**********1236'];
  const leaks = () =>
    page.evaluate((list) => {
      const dom = document.documentElement.outerHTML;
      const storage = JSON.stringify(Object.entries(sessionStorage));
      // Pinia state, read through the app instance (memory only; nothing is persisted).
      const app = (document.querySelector('#app') as unknown as { __vue_app__?: { config: { globalProperties: { $pinia?: { state: { value: unknown } } } } } }).__vue_app__;
      const pinia = JSON.stringify(app?.config.globalProperties.$pinia?.state.value ?? null);
      return list.filter((x) => dom.includes(x) || storage.includes(x) || pinia.includes(x)).concat(pinia === 'null' ? ['no pinia found'] : []);
    }, secrets);
  try {
    await page.goto(idle.url);
    await expect(page.getByTestId('kiosk-home')).toBeVisible();
    await page.getByTestId('kiosk-tile-progress').click();
    await expect(page.getByTestId('kiosk-progress')).toBeVisible();
    await expect.poll(async () => (await devices.present('resident'), (await leaks()).length), { timeout: 20_000, intervals: [1000] }).toBeGreaterThan(0);
    await devices.remove();
    // Before: the session holds the resident (memory). After the idle reset: nothing anywhere.
    expect(await leaks()).toEqual(expect.arrayContaining(['360102199003071236']));
    await expect(page.getByTestId('idle-overlay')).toBeVisible({ timeout: 20_000 });
    await shot(page, 'idle-countdown');
    await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 15_000 });
    expect(await leaks()).toEqual([]);
  } finally {
    await idle.stop();
  }
});

test.afterAll(() => {
  // Keep the PDF receipt check independent of the data dir (removed by host.stop()).
  expect(existsSync(SCREENS)).toBe(true);
});
