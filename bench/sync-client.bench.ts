/**
 * The real terminal client in Node: the renderer's RxDB database and replication (memory storage,
 * field encryption, no schema validation — as the app runs) joined to main's sync feature (HTTP
 * transport, every answer validated, the bridge contract checked both ways) — `fuzz/terminal.ts`.
 * The platform runs in a child process (`platform serve`, PGlite in a temp folder by default).
 *   sync-client-push-10k-applications  10,000 applications written locally (not timed), then the
 *                                      replication started: time until in sync (nothing pending)
 *   sync-client-pull-10k-items         a new terminal pulls 10,000 service items: start → in sync
 * Each run uses a fresh terminal (and, for the push, its own station, so it pulls nothing back).
 * Env: BENCH_RUNS (3), BENCH_STORAGE (pglite | postgres), BENCH_ONLY=push,pull, BENCH_DOCS (10000).
 */
import { demoCatalog, syntheticCatalog } from '../sync/server/seed/catalog';
import { exampleApplication, paths } from '../sync/protocol/index';
import { toLocal } from '../renderer/db/modifiers';
import { startFuzzTerminal } from '../fuzz/terminal';
import { ADMIN_TOKEN, call, withServer } from './sync-lib';
import { median, report } from './stats';
import { loadavg } from 'node:os';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STORAGE = process.env.BENCH_STORAGE ?? 'pglite';
const ONLY = (process.env.BENCH_ONLY ?? 'push,pull').split(',');
const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const DEADLINE_MS = 300_000;
/** BENCH_MARKS=1: phase starts on stderr in the clock of `node --cpu-prof` (µs), to cut a profile by phase. */
const mark = (what: string) => {
  if (process.env.BENCH_MARKS) console.error(`MARK ${what} ${process.hrtime.bigint() / 1000n}`);
};

async function enrollCode(url: string, stationId: string): Promise<string> {
  const r = await call<{ code: string }>(url, 'POST', paths.adminEnrollCodes, ADMIN_TOKEN, { stationId });
  if (r.status !== 200) throw new Error(`enroll code failed ${r.status}`);
  return r.json.code;
}

async function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: over ${DEADLINE_MS} ms`)), DEADLINE_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

await withServer(STORAGE, 'bench-client-', async (s) => {
  const forms = await call(s.url, 'PUT', paths.adminDocuments('form_schemas'), ADMIN_TOKEN, demoCatalog().forms);
  if (forms.status !== 200) throw new Error(`form seed failed ${forms.status}`);

  if (ONLY.includes('push')) {
    const samples: number[] = [];
    const inserts: number[] = [];
    const loads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const stationId = `36012130${run}`;
      const t = await startFuzzTerminal({ platformUrl: s.url, enrollCode: await enrollCode(s.url, stationId), name: `push${run}`, collections: ['applications'], validate: false, retryTime: 1000 });
      try {
        const docs = Array.from({ length: DOCS }, () => toLocal('applications', exampleApplication({ stationId, status: 'submitted' })));
        mark('insert');
        const i0 = performance.now();
        for (let i = 0; i < docs.length; i += 1000) await t.db.applications.bulkInsert(docs.slice(i, i + 1000) as never[]);
        inserts.push(performance.now() - i0);
        loads.push(loadavg()[0]!);
        mark('push');
        const t0 = performance.now();
        await t.startSync();
        await bounded(t.replication!.awaitInSync(), 'push');
        samples.push(performance.now() - t0);
        mark('push-end');
        const pending = await t.replication!.pendingCount();
        const quarantined = await t.db.sync_quarantine.count().exec();
        if (pending !== 0 || quarantined !== 0) throw new Error(`after the push: ${pending} pending, ${quarantined} quarantined`);
      } finally {
        await t.close();
      }
    }
    const m = median(samples);
    report({ name: 'sync-client-push-10k-applications', storage: STORAGE, unit: 'ms', median: m, samples, docsPerSecond: DOCS / (m / 1000), localInsertMs: median(inserts), loadAverage: loads });
  }

  if (ONLY.includes('pull')) {
    const items = syntheticCatalog(DOCS);
    for (let i = 0; i < items.length; i += 500) {
      const r = await call(s.url, 'PUT', paths.adminDocuments('service_items'), ADMIN_TOKEN, items.slice(i, i + 500));
      if (r.status !== 200) throw new Error(`seed failed ${r.status}`);
    }
    const samples: number[] = [];
    const loads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const t = await startFuzzTerminal({ platformUrl: s.url, enrollCode: await enrollCode(s.url, '360121201'), name: `pull${run}`, collections: ['service_items'], validate: false, retryTime: 1000 });
      try {
        loads.push(loadavg()[0]!);
        mark('pull');
        const t0 = performance.now();
        await t.startSync();
        await bounded(t.replication!.awaitInSync(), 'pull');
        samples.push(performance.now() - t0);
        mark('pull-end');
        const n = await t.db.service_items.count().exec();
        if (n !== DOCS) throw new Error(`pulled ${n}, expected ${DOCS}`);
      } finally {
        await t.close();
      }
    }
    const m = median(samples);
    report({ name: 'sync-client-pull-10k-items', storage: STORAGE, unit: 'ms', median: m, samples, docsPerSecond: DOCS / (m / 1000), loadAverage: loads });
  }
});
