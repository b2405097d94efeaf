/**
 * The store in real Debian Chromium (IndexedDB via Dexie) with the real browser host and platform:
 * PII is ciphertext in the raw object stores; data acknowledged before a SIGKILL of Chromium and of
 * the host process is there after relaunch and reaches the platform exactly once; a page reload in
 * the middle of a sync finishes the sync; a damaged record on disk is set aside and the clerk window
 * opens its store and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { ApplicationDoc } from '../sync/protocol';
import { startPlatform, type Platform } from '../sync/server/platform';
import { injectStore, launchChromium, launchHost, openStorePage, type KillableChromium, type KillableHost, type StoreApi } from './store-chromium';
import { startFaultProxy, type FaultProxy } from './sync-fault-proxy';
import { eventually } from './sync-harness';
import { startHost } from './host';
import { signIn } from './clerk-helpers';

const STATION = '360121201';
test.describe.configure({ mode: 'serial', timeout: 180_000 });

const store = <T>(page: Page, fn: (s: StoreApi, arg: unknown) => Promise<T> | T, arg?: unknown): Promise<T> =>
  page.evaluate(([src, a]) => {
    const f = new Function('s', 'a', `return (${src})(s, a)`) as (s: unknown, a: unknown) => Promise<unknown>;
    return f((window as unknown as { __store: unknown }).__store, a);
  }, [fn.toString(), arg] as const) as Promise<T>;

let platform: Platform;
let proxy: FaultProxy;
const cleanups: (() => Promise<void> | void)[] = [];

test.beforeAll(async () => {
  platform = await startPlatform({ seedDemo: true, heartbeatMs: 1000 });
  const u = new URL(platform.url);
  proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
});
test.afterEach(async () => {
  // Every cleanup runs even when one fails; the first failure is reported after all of them ran.
  const results = await cleanups.splice(0).reverse().reduce<Promise<unknown[]>>(async (acc, c) => [...(await acc), await Promise.resolve().then(c).then(() => null, (e: unknown) => e)], Promise.resolve([]));
  const failed = results.find((r) => r !== null);
  if (failed) throw failed;
});
test.afterAll(async () => {
  await proxy?.close();
  await platform?.close();
});

async function terminal(opts: { dataDir?: string; port?: number; profile?: string } = {}): Promise<{ host: KillableHost; chrome: KillableChromium }> {
  const config = { role: 'display', platform: { url: proxy.url, enrollCode: await platform.createEnrollCode(STATION) } };
  const host = await launchHost({ config, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.port ? { port: opts.port } : {}) });
  const chrome = await launchChromium(opts.profile);
  cleanups.push(() => chrome.kill(), () => host.kill());
  await openStorePage(chrome.page, host.url);
  return { host, chrome };
}

async function onServer(ids: string[]): Promise<ApplicationDoc[]> {
  const docs = await Promise.all(ids.map((id) => platform.store.getDocument('applications', id)));
  return docs.filter(Boolean) as ApplicationDoc[];
}

/** Received as submitted applications (a draft may reach the platform first, then its submission). */
async function receivedOnServer(ids: string[]): Promise<number> {
  return (await onServer(ids)).filter((d) => d.status === 'synced').length;
}

test('encrypted fields are ciphertext in the raw IndexedDB stores', async () => {
  const { chrome } = await terminal();
  const page = chrome.page;
  const [id] = await store(page, (s) => s.writeApplications(1, '加密测试人'));
  const dump = await store(page, (s) => s.rawDump());
  expect(dump).toContain(id!);
  for (const secret of ['加密测试人', '360121195001011234', '360121194010010024', '13800000000', '南新乡测试路1号']) expect(dump, secret).not.toContain(secret);
  // The replication's own bookkeeping (assumed master states) is encrypted too once synced.
  await eventually(async () => (await receivedOnServer([id!])) === 1, 20_000, 'synced');
  const dump2 = await store(page, (s) => s.rawDump());
  expect(dump2).not.toContain('加密测试人');
  expect(await store(page, (s) => s.isLeader())).toBe(true);
});

test('quarantine entries an older terminal stored (v0) migrate in IndexedDB: the refused fields become data, the copy stays', async () => {
  const { chrome } = await terminal();
  // the open-source RxDB caps collections open at once: close the page's own store first
  await store(chrome.page, (s) => s.close());
  const r = await store(chrome.page, (s) => s.quarantineMigration());
  const byId = new Map(r.entries.map((e) => [e.docId, e]));
  expect(byId.get(r.formInvalidId)).toEqual({
    docId: r.formInvalidId,
    code: 'FORM_INVALID',
    fields: [{ path: 'phone', keyword: '' }, { path: 'members.0.name', keyword: '' }],
    reason: '表单内容有2处不符合要求：请填写手机号。请核对修改后重新提交。',
    docIntact: true,
    attempts: 2,
  });
  // a field-looking suffix on another code is not read
  expect(byId.get(r.otherId)).toMatchObject({ code: 'INVALID_DOCUMENT', fields: [], docIntact: true, attempts: 2 });
});

