/**
 * The clerk's 办件列表 and daily summary over 10,000 applications in Debian Chromium, on real
 * IndexedDB (Dexie), with the app's schemas, field encryption and query code
 * (renderer/clerk/cases/query.ts), through the store harness (e2e/store-chromium.ts + store-page.ts).
 *
 *   clerk-cases-chromium list <filters>        first page of 20, cold (RxDB's query cache cleared), p50/p95
 *   clerk-cases-chromium id-number             search by ID number through the salted hash, p50/p95
 *   clerk-cases-chromium summary-csv <range>   counts by service and status + CSV (decrypts nothing), median
 *   clerk-cases-chromium summary-csv whole-table, with the old way (find() over the range: every
 *                                              document decrypted) in Chromium and the Node baseline
 *
 *   node --import tsx bench/clerk-cases-chromium.bench.ts   (needs the build: out/main/host.js)
 *   env BENCH_N (default 10000), BENCH_RUNS (list runs per filter, default 55 after 5 warm-up)
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startPlatform } from '../sync/server/platform';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../sync/protocol';
import type { CaseFilter } from '../renderer/clerk/cases/query';
import { callStore, launchChromium, launchHost, openStorePage } from '../e2e/store-chromium';
import { median, percentile, report } from './stats';

const N = Number(process.env.BENCH_N ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 55);
const WARMUP = 5;
const DAYS = 40;
const RESIDENTS = 3000;
const START = Date.UTC(2026, 9, 1);
const STATION = '360121201';
/** The old summary (decrypt everything) over the whole 10k table in Node on RxDB memory storage
 * (bench/clerk-cases.bench.ts before this change, 2026-11-29 11:01 UTC). */
const NODE_MEMORY_OLD_WHOLE_TABLE_MS = 4186;

/** Same formula as e2e/store-page.ts benchIdNumber. */
const idNumber = (k: number) => `36012119500101${String(k % 10_000).padStart(4, '0')}`;
const day = (d: number) => new Date(START + (d % DAYS) * 86_400_000).toISOString().slice(0, 10);
/** Local-day bounds, as the clerk page computes them (Chromium runs in the same time zone). */
const dayStart = (d: string) => new Date(`${d}T00:00:00`).toISOString();
const dayEnd = (d: string) => new Date(`${d}T23:59:59.999`).toISOString();
const S = (r: number) => `S${String(r % 50).padStart(2, '0')}`;
const st = (r: number): ApplicationStatus => APPLICATION_STATUSES[r % APPLICATION_STATUSES.length]!;

