/**
 * 站点看板 in Debian Chromium through the browser host, under the app's strict CSP: today's data is
 * written on the reference platform, pulled by the clerk window into IndexedDB, and the dashboard
 * shows it — the station admin sees tickets, waits, applications by service/channel/status (Chinese
 * labels), overdue cases, 好差评 with the reasons of low ratings, sync health and device history,
 * exports xlsx and CSV (the downloaded files are read back); bad date ranges in the URL get a Chinese
 * message; the 窗口人员 sees the same numbers read-only; the 村代办员 has no dashboard (menu, URL and
 * main's bridge all refuse). axe on every screen; screenshots in test-results/screens/dashboard-*.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { startStation, STATION, type Station } from './station';
import { ROOT } from './host';
import { DEMO_ADMIN, DEMO_ASSISTANT, DEMO_COUNTER, seriousViolations, signIn } from './clerk-helpers';
import { application, rating, stationNow, ticket } from './dashboard-seed';

const SCREENS = join(ROOT, 'test-results', 'screens');
let station: Station;
const cspErrors: string[] = [];

test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

const s = stationNow();
// today: 6 applications (3 kiosk, 2 counter, 1 field), 2 of them for MZ01 accepted
const apps = [
  application({ service: 'MZ01', status: 'accepted', channel: 'kiosk', createdAt: s.at(0.1), acceptedAt: s.at(0.2), stationId: STATION }),
  application({ service: 'MZ01', status: 'accepted', channel: 'counter', createdAt: s.at(0.15), acceptedAt: s.at(0.25), stationId: STATION }),
  application({ service: 'MZ01', status: 'submitted', channel: 'kiosk', createdAt: s.at(0.3), stationId: STATION }),
  application({ service: 'RS01', status: 'synced', channel: 'kiosk', createdAt: s.at(0.35), stationId: STATION }),
  application({ service: 'RS12', status: 'withdrawn', channel: 'field', createdAt: s.at(0.4), stationId: STATION }),
  application({ service: 'RS01', status: 'supplement_required', channel: 'counter', createdAt: s.at(0.45), acceptedAt: s.at(0.5), stationId: STATION }),
  // earlier days: RS01 (3 working days) accepted 20 days ago → overdue; MZ01 (25 working days) 10 days ago → not
  application({ service: 'RS01', status: 'in_review', channel: 'counter', createdAt: s.daysAgo(21), acceptedAt: s.daysAgo(20), stationId: STATION }),
  application({ service: 'MZ01', status: 'accepted', channel: 'kiosk', createdAt: s.daysAgo(10), acceptedAt: s.daysAgo(10), stationId: STATION }),
];
// today: general waits 4, 6, 8, 30 (one still waiting); social 12 and 20; yesterday one more (not today)
const tickets = [
  ticket({ category: 'general', status: 'done', issuedAt: s.at(0.1), waitMin: 4, number: 'A001', stationId: STATION }),
  ticket({ category: 'general', status: 'done', issuedAt: s.at(0.2), waitMin: 6, number: 'A002', stationId: STATION }),
  ticket({ category: 'general', status: 'done', issuedAt: s.at(0.3), waitMin: 8, number: 'A003', stationId: STATION }),
  ticket({ category: 'general', status: 'serving', issuedAt: s.at(0.4), waitMin: 30, number: 'A004', stationId: STATION }),
  ticket({ category: 'general', status: 'waiting', issuedAt: s.at(0.9), waitMin: null, number: 'A005', stationId: STATION }),
  ticket({ category: 'social', status: 'done', issuedAt: s.at(0.2), waitMin: 12, number: 'B001', stationId: STATION }),
  ticket({ category: 'social', status: 'done', issuedAt: s.at(0.5), waitMin: 20, number: 'B002', stationId: STATION }),
  ticket({ category: 'social', status: 'done', issuedAt: s.daysAgo(1), waitMin: 50, number: 'B009', stationId: STATION }),
];
const ratings = [
  rating({ level: 5, createdAt: s.at(0.2), stationId: STATION }),
  rating({ level: 5, createdAt: s.at(0.3), stationId: STATION }),
  rating({ level: 4, createdAt: s.at(0.4), stationId: STATION }),
  rating({ level: 2, reasons: ['等待时间长'], createdAt: s.at(0.5), stationId: STATION }),
  rating({ level: 1, reasons: ['等待时间长', '态度不好'], createdAt: s.at(0.6), stationId: STATION }),
  rating({ level: 1, reasons: ['态度不好'], createdAt: s.daysAgo(2), stationId: STATION }),
];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS, `dashboard-${name}.png`), fullPage: true });
  expect(await seriousViolations(page), name).toEqual([]);
}

/** Opens the dashboard (again) until the pulled data shows `apps` applications today. */
async function openDashboard(page: Page, appsToday: number): Promise<void> {
  await expect(async () => {
    await page.getByTestId('clerk-nav-cases').click();
    await page.getByTestId('clerk-nav-dashboard').click();
    await expect(page.getByTestId('dashboard')).toHaveAttribute('data-state', 'ready', { timeout: 10_000 });
    await expect(page.getByTestId('kpi-apps')).toContainText(String(appsToday), { timeout: 1000 });
    await expect(page.getByTestId('kpi-issued')).toContainText('7', { timeout: 1000 });
    await expect(page.getByTestId('dash-level-1')).toContainText('1', { timeout: 1000 });
  }).toPass({ timeout: 90_000, intervals: [1000, 2000, 3000] });
}