// Tagged @alone: `npm test` runs it after the parallel pass, with nothing else running. Its writes must
// still be in flight when the kill lands; beside a heavy spec (the station hall: hubs, several
// Chromiums) on two cores, 40 writes once took over 30 s (2-3 s on a quiet machine).
test('SIGKILL of Chromium and of the host mid-sync: acknowledged data survives and reaches the platform exactly once', { tag: '@alone' }, async () => {
  test.setTimeout(300_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'store-kill-host-'));
  const profile = mkdtempSync(join(tmpdir(), 'store-kill-profile-'));
  const rm = (d: string) => () => rmSync(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  cleanups.push(rm(dataDir), rm(profile));
  const first = await terminal({ dataDir, profile });
  const page = first.chrome.page;
  await eventually(() => store(page, (s) => s.replicating()), 20_000, 'replicating');
  proxy.set({ kind: 'delay', ms: 30 }); // keep pushes in flight when the kill lands
  // Write continuously; every id is recorded only after its write resolved (= acknowledged to the UI).
  await page.evaluate(() => {
    const w = window as unknown as { __acked: string[]; __store: StoreApi };
    w.__acked = [];
    void (async () => {
      for (let i = 0; i < 400; i++) w.__acked.push(...(await w.__store.writeApplications(1, `断电${i}-`)));
    })();
  });
  await eventually(() => page.evaluate(() => (window as unknown as { __acked: string[] }).__acked.length >= 40), 90_000, '40 acknowledged');
  const acked = await page.evaluate(() => [...(window as unknown as { __acked: string[] }).__acked]);
  await Promise.all([first.chrome.kill(), first.host.kill('SIGKILL')]);
  proxy.set({ kind: 'pass' });

  // Relaunch both with the same data folder, port (same origin) and profile.
  const host = await launchHost({ dataDir, port: first.host.port });
  const chrome = await launchChromium(profile);
  cleanups.push(() => chrome.kill(), () => host.kill());
  await openStorePage(chrome.page, host.url);
  const statuses = await store(chrome.page, (s, ids) => s.statuses(ids as string[]), acked);
  expect(Object.keys(statuses).sort()).toEqual([...acked].sort());
  for (const st of Object.values(statuses)) expect(['submitted', 'synced']).toContain(st);

  await eventually(async () => (await receivedOnServer(acked)) === acked.length, 60_000, 'all acknowledged applications on the server');
  for (const d of await onServer(acked)) {
    expect(d.statusHistory.filter((h) => h.status === 'submitted')).toHaveLength(1);
    expect(d.statusHistory.filter((h) => h.status === 'synced')).toHaveLength(1);
  }
  await eventually(async () => Object.values(await store(chrome.page, (s, ids) => s.statuses(ids as string[]), acked)).every((x) => x === 'synced'), 30_000, 'synced status back on the terminal');
});

// Tagged @alone: the reload must land while the sync is under way. Beside the station hall spec on two
// cores the whole test once took over 3 minutes (20 s alone) and ran out of its time.
test('a page reload in the middle of a sync finishes the sync', { tag: '@alone' }, async () => {
  const { chrome } = await terminal();
  const page = chrome.page;
  await eventually(() => store(page, (s) => s.replicating()), 20_000, 'replicating');
  proxy.set({ kind: 'drop' });
  const ids = await store(page, (s) => s.writeApplications(150, '刷新'));
  proxy.set({ kind: 'delay', ms: 40 });
  await store(page, () => (window as unknown as { terminal: { invoke(n: string): Promise<unknown> } }).terminal.invoke('sync.retry'));
  await eventually(async () => {
    const n = (await onServer(ids)).length;
    return n > 0 && n < ids.length;
  }, 30_000, 'sync under way');
  const before = await page.evaluate(() => performance.timeOrigin);
  await page.reload();
  expect(await page.evaluate(() => performance.timeOrigin)).not.toBe(before); // a new document, not a hash change
  await injectStore(page);
  proxy.set({ kind: 'pass' });
  await eventually(async () => (await receivedOnServer(ids)) === ids.length, 60_000, 'all on the server after the reload');
  for (const d of await onServer(ids)) expect(d.statusHistory.filter((h) => h.status === 'synced')).toHaveLength(1);
  await eventually(async () => Object.values(await store(page, (s, x) => s.statuses(x as string[]), ids)).every((x) => x === 'synced'), 30_000, 'synced status back on the terminal');
  await eventually(async () => (await store(page, (s) => s.pending())) === 0, 30_000, 'nothing pending').catch(async (e) => {
    throw new Error(`${String(e)}: ${JSON.stringify(await store(page, (s) => s.pendingDetail()))}`);
  });
});

