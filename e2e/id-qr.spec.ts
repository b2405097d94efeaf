/**
 * 扫码认证 at the kiosk in Debian Chromium through the browser host, with the reference platform
 * (in this process: its clock is the test's, so a code can expire) behind a fault proxy and the
 * emulated card reader on a socat pty. A keyboard-wedge scanner is Playwright's keyboard typing the
 * code at scanner speed (a few ms a key) then Enter, with no input field on the page:
 * - a resident identifies by a QR code and reaches the service's form, prefilled and masked;
 * - the same code again (replayed), an expired, a forged code and garbage are refused with their
 *   reason on screen; typing at human speed is never taken for a scan;
 * - with the platform unreachable the kiosk says QR identification needs the network, and the card works;
 * - the idle reset wipes a QR-identified resident like a card's.
 * axe-core on each screen; screenshots in test-results/screens/idqr-*.png.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { idQrPaths, type IdQrHolder } from '../sync/protocol/id-qr';
import { startPlatform, type Platform } from '../sync/server/platform';
import { startFaultProxy, type FaultProxy } from './sync-fault-proxy';
import { startKioskDevices, type KioskDevices } from './kiosk-devices';
import { ROOT, startHost, type RunningHost } from './host';
import { typeOnKeyboard } from './kiosk-steps';

const SCREENS = join(ROOT, 'test-results', 'screens');
const STATION = '360121201';
const HOLDER: IdQrHolder = { name: '扫码测试员', idNumber: '360121198805160024', sex: 'female', birthDate: '1988-05-16', address: '江西省南昌县莲塘镇澄湖路8号', validTo: 'long-term' };
test.describe.configure({ mode: 'serial', timeout: 300_000 });

let platform: Platform;
let proxy: FaultProxy;
let devices: KioskDevices;
let host: RunningHost;
/** The platform's clock offset (ms): moved forward to expire a code. */
let clockOffset = 0;
const axeFindings: string[] = [];