test.beforeAll(async () => {
  station = await startStation('clerk', '南新乡便民服务站');
  expect(await station.platform.store.countDocuments('applications')).toBe(0);
  await station.platform.store.upsertAsPlatform('applications', apps as never[]);
  await station.platform.store.upsertAsPlatform('queue_tickets', tickets as never[]);
  await station.platform.store.upsertAsPlatform('evaluations', ratings as never[]);
});
test.afterAll(async () => station?.stop());

test('the station admin sees today, picks a range, exports xlsx and CSV', async ({ page }) => {
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(station.host.url);
  await signIn(page, DEMO_ADMIN);
  await openDashboard(page, 6);
  const dash = page.getByTestId('dashboard');
  await expect(page.getByTestId('dash-range-text')).toContainText(s.today);

  // tickets: 7 issued today, 5 done; waits 4, 6, 8, 30, 12, 20 → average 13.3, p90 (nearest rank of 6) = 30
  await expect(page.getByTestId('kpi-served')).toContainText('5');
  await expect(page.getByTestId('kpi-avg-wait')).toContainText('13.3');
  await expect(page.getByTestId('kpi-p90-wait')).toContainText('30');
  const ticketRows = page.getByTestId('dash-tickets-table').locator('tbody tr');
  await expect(ticketRows).toHaveCount(2);
  await expect(ticketRows.nth(0)).toContainText('综合业务');
  await expect(ticketRows.nth(0)).toContainText('5'); // issued
  await expect(ticketRows.nth(0)).toContainText('12 分钟'); // avg of 4, 6, 8, 30
  await expect(ticketRows.nth(1)).toContainText('社保医保');
  await expect(ticketRows.nth(1)).toContainText('16 分钟');

  // applications by service, status (Chinese labels) and channel
  const svc = page.getByTestId('dash-service-table');
  await expect(svc.locator('tbody tr').first()).toContainText('最低生活保障');
  await expect(svc.locator('tbody tr').first()).toContainText('3');
  const status = page.getByTestId('dash-status-table');
  await expect(status).toContainText('已受理');
  await expect(status).toContainText('需补正');
  await expect(status).toContainText('已撤回');
  await expect(status.locator('tbody tr', { hasText: '已受理' })).toContainText('2');
  await expect(page.getByTestId('dash-channel-kiosk')).toContainText('3');
  await expect(page.getByTestId('dash-channel-counter')).toContainText('2');
  await expect(page.getByTestId('dash-channel-field')).toContainText('1');

  // overdue: the RS01 case accepted 20 days ago (3 working days); the MZ01 one (25 working days) is not
  await expect(page.getByTestId('kpi-overdue')).toContainText('1');
  const overdue = page.getByTestId('dash-overdue-table').locator('tbody tr');
  await expect(overdue).toHaveCount(1);
  await expect(overdue.first()).toContainText('城乡居民基本养老保险参保登记');
  await expect(overdue.first()).toContainText('审查中');
  await expect(overdue.first()).toContainText('承诺时限（工作日）');

  // 好差评: 5 today, 2 low; reasons 等待时间长 ×2, 态度不好 ×1 (the older one is not today)
  await expect(page.getByTestId('dash-ratings')).toContainText('共 5 条评价，差评 2 条');
  await expect(page.getByTestId('kpi-satisfaction')).toContainText('60%');
  const reasons = page.getByTestId('dash-reasons-table').locator('tbody tr');
  await expect(reasons.nth(0)).toContainText('等待时间长');
  await expect(reasons.nth(0)).toContainText('2');
  await expect(reasons.nth(1)).toContainText('态度不好');

  // sync health and devices (emulated devices on ptys: connected, with their history)
  await expect(page.getByTestId('dash-sync')).toContainText('最近联系平台');
  await expect(page.getByTestId('dash-sync')).toContainText('在线');
  await expect(page.getByTestId('dash-devices-now')).toContainText('票据打印机');
  await expect(page.getByTestId('dash-devices-history').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('dash-devices-history')).toContainText('已连接');

  // the charts drew on canvas under the CSP (no blocked style or script)
  const drawn = await page.evaluate(() => [...document.querySelectorAll('[data-testid^="dash-chart-"] canvas')].map((c) => (c as HTMLCanvasElement).width > 0 && (c as HTMLCanvasElement).toDataURL().length > 2000));
  expect(drawn.length).toBeGreaterThanOrEqual(6);
  expect(drawn.every(Boolean)).toBe(true);
  await shot(page, 'admin-today');

  // exports
  const [xlsxDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-export-xlsx').click()]);
  expect(xlsxDl.suggestedFilename()).toBe(`station-dashboard-${s.today}.xlsx`);
  const zip = unzipSync(new Uint8Array(await readFile((await xlsxDl.path())!)));
  const sheets = Object.keys(zip).filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f));
  expect(sheets.length).toBe(9);
  const workbook = strFromU8(zip['xl/workbook.xml']!);
  for (const name of ['概览', '排队取号', '办件-事项与状态', '超期办件', '好差评', '差评原因', '同步情况', '设备状态记录']) expect(workbook).toContain(name);
  const text = Object.entries(zip)
    .filter(([f]) => f.startsWith('xl/'))
    .map(([, b]) => strFromU8(b))
    .join('\n');
  for (const word of ['最低生活保障', '已受理', '综合业务', '等待时间长', '城乡居民基本养老保险参保登记']) expect(text).toContain(word);
  await expect(page.getByTestId('dash-export-message')).toContainText('Excel');

  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-export-csv').click()]);
  const csv = await readFile((await csvDl.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF【概览】')).toBe(true);
  const lines = csv.split('\r\n');
  expect(lines).toContain('取号数,7');
  expect(lines).toContain('办件数,6');
  expect(lines).toContain('MZ01,最低生活保障（申请/审核确认）,已受理,2');
  expect(lines).toContain('MZ01,最低生活保障（申请/审核确认）,已提交,1');
  expect(lines).toContain('综合业务,5,3,12,30');
  expect(lines).toContain('等待时间长,2');
  expect(lines).toContain('非常不满意,1');

  // a range: the last 7 days add yesterday's ticket and the older rating
  await page.getByTestId('dash-week').click();
  await expect(dash).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('kpi-issued')).toContainText('8');
  await expect(page.getByTestId('dash-ratings')).toContainText('共 6 条评价，差评 3 条');
  await shot(page, 'admin-week');

  // garbage in the URL: Chinese message, nothing crashes, a good range works again
  const base = page.url().split('?')[0]!;
  await page.goto(`${base}?from=2026-13-45&to=x`);
  await expect(page.getByTestId('dash-error')).toContainText('日期格式不正确');
  await shot(page, 'bad-range');
  await page.goto(`${base}?from=${s.today}&to=2000-01-01`);
  await expect(page.getByTestId('dash-error')).toContainText('开始日期晚于结束日期');
  await page.goto(`${base}?from=2001-01-01&to=${s.today}`);
  await expect(page.getByTestId('dash-error')).toContainText('最长为一年');
  await page.getByTestId('dash-today').click();
  await expect(dash).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('kpi-apps')).toContainText('6');
  expect(cspErrors).toEqual([]);
});

