/**
 * 高拍仪拍摄 at the counter, in Debian Chromium through the browser host: a material of a 帮代办
 * application is captured, cut out and straightened, turned, and attached through `attachments.put`;
 * the application and the JPEG reach the platform, the reference marked `source: 'document-camera'`.
 *
 * 1. Demo mode (embedded platform): the emulated camera (no camera configured, so only demo mode
 *    offers the button); the platform confirms the uploads (`attachments.status`).
 * 2. A terminal with `devices.documentCamera` and a REAL getUserMedia stream: Chromium's fake
 *    capture device plays a Y4M file painted from the emulator's scene (a page turned 7° on a dark
 *    base); the reference platform (startStation) then holds the application and the JPEG, whose
 *    size is the page's, not the frame's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, startHost, type RunningHost } from './host';
import { startStation, type Station } from './station';
import { DEMO_ASSISTANT, newCaseUpToMaterials, seriousViolations, signIn } from './clerk-helpers';
import { paintScene } from '../renderer/window-devices/document-camera/emulator';
import type { ApplicationDoc } from '../sync/protocol';

const invoke = (page: Page, name: string, input: unknown = {}) => page.evaluate(([n, i]) => window.terminal!.invoke(n, i), [name, input] as const) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

/** The JPEG's size from its SOF marker. */
function jpegSize(b: Buffer): { width: number; height: number } {
  expect([...b.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  let i = 2;
  while (i < b.length) {
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}

/** 高拍仪拍摄 of the first material: capture, turn, retake, capture, attach. Returns its code and the still's size. */
async function scanFirstMaterial(page: Page, page_: { width: number; height: number; angle: number }): Promise<{ material: string; width: number; height: number; trackLabel: string }> {
  const scanButton = page.locator('[data-testid^="newcase-scan-"]').first();
  await expect(scanButton).toBeVisible({ timeout: 20_000 });
  const material = (await scanButton.getAttribute('data-testid'))!.replace('newcase-scan-', '');
  await scanButton.click();
  const dialog = page.getByTestId('newcase-scan-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('newcase-scan-capture')).toBeVisible({ timeout: 20_000 });
  // the live picture plays before a still is taken
  await expect.poll(() => dialog.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  const trackLabel = await dialog.locator('video').evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream | null)?.getVideoTracks()[0]?.label ?? '');
  await page.getByTestId('newcase-scan-capture').click();
  const result = page.getByTestId('newcase-scan-result');
  await expect(result).toContainText('像素', { timeout: 20_000 });
  const [w, h, , skew] = ((await result.textContent()) ?? '').match(/-?[\d.]+/g)!.map(Number);
  expect(Math.abs(w! - page_.width), `width ${w}`).toBeLessThan(25);
  expect(Math.abs(h! - page_.height), `height ${h}`).toBeLessThan(30);
  expect(Math.abs(skew! - page_.angle), `skew ${skew}`).toBeLessThan(1);
  await page.getByTestId('newcase-scan-turn').click();
  await expect(result).toContainText(`${h} × ${w}`, { timeout: 20_000 });
  await page.getByTestId('newcase-scan-retake').click();
  await expect(result).toHaveCount(0);
  await page.getByTestId('newcase-scan-capture').click();
  // the quarter turn is kept for the next still
  await expect(result).toContainText(`${h} × ${w}`, { timeout: 20_000 });
  expect(await seriousViolations(page)).toEqual([]);
  mkdirSync(join(ROOT, 'test-results', 'screens'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'test-results', 'screens', `document-camera-scan-${page_.angle}.png`) });
  await page.getByTestId('newcase-scan-confirm').click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  await expect(page.getByTestId(`newcase-file-${material}`)).toContainText('（高拍仪）.jpg', { timeout: 20_000 });
  await expect(page.getByTestId(`newcase-file-${material}`)).toContainText('· 高拍仪');
  await expect(page.getByTestId(`newcase-file-message-${material}`)).toContainText('已附加高拍仪拍摄的');
  // origin became 扫描件, the material is ticked as provided
  await expect(page.getByTestId(`newcase-material-${material}`).locator('input[type=checkbox]')).toBeChecked();
  await page.screenshot({ path: join(ROOT, 'test-results', 'screens', `document-camera-attached-${page_.angle}.png`), fullPage: true });
  return { material, width: h!, height: w!, trackLabel };
}

async function submit(page: Page): Promise<string> {
  // every material ticked as provided (the rows' test ids share the prefix)
  for (const box of await page.locator('[data-testid^="newcase-material-"]:not([data-testid^="newcase-material-row-"])').all()) {
    if (!(await box.locator('input[type=checkbox]').isChecked())) await box.click();
  }
  await page.getByTestId('newcase-submit').click();
  const msg = page.getByTestId('newcase-message');
  await expect(page.getByTestId('newcase-done').or(msg)).toBeVisible({ timeout: 30_000 });
  if (await msg.isVisible()) throw new Error(`submit refused: ${await msg.textContent()}`);
  return (await page.getByTestId('newcase-done').textContent())!.match(/[0-9a-f-]{36}/)![0];
}

const W = 1280;
const H = 960;
const dir = mkdtempSync(join(tmpdir(), 'doc-camera-y4m-'));
const y4m = join(dir, 'document.y4m');
// The camera's picture for case 2 (Chromium's flags are per worker, so the whole file gets them; the
// emulator of case 1 needs no camera).
{
  // YUV 4:2:0 (full range, BT.601) from the emulator's RGBA scene: a page 600 × 848 turned -9°.
  const img = paintScene({ width: W, height: H, page: { width: 600, height: 848, angleDeg: -9 } });
  const y = Buffer.alloc(W * H);
  const u = Buffer.alloc((W / 2) * (H / 2));
  const v = Buffer.alloc((W / 2) * (H / 2));
  const px = (x: number, yy: number) => {
    const p = (yy * W + x) * 4;
    return [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!] as const;
  };
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    const [R, G, B] = px(c, r);
    y[r * W + c] = Math.round(0.299 * R + 0.587 * G + 0.114 * B);
  }
  for (let r = 0; r < H / 2; r++) for (let c = 0; c < W / 2; c++) {
    let R = 0, G = 0, B = 0;
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
      const [r2, g2, b2] = px(2 * c + dx, 2 * r + dy);
      R += r2 / 4;
      G += g2 / 4;
      B += b2 / 4;
    }
    u[r * (W / 2) + c] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * R - 0.331264 * G + 0.5 * B)));
    v[r * (W / 2) + c] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * R - 0.418688 * G - 0.081312 * B)));
  }
  writeFileSync(y4m, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg\nFRAME\n`, 'latin1'), y, u, v]));
}
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`],
  },
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.describe('demo mode: the emulated 高拍仪', () => {
  let host: RunningHost;
  test.beforeAll(async () => {
    host = await startHost({ role: 'clerk' });
  });
  test.afterAll(async () => host?.stop());

  test('a material captured with the emulator is attached and uploaded with the application', async ({ page }) => {
    test.setTimeout(360_000);
    await page.goto(host.url);
    await signIn(page, DEMO_ASSISTANT);
    // no camera configured: main says so; demo mode still offers the emulator
    expect(await invoke(page, 'devices.windowConfig')).toEqual({ ok: true, value: {} });
    await newCaseUpToMaterials(page, { present: async () => void (await invoke(page, 'devices.demo.presentCard', { card: 'resident' })) });
    await page.getByTestId('newcase-materials-table').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('newcase-materials-table')).toContainText('高拍仪拍摄');
    // the emulator's page: 560 × 792 turned 7° on 1280 × 960
    await scanFirstMaterial(page, { width: 560, height: 792, angle: 7 });
    await submit(page);
    // the platform confirms both uploads (the signed letter and the captured material), nothing waits
    await expect
      .poll(async () => (await invoke(page, 'attachments.status')).value as { pending: number; uploaded: number }, { timeout: 90_000 })
      .toMatchObject({ pending: 0, uploaded: 2 });
  });
});

