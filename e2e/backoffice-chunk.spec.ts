/**
 * The back office loads a screen's code when it is first shown. When that load fails, the router's
 * navigation fails: the page loads afresh at the screen asked for (backoffice/src/router.ts), so the
 * officer is not left on the old screen with nothing said. The failure is real: the first navigation's requests
 * for the application view's code (Vite's modulepreload and the import) are aborted (Playwright
 * route), in Debian Chromium. Without the reload the officer stays on the queue with nothing shown.
 */
import { expect, test } from '@playwright/test';
import { startPlatform, type Platform } from '../sync/server/platform';
import { createOfficer } from './officers';

const PASSWORD = 'Chunk-2026-ok';
let platform: Platform;

test.beforeAll(async () => {
  platform = await startPlatform({ seedDemo: true });
  await createOfficer(platform, { id: 'chunk', name: '省平台受理员', roles: ['acceptor'], password: PASSWORD });
});
test.afterAll(async () => platform?.close());

test("a screen whose code fails to load once is loaded afresh, and shows", async ({ page }) => {
  let aborted = 0;
  await page.route(/\/admin\/assets\/ApplicationView-[^/]+\.js$/, async (route) => {
    // Both of the first navigation's requests for it (Vite's modulepreload, then the import) fail.
    if (aborted++ < 2) await route.abort('connectionreset');
    else await route.continue();
  });
  await page.goto(`${platform.url}/admin/`);
  await page.getByTestId('bo-login').fill('chunk');
  await page.getByTestId('bo-password').fill(PASSWORD);
  await page.getByTestId('bo-signin').click();
  await expect(page.getByTestId('bo-queue')).toBeVisible({ timeout: 20_000 });
  await page.goto(`${platform.url}/admin/#/applications/00000000-0000-7000-8000-000000000000`);
  await expect(page.getByTestId('bo-load-error')).toContainText('没有找到', { timeout: 30_000 });
  expect(aborted).toBeGreaterThanOrEqual(3);
});
