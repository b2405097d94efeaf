/**
 * The real terminal client in Node: the renderer's RxDB database and replication (memory storage,
 * field encryption, no schema validation — as the app runs) joined to main's sync feature (HTTP
 * transport, every answer validated, the bridge contract checked both ways) — `fuzz/terminal.ts`.
 * The platform runs in a child process (`platform serve`, PGlite in a temp folder by default).
 *   sync-client-push-10k-applications  10,000 applications written locally (not timed), then the
 *                                      replication started: time until in sync (nothing pending)
 *   sync-client-pull-10k-items         a new terminal pulls 10,000 service items: start → in sync
 * Each run uses a fresh terminal (and, for the push, its own station, so it pulls nothing back).
 * The push line also gives the client's CPU time during the push (`clientCpuMs`, this process: less
 * bound to the machine's load than the wall time; the platform is another process).
 * Env: BENCH_RUNS (3), BENCH_STORAGE (pglite | postgres), BENCH_ONLY=push,pull, BENCH_DOCS (10000),
 * BENCH_CACHE_STATS=1 (the field-encryption caches after each push, on stderr).
 */
import { exampleApplication } from '../sync/protocol/index';
import { syntheticCatalog } from '../sync/server/seed/catalog';
import { clientPull, clientPush, seedForms, seedServiceItems, withServer } from './sync-lib';
import { median, report } from './stats';
import { loadavg } from 'node:os';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STORAGE = process.env.BENCH_STORAGE ?? 'pglite';
const ONLY = (process.env.BENCH_ONLY ?? 'push,pull').split(',');
const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
/** BENCH_MARKS=1: phase starts on stderr in the clock of `node --cpu-prof` (µs), to cut a profile by phase. */
const mark = (what: string) => {
  if (process.env.BENCH_MARKS) console.error(`MARK ${what} ${process.hrtime.bigint() / 1000n}`);
};

await withServer(STORAGE, 'bench-client-', async (s) => {
  await seedForms(s.url);

  if (ONLY.includes('push')) {
    const samples: number[] = [];
    const inserts: number[] = [];
    const cpu: number[] = [];
    const loads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const stationId = `36012130${run}`;
      const docs = Array.from({ length: DOCS }, () => exampleApplication({ stationId, status: 'submitted' }));
      loads.push(loadavg()[0]!);
      const r = await clientPush(s.url, stationId, docs, `push${run}`, mark);
      samples.push(r.pushMs);
      inserts.push(r.insertMs);
      cpu.push(r.pushCpuMs);
    }
    const m = median(samples);
    report({ name: 'sync-client-push-10k-applications', storage: STORAGE, unit: 'ms', median: m, samples, docsPerSecond: DOCS / (m / 1000), localInsertMs: median(inserts), clientCpuMs: median(cpu), clientCpuSamples: cpu, loadAverage: loads });
  }

  if (ONLY.includes('pull')) {
    await seedServiceItems(s.url, syntheticCatalog(DOCS));
    const samples: number[] = [];
    const loads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      loads.push(loadavg()[0]!);
      samples.push(await clientPull(s.url, '360121201', DOCS, `pull${run}`, mark));
    }
    const m = median(samples);
    report({ name: 'sync-client-pull-10k-items', storage: STORAGE, unit: 'ms', median: m, samples, docsPerSecond: DOCS / (m / 1000), loadAverage: loads });
  }
});
