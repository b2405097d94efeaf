/**
 * The clerk's 同步状态 page in Chromium (browser host, demo mode): the real app opens its store,
 * syncs with the embedded platform, and the panel shows online, the last sync, counts, and retry.
 */
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './host';
import { signIn, seriousViolations } from './clerk-helpers';

test.describe('sync status page', () => {
  test.describe.configure({ timeout: 120_000 });
  let host: RunningHost;
  test.beforeAll(async () => {
    host = await startHost({ role: 'clerk', config: { role: 'clerk' } });
  });
  test.afterAll(async () => host?.stop());

  test('shows the demo platform online, synced, with retry; no serious axe violations', async ({ page }) => {
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(host.url);
    await signIn(page);
    await page.goto(`${host.url.split('#')[0]}#/clerk/sync`);
    const panel = page.getByTestId('sync-panel');
    await expect(panel).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('sync-mode')).toHaveText('演示平台（本机）');
    await expect(page.getByTestId('sync-online')).toHaveText('已连接平台', { timeout: 60_000 });
    await expect(page.getByTestId('sync-last')).not.toHaveText('尚未同步', { timeout: 60_000 });
    await expect(page.getByTestId('sync-quarantined')).toHaveText('0');
    await expect(page.getByTestId('sync-pending')).toHaveText('0', { timeout: 30_000 });
    await expect(page.getByTestId('sync-level')).toHaveText('已全部同步', { timeout: 30_000 });
    await page.getByTestId('sync-retry').click();
    await expect(page.getByTestId('sync-online')).toHaveText('已连接平台', { timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    expect(csp).toEqual([]);
  });
});
