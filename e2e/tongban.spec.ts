/**
 * 通办 end to end in Debian Chromium (issue 17, item 3): a resident at the kiosk of 南新乡 (南昌县,
 * Jiangxi) finds the 异地通办 items, picks 异地长期居住人员备案 (跨省通办), chooses 广东省深圳市南山区
 * as the handling division (参保地), files it with the ID card; the platform routes it to 440305;
 * an officer of 南山区 (division scope 440305) finds it in the back office, accepts, approves and
 * completes it; the province's own officer sees it but may not decide it; the decision comes back to
 * the kiosk through the normal sync and shows in 进度查询. Every screen: screenshot in
 * test-results/screens/tongban-*.png and axe (no serious or critical violations).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type ConsoleMessage, type Locator, type Page } from '@playwright/test';
import type { ApplicationDoc } from '../sync/protocol';
import { startStation, type Station } from './station';
import { ROOT } from './host';
import { seriousViolations } from './clerk-helpers';
import { createOfficer } from './officers';
import { typeOnKeyboard } from './kiosk-steps';

const SCREENS = join(ROOT, 'test-results', 'screens');
const PASSWORD = 'Tongban-2026';
let station: Station;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `tongban-${name}.png`), fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
}

async function signInOfficer(browser: Browser, login: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${station.platform.url}/admin/`);
  await expect(page.getByTestId('bo-login')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('bo-login').fill(login);
  await page.getByTestId('bo-password').fill(PASSWORD);
  await page.getByTestId('bo-signin').click();
  await expect(page.getByTestId('bo-queue')).toBeVisible({ timeout: 20_000 });
  return page;
}

/**
 * Opens a back-office route in the same tab, as an officer following a link does. Twice in full
 * runs (never alone) the view did not show after such an in-page navigation, cause unknown: then
 * the page's URL and its console and page errors are printed ([tongban] line, the run's stdout) and
 * the page is loaded afresh, so the rest of the journey still runs. Open question, see the session note.
 */
async function openInBackOffice(page: Page, url: string, ready: Locator): Promise<void> {
  const seen: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.push(`console.${m.type()}: ${m.text().slice(0, 300)}`);
  };
  const onError = (e: Error) => seen.push(`pageerror: ${e.message.slice(0, 300)}`);
  page.on('console', onConsole);
  page.on('pageerror', onError);
  try {
    await page.goto(url);
    const shown = await expect(ready).toBeVisible({ timeout: 30_000 }).then(() => true, () => false);
    if (shown) return;
    console.log(`[tongban] the back office did not show ${url} after an in-page navigation; the page is at ${page.url()}; ${seen.join(' | ') || 'no console or page errors'}`);
    await page.reload();
    await expect(ready).toBeVisible({ timeout: 30_000 });
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onError);
  }
}

async function decide(page: Page, action: string, opinion: string, status: string): Promise<void> {
  await page.getByTestId(`bo-action-${action}`).click();
  await page.getByTestId('bo-opinion').fill(opinion);
  await page.getByTestId('bo-action-confirm').click();
  await expect(page.getByTestId('bo-app-status')).toHaveText(status, { timeout: 15_000 });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  station = await startStation('kiosk', '南新乡便民服务中心');
  await createOfficer(station.platform, { id: 'nanshan', name: '南山区医保经办员', roles: ['acceptor', 'approver'], password: PASSWORD, divisions: ['440305'] });
  await createOfficer(station.platform, { id: 'jxsheng', name: '省平台受理员', roles: ['acceptor', 'approver'], password: PASSWORD });
});
test.afterAll(async () => {
  await station?.stop();
});

