/**
 * The terminal store in Debian Chromium (Dexie/IndexedDB, field encryption, replication through the
 * real browser host and bridge) against the reference platform in this process, on PGlite in memory
 * (default) or, with BENCH_STORAGE=postgres, on a throwaway PostgreSQL cluster (as the province runs it):
 *   store-initial-sync-10k-items   empty terminal → 10,000 service items + 100 form schemas stored
 *   store-push-applications        BENCH_PUSH_DOCS (10,000) submitted applications written locally → all on the platform
 *   store-push-backlog-applications the same applications filed before the replication ran (a field laptop
 *                                  back online; written with the store's replication off, not timed): from
 *                                  the store's open (the catalog already pulled) → all on the platform
 *   store-list-query-10k           indexed list query (status, newest first, 50 rows) over 10,000 applications
 *   idb-floor-10k-items            the floor under the initial sync, same page: the 10,000 items (local form)
 *                                  written straight into IndexedDB in transactions of 1,000: one record per
 *                                  item with the collection's 5 indexes + 1, without indexes, and 1,000 items
 *                                  per record (BENCH_ONLY=floor)
 * Each reports the median over BENCH_RUNS runs (default 3; the query 20 times) and the renderer heap
 * (performance.memory.usedJSHeapSize with --enable-precise-memory-info).
 * BENCH_PROFILE=dir: over each push, a CPU profile of the renderer (DevTools format, into dir) and the
 * CPU time every process on the machine used (stderr): where a push's time goes, renderer or elsewhere.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform } from '../sync/server/platform';
import { startTestDatabase } from '../sync/server/test/pg-cluster';
import { demoCatalog } from '../sync/server/seed/catalog';
import { fakeCatalog } from '../renderer/db/fixtures';
import { toLocal } from '../renderer/db/modifiers';
import { injectStore, launchChromium, launchHost, openStorePage, type StoreApi } from '../e2e/store-chromium';
import { median, report } from './stats';
import type { Page } from '@playwright/test';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ONLY = (process.env.BENCH_ONLY ?? 'sync,push,backlog,query,floor').split(',');
const STATION = '360121201';
const PUSH_DOCS = Number(process.env.BENCH_PUSH_DOCS ?? 10_000);
/** The app's store (packed) and the named baseline (the Dexie store it replaced), runs interleaved. */
const STORES = (process.env.BENCH_STORES ?? 'packed,dexie').split(',') as ('packed' | 'dexie')[];
const suffix = (kind: string) => (kind === 'packed' ? '' : `-${kind}`);

const store = <T>(page: Page, fn: (s: StoreApi, arg: unknown) => Promise<T> | T, arg?: unknown): Promise<T> =>
  page.evaluate(([src, a]) => {
    const f = new Function('s', 'a', `return (${src})(s, a)`) as (s: unknown, a: unknown) => Promise<unknown>;
    return f((window as unknown as { __store: unknown }).__store, a);
  }, [fn.toString(), arg] as const) as Promise<T>;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** BENCH_PROFILE=dir: a CPU profile of the renderer over each push (`push-<store>-<run>.cpuprofile`, DevTools format). */