const load0 = loadavg();
const platform = await startPlatform({ heartbeatMs: 2000 });
const host = await launchHost({ config: { role: 'display', platform: { url: platform.url, enrollCode: await platform.createEnrollCode(STATION) } } });
const chrome = await launchChromium();
try {
  const page = chrome.page;
  await openStorePage(page, host.url, null);
  await callStore(page, 'benchOpen', 'bench-cases');
  const insertMs = await callStore(page, 'benchInsertCases', N, DAYS, START, RESIDENTS, STATION);
  report({ name: 'clerk-cases-chromium insert', unit: 'ms', median: insertMs, n: N, note: 'bulkInsert in batches of 1000: field encryption + 8 indexes, strict durability' });

  // ------------------------------------------------------------------ (a) list, (b) ID number
  const combos: [string, (r: number) => CaseFilter][] = [
    ['no filter', () => ({})],
    ['status', (r) => ({ status: [st(r)] })],
    ['two statuses', (r) => ({ status: [st(r), st(r + 3)] })],
    ['status+service+dates', (r) => ({ status: ['submitted', 'synced'], service: S(r), from: day(r % 30), to: day((r % 30) + 7) })],
    ['assistant+status', (r) => ({ assistant: `S00${r % 5}`, status: [st(r)] })],
    ['one day', (r) => ({ from: day(r), to: day(r) })],
    ['sync pending', (r) => (r % 2 ? { sync: 'pending' } : { sync: 'pending', status: [st(r)] })],
    ['synced+service', (r) => ({ sync: 'synced', service: S(r) })],
    ['all filters', (r) => ({ sync: 'synced', service: S(r), status: [st(r), st(r + 1)], assistant: `S00${r % 5}`, from: day(r % 20), to: day((r % 20) + 14) })],
    ['id-number (salted hash)', (r) => ({ idNumber: idNumber((r * 37) % RESIDENTS) })],
  ];
  for (const [name, filterOf] of combos) {
    const ms: number[] = [];
    let rows = 0;
    let decrypted = 0;
    for (let r = 0; r < WARMUP + RUNS; r++) {
      const res = await callStore(page, 'benchCases', filterOf(r), 20, 0);
      if (r >= WARMUP) ms.push(res.ms);
      rows = Math.max(rows, res.n);
      decrypted = Math.max(decrypted, res.decrypted);
    }
    report({ name: `clerk-cases-chromium ${name.startsWith('id-number') ? name : `list ${name}`}`, unit: 'ms', median: median(ms), p95: percentile(ms, 95), runs: ms.length, maxRows: rows, maxDecrypted: decrypted, n: N, storage: 'dexie (Chromium IndexedDB)' });
  }

  // ------------------------------------------------------------------ (c) daily summary + CSV
  const summary = async (label: string, ranges: [string | undefined, string | undefined][], extra: Record<string, unknown> = {}) => {
    const ms: number[] = [];
    let total = 0;
    let csvChars = 0;
    for (const [from, to] of ranges) {
      const r = await callStore(page, 'benchSummary', from, to);
      ms.push(r.ms);
      total = r.total;
      csvChars = r.csvChars;
    }
    const m = median(ms.slice(1));
    report({ name: `clerk-cases-chromium summary-csv ${label}`, unit: 'ms', median: m, p95: percentile(ms.slice(1), 95), samples: ms, applications: total, csvChars, n: N, ...extra });
    return m;
  };
  await summary('one day', Array.from({ length: 10 }, (_, i) => [dayStart(day(3 + i)), dayEnd(day(3 + i))]));
  await summary('one week', Array.from({ length: 8 }, (_, i) => [dayStart(day(2 + i)), dayEnd(day(8 + i))]));

  // ------------------------------------------------------------------ (d) whole table, new vs old
  const oldDay: number[] = [];
  for (let i = 0; i < 6; i++) oldDay.push((await callStore(page, 'benchSummaryDecrypting', dayStart(day(20 + i)), dayEnd(day(20 + i)))).ms);
  report({ name: 'clerk-cases-chromium summary-csv one day, old way (decrypt every document of the day)', unit: 'ms', median: median(oldDay.slice(1)), samples: oldDay, n: N });
  const oldWhole: number[] = [];
  for (let i = 0; i < 3; i++) oldWhole.push((await callStore(page, 'benchSummaryDecrypting')).ms);
  const oldWholeMs = median(oldWhole);
  const newWholeMs = await summary('whole table', Array.from({ length: 8 }, () => [undefined, undefined]), {
    oldWayChromiumMs: oldWholeMs,
    oldWayChromiumSamples: oldWhole,
    nodeMemoryOldWayMs: NODE_MEMORY_OLD_WHOLE_TABLE_MS,
  });
  report({
    name: 'clerk-cases-chromium summary whole-table speed-up',
    unit: 'x',
    median: oldWholeMs / newWholeMs,
    vsNodeMemoryBaseline: NODE_MEMORY_OLD_WHOLE_TABLE_MS / newWholeMs,
    heapMB: ((await callStore(page, 'heap')) ?? NaN) / 1048576,
    loadavgStart: load0.map((x) => Math.round(x * 100) / 100),
    loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    note: 'old way = find() over the range, every document decrypted (RxDB crypto-js); new = stored documents read below the encryption, 2 plain members each',
  });
} finally {
  await chrome.kill();
  await host.kill('SIGTERM');
  await platform.close();
  rmSync(chrome.userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  rmSync(host.dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
process.exit(0);