test('a 跨省通办 item filed at the kiosk reaches 南山区, its officer decides, and the decision comes back to the kiosk', async ({ page, browser }) => {
  // Three people, nine screens each checked by axe: on CI's busy 2 cores beside the station hall
  // spec this took over 5 minutes (1.6 alone).
  test.setTimeout(600_000);
  const { platform, devices, host } = station;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // ---- kiosk: 办事服务 → 异地通办 → 跨省通办 → 异地长期居住人员备案
  await page.goto(host.url);
  await page.getByTestId('kiosk-tile-services').click();
  await expect(page.getByTestId('kiosk-services')).toBeVisible();
  await page.getByTestId('keyboard-toggle').click();
  await page.getByTestId('facet-tongban').click();
  await expect(page.getByTestId('group-cross_province')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('group-cross_province').click();
  const item = page.getByTestId('service-YB06');
  await expect(item).toBeVisible();
  await expect(item.getByTestId('tongban-badge')).toHaveText('跨省通办');
  await expect(page.getByTestId('service-NY01')).toHaveCount(0); // local-only items are not listed here
  await shot(page, '1-kiosk-services');
  await item.click();

  // ---- 办事指南: choose the handling division (参保地)
  await expect(page.getByTestId('guide-tongban')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('guide-tongban')).toContainText('参保地');
  await expect(page.getByTestId('tongban-local')).toHaveAttribute('aria-pressed', 'true');
  // The station's own county (南昌县) is not offered as a place elsewhere.
  await expect(page.getByTestId('tongban-division-360121')).toHaveCount(0);
  await page.getByTestId('tongban-division-440305').click();
  await expect(page.getByTestId('tongban-division-440305')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('tongban-chosen')).toHaveText('办理地：广东省深圳市南山区（跨省通办）');
  await shot(page, '2-kiosk-guide-division');
  await page.getByTestId('guide-apply').click();

  // ---- identify with the card, fill the form (same 参保 form as the kiosk journey)
  await expect(page.getByTestId('kiosk-identify')).toBeVisible();
  await devices.present('resident');
  await expect(page.getByTestId('kiosk-apply')).toBeVisible({ timeout: 15_000 });
  await devices.remove();
  await expect(page.getByTestId('apply-tongban')).toHaveText('由 广东省深圳市南山区 办理（跨省通办）');
  await expect(page.getByTestId('field-applicantName').locator('input')).not.toHaveValue('');
  await page.getByTestId('field-phone').locator('input').click();
  await typeOnKeyboard(page, '13800138000');
  await shot(page, '3-kiosk-apply');
  await page.getByTestId('apply-next').click();
  await page.getByTestId('field-insuredType').getByRole('button', { name: '普通居民' }).click();
  await page.getByTestId('apply-next').click();
  await page.getByTestId('field-byAgent').getByRole('button', { name: '否' }).click();
  await page.getByTestId('apply-next').click();
  await expect(page.getByTestId('apply-review')).toBeVisible();
  await page.getByTestId('apply-submit').click();
  await expect(page.getByTestId('kiosk-submitted')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('submitted-tongban')).toContainText('已转至 广东省深圳市南山区 办理（跨省通办）');
  const id = (await page.getByTestId('submitted-id').textContent())!.trim();
  await shot(page, '4-kiosk-submitted');
  // The resident leaves: 结束办理 wipes the session (the decision takes days, not minutes).
  await page.getByTestId('submitted-finish').click();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();

  // ---- the platform routed it to 440305, once
  await expect.poll(async () => ((await platform.store.getDocument('applications', id)) as ApplicationDoc | null)?.status ?? null, { timeout: 60_000, intervals: [500] }).toBe('synced');
  const stored = (await platform.store.getDocument('applications', id)) as ApplicationDoc;
  expect(stored.tongban).toEqual({ scope: 'cross_province', divisionCode: '440305', divisionName: '广东省深圳市南山区' });
  expect(stored.channel).toBe('kiosk');
  await expect.poll(async () => (await platform.store.tongban.get(id))?.state ?? null, { timeout: 15_000 }).toBe('dispatched');

  // ---- the province's own officer follows it but does not decide it
  const sheng = await signInOfficer(browser, 'jxsheng');
  // A link to an application that does not exist: said so, with a way to load again.
  await openInBackOffice(sheng, `${platform.url}/admin/#/applications/00000000-0000-7000-8000-000000000000`, sheng.getByTestId('bo-load-error'));
  await expect(sheng.getByTestId('bo-load-error')).toContainText('没有找到');
  await sheng.getByTestId('bo-load-retry').click();
  await expect(sheng.getByTestId('bo-load-error')).toContainText('没有找到');
  // Loaded (a failed load would show bo-load-error; its words say why in the failure message).
  await openInBackOffice(sheng, `${platform.url}/admin/#/applications/${id}`, sheng.getByTestId('bo-app-status').or(sheng.getByTestId('bo-load-error')));
  expect(await sheng.getByTestId('bo-load-error').allTextContents(), 'the application view did not load').toEqual([]);
  await expect(sheng.getByTestId('bo-tongban-not-yours')).toContainText('广东省深圳市南山区（440305）', { timeout: 20_000 });
  await expect(sheng.getByTestId('bo-no-actions')).toBeVisible();
  await shot(sheng, '5-backoffice-province-officer');
  const refused = await sheng.request.post(`${platform.url}/api/v1/backoffice/applications/${id}/actions/accept`, { data: { opinion: '受理' }, headers: { origin: platform.url } });
  expect(refused.status()).toBe(403);
  await sheng.context().close();

  // ---- 南山区's officer: the 异地通办 work queue, the application, 受理 → 批准 → 办结
  const ns = await signInOfficer(browser, 'nanshan');
  await expect(ns.getByTestId('bo-officer')).toContainText('440305');
  await ns.getByTestId('bo-filter-tongban').click();
  await ns.getByRole('option', { name: '异地通办件' }).click();
  await ns.getByTestId('bo-search').click();
  await expect(ns.getByTestId(`bo-row-tongban-${id}`)).toHaveText('跨省通办 → 广东省深圳市南山区', { timeout: 20_000 });
  await shot(ns, '6-backoffice-queue');
  await ns.getByTestId(`bo-open-${id}`).click();
  await expect(ns.getByTestId('bo-tongban-division')).toHaveText('广东省深圳市南山区（440305）');
  await expect(ns.getByTestId('bo-tongban-route')).toHaveText('已转至办理地');
  await shot(ns, '7-backoffice-application');
  await decide(ns, 'accept', '材料齐全，予以受理', '已受理');
  await decide(ns, 'approve', '符合异地就医备案条件，准予备案', '已批准');
  await decide(ns, 'complete', '备案已生效', '已办结');
  await shot(ns, '8-backoffice-completed');
  await ns.context().close();

  // ---- the resident comes back to the kiosk: 进度查询 with the ID card; the decision arrived by sync
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-home')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('kiosk-tile-progress').click();
  await expect(page.getByTestId('kiosk-progress')).toBeVisible();
  await devices.present('resident');
  const row = page.getByTestId(`progress-${id}`);
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await devices.remove();
  await expect(row.getByTestId('progress-tongban')).toHaveText('由 广东省深圳市南山区 办理（跨省通办）');
  await expect(row.getByTestId('progress-acceptance')).not.toHaveText('待受理');
  await shot(page, '9-kiosk-progress-completed');
  expect(errors).toEqual([]);
});
