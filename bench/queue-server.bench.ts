/**
 * The station queue on the platform (a hub's load): 10 counters and 3 kiosks as concurrent HTTP
 * clients against one server (child process, 127.0.0.1), plus a hall display holding the SSE stream
 * and pulling queue_tickets on every CHANGE, as a terminal does. Prints JSON lines:
 *   queue-issue       latency of POST /queue/commands {type: issue} (kiosks), p50/p95
 *   queue-call-next   latency of call_next (counters), p50/p95
 *   queue-issue-display  issue sent → the display has pulled the new ticket (SSE CHANGE + pull), p50/p95
 *   queue-call-display   call_next sent → the display has pulled the called ticket, p50/p95
 * Target: p95 < 200 ms for each. Kiosks issue with 100–600 ms think time; counters call, serve
 * 50–400 ms, finish, and call again after 1 s when nobody waits (a clerk pressing 叫号 again).
 * Env: BENCH_STORAGE=pglite,postgres (default pglite), BENCH_QUEUE_SECONDS (default 20), BENCH_RUNS (default 1).
 */
import { paths, uuidv7, type StationConfigDoc } from '../sync/protocol/index';
import { demoStations } from '../sync/server/seed/demo';
import { postgresAvailable } from '../sync/server/test/pg-cluster';
import { ADMIN_TOKEN, call, enrollTerminal, openStream, withServer } from './sync-lib';
import { percentile, report } from './stats';

