// Issue 12 item 2 in a real Chromium: the machine (browser and host) runs in UTC and the clock says
// 23:30 UTC on 4 December; the kiosk shows the station's time, 07:30 on 5 December (Asia/Shanghai).
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './host';

process.env.TZ = 'UTC'; // the host inherits it
test.use({ timezoneId: 'UTC', locale: 'zh-CN' });

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost({ role: 'kiosk' });
});
test.afterAll(async () => {
  await host?.stop();
});

test('at 23:30 UTC the kiosk header shows 07:30 on 5 December (station zone), not the machine day', async ({ page }) => {
  await page.clock.install({ time: new Date('2026-12-04T23:30:00.000Z') });
  await page.goto(host.url);
  await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
  expect(await page.evaluate(() => new Date().getDate())).toBe(4); // the browser itself is on 4 December
  const clock = page.getByTestId('clock').first();
  await expect(clock).toContainText('07:3');
  await expect(clock).toContainText('12月5日');
  await expect(clock).toHaveAttribute('datetime', /^2026-12-05T07:3\d$/);
});