async function step(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `idqr-${name}.png`) });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of results.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) axeFindings.push(`${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function issue(ttlSeconds = 90): Promise<string> {
  const r = await fetch(platform.url + idQrPaths.issue, { method: 'POST', headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ holder: HOLDER, ttlSeconds }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { code: string }).code;
}

/**
 * A keyboard-wedge scanner: the code's keys then Enter, `gapMs` apart, no field has the focus. The
 * keys go through Chromium's input pipeline (CDP Input.dispatchKeyEvent, what Playwright's keyboard
 * uses) stamped with the scanner's own timing, as the OS stamps a real USB keyboard's events: on
 * this test machine's busy cores a page's keys can be handled hundreds of ms late, which must not
 * (and does not) make a scan look like typing. `page.keyboard` types the human-speed case below.
 */
async function scan(page: Page, text: string, gapMs = 4): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const t0 = Date.now() / 1000;
  const sends: Promise<unknown>[] = [];
  let i = 0;
  for (const ch of text) {
    const timestamp = t0 + (i++ * gapMs) / 1000;
    sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: ch, text: ch, unmodifiedText: ch, timestamp }));
    sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch, timestamp: timestamp + 0.001 }));
  }
  const end = t0 + (i * gapMs) / 1000;
  sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r', timestamp: end }));
  sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, timestamp: end + 0.001 }));
  await Promise.all(sends);
  await cdp.detach();
}

/** A person typing on a hardware keyboard (Playwright's keyboard, `delayMs` between keys). */
async function typeSlowly(page: Page, text: string, delayMs: number): Promise<void> {
  await page.keyboard.type(text, { delay: delayMs });
  await page.keyboard.press('Enter');
}

/** Home → 办事服务 → search jmyb → 居民医保 → 在线办理 → the identify page. */
async function toIdentify(page: Page): Promise<void> {
  // A full load (not just a new hash): a fresh app with no resident in memory.
  await page.goto('about:blank');
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await page.getByTestId('kiosk-tile-services').click();
  await typeOnKeyboard(page, 'jmyb');
  await expect(page.getByTestId('service-YB01')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('service-YB01').click();
  await page.getByTestId('guide-apply').click();
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
}

async function expectRefused(page: Page, code: string, text: RegExp): Promise<void> {
  const err = page.getByTestId('idqr-error');
  await expect(err).toHaveAttribute('data-code', code, { timeout: 20_000 });
  await expect(err).toContainText(text);
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
}

async function startKioskHost(kiosk?: Record<string, number>): Promise<RunningHost> {
  return startHost({ role: 'kiosk', config: { role: 'kiosk', stationName: '南昌县莲塘镇便民服务中心', platform: { url: proxy.url, enrollCode: await platform.createEnrollCode(STATION) }, devices: devices.config, ...(kiosk ? { kiosk } : {}) } });
}

test.beforeAll(async () => {
  test.setTimeout(180_000); // PGlite, socat pairs and a host start on 2 busy cores
  platform = await startPlatform({ seedDemo: true, heartbeatMs: 1000, now: () => new Date(Date.now() + clockOffset) });
  const u = new URL(platform.url);
  proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
  devices = await startKioskDevices();
  // A long idle time: on this machine's busy cores the first minutes of a kiosk (catalog replication)
  // can hold key events long enough for the default idle reset to fire mid-scan. The idle test below
  // has its own short-timeout host.
  host = await startKioskHost({ idleTimeoutSec: 3600, countdownSec: 10, elderlyTimeoutFactor: 1 });
});
test.afterAll(async () => {
  await host?.stop();
  await devices?.stop();
  await proxy?.close();
  await platform?.close();
  expect(axeFindings).toEqual([]);
});

test('a resident identifies with an electronic ID QR code (keyboard wedge) and reaches the form, prefilled and masked', async ({ page }) => {
  await toIdentify(page);
  // Both ways are offered; the card is the default.
  await expect(page.getByTestId('identify-mode-card')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('identify-mode-qr')).toHaveText(/扫码认证/);
  for (const id of ['identify-mode-card', 'identify-mode-qr']) expect((await page.getByTestId(id).boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await page.getByTestId('identify-mode-qr').click();
  await expect(page.getByTestId('idqr-panel')).toBeVisible();
  await expect(page.getByTestId('idqr-panel')).toContainText('请出示电子身份证二维码');
  expect(await page.locator('input:visible, textarea:visible').count()).toBe(0);
  await step(page, 'identify-qr');

  const code = await issue();
  await scan(page, code);
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('field-applicantName').locator('input')).toHaveValue(HOLDER.name);
  await expect(page.getByTestId('apply-who')).toContainText('3601**********0024');
  await expect(page.getByTestId('apply-who')).not.toContainText(HOLDER.idNumber);
  await step(page, 'apply-after-qr');
  // Used up on the platform: the same code again is refused as replayed (below).
  const rows = await platform.store.db.query<{ redeemed_at: string | null; holder_sealed: string | null }>('SELECT redeemed_at, holder_sealed FROM id_qr_codes');
  expect(rows.filter((r) => r.redeemed_at !== null && r.holder_sealed === null)).toHaveLength(1);

  // A replay of that code, at a fresh identify page.
  await toIdentify(page);
  await scan(page, code);
  await expect(page.getByTestId('idqr-panel')).toBeVisible();
  await expectRefused(page, 'ID_QR_REPLAYED', /已使用过/);
  await step(page, 'refused-replayed');
});

test('expired, forged and garbage codes are refused with their reason; human-speed typing is not a scan', async ({ page }) => {
  await toIdentify(page);
  await page.getByTestId('identify-mode-qr').click();

  // Expired: issued for 30 s, the platform's clock moved past it.
  const old = await issue(30);
  clockOffset = 31_000;
  try {
    await scan(page, old);
    await expectRefused(page, 'ID_QR_EXPIRED', /已过期/);
  } finally {
    clockOffset = 0;
  }
  await step(page, 'refused-expired');
  await page.getByTestId('idqr-retry').click();

  // Forged: a genuine code with a changed signature. The genuine one is scanned last and must still
  // be valid then: under CI load this test runs for minutes (axe on each screen): the longest validity, not 90 s.
  const good = await issue(300);
  const forged = good.slice(0, -6) + (good.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
  await scan(page, forged);
  await expectRefused(page, 'ID_QR_FORGED', /核验未通过/);
  await step(page, 'refused-forged');

  // Garbage: a product barcode, a wrong version, a huge burst.
  await scan(page, '6901234567892');
  await expectRefused(page, 'ID_QR_MALFORMED', /不是电子身份证二维码/);
  await scan(page, 'TTID7.' + good.split('.').slice(1).join('.'));
  await expectRefused(page, 'ID_QR_UNSUPPORTED_VERSION', /版本/);
  await scan(page, 'x'.repeat(1030), 1);
  await expectRefused(page, 'ID_QR_TOO_LONG', /过长/);
  await step(page, 'refused-garbage');

  // A person typing (120 ms a key) is never taken for a scan: nothing happens, the error stays as it was.
  await page.getByTestId('idqr-retry').click();
  await typeSlowly(page, good.slice(0, 24), 120);
  await page.waitForTimeout(500);
  await expect(page.getByTestId('idqr-panel')).toHaveAttribute('data-phase', 'ready');

  // Nothing was lost: the genuine code (untouched by the forgery) still works.
  await scan(page, good);
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 20_000 });
});

test('offline: the kiosk says QR identification needs the network and offers the card, which works', async ({ page }) => {
  await toIdentify(page);
  const code = await issue();
  proxy.set({ kind: 'drop' });
  try {
    await page.getByTestId('identify-mode-qr').click();
    await scan(page, code);
    await expectRefused(page, 'ID_QR_NEEDS_NETWORK', /需要联网/);
    await expect(page.getByTestId('idqr-error')).toContainText('请刷身份证');
    await step(page, 'offline');
    await page.getByTestId('idqr-use-card').click();
    await expect(page.getByTestId('identify-mode-card')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('identify-prompt')).toBeVisible();
    await devices.present('resident');
    await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 20_000 });
    await devices.remove();
  } finally {
    proxy.set({ kind: 'pass' });
  }
  // Back online the code (never used while offline) works.
  await toIdentify(page);
  await expect.poll(async () => {
    await scan(page, code);
    return page.getByTestId('kiosk-apply').isVisible().catch(() => false) || (await page.getByTestId('idqr-error').getAttribute('data-code').catch(() => null));
  }, { timeout: 60_000, intervals: [3000] }).toBe(true);
});

test('elderly mode and the idle reset: a QR-identified resident is wiped like a card reader one', async ({ page }) => {
  // The elderly QR screen under axe first, on the host with no idle timeout: under CI load axe
  // alone can outlast a short idle timeout and take the kiosk home before the scan.
  await page.goto(host.url);
  await page.getByTestId('elderly-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
  await toIdentify(page);
  await page.getByTestId('identify-mode-qr').click();
  await expect(page.getByTestId('idqr-panel')).toBeVisible();
  await step(page, 'identify-qr-elderly');
  await host.stop();
  const idle = await startKioskHost({ idleTimeoutSec: 20, countdownSec: 3, elderlyTimeoutFactor: 1 });
  host = idle;
  const secrets = [HOLDER.name, HOLDER.idNumber, '3601**********0024'];
  const leaks = () =>
    page.evaluate((list) => {
      const dom = document.documentElement.outerHTML;
      const storage = JSON.stringify(Object.entries(sessionStorage));
      const app = (document.querySelector('#app') as unknown as { __vue_app__?: { config: { globalProperties: { $pinia?: { state: { value: unknown } } } } } }).__vue_app__;
      const pinia = JSON.stringify(app?.config.globalProperties.$pinia?.state.value ?? null);
      return list.filter((x) => dom.includes(x) || storage.includes(x) || pinia.includes(x)).concat(pinia === 'null' ? ['no pinia found'] : []);
    }, secrets);
  await page.goto(idle.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await page.getByTestId('elderly-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-elderly', 'true');
  await page.getByTestId('kiosk-tile-services').click();
  await typeOnKeyboard(page, 'jmyb');
  await page.getByTestId('service-YB01').click();
  await page.getByTestId('guide-apply').click();
  await page.getByTestId('identify-mode-qr').click();
  for (const id of ['identify-mode-qr', 'idqr-use-card']) expect((await page.getByTestId(id).boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
  await scan(page, await issue());
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 20_000 });
  expect(await leaks()).toEqual(expect.arrayContaining([HOLDER.idNumber]));
  await expect(page.getByTestId('idle-overlay')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 15_000 });
  expect(await leaks()).toEqual([]);
});