const STORAGES = (process.env.BENCH_STORAGE ?? 'pglite').split(',');
const SECONDS = Number(process.env.BENCH_QUEUE_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const STATION = '360121201';
const COUNTERS = 10;
const KIOSKS = 3;
const TARGET_P95_MS = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (a: number, b: number) => a + Math.random() * (b - a);

async function run(storage: string) {
  await withServer(storage, 'bench-queue-', async (s) => {
    const windows = Array.from({ length: COUNTERS }, (_, i) => ({ id: String(i + 1), name: `${i + 1}号窗口`, categories: i % 2 ? ['general', 'civil'] : ['general', 'social'] }));
    const cfg: StationConfigDoc = { ...demoStations().find((x) => x.id === STATION)!, windows };
    const put = await call(s.url, 'PUT', paths.adminDocuments('station_config'), ADMIN_TOKEN, [cfg]);
    if (put.status !== 200) throw new Error(`station config ${put.status}`);
    const kiosks = await Promise.all(Array.from({ length: KIOSKS }, () => enrollTerminal(s.url, STATION)));
    const counters = await Promise.all(Array.from({ length: COUNTERS }, () => enrollTerminal(s.url, STATION)));
    const display = await enrollTerminal(s.url, STATION);

    // The display: on every CHANGE of queue_tickets, pull from its checkpoint (one pull at a time).
    const seenAt = new Map<string, number>(); // `${id}|${status}` → first seen
    let checkpoint = 0;
    let pulling: Promise<void> | null = null;
    let again = false;
    const pull = async () => {
      do {
        again = false;
        for (;;) {
          const r = await call<{ documents: { id: string; status: string }[]; checkpoint: { seq: number } }>(s.url, 'GET', `${paths.pull('queue_tickets')}?checkpoint=${checkpoint}&limit=200`, display.token, undefined, display.agent);
          const t = performance.now();
          for (const d of r.json.documents) if (!seenAt.has(`${d.id}|${d.status}`)) seenAt.set(`${d.id}|${d.status}`, t);
          checkpoint = r.json.checkpoint.seq;
          if (r.json.documents.length < 200) break;
        }
      } while (again);
      pulling = null;
    };
    const stream = await openStream(s.url, display.token, (e) => {
      if (e.type !== 'CHANGE' || e.collection !== 'queue_tickets') return;
      if (pulling) again = true;
      else pulling = pull();
    });

    const issueLatency: number[] = [];
    const callLatency: number[] = [];
    const issueSent = new Map<string, number>(); // ticket id → issue sent
    const callSent = new Map<string, number>(); // ticket id → call_next sent
    const errors: string[] = [];
    const until = performance.now() + SECONDS * 1000;
    const cats = ['general', 'social', 'civil'];
    const kioskLoops = kiosks.map(async (k, i) => {
      let n = 0;
      while (performance.now() < until) {
        await sleep(between(100, 600));
        const t0 = performance.now();
        const r = await call<{ ticket: { id: string } }>(s.url, 'POST', paths.queueCommands, k.token, { type: 'issue', commandId: uuidv7(), category: cats[(i + n++) % 3], priority: Math.random() < 0.2 ? 'elderly' : 'normal' }, k.agent);
        const t1 = performance.now();
        if (r.status !== 200) errors.push(`issue ${r.status}`);
        else {
          issueLatency.push(t1 - t0);
          issueSent.set(r.json.ticket.id, t0);
        }
      }
    });
    const counterLoops = counters.map(async (c, i) => {
      const w = windows[i]!.id;
      while (performance.now() < until) {
        const t0 = performance.now();
        const r = await call<{ ticket: { id: string } | null }>(s.url, 'POST', paths.queueCommands, c.token, { type: 'call_next', commandId: uuidv7(), window: w, staffId: 'S001' }, c.agent);
        const t1 = performance.now();
        if (r.status !== 200) {
          errors.push(`call_next ${r.status}`);
          await sleep(100);
          continue;
        }
        callLatency.push(t1 - t0);
        const t = r.json.ticket;
        if (!t) {
          await sleep(1000);
          continue;
        }
        callSent.set(t.id, t0);
        await sleep(between(50, 400));
        const f = await call(s.url, 'POST', paths.queueCommands, c.token, { type: 'finish', commandId: uuidv7(), ticketId: t.id, window: w }, c.agent);
        if (f.status !== 200) errors.push(`finish ${f.status}`);
      }
    });
    await Promise.all([...kioskLoops, ...counterLoops]);
    await sleep(1000); // let the display catch up
    stream.close();

    const lag = (sent: Map<string, number>, status: string) => [...sent].flatMap(([id, t0]) => (seenAt.has(`${id}|${status}`) ? [seenAt.get(`${id}|${status}`)! - t0] : []));
    // A ticket may be called before the display pulled its waiting state: it then shows as called.
    const issueDisplay = [...issueSent].flatMap(([id, t0]) => {
      const seen = ['waiting', 'called', 'done'].map((st) => seenAt.get(`${id}|${st}`)).filter((x): x is number => x !== undefined);
      return seen.length ? [Math.min(...seen) - t0] : [];
    });
    const callDisplay = lag(callSent, 'called').concat([...callSent].flatMap(([id, t0]) => (!seenAt.has(`${id}|called`) && seenAt.has(`${id}|done`) ? [seenAt.get(`${id}|done`)! - t0] : [])));
    const common = { storage, counters: COUNTERS, kiosks: KIOSKS, seconds: SECONDS, errors: errors.length, target_p95_ms: TARGET_P95_MS };
    for (const [name, values, extra] of [
      ['queue-issue', issueLatency, { commands: issueLatency.length }],
      ['queue-call-next', callLatency, { commands: callLatency.length, called: callSent.size }],
      ['queue-issue-display', issueDisplay, { seen: issueDisplay.length, of: issueSent.size }],
      ['queue-call-display', callDisplay, { seen: callDisplay.length, of: callSent.size }],
    ] as const) {
      const p95 = percentile([...values], 95);
      report({ name, unit: 'ms', median: percentile([...values], 50), p50: percentile([...values], 50), p95, max: Math.max(...values), samples: values.length, ...extra, ...common, meets_target: p95 < TARGET_P95_MS });
    }
    if (errors.length) console.error(`errors: ${[...new Set(errors)].join(', ')}`);
  });
}

for (const storage of STORAGES) {
  if (storage === 'postgres' && !postgresAvailable()) {
    console.error('PostgreSQL not available: skipping');
    continue;
  }
  for (let i = 0; i < RUNS; i++) await run(storage);
}
process.exit(0);
