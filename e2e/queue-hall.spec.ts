/**
 * The hall's queue end to end in Debian Chromium through three browser hosts enrolled with one real
 * platform (demo seed): a kiosk takes tickets (one per person: the next person never sees the
 * previous ticket), a counter signed in as S001 窗口员 picks its window and calls, starts and
 * finishes the ticket and the resident rates it on screen; the hall display shows the call live and
 * asks for the announcement "请 A001 号到 2 号窗口办理". Screenshots: test-results/screens/queue-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startPlatform, type Platform } from '../sync/server/platform';
import { ROOT, startHost, type RunningHost } from './host';
import { startKioskDevices, type KioskDevices } from './kiosk-devices';
import { DEMO_COUNTER, seriousViolations, signIn, waitEnrolled } from './clerk-helpers';

const STATION = '360121201';
const SCREENS = join(ROOT, 'test-results', 'screens');

test.describe.configure({ mode: 'serial', timeout: 360_000 });

let platform: Platform;
let devices: KioskDevices;
let kiosk: RunningHost;
let clerk: RunningHost;
let display: RunningHost;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `queue-${name}.png`), fullPage: true });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  platform = await startPlatform({ seedDemo: true, heartbeatMs: 1000 });
  devices = await startKioskDevices();
  const enrolled = async (role: 'kiosk' | 'clerk' | 'display', extra: Record<string, unknown> = {}) =>
    startHost({ role, config: { role, stationName: '南新乡便民服务中心', platform: { url: platform.url, enrollCode: await platform.createEnrollCode(STATION) }, ...extra } });
  // The kiosk holds leased numbers for hub loss (A901…, main/queue/leases.ts); online tickets stay A001….
  kiosk = await enrolled('kiosk', { devices: devices.config });
  clerk = await enrolled('clerk');
  display = await enrolled('display');
});

test.afterAll(async () => {
  for (const h of [kiosk, clerk, display]) await h?.stop();
  await devices?.stop();
  await platform?.close();
});

test('a kiosk takes a ticket, the counter calls it, the display shows and announces it', async ({ browser }) => {
  const kioskPage = await (await browser.newContext()).newPage();
  const clerkPage = await (await browser.newContext()).newPage();
  const displayPage = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();

  // The display, before anything happened today: live, empty, no sample data.
  await displayPage.goto(display.url);
  await waitEnrolled(displayPage);
  await expect(displayPage.getByTestId('display-current-none')).toHaveText('暂无叫号', { timeout: 30_000 });
  await expect(displayPage.getByTestId('display-windows').locator('li')).toHaveCount(2);
  await expect(displayPage.getByText('示例数据')).toHaveCount(0);
  await shot(displayPage, 'display-empty');

  // The counter (signed in first: sign-in waits for enrollment): S001 窗口员 says which window this PC is.
  await clerkPage.goto(clerk.url);
  await signIn(clerkPage, DEMO_COUNTER);
  await clerkPage.getByTestId('clerk-nav-calling').click();
  await expect(clerkPage.getByTestId('calling-no-window')).toBeVisible({ timeout: 30_000 });
  await clerkPage.getByTestId('calling-window').click();
  await clerkPage.getByTestId('calling-window-2').click();
  await expect(clerkPage.getByTestId('calling-next')).toBeEnabled();

  // Kiosk: the first person takes a ticket, and the journey ends with it.
  await kioskPage.goto(kiosk.url);
  await waitEnrolled(kioskPage);
  await kioskPage.getByTestId('kiosk-tile-queue').click();
  await expect(kioskPage.getByTestId('queue-cat-general')).toBeVisible({ timeout: 30_000 });
  await shot(kioskPage, 'kiosk-pick');
  const printed = await devices.count();
  await kioskPage.getByTestId('queue-cat-general').click();
  await expect(kioskPage.getByTestId('queue-number')).toHaveText('A001');
  await expect(kioskPage.getByTestId('queue-ahead')).toHaveText('前面还有 0 人');
  await expect.poll(() => devices.count(), { timeout: 15_000 }).toBeGreaterThan(printed);
  await shot(kioskPage, 'kiosk-ticket');
  expect(await seriousViolations(kioskPage)).toEqual([]);
  await kioskPage.getByTestId('queue-done').click();
  await expect(kioskPage.getByTestId('kiosk-home')).toBeVisible();

  // The next person: a new ticket, never the previous one.
  await kioskPage.getByTestId('kiosk-tile-queue').click();
  await expect(kioskPage.getByTestId('queue-cat-general')).toBeVisible();
  await expect(kioskPage.getByTestId('queue-ticket')).toHaveCount(0);
  await kioskPage.getByTestId('queue-cat-general').click();
  await expect(kioskPage.getByTestId('queue-number')).toHaveText('A002');
  await expect(kioskPage.getByTestId('queue-ahead')).toHaveText('前面还有 1 人', { timeout: 15_000 });

  await expect(displayPage.getByTestId('display-waiting-general')).toContainText('2 人', { timeout: 15_000 });
  await expect(clerkPage.getByTestId('calling-waiting-general')).toHaveText('2', { timeout: 15_000 });
  await shot(clerkPage, 'counter-ready');

  await kioskPage.getByTestId('queue-more-time').click();
  await clerkPage.getByTestId('calling-next').click();
  await expect(clerkPage.getByTestId('calling-current-number')).toHaveText('A001');
  await expect(clerkPage.getByTestId('calling-current-status')).toHaveText('已叫号');
  await shot(clerkPage, 'counter-called');
  expect(await seriousViolations(clerkPage)).toEqual([]);

  // The display: the call, large, on window 2, and the announcement asked for.
  await expect(displayPage.getByTestId('display-current-ticket')).toHaveText('A001', { timeout: 10_000 });
  await expect(displayPage.getByTestId('display-current-please')).toHaveText('请 A001 号到 2 号窗口办理');
  await expect(displayPage.getByTestId('display-window-2')).toContainText('A001');
  await expect(displayPage.locator('html')).toHaveAttribute('data-announcement', '请 A001 号到 2 号窗口办理', { timeout: 10_000 });
  await expect(displayPage.getByTestId('display-waiting-general')).toContainText('1 人');
  await shot(displayPage, 'display-called');
  expect(await seriousViolations(displayPage)).toEqual([]);

  // The waiting person at the kiosk sees the line move.
  await expect(kioskPage.getByTestId('queue-ahead')).toHaveText('前面还有 0 人', { timeout: 15_000 });

  // Recall: announced again.
  const count = Number(await displayPage.locator('html').getAttribute('data-announcement-count'));
  await clerkPage.getByTestId('calling-recall').click();
  await expect(clerkPage.getByText('已重呼 1 次')).toBeVisible();
  await expect.poll(async () => Number(await displayPage.locator('html').getAttribute('data-announcement-count')), { timeout: 10_000 }).toBeGreaterThan(count);

  // Start, finish, and the resident rates on screen (no evaluator on this counter).
  await clerkPage.getByTestId('calling-start').click();
  await expect(clerkPage.getByTestId('calling-current-status')).toHaveText('办理中');
  await clerkPage.getByTestId('calling-finish').click();
  await expect(clerkPage.getByTestId('calling-rate-5')).toBeVisible({ timeout: 15_000 });
  await shot(clerkPage, 'counter-rating');
  await clerkPage.getByTestId('calling-rate-5').click();
  await expect(clerkPage.getByTestId('calling-rating-saved')).toBeVisible();
  await clerkPage.getByTestId('calling-rating-close').click();
  await expect(clerkPage.getByTestId('calling-current-none')).toBeVisible();

  // The platform has the finished ticket and the rating linked to it (pushed by the store's replication).
  const tickets = (await platform.store.pull('queue_tickets', { seq: 0 }, 100, STATION)).documents as { id: string; number: string; status: string; window: string | null; staffId: string | null }[];
  const a001 = tickets.find((x) => x.number === 'A001');
  expect(a001).toMatchObject({ status: 'done', window: '2', staffId: 'S001' });
  await expect
    .poll(async () => ((await platform.store.pull('evaluations', { seq: 0 }, 100, STATION)).documents as { ticketId: string | null; level: number; channel: string }[]).find((e) => e.ticketId === a001!.id) ?? null, { timeout: 60_000 })
    .toMatchObject({ level: 5, channel: 'counter_device' });

  // Left alone, the kiosk's ticket screen ends the journey by itself: the next person starts at home.
  await expect(kioskPage.getByTestId('kiosk-home')).toBeVisible({ timeout: 60_000 });

  // The display after the finish: window 2 is free again, the last call stays up.
  await expect(displayPage.getByTestId('display-window-2')).toContainText('空闲', { timeout: 10_000 });
  await shot(displayPage, 'display-after');
});
