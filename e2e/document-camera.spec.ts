/**
 * The document camera (高拍仪) panel on the clerk's 设备 page in Debian Chromium through the browser
 * host (demo mode): the emulated camera's material is captured, cut out and straightened; the real
 * camera path fails (no camera on a test machine) and says so in Chinese, with
 * the code in English in the log; axe clean.
 */
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './host';
import { DEMO_ASSISTANT, seriousViolations, signIn } from './clerk-helpers';

let host: RunningHost;
test.beforeAll(async () => {
  host = await startHost({ role: 'clerk' });
});
test.afterAll(async () => host?.stop());

test('capture a material with the emulated 高拍仪; a refused camera says so', async ({ page }) => {
  test.setTimeout(180_000);
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().startsWith('[document-camera]')) warnings.push(m.text());
  });
  await page.goto(host.url);
  await signIn(page, DEMO_ASSISTANT);
  await page.getByTestId('clerk-nav-devices').click();
  await expect(page.getByTestId('document-camera')).toBeVisible();

  // No camera on a test machine (NotFoundError); with one, the host's Permissions-Policy refuses it (NotAllowedError).
  await page.getByTestId('document-camera-open').click();
  const shown = page.getByTestId('document-camera-error');
  await expect(shown).toHaveText(/^(未找到高拍仪，请检查 USB 连接|高拍仪未获授权使用，请联系管理员开启摄像头权限)$/);
  const missing = (await shown.textContent())!.startsWith('未找到');
  expect(warnings.join('\n')).toMatch(missing ? /CAMERA_MISSING: no matching camera \(NotFoundError/ : /CAMERA_DENIED: camera access was refused \(NotAllowedError/);

  await page.getByTestId('document-camera-open-demo').click();
  await expect(page.getByTestId('document-camera-error')).toHaveCount(0);
  await expect(page.getByTestId('document-camera-capture')).toBeEnabled();
  await page.getByTestId('document-camera-capture').click();
  // The emulator's page is 560 × 792 turned 7° on a 1280 × 960 base.
  const result = page.getByTestId('document-camera-result');
  await expect(result).toContainText('拍摄结果', { timeout: 20_000 });
  const [w, h, , skew] = ((await result.textContent()) ?? '').match(/[\d.]+/g)!.map(Number);
  expect(Math.abs(w! - 560)).toBeLessThan(25);
  expect(Math.abs(h! - 792)).toBeLessThan(30);
  expect(Math.abs(skew! - 7)).toBeLessThan(1);
  const natural = await page.getByTestId('document-camera-image').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(natural).toEqual([w, h]);
  await page.getByTestId('document-camera-rotate').click();
  await expect(result).toContainText(`${h} × ${w}`, { timeout: 20_000 });
  expect(await seriousViolations(page)).toEqual([]);
});