test('the counter staff sees the numbers read-only; the assistant has no dashboard', async ({ page }) => {
  await page.goto(station.host.url);
  // main keeps the staff session of the test before: sign it out first
  await expect(page.getByTestId('clerk-signin').or(page.getByTestId('clerk-signout'))).toBeVisible({ timeout: 30_000 });
  if (await page.getByTestId('clerk-signout').isVisible()) await page.getByTestId('clerk-signout').click();
  await signIn(page, DEMO_COUNTER);
  await openDashboard(page, 6);
  await expect(page.getByTestId('dash-readonly')).toContainText('只读');
  await expect(page.getByTestId('dash-export-xlsx')).toHaveCount(0);
  await expect(page.getByTestId('dash-export-csv')).toHaveCount(0);
  await expect(page.getByTestId('dash-sync-now')).toHaveCount(0);
  await expect(page.getByTestId('kpi-overdue')).toContainText('1');
  await shot(page, 'counter');
  await page.getByTestId('clerk-signout').click();

  await signIn(page, DEMO_ASSISTANT);
  await expect(page.getByTestId('clerk-nav-cases')).toBeVisible();
  await expect(page.getByTestId('clerk-nav-dashboard')).toHaveCount(0);
  await page.goto(`${station.host.url.split('#')[0]}#/clerk/dashboard`);
  await expect(page.getByTestId('clerk-page-new')).toBeVisible({ timeout: 15_000 });
  // main refuses the dashboard's bridge call too, not only the menu
  const r = await page.evaluate(async () => (await window.terminal!.invoke('devices.statusHistory', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })) as { ok: boolean; error?: { code: string; params?: Record<string, string> } });
  expect(r).toMatchObject({ ok: false, error: { code: 'ROLE_FORBIDDEN' } });
  // the refusal names who may (role codes; the page's catalogue says them: renderer/i18n/errors.test.ts)
  expect(r.error?.params?.roles?.split(',')).toContain('station-admin');
});
