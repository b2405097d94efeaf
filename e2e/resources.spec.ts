// Issue 12 item 8: one resource 404'd on every kiosk page (the browser's favicon request). No page of
// the kiosk may ask for something that is not there.
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './host';

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost({ role: 'kiosk' });
});
test.afterAll(async () => {
  await host?.stop();
});

test('kiosk pages load every resource they ask for (no 404)', async ({ page }) => {
  const failed: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Failed to load resource/.test(m.text())) failed.push(`${page.url().replace(/^[^#]*/, '')}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  for (const hash of ['#/kiosk/services', '#/kiosk/progress', '#/kiosk']) {
    await page.evaluate((h) => (location.hash = h), hash);
    await page.waitForTimeout(800);
  }
  await page.reload();
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  await page.waitForTimeout(800);
  expect(failed).toEqual([]);
  // the icon is served
  const icon = await page.evaluate(async () => (await fetch('./icon.png')).status);
  expect(icon).toBe(200);
});
