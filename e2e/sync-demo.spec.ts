/**
 * Demo mode: a browser host with no configuration starts the embedded platform (PGlite, demo
 * catalog) on loopback, enrolls itself, and a page's store pulls the catalog — within a minute.
 */
import { expect, test } from '@playwright/test';
import { launchChromium, launchHost, openStorePage, type StoreApi } from './store-chromium';
import { eventually } from './sync-harness';
import type { SyncState } from '../preload/contract/sync-calls';

// Tagged @alone: its minute is the product's promise on an idle terminal, so `npm test` measures it after
// the parallel pass, with nothing else running (beside the station hall on two cores it took 83 s).
test('no configuration: embedded platform, enrollment and a first sync within a minute', { tag: '@alone' }, async () => {
  test.setTimeout(120_000);
  const t0 = Date.now();
  const host = await launchHost({});
  const chrome = await launchChromium();
  try {
    await openStorePage(chrome.page, host.url);
    const state = await eventually(async () => {
      const r = (await chrome.page.evaluate(() => (window as unknown as { terminal: { invoke(n: string): Promise<{ ok: boolean; value: SyncState }> } }).terminal.invoke('sync.status'))).value;
      return r.enrolled && r.online ? r : null;
    }, 60_000, 'demo platform enrolled and online');
    expect(state.mode).toBe('demo');
    expect(state.stationId).toBe('360121201');
    const items = await eventually(async () => {
      const n = await chrome.page.evaluate(() => (window as unknown as { __store: StoreApi }).__store.count('service_items'));
      return n > 10 ? n : null;
    }, 60_000, 'catalog synced');
    expect(items).toBeGreaterThan(10);
    // And a submitted application reaches the embedded platform (status comes back as synced).
    const [id] = await chrome.page.evaluate(() => (window as unknown as { __store: StoreApi }).__store.writeApplications(1, '演示'));
    await eventually(async () => (await chrome.page.evaluate((x) => (window as unknown as { __store: StoreApi }).__store.statuses([x]), id!))[id!] === 'synced', 30_000, 'synced');
    expect(Date.now() - t0).toBeLessThan(60_000);
  } finally {
    await chrome.kill();
    await host.kill('SIGTERM');
  }
});