const PROFILE_DIR = process.env.BENCH_PROFILE ?? '';
/** CPU time (ms) of every process on the machine, by pid, with its command line's first words. */
function processCpu(): Map<number, { what: string; ms: number }> {
  const tick = 1000 / 100; // USER_HZ
  const out = new Map<number, { what: string; ms: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Chromium rewrites its command line into one string: split on spaces too.
      const words = readFileSync(`/proc/${d}/cmdline`, 'utf8').split(/[\0 ]+/).filter(Boolean);
      const type = words.find((a) => a.startsWith('--type='))?.slice(7);
      const what = `${words[0]?.split('/').pop() ?? '?'}${type ? ` ${type}` : ''} ${words.slice(1).filter((a) => !a.startsWith('-')).join(' ').slice(0, 60)}`;
      out.set(Number(d), { what, ms: (Number(f[11]) + Number(f[12])) * tick });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
async function startProfile(page: Page): Promise<(name: string) => Promise<void>> {
  const cpu0 = processCpu();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return async (name) => {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    const used = [...processCpu()].map(([pid, p]) => ({ pid, what: p.what, ms: p.ms - (cpu0.get(pid)?.ms ?? 0) })).filter((p) => p.ms >= 50).sort((a, b) => b.ms - a.ms);
    console.error(`[cpu over ${name}] ${used.map((p) => `${p.ms} ms ${p.what}`).join('; ')}`);
    await cdp.detach();
  };
}

const STORAGE = process.env.BENCH_STORAGE ?? 'pglite';
const pg = STORAGE === 'postgres' ? await startTestDatabase() : null;
const platform = await startPlatform({ heartbeatMs: 2000, ...(pg ? { databaseUrl: pg.url } : {}) });
const { items, forms } = fakeCatalog(10_000, 100);
await platform.store.upsertAsPlatform('form_schemas', forms);
await platform.store.upsertAsPlatform('service_items', items);
await platform.store.upsertAsPlatform('station_config', [
  { id: STATION, _deleted: false, updatedAt: '2026-01-01T00:00:00.000Z', stationId: STATION, name: '南新乡便民服务中心', divisionCode: STATION, level: 'township', windows: [], queueCategories: [], kioskContent: { welcome: '欢迎', notices: [] }, retentionDays: 180 },
]);

async function terminal(station = STATION) {
  const host = await launchHost({ config: { role: 'display', platform: { url: platform.url, enrollCode: await platform.createEnrollCode(station) } } });
  const chrome = await launchChromium();
  return {
    host,
    chrome,
    async close() {
      await chrome.kill();
      await host.kill('SIGTERM');
      rmSync(chrome.userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      rmSync(host.dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

try {
  // ---------------------------------------------------------------- initial sync
  const syncMs: Record<string, number[]> = {};
  const fromOpenMs: Record<string, number[]> = {};
  const heaps: Record<string, number[]> = {};
  for (let i = 0; i < (ONLY.includes('sync') ? RUNS : 0); i++) {
    for (const kind of STORES) {
      const t = await terminal();
      try {
        const t0 = Date.now();
        const cdp = await t.chrome.page.context().newCDPSession(t.chrome.page);
        await cdp.send('Page.setBypassCSP', { enabled: true });
        await t.chrome.page.goto(t.host.url);
        await injectStore(t.chrome.page, null); // the bench's own store bundle: not part of the app's start
        const opened = Date.now();
        await store(t.chrome.page, (s, k) => s.open('bench', k as 'packed'), kind);
        // Waits inside the page, counting after each write: polling counts from here every 50 ms ran two
        // count queries over the growing store 20 times a second, on the core the sync needs.
        await store(t.chrome.page, (s) => s.waitForCounts({ service_items: 10_000, form_schemas: 100 }, 300_000));
        (syncMs[kind] ??= []).push(Date.now() - t0);
        (fromOpenMs[kind] ??= []).push(Date.now() - opened);
        (heaps[kind] ??= []).push((await store(t.chrome.page, (s) => s.heap())) ?? NaN);
      } finally {
        await t.close();
      }
    }
  }
  for (const kind of Object.keys(syncMs)) {
    report({ name: `store-initial-sync-10k-items${suffix(kind)}`, unit: 'ms', median: median(syncMs[kind]!), samples: syncMs[kind], storage: STORAGE, fromStoreOpenMs: median(fromOpenMs[kind]!), fromStoreOpenSamples: fromOpenMs[kind], heapMB: median(heaps[kind]!) / 1048576, ...(kind === 'packed' ? { target: '< 2000 ms (issue 16)' } : {}), ...(kind !== 'packed' && syncMs.packed ? { packedOverThis: median(syncMs.packed) / median(syncMs[kind]!) } : {}), note: `${kind} store${kind === 'packed' ? ' (the app)' : ' (baseline: the store before the packed one)'}; 10,000 service items + 100 form schemas; from page open (includes injecting the bench store bundle) to all stored; fromStoreOpenMs: from the store open (key, store open, leader election, replication) to all stored` });
  }

  // ---------------------------------------------------------------- push
  // The platform checks submitted form data against its form: the bench's applications name MZ06@1 (demo form).
  if (ONLY.includes('push') || ONLY.includes('backlog')) await platform.store.upsertAsPlatform('form_schemas', demoCatalog().forms.filter((f) => f.id === 'MZ06@1'));
  let pushRun = 0;
  /**
   * A terminal of a station of its own (so it does not also pull the earlier runs' applications), its
   * store open and the catalog pulled; `close` ends it.
   */
  async function pushTerminal(kind: string) {
    const station = `36012199${String(pushRun++).padStart(2, '0')}`;
    const t = await terminal(station);
    try {
      await openStorePage(t.chrome.page, t.host.url, null);
      await store(t.chrome.page, (s, k) => s.open('bench', k as 'packed'), kind);
      await until(() => store(t.chrome.page, (s) => s.replicating()), 60_000, 'replicating');
      await until(async () => (await store(t.chrome.page, (s) => s.count('service_items'))) === 10_000, 300_000, 'catalog first');
    } catch (e) {
      await t.close();
      throw e;
    }
    return { ...t, station };
  }
  /** Until the platform holds `PUSH_DOCS` more applications than `before`. Polled every 250 ms: the platform (PGlite) runs in this process, a tight poll would slow it down. */
  const onPlatform = (before: number, what: string) => until(async () => (await platform.store.countDocuments('applications')) - before >= PUSH_DOCS, 300_000, what, 250);

  const pushMs: Record<string, number[]> = {};
  const pushHeaps: Record<string, number[]> = {};
  for (let i = 0; i < (ONLY.includes('push') ? RUNS : 0); i++) {
    for (const kind of STORES) {
      const t = await pushTerminal(kind);
      try {
        const before = await platform.store.countDocuments('applications');
        const prof = PROFILE_DIR ? await startProfile(t.chrome.page) : null;
        const t0 = Date.now();
        await store(t.chrome.page, (s, a) => s.benchSubmitBulk((a as [number, string])[0], (a as [number, string])[1]), [PUSH_DOCS, t.station]);
        await onPlatform(before, 'push');
        (pushMs[kind] ??= []).push(Date.now() - t0);
        if (prof) await prof(`push-${kind}-${i}`);
        (pushHeaps[kind] ??= []).push((await store(t.chrome.page, (s) => s.heap())) ?? NaN);
      } finally {
        await t.close();
      }
    }
  }
  for (const kind of Object.keys(pushMs)) {
    report({ name: `store-push-applications${suffix(kind)}`, unit: 'ms', median: median(pushMs[kind]!), samples: pushMs[kind], storage: STORAGE, docs: PUSH_DOCS, heapMB: median(pushHeaps[kind]!) / 1048576, ...(kind === 'packed' && PUSH_DOCS === 10_000 ? { target: '< 5000 ms (issue 16)' } : {}), ...(kind !== 'packed' && pushMs.packed ? { packedOverThis: median(pushMs.packed) / median(pushMs[kind]!) } : {}), note: `${kind} store; local bulk write (encrypted) + replication push until all ${PUSH_DOCS} are on the platform` });
  }

  // ---------------------------------------------------------------- backlog push
  // The push proper, as the Node client's line measures it (sync-client, sync-peer): the applications
  // are in the store before its replication starts, and the clock runs from the store's open.
  const backlogMs: Record<string, number[]> = {};
  for (let i = 0; i < (ONLY.includes('backlog') ? RUNS : 0); i++) {
    for (const kind of STORES) {
      const t = await pushTerminal(kind);
      try {
        // Synced once (the catalog), then closed: the backlog is filed with no replication running.
        await store(t.chrome.page, (s) => s.close());
        const written = await store(t.chrome.page, (s, a) => s.benchWriteBacklog('bench', ...(a as [number, string, 'packed'])), [PUSH_DOCS, t.station, kind]);
        if (written !== PUSH_DOCS) throw new Error(`backlog: ${written} written`);
        const before = await platform.store.countDocuments('applications');
        const prof = PROFILE_DIR ? await startProfile(t.chrome.page) : null;
        const t0 = Date.now();
        await store(t.chrome.page, (s, k) => s.open('bench', k as 'packed'), kind);
        await onPlatform(before, 'backlog push');
        (backlogMs[kind] ??= []).push(Date.now() - t0);
        if (prof) await prof(`backlog-${kind}-${i}`);
      } finally {
        await t.close();
      }
    }
  }
  for (const kind of Object.keys(backlogMs)) {
    report({ name: `store-push-backlog-applications${suffix(kind)}`, unit: 'ms', median: median(backlogMs[kind]!), samples: backlogMs[kind], storage: STORAGE, docs: PUSH_DOCS, ...(kind !== 'packed' && backlogMs.packed ? { packedOverThis: median(backlogMs.packed) / median(backlogMs[kind]!) } : {}), note: `${kind} store; ${PUSH_DOCS} submitted applications filed while the replication was off (not timed), then from the store's open (key, open, leader election, replication) until all are on the platform` });
  }

  // ---------------------------------------------------------------- floor
  if (ONLY.includes('floor')) {
    const t = await terminal();
    try {
      await openStorePage(t.chrome.page, t.host.url, null);
      const local = items.map((d) => toLocal('service_items', d as never));
      const variants = [
        { name: 'one record per item, 6 indexes', indexes: 6, packed: false },
        { name: 'one record per item, no index', indexes: 0, packed: false },
        { name: '1,000 items per record', indexes: 0, packed: true },
      ];
      const results: Record<string, number[]> = {};
      for (let run = 0; run < RUNS; run++) {
        for (const [k, v] of variants.entries()) {
          const ms = await t.chrome.page.evaluate(async ([docs, db, indexes, packed]) => {
            const req = indexedDB.open(db, 1);
            req.onupgradeneeded = () => {
              const os = req.result.createObjectStore('d', { keyPath: 'id' });
              const paths: (string | string[])[] = ['sortOrder', ['department', 'sortOrder'], 'initials', ['level', 'sortOrder'], 'code', ['_deleted', 'id']];
              paths.slice(0, indexes).forEach((path, i) => os.createIndex(`i${i}`, path));
            };
            const idb: IDBDatabase = await new Promise((res, rej) => {
              req.onsuccess = () => res(req.result);
              req.onerror = () => rej(req.error);
            });
            const t0 = performance.now();
            for (let i = 0; i < docs.length; i += 1000) {
              await new Promise<void>((res, rej) => {
                // As the app's store writes: strict durability (chromeTransactionDurability, renderer/db/storage.ts).
                const tx = idb.transaction('d', 'readwrite', { durability: 'strict' });
                const os = tx.objectStore('d');
                const part = docs.slice(i, i + 1000);
                if (packed) os.put({ id: `p${i}`, docs: part });
                else for (const d of part) os.put({ ...d, _deleted: 0 });
                tx.oncomplete = () => res();
                tx.onerror = () => rej(tx.error);
              });
            }
            const ms = performance.now() - t0;
            idb.close();
            return ms;
          }, [local, `floor-${run}-${k}`, v.indexes, v.packed] as const);
          (results[v.name] ??= []).push(ms);
        }
      }
      report({
        name: 'idb-floor-10k-items',
        unit: 'ms',
        median: median(results[variants[0]!.name]!),
        samples: results[variants[0]!.name],
        ...Object.fromEntries(variants.map((v) => [v.name, median(results[v.name]!)])),
        note: 'raw IndexedDB in the same Chromium: the 10,000 items written in transactions of 1,000 (strict durability), no RxDB; the first figure is one record per item with the indexes the store keeps',
      });
    } finally {
      await t.close();
    }
  }

  // ---------------------------------------------------------------- query
  if (ONLY.includes('query')) {
  const t = await terminal();
  try {
    await openStorePage(t.chrome.page, t.host.url, null);
    await store(t.chrome.page, (s) => s.benchOpen('bench-query'));
    const insertMs = await store(t.chrome.page, (s, st) => s.benchInsertApplications(10_000, st as string), STATION);
    const q: number[] = [];
    let n = 0;
    for (let i = 0; i < 20; i++) {
      // a different limit each time: RxDB caches query results, the figure is a cold query
      const r = await store(t.chrome.page, (s, a) => s.benchListQuery((a as [string, number])[0], (a as [string, number])[1]), [['accepted', 'submitted', 'draft', 'approved'][i % 4], 50 + i]);
      q.push(r.ms);
      n = r.n;
    }
    report({ name: 'store-list-query-10k', unit: 'ms', median: median(q), samples: q, rows: n, insert10kMs: insertMs, heapMB: ((await store(t.chrome.page, (s) => s.heap())) ?? NaN) / 1048576, note: 'find({status}, sort updatedAt desc, limit 50) over 10,000 encrypted applications, index [status, updatedAt]' });
  } finally {
    await t.close();
  }
  }
} finally {
  await platform.close();
  await pg?.stop();
}
process.exit(0);
