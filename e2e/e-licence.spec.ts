/**
 * 电子证照 end to end in Debian Chromium: the reference platform (demo licence library) behind the
 * fault proxy, a kiosk browser host with emulated devices, and the back office.
 *
 * - A resident (王建国, the emulator's card) starts 残疾类别/等级变更 (CL02); the kiosk asks for consent
 *   to look up e-licences. With the network cut the lookup waits ("需要联网…已排队"); when the
 *   network returns it runs by itself: 户口簿 and 残疾人证 (and 身份证) satisfy their materials.
 * - The application reaches the platform with those materials as origin `e_license`, the licence
 *   files attached (the platform holds them for the station); the platform recorded the consent.
 * - The back office's dashboard shows the 用证率 of the station and service.
 * Screenshots in test-results/screens/elicence-*.png; axe 0 serious/critical on each screen.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './host';
import { startStation, STATION, type Station } from './station';
import { createOfficer } from './officers';
import { typeOnKeyboard } from './kiosk-steps';

const SCREENS = join(ROOT, 'test-results', 'screens');
const PASSWORD = 'Elicence-2026';
test.describe.configure({ mode: 'serial', timeout: 300_000 });

let station: Station;
const axeFindings: string[] = [];

async function step(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `elicence-${name}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  for (const v of results.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) axeFindings.push(`${name}: ${v.id} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  station = await startStation('kiosk', '南新乡便民服务中心');
  await createOfficer(station.platform, { id: 'sun', name: '孙受理', roles: ['acceptor'], password: PASSWORD });
});
test.afterAll(async () => {
  await station?.stop();
});

test('户口簿 and 残疾人证 satisfy two materials (the lookup waits offline, runs when connected); the application carries them; 用证率 on the back office', async ({ page, browser }) => {
  const { platform, proxy, devices, host } = station;
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
  });
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  // The catalog syncs down first (the kiosk had it before the outage).
  await page.getByTestId('kiosk-tile-services').click();
  await expect(page.locator('[data-testid^="group-"]').first()).toBeVisible({ timeout: 60_000 });
  await page.goto(`${host.url.split('#')[0]}#/kiosk/services/CL02`);
  await expect(page.getByTestId('kiosk-guide')).toBeVisible();
  await page.getByTestId('guide-apply').click();
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
  await devices.present('resident');
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 15_000 });
  await devices.remove();

  // Consent is asked, naming the materials an e-licence can replace.
  const panel = page.getByTestId('kiosk-licences');
  await expect(panel).toHaveAttribute('data-state', 'unasked');
  await expect(page.getByTestId('licence-ask')).toContainText('户口簿');
  await expect(page.getByTestId('licence-ask')).toContainText('残疾人证');
  await step(page, '1-consent');

  // Offline: the lookup must wait, and says so.
  proxy.set({ kind: 'drop' });
  await page.getByTestId('licence-agree').click();
  await expect(panel).toHaveAttribute('data-result', 'queued', { timeout: 60_000 });
  await expect(page.getByTestId('licence-status')).toContainText('需要联网');
  await expect(page.getByTestId('licence-status')).toContainText('已排队');
  await expect(panel.locator('[data-satisfied="yes"]')).toHaveCount(0);
  await step(page, '2-queued-offline');

  // Connected again: the queued lookup runs by itself and the checklist fills.
  proxy.set({ kind: 'pass' });
  await expect(panel).toHaveAttribute('data-result', 'done', { timeout: 60_000 });
  await expect(panel.locator('[data-material="CL02-M03"]')).toHaveAttribute('data-satisfied', 'yes');
  await expect(panel.locator('[data-material="CL02-M05"]')).toHaveAttribute('data-satisfied', 'yes');
  await expect(panel.locator('[data-material="CL02-M03"]')).toContainText('电子证照');
  await expect(page.getByTestId('licence-status')).toContainText('已找到');
  await step(page, '3-found');
  const consents = await platform.store.db.query<{ station_id: string; channel: string; found: number }>('SELECT station_id, channel, found FROM e_licence_consents');
  expect(consents).toEqual([{ station_id: STATION, channel: 'kiosk', found: 3 }]);

  // The form: phone, then 残疾类别, then review and submit.
  await page.getByTestId('field-phone').locator('input').click();
  await typeOnKeyboard(page, '13800138000');
  await page.getByTestId('apply-next').click();
  await page.getByTestId('field-category').getByRole('button', { name: '肢体' }).click();
  await page.getByTestId('apply-next').click();
  await expect(page.getByTestId('apply-review')).toBeVisible();
  await expect(page.getByTestId('kiosk-licences')).toBeVisible();
  await step(page, '4-review');
  await page.getByTestId('apply-submit').click();
  await expect(page.getByTestId('kiosk-submitted')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('submitted-licences')).toContainText('户口簿');
  await expect(page.getByTestId('submitted-licences')).toContainText('残疾人证原件');
  const id = (await page.getByTestId('submitted-id').textContent())!.trim();
  await step(page, '5-submitted');

  // On the platform: the materials are e-licences with the licence files, which the platform holds.
  await expect.poll(async () => !!(await platform.store.getDocument('applications', id)), { timeout: 60_000, intervals: [500] }).toBe(true);
  const doc = (await platform.store.getDocument('applications', id)) as { materials: { code: string; origin: string; provided: boolean; attachments: { sha256: string }[]; licence?: { typeCode: string } }[] };
  const byCode = new Map(doc.materials.map((m) => [m.code, m]));
  expect(byCode.get('CL02-M03')).toMatchObject({ origin: 'e_license', provided: true, licence: { typeCode: 'HKB' } });
  expect(byCode.get('CL02-M05')).toMatchObject({ origin: 'e_license', provided: true, licence: { typeCode: 'CJRZ' } });
  for (const code of ['CL02-M03', 'CL02-M05']) {
    const sha = byCode.get(code)!.attachments[0]!.sha256;
    expect(await platform.store.attachmentStatus(sha)).toMatchObject({ complete: true });
  }
  expect(doc.materials.every((m) => m.origin === 'e_license')).toBe(true);

  // The back office: 用证率 of the station and service (3 of the 5 materials of CL02).
  const officeContext = await browser.newContext();
  const office = await officeContext.newPage();
  await office.goto(`${platform.url}/admin/`);
  await office.getByTestId('bo-login').fill('sun');
  await office.getByTestId('bo-password').fill(PASSWORD);
  await office.getByTestId('bo-signin').click();
  await expect(office.getByTestId('bo-queue')).toBeVisible({ timeout: 20_000 });
  await office.getByTestId('bo-nav-dashboard').click();
  await expect(office.getByTestId('bo-dash-elicence')).toBeVisible();
  await expect(office.getByTestId(`bo-elicence-rate-${STATION}-CL02`)).toHaveText('60.0%');
  await expect(office.getByTestId('bo-dash-elicence-total')).toHaveText('60.0%');
  await step(office, '6-backoffice-usage');
  await officeContext.close();

  expect(axeFindings).toEqual([]);
  expect(consoleErrors.filter((e) => !/Failed to load resource|ERR_CONNECTION|net::/.test(e))).toEqual([]);
});