test('only the leader window replicates; the other sees the same data', async () => {
  const { chrome, host } = await terminal();
  const a = chrome.page;
  await eventually(() => store(a, (s) => s.replicating()), 20_000, 'first window replicating');
  const b = await a.context().newPage();
  await openStorePage(b, host.url);
  const [id] = await store(b, (s) => s.writeApplications(1, '第二窗口'));
  await eventually(async () => (await store(a, (s, x) => s.statuses([x as string]), id))[id!] === 'synced', 20_000, 'synced by the leader');
  expect(await store(b, (s) => s.replicating())).toBe(false);
  expect(await store(b, (s) => s.isLeader())).toBe(false);
  await eventually(async () => (await store(b, (s, x) => s.statuses([x as string]), id))[id!] === 'synced', 10_000, 'second window sees the status');
  // The leader goes away: the other window takes over and replicates.
  await a.close();
  await eventually(() => store(b, (s) => s.replicating()), 30_000, 'second window took over');
  const [id2] = await store(b, (s) => s.writeApplications(1, '接管'));
  await eventually(async () => (await receivedOnServer([id2!])) === 1, 20_000, 'synced after take-over');
});

test('a damaged record on disk is set aside: the clerk window opens its store, keeps the record as stored and says so', async ({ page }) => {
  const host = await startHost({ role: 'clerk', config: { role: 'clerk' } });
  cleanups.push(() => host.stop());
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(host.url);
  await signIn(page);
  await page.goto(`${host.url.split('#')[0]}#/clerk/sync`);
  // The window's store is open and has pulled the demo platform's data.
  await expect(page.getByTestId('sync-last')).not.toHaveText('尚未同步', { timeout: 60_000 });
  await expect(page.getByTestId('sync-pending')).toHaveText('0', { timeout: 30_000 });
  await expect(page.getByTestId('clerk-damaged-banner')).toHaveCount(0);
  // Raw IndexedDB in the page: a record of one of its instances that this build never writes.
  const injected = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('rxdb-packed-terminal');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('chunks', 'readwrite');
    const chunks = tx.objectStore('chunks');
    const all = await new Promise<{ i: string }[]>((resolve) => {
      const q = chunks.getAll();
      q.onsuccess = () => resolve(q.result as { i: string }[]);
    });
    const i = (all.find((r) => r.i.startsWith('service_items--')) ?? all[0]!).i;
    const k = await new Promise<number>((resolve) => {
      const q = chunks.add({ i, d: [{ id: 'junk', note: '损坏' }], z: new Uint8Array([1, 2, 3]) });
      q.onsuccess = () => resolve(q.result as number);
    });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    return { i, k, records: all.length, version: db.version };
  });
  expect(injected.version).toBe(2);
  // A new document (the launch url differs only in its hash: leave the page first), same profile.
  const before = await page.evaluate(() => performance.timeOrigin);
  await page.goto('about:blank');
  await page.goto(host.url);
  expect(await page.evaluate(() => performance.timeOrigin)).not.toBe(before);
  await expect(page.getByTestId('clerk-damaged-banner')).toHaveText('本地数据中有 1 条记录已损坏，已隔离保存；其余数据可正常使用，请联系技术支持。', { timeout: 30_000 });
  const disk = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('rxdb-packed-terminal');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const get = <T>(store: string) =>
      new Promise<T[]>((resolve) => {
        const q = db.transaction(store, 'readonly').objectStore(store).getAll();
        q.onsuccess = () => resolve(q.result as T[]);
      });
    type Aside = { instance: string; key: number; during: string; reason: string; record: { i: string; k: number; d: unknown; z: Uint8Array } };
    const aside = (await get<Aside>('damaged')).map((r) => ({ ...r, at: undefined, record: { ...r.record, z: r.record.z instanceof Uint8Array ? [...r.record.z] : r.record.z } }));
    const chunks = await get<{ k: number }>('chunks');
    db.close();
    return { aside, keys: chunks.map((c) => c.k) };
  });
  expect(disk.aside).toEqual([{ instance: injected.i, key: injected.k, during: 'open', reason: 'fields other than i, k and d', at: undefined, record: { i: injected.i, k: injected.k, d: [{ id: 'junk', note: '损坏' }], z: [1, 2, 3] } }]);
  expect(disk.keys).not.toContain(injected.k);
  // One English log line, no document contents.
  const said = logs.filter((l) => l.includes('damaged record'));
  expect(said).toEqual([`packed storage: set aside 1 damaged record(s) of ${injected.i} in terminal during open (${injected.k}: fields other than i, k and d); the other records were applied`]);
  // The store works: signed in again, the sync page shows the notice and the counts.
  const signedInOrNot = page.getByTestId('clerk-signin').or(page.getByTestId('clerk-staff'));
  await expect(signedInOrNot).toBeVisible({ timeout: 30_000 });
  if (await page.getByTestId('clerk-signin').isVisible()) await signIn(page);
  await page.goto(`${host.url.split('#')[0]}#/clerk/sync`);
  await expect(signedInOrNot).toBeVisible({ timeout: 30_000 });
  if (await page.getByTestId('clerk-signin').isVisible()) await signIn(page);
  await expect(page.getByTestId('sync-damaged')).toContainText('本地数据中有 1 条记录已损坏', { timeout: 30_000 });
  await expect(page.getByTestId('sync-level')).toHaveText('需要处理');
  await expect(page.getByTestId('sync-pending')).toHaveText('0', { timeout: 30_000 });
});
