/**
 * Browser-host cold start to first paint of the kiosk home, median of 5 runs.
 *
 * Each run: spawn `node out/main/host.js` (fresh data dir) → READY line → a fresh Chromium page
 * opens the URL → the kiosk home's first tile is visible; first-contentful-paint is read from
 * the page. Chromium is launched once beforehand (its own start-up is not the host's).
 * Baseline: the same page served by a bare static file server (no bridge, no services), which
 * shows what the host itself adds.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
// @ts-expect-error -- plain .mjs helper without types
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { startHost } from '../e2e/host';
import { median, report } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

(ensureBuild as (o: { quiet: boolean }) => void)({ quiet: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function paintOf(url: string): Promise<{ navToVisible: number; fcp: number }> {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(url);
  await page.getByTestId('kiosk-tile-services').waitFor({ state: 'visible', timeout: 30_000 });
  const navToVisible = performance.now() - t0;
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  await context.close();
  return { navToVisible, fcp };
}

const total: number[] = [];
const toReady: number[] = [];
const fcps: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const host = await startHost({ role: 'kiosk' });
  const ready = performance.now() - t0;
  const p = await paintOf(host.url);
  total.push(ready + p.navToVisible);
  toReady.push(ready);
  fcps.push(p.fcp);
  await host.stop();
}

// Baseline: bare static server of the same build; the page shows its no-bridge screen, so the
// measure is navigation → first-contentful-paint only.
const dir = join(import.meta.dirname, '..', 'out', 'renderer');
const server = createServer(async (req, res) => {
  const path = req.url === '/' || !req.url ? '/index.html' : req.url.split('?')[0]!;
  try {
    const body = await readFile(join(dir, path));
    res.writeHead(200, { 'Content-Type': extname(path) === '.js' ? 'text/javascript' : extname(path) === '.css' ? 'text/css' : 'text/html' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const baseFcp: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
  baseFcp.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]!.startTime));
  await context.close();
}
server.close();
await browser.close();

report({ name: 'host.cold-start-to-kiosk-visible', unit: 'ms', runs: RUNS, median: median(total), samples: total });
report({ name: 'host.spawn-to-ready', unit: 'ms', runs: RUNS, median: median(toReady), samples: toReady });
report({ name: 'host.kiosk-first-contentful-paint', unit: 'ms', runs: RUNS, median: median(fcps), samples: fcps });
report({ name: 'baseline.static-server-first-contentful-paint', unit: 'ms', runs: RUNS, median: median(baseFcp), samples: baseFcp, ratio: median(fcps) / median(baseFcp) });