test.describe('a configured 高拍仪: Chromium plays a Y4M as a real camera', () => {
  let station: Station | undefined;
  test.beforeAll(async () => {
    station = await startStation('clerk', '南昌县流泗镇便民服务中心', { devices: { documentCamera: { driver: 'uvc', deviceLabel: 'document.y4m', width: W, height: H } } });
  });
  test.afterAll(async () => {
    await station?.stop();
  });

  test('a material captured from the camera stream reaches the platform as a cut-out JPEG marked document-camera', async ({ page }) => {
    test.setTimeout(360_000);
    const { host, platform, devices } = station!;
    await page.goto(host.url);
    await signIn(page, DEMO_ASSISTANT);
    expect(await invoke(page, 'devices.windowConfig')).toEqual({ ok: true, value: { documentCamera: { driver: 'uvc', deviceLabel: 'document.y4m', width: W, height: H } } });
    await newCaseUpToMaterials(page, { present: () => devices.present('resident'), remove: () => devices.remove() });
    // not demo mode: the button is there because a camera is configured
    const { material, width, height, trackLabel } = await scanFirstMaterial(page, { width: 600, height: 848, angle: -9 });
    // the stream was the camera's (Chromium's fake video input, named after its file, picked by that label), not a canvas
    expect(trackLabel).toBe(y4m);
    const id = await submit(page);

    let onPlatform: ApplicationDoc | null = null;
    await expect
      .poll(async () => {
        onPlatform = (await platform.store.getDocument('applications', id)) as ApplicationDoc | null;
        return onPlatform?.status;
      }, { timeout: 90_000 })
      .toBe('synced');
    const ref = onPlatform!.materials.find((m) => m.code === material)!.attachments[0]!;
    expect(ref).toMatchObject({ mimeType: 'image/jpeg', source: 'document-camera', fileName: expect.stringMatching(/（高拍仪）\.jpg$/) });
    let bytes: Buffer | null = null;
    await expect
      .poll(async () => {
        const r = await fetch(`${platform.url}/api/v1/attachments/${ref.sha256}`, { headers: { authorization: `Bearer ${platform.adminToken}` } });
        if (r.status !== 200) return r.status;
        bytes = Buffer.from(await r.arrayBuffer());
        return 200;
      }, { timeout: 60_000 })
      .toBe(200);
    expect(createHash('sha256').update(bytes!).digest('hex')).toBe(ref.sha256);
    expect(bytes!.length).toBe(ref.size);
    // the stored JPEG is the cut-out page, turned a quarter, not the camera's 1280 × 960 frame
    expect(jpegSize(bytes!)).toEqual({ width, height });
  });
});
