/**
 * Clerk list query and daily summary over 10k applications, on the store's real schema, field
 * encryption and query code (renderer/db + renderer/clerk/cases/query.ts), in Node on RxDB's memory
 * storage. NOT Chromium/Dexie: the IndexedDB numbers need the store-chromium harness (to do).
 *
 *   node --import tsx bench/clerk-cases.bench.ts        (env BENCH_N, default 10000)
 */
import { hashIdNumber } from '../renderer/db/applications';
import { memoryDb, TEST_SALT } from '../renderer/db/test-helpers';
import type { ApplicationLocal } from '../renderer/db/schemas';
import { queryCases, summaryCounts, summaryCsv } from '../renderer/clerk/cases/query';
import { uuidv7 } from '../sync/protocol';
import { median, percentile, report } from './stats';

const N = Number(process.env.BENCH_N ?? 10_000);
const STATUSES = ['draft', 'submitted', 'synced', 'accepted', 'supplement_required', 'approved', 'completed'] as const;
const idNumber = (i: number) => `360121${19500101 + (i % 20000)}`.slice(0, 14) + String(1000 + (i % 9000)).slice(-3) + 'X';

async function main() {
  const db = await memoryDb('benchclerk');
  const t0 = performance.now();
  const base = Date.UTC(2026, 9, 1);
  const docs: ApplicationLocal[] = [];
  for (let i = 0; i < N; i++) {
    const at = new Date(base + i * 6 * 60_000).toISOString();
    const idn = idNumber(i);
    docs.push({
      id: uuidv7(base + i), _deleted: false, updatedAt: at, stationId: '360121201', terminalId: 'T-1',
      serviceItemCode: `S${String(i % 50).padStart(2, '0')}`, formId: 'f', formVersion: 1, channel: i % 3 ? 'counter' : 'field',
      applicant: { name: `居民${i}`, idType: 'resident_id', idNumber: idn }, applicantIdHash: await hashIdNumber(TEST_SALT, idn),
      agent: { kind: 'village_assistant', staffId: `S00${i % 5}` }, authorization: null, formData: { phone: '13800000000' }, materials: [],
      status: STATUSES[i % STATUSES.length]!, acceptanceNo: null, supplement: null, decision: null,
      statusHistory: [{ status: 'draft', at, by: 'terminal' }], createdAt: at, submittedAt: null,
    });
  }
  for (let i = 0; i < docs.length; i += 1000) await db.applications.bulkInsert(docs.slice(i, i + 1000));
  const insertMs = performance.now() - t0;
  const ctx = { idHashSalt: TEST_SALT, pending: new Set(docs.slice(0, 200).map((d) => d.id)), quarantined: new Set<string>() };

  // every run asks something different: RxDB's query cache must not answer
  const day = (r: number) => `2026-10-${String(1 + (r % 20)).padStart(2, '0')}`;
  const cases: [string, (r: number) => Parameters<typeof queryCases>[1], (r: number) => number][] = [
    ['status+service+date', (r) => ({ status: ['submitted', 'synced'], service: `S${String(r % 50).padStart(2, '0')}`, from: day(r), to: '2026-12-31' }), () => 50],
    ['id-number (salted hash)', (r) => ({ idNumber: idNumber(r * 37) }), () => 50],
    ['status+assistant (post-filter)', (r) => ({ status: [STATUSES[r % STATUSES.length]!], assistant: `S00${r % 5}` }), () => 50],
    ['no filter, first page', () => ({}), (r) => 50 + r],
  ];
  for (const [name, filterOf, limitOf] of cases) {
    const samples: number[] = [];
    let rows = 0;
    for (let r = 0; r < 25; r++) {
      const s = performance.now();
      rows = (await queryCases(db, filterOf(r), ctx, limitOf(r))).rows.length;
      samples.push(performance.now() - s);
    }
    const warm = samples.slice(5);
    report({ name: `clerk-cases-query ${name}`, n: N, rows, median_ms: median(warm), p95_ms: percentile(warm, 95), storage: 'memory (Node)' });
  }

  // the daily summary reads one day through the createdAt index (only that day's documents are decrypted)
  const daySamples: number[] = [];
  let dayCount = 0;
  for (let r = 0; r < 12; r++) {
    const d = `2026-10-${String(5 + r).padStart(2, '0')}`;
    const s = performance.now();
    const rows = await summaryCounts(db, `${d}T00:00:00.000Z`, `${d}T23:59:59.999Z`);
    summaryCsv(rows);
    daySamples.push(performance.now() - s);
    dayCount = rows.reduce((n, x) => n + x.count, 0);
  }
  report({ name: 'clerk-daily-summary-csv one day of a 10k table', n: N, per_day: dayCount, median_ms: median(daySamples.slice(2)), p95_ms: percentile(daySamples.slice(2), 95), storage: 'memory (Node)' });

  // the whole table at once (every document decrypted on read: the cost of RxDB field encryption)
  const sum: number[] = [];
  let bytes = 0;
  for (let r = 0; r < 7; r++) {
    const s = performance.now();
    const rows = await summaryCounts(db, `2026-09-${String(20 + r).padStart(2, '0')}T00:00:00.000Z`, '2027-12-31T23:59:59.999Z');
    bytes = summaryCsv(rows).length;
    sum.push(performance.now() - s);
  }
  report({ name: 'clerk-summary-csv whole 10k table', n: N, median_ms: median(sum.slice(2)), p95_ms: percentile(sum.slice(2), 95), csv_chars: bytes, insert_ms: Math.round(insertMs), storage: 'memory (Node)' });
  await db.close();
}

await main();
