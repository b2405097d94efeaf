/**
 * A new terminal joins a busy station (issue 16 item 2): the station already holds BENCH_HISTORY
 * (10,000) applications the platform closed long ago (`completed`, written 200 days back) and
 * BENCH_OPEN (500) open ones. The real terminal client (renderer RxDB + replication, main's sync
 * feature over HTTP: `fuzz/terminal.ts`) starts with an empty store:
 *   initial-sync-bounded     `platform.recentDays` 90 (the default): the open cases only
 *   initial-sync-everything  `platform.recentDays` 3650: the station's whole history (as before)
 * Time from start to in sync; runs alternate the order. The platform runs in a child process
 * (PGlite in a temp folder); the history is aged between two starts of it.
 * Env: BENCH_RUNS (3), BENCH_HISTORY (10000), BENCH_OPEN (500).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { exampleApplication, paths } from '../sync/protocol/index';
import { openDatabase } from '../sync/server/db/driver';
import { startFuzzTerminal } from '../fuzz/terminal';
import { ADMIN_TOKEN, call, enrollCode, seedForms, startServer } from './sync-lib';
import { median, report } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 10_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 500);
const STATION = '360121201';

const dir = mkdtempSync(path.join(tmpdir(), 'bench-join-'));
const db = { dataDir: path.join(dir, 'db') };
let server = await startServer(db);
try {
  await seedForms(server.url);
  const push = async (docs: Record<string, unknown>[]) => {
    for (let i = 0; i < docs.length; i += 500) {
      const r = await call<{ written: number }>(server.url, 'POST', paths.push('applications'), ADMIN_TOKEN, docs.slice(i, i + 500).map((d) => ({ newDocumentState: d })));
      if (r.status !== 200 || r.json.written !== Math.min(500, docs.length - i)) throw new Error(`seed push failed ${r.status}`);
    }
  };
  await push(Array.from({ length: HISTORY }, () => exampleApplication({ stationId: STATION, status: 'completed' })));
  // The history was written 200 days ago: age it while the platform is down.
  await server.stop();
  const pg = await openDatabase(db);
  await pg.query(`UPDATE documents SET updated_at = now() - interval '200 days' WHERE collection = 'applications'`);
  await pg.close();
  server = await startServer(db);
  await push(Array.from({ length: OPEN }, () => exampleApplication({ stationId: STATION, status: 'submitted' })));

  const samples: Record<'bounded' | 'everything', number[]> = { bounded: [], everything: [] };
  const counts: Record<'bounded' | 'everything', number> = { bounded: 0, everything: 0 };
  const loads: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const order: ('bounded' | 'everything')[] = run % 2 ? ['everything', 'bounded'] : ['bounded', 'everything'];
    for (const mode of order) {
      const t = await startFuzzTerminal({ platformUrl: server.url, enrollCode: await enrollCode(server.url, STATION), name: `join-${mode}-${run}`, collections: ['applications'], validate: false, retryTime: 1000, recentDays: mode === 'bounded' ? 90 : 3650 });
      try {
        loads.push(loadavg()[0]!);
        const t0 = performance.now();
        await t.startSync();
        await t.replication!.awaitInSync();
        samples[mode].push(performance.now() - t0);
        counts[mode] = await t.db.applications.count().exec();
      } finally {
        await t.close();
      }
    }
  }
  if (counts.bounded !== OPEN || counts.everything !== OPEN + HISTORY) throw new Error(`pulled ${counts.bounded} bounded / ${counts.everything} everything, expected ${OPEN} / ${OPEN + HISTORY}`);
  const b = median(samples.bounded);
  const e = median(samples.everything);
  report({ name: 'initial-sync-bounded', unit: 'ms', median: b, samples: samples.bounded, documents: counts.bounded, stationHistory: HISTORY + OPEN, loadAverage: loads });
  report({ name: 'initial-sync-everything', unit: 'ms', median: e, samples: samples.everything, documents: counts.everything, ratioToBounded: e / b, loadAverage: loads });
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
