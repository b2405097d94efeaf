/**
 * Reference platform benchmarks, on PGlite and on PostgreSQL (throwaway cluster), server in a child
 * process on 127.0.0.1. Prints JSON lines; each figure is the median over BENCH_RUNS runs (default 3).
 *   sync-pull-10k-items        pull 10,000 service items (pages of 1,000) into an empty terminal
 *   sync-push-10k-applications push 10,000 new applications in batches of 100 (one terminal)
 *   sync-terminals-N           N terminals each holding an SSE stream and pushing 5 × 5 applications
 *                              (think time 0–200 ms): push latency p50/p99, docs/s, push→notify latency
 * Env: BENCH_RUNS, BENCH_STORAGE=pglite,postgres, BENCH_TERMINALS=100,500, BENCH_ONLY=pull,push,terminals.
 */
import { exampleApplication, paths } from '../sync/protocol/index';
import { syntheticCatalog } from '../sync/server/seed/catalog';
import { postgresAvailable } from '../sync/server/test/pg-cluster';
import { call, enrollTerminal, openStream, seedForms, seedServiceItems, wirePull, wirePush, withServer as withPlatform, type Server } from './sync-lib';
import { median, percentile, report } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STORAGES = (process.env.BENCH_STORAGE ?? 'pglite,postgres').split(',');
const TERMINALS = (process.env.BENCH_TERMINALS ?? '100,500').split(',').map(Number);
const ONLY = (process.env.BENCH_ONLY ?? 'pull,push,terminals').split(',');
const DEADLINE_MS = 120_000; // per scenario run

/** The server with the demo forms loaded: the platform checks submissions against their form (exampleApplication's MZ06@1). */
function withServer<T>(storage: string, fn: (s: Server) => Promise<T>): Promise<T> {
  return withPlatform(storage, 'bench-pglite-', async (server) => {
    await seedForms(server.url);
    return fn(server);
  });
}

async function pullBench(storage: string) {
  const samples: number[] = [];
  await withServer(storage, async (s) => {
    await seedServiceItems(s.url, syntheticCatalog(10_000));
    const t = await enrollTerminal(s.url, '360121201');
    for (let run = 0; run < RUNS; run++) samples.push(await wirePull(s.url, t.token, 10_000));
  });
  const m = median(samples);
  report({ name: 'sync-pull-10k-items', storage, unit: 'ms', median: m, samples, docsPerSecond: 10_000 / (m / 1000), pageSize: 1000 });
}

async function pushBench(storage: string) {
  const totals: number[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  await withServer(storage, async (s) => {
    const t = await enrollTerminal(s.url, '360121201');
    for (let run = 0; run < RUNS; run++) {
      const docs = Array.from({ length: 10_000 }, () => exampleApplication({ status: 'submitted' }));
      const r = await wirePush(s.url, t.token, docs, DEADLINE_MS);
      totals.push(r.ms);
      p50s.push(percentile(r.batchMs, 50));
      p99s.push(percentile(r.batchMs, 99));
    }
  });
  const m = median(totals);
  report({ name: 'sync-push-10k-applications', storage, unit: 'ms', median: m, samples: totals, docsPerSecond: 10_000 / (m / 1000), batch: 100, batchP50Ms: median(p50s), batchP99Ms: median(p99s) });
}

async function terminalsBench(storage: string, n: number) {
  const results: { p50: number; p99: number; docsPerSecond: number; notifyP50: number; notifyP99: number; events: number }[] = [];
  await withServer(storage, async (s) => {
    const stations = Math.max(1, Math.floor(n / 5));
    const terms = [];
    for (let i = 0; i < n; i += 50) {
      terms.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => enrollTerminal(s.url, `3601212${String((i + k) % stations).padStart(3, '0')}`)))));
    }
    for (let run = 0; run < RUNS; run++) {
      const lat: number[] = [];
      const notify: number[] = [];
      let events = 0;
      const waiting = new Map<number, { seq: number; sent: number; done: () => void }[]>();
      // The CHANGE may arrive before the push's HTTP response: remember the last one per terminal.
      const lastChange = new Map<number, { seq: number; at: number }>();
      const streams = await Promise.all(
        terms.map((t, i) =>
          openStream(s.url, t.token, (e) => {
            events++;
            if (e.type !== 'CHANGE' || e.collection !== 'applications') return;
            const prev = lastChange.get(i);
            if (!prev || e.checkpoint!.seq > prev.seq) lastChange.set(i, { seq: e.checkpoint!.seq, at: performance.now() });
            const list = waiting.get(i) ?? [];
            waiting.set(
              i,
              list.filter((w) => {
                if (e.checkpoint!.seq >= w.seq) {
                  notify.push(performance.now() - w.sent);
                  w.done();
                  return false;
                }
                return true;
              }),
            );
          }),
        ),
      );
      const t0 = performance.now();
      let docs = 0;
      await Promise.all(
        terms.map(async (t, i) => {
          for (let k = 0; k < 5 && performance.now() - t0 < DEADLINE_MS; k++) {
            await new Promise((r) => setTimeout(r, Math.random() * 200));
            const rows = Array.from({ length: 5 }, () => ({ newDocumentState: exampleApplication({ status: 'submitted', stationId: t.stationId }) }));
            const sent = performance.now();
            const r = await call<{ written: number; checkpoint: { seq: number } }>(s.url, 'POST', paths.push('applications'), t.token, rows, t.agent);
            lat.push(performance.now() - sent);
            docs += r.json.written;
            // Wait (bounded) for our own stream to announce the change before the next push.
            const seen = lastChange.get(i);
            if (seen && seen.seq >= r.json.checkpoint.seq) {
              notify.push(seen.at - sent);
              continue;
            }
            await new Promise<void>((done) => {
              const timer = setTimeout(done, 10_000);
              const list = waiting.get(i) ?? [];
              list.push({ seq: r.json.checkpoint.seq, sent, done: () => (clearTimeout(timer), done()) });
              waiting.set(i, list);
            });
          }
        }),
      );
      const wall = performance.now() - t0;
      for (const st of streams) st.close();
      if (docs !== n * 25) throw new Error(`wrote ${docs} of ${n * 25}`);
      results.push({ p50: percentile(lat, 50), p99: percentile(lat, 99), docsPerSecond: docs / (wall / 1000), notifyP50: percentile(notify, 50), notifyP99: percentile(notify, 99), events });
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  report({
    name: `sync-terminals-${n}`,
    storage,
    unit: 'ms',
    median: median(results.map((r) => r.p50)),
    pushP50Ms: median(results.map((r) => r.p50)),
    pushP99Ms: median(results.map((r) => r.p99)),
    docsPerSecond: median(results.map((r) => r.docsPerSecond)),
    pushToNotifyP50Ms: median(results.map((r) => r.notifyP50)),
    pushToNotifyP99Ms: median(results.map((r) => r.notifyP99)),
    sseEventsMedian: median(results.map((r) => r.events)),
    samples: results.map((r) => r.p50),
    terminals: n,
    pushesPerTerminal: 5,
    docsPerPush: 5,
  });
}

for (const storage of STORAGES) {
  if (storage === 'postgres' && !postgresAvailable()) {
    if (process.env.CI) throw new Error('PostgreSQL binaries missing: cannot run the PostgreSQL benchmarks');
    console.error('PostgreSQL not available: skipping its benchmarks');
    continue;
  }
  if (ONLY.includes('pull')) await pullBench(storage);
  if (ONLY.includes('push')) await pushBench(storage);
  if (ONLY.includes('terminals')) for (const n of TERMINALS) await terminalsBench(storage, n);
}
process.exit(0);
