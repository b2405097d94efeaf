/**
 * Same-run peer comparison (issue 16 item 5): the product's sync against PouchDB's, with the same
 * documents, both in Node, runs alternating product, peer, product, peer… on the same machine state.
 *   product    the real terminal client (renderer RxDB + replication, memory storage, field
 *              encryption, no validation; main's sync feature over HTTP: `fuzz/terminal.ts`, as
 *              sync-client.bench.ts) ⇄ `platform serve` in a child process (PGlite in a temp folder,
 *              BENCH_STORAGE=postgres for a throwaway PostgreSQL)
 *   pouchdb    PouchDB 9, memory adapter, a local database that is written and read ⇄ express-pouchdb 4
 *              (PouchDB 9 memory adapter) in another child process (`pouchdb-peer-server.ts`);
 *              `replicate.to` / `replicate.from` with PouchDB's defaults (batches of 100)
 *   wire-only  the wire-only client of sync-server.bench.ts against the same platform: it parses and
 *              counts, writes nothing locally (labelled as such; not a client)
 * Measures (each stack, each run):
 *   sync-peer-push-*  BENCH_DOCS (10,000) applications as exampleApplication builds them, written to
 *                     the local database first (not timed: `localInsertMs`), then the replication
 *                     started: time until complete (product: in sync, nothing pending)
 *   sync-peer-pull-*  BENCH_DOCS service items (syntheticCatalog) into an empty local database
 * The product line carries the peer's and the wire's medians and `ratioPeerToProduct` (peer_ms /
 * product_ms: > 1 means the product is faster; the target is ≥ 2). `loadAverage`: the
 * machine's 1-minute load average at the start of each run.
 * Env: BENCH_RUNS (3), BENCH_DOCS (10000), BENCH_STORAGE (pglite | postgres), BENCH_ONLY=push,pull.
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import PouchDB from 'pouchdb';
import memory from 'pouchdb-adapter-memory';
import { exampleApplication, uuidv7, type ApplicationDoc } from '../sync/protocol/index';
import { syntheticCatalog } from '../sync/server/seed/catalog';
import { bounded, clientPull, clientPush, enrollTerminal, seedForms, seedServiceItems, startPeerServer, wirePull, wirePush, withServer, type Server } from './sync-lib';
import { median, percentile, report } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const STORAGE = process.env.BENCH_STORAGE ?? 'pglite';
const ONLY = (process.env.BENCH_ONLY ?? 'push,pull').split(',');
if (!(RUNS >= 1 && Number.isInteger(RUNS)) || !(DOCS >= 1 && Number.isInteger(DOCS))) throw new Error(`BENCH_RUNS and BENCH_DOCS must be positive integers (got ${RUNS}, ${DOCS})`);
if (!['pglite', 'postgres'].includes(STORAGE)) throw new Error(`BENCH_STORAGE must be pglite or postgres (got ${STORAGE})`);

PouchDB.plugin(memory);

// Between two measured runs: a full collection, so one stack does not pay for the other's garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
async function settle(): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 500));
  return loadavg()[0]!;
}

type Stack = 'product' | 'pouchdb' | 'wire-only';
const STACKS: Stack[] = ['product', 'pouchdb', 'wire-only'];
interface Runs {
  ms: number[];
  loads: number[];
  extra: Record<string, number[]>;
}
const newRuns = (): Runs => ({ ms: [], loads: [], extra: {} });
const emptyRuns = (): Record<Stack, Runs> => ({ product: newRuns(), pouchdb: newRuns(), 'wire-only': newRuns() });
const push = (r: Runs, key: string, v: number) => (r.extra[key] ??= []).push(v);

function check(results: PouchDB.WriteResult[]): void {
  const bad = results.find((r) => r.error);
  if (bad) throw new Error(`PouchDB write failed: ${bad.error} ${bad.reason ?? ''}`);
}

/** Writes `docs` to a PouchDB database, 1,000 a request (as the product's bulkInsert). */
async function write(db: PouchDB.Database, docs: PouchDB.Doc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) check(await db.bulkDocs(docs.slice(i, i + 1000)));
}

/** Runs a one-shot replication to completion (cancelled if over its time bound); fails unless it wrote `expected`. */
async function replicate(rep: PouchDB.Replication, expected: number, what: string): Promise<void> {
  try {
    const r = await bounded(rep, what);
    if (!r.ok || r.docs_written !== expected || r.doc_write_failures !== 0) throw new Error(`${what}: ok ${r.ok}, wrote ${r.docs_written} of ${expected}, ${r.doc_write_failures} failures`);
  } catch (e) {
    rep.cancel();
    throw e;
  }
}

/** The peer's push: a fresh local database holds `docs` (written first, not timed), then `replicate.to` a fresh remote one. */
async function peerPush(peer: Server, docs: PouchDB.Doc[], run: number): Promise<{ pushMs: number; insertMs: number }> {
  const local = new PouchDB(`peer-push-${run}`, { adapter: 'memory' });
  const remote = new PouchDB(`${peer.url}/applications-${run}`);
  try {
    const i0 = performance.now();
    await write(local, docs);
    const insertMs = performance.now() - i0;
    await remote.info(); // the remote database exists before the timing, as the platform's collections do
    const t0 = performance.now();
    await replicate(local.replicate.to(remote), docs.length, 'pouchdb push');
    const pushMs = performance.now() - t0;
    const n = (await remote.info()).doc_count;
    if (n !== docs.length) throw new Error(`pouchdb push: the remote holds ${n}, expected ${docs.length}`);
    return { pushMs, insertMs };
  } finally {
    await local.destroy();
    await remote.destroy().catch(() => undefined);
  }
}

/** The peer's pull: `replicate.from` the remote service items into a fresh local database. */
async function peerPull(remote: PouchDB.Database, expected: number, run: number): Promise<number> {
  const local = new PouchDB(`peer-pull-${run}`, { adapter: 'memory' });
  try {
    const t0 = performance.now();
    await replicate(local.replicate.from(remote), expected, 'pouchdb pull');
    const ms = performance.now() - t0;
    const n = (await local.info()).doc_count;
    if (n !== expected) throw new Error(`pouchdb pull: the local database holds ${n}, expected ${expected}`);
    return ms;
  } finally {
    await local.destroy();
  }
}

const asPouch = (d: { id: string }): PouchDB.Doc => ({ _id: d.id, ...structuredClone(d) });

function reportAll(what: 'push' | 'pull', runs: Record<Stack, Runs>, extra: Partial<Record<Stack, Record<string, unknown>>>): void {
  const m = Object.fromEntries(STACKS.map((s) => [s, median(runs[s].ms)])) as Record<Stack, number>;
  const pairs = runs.product.ms.map((p, i) => runs.pouchdb.ms[i]! / p);
  const ratio = m.pouchdb / m.product;
  for (const s of STACKS) {
    const r = runs[s];
    const medians = Object.fromEntries(Object.entries(r.extra).map(([k, v]) => [k, median(v)]));
    report({
      name: `sync-peer-${what}-${s}`,
      stack: s,
      storage: s === 'pouchdb' ? 'pouchdb-memory' : STORAGE,
      unit: 'ms',
      median: m[s],
      samples: r.ms,
      docs: DOCS,
      docsPerSecond: DOCS / (m[s] / 1000),
      ...medians,
      ...(s === 'product' ? { pouchdbMedianMs: m.pouchdb, wireOnlyMedianMs: m['wire-only'], ratioPeerToProduct: ratio, pairRatios: pairs, meetsTarget: ratio >= 2 } : {}),
      ...extra[s],
      loadAverage: r.loads,
    });
  }
}

async function pushBench(s: Server, peer: Server): Promise<void> {
  const runs = emptyRuns();
  const wireBatchMs: number[][] = [];
  for (let run = 0; run < RUNS; run++) {
    const stationId = `36012150${run}`;
    const docs: ApplicationDoc[] = Array.from({ length: DOCS }, () => exampleApplication({ stationId, status: 'submitted' }));
    const pouchDocs = docs.map(asPouch);
    // The wire-only client pushes the same bodies as new documents of another station (the product's ids are taken).
    const wireStation = `36012160${run}`;
    const wireDocs = docs.map((d) => ({ ...structuredClone(d), id: uuidv7(), stationId: wireStation }));
    const wire = await enrollTerminal(s.url, wireStation);

    runs.product.loads.push(await settle());
    const a = await clientPush(s.url, stationId, docs, `peer-product-${run}`);
    runs.product.ms.push(a.pushMs);
    push(runs.product, 'localInsertMs', a.insertMs);
    push(runs.product, 'clientCpuMs', a.pushCpuMs);

    runs.pouchdb.loads.push(await settle());
    const b = await peerPush(peer, pouchDocs, run);
    runs.pouchdb.ms.push(b.pushMs);
    push(runs.pouchdb, 'localInsertMs', b.insertMs);

    runs['wire-only'].loads.push(await settle());
    const w = await wirePush(s.url, wire.token, wireDocs);
    runs['wire-only'].ms.push(w.ms);
    wireBatchMs.push(w.batchMs);
    wire.agent.destroy();
    console.error(`push run ${run + 1}/${RUNS}: product ${Math.round(a.pushMs)} ms, pouchdb ${Math.round(b.pushMs)} ms, wire-only ${Math.round(w.ms)} ms`);
  }
  reportAll('push', runs, {
    product: { batch: 'replication default' },
    pouchdb: { batch: 100 },
    'wire-only': { batch: 100, batchP50Ms: median(wireBatchMs.map((l) => percentile(l, 50))), batchP99Ms: median(wireBatchMs.map((l) => percentile(l, 99))), note: 'wire only: no local store, parses and counts' },
  });
}

async function pullBench(s: Server, peer: Server): Promise<void> {
  const items = syntheticCatalog(DOCS);
  await seedServiceItems(s.url, items);
  const remote = new PouchDB(`${peer.url}/service_items`);
  await write(remote, items.map(asPouch));
  const wire = await enrollTerminal(s.url, '360121201');
  const runs = emptyRuns();
  for (let run = 0; run < RUNS; run++) {
    runs.product.loads.push(await settle());
    const a = await clientPull(s.url, '360121201', DOCS, `peer-pull-${run}`);
    runs.product.ms.push(a);

    runs.pouchdb.loads.push(await settle());
    const b = await peerPull(remote, DOCS, run);
    runs.pouchdb.ms.push(b);

    runs['wire-only'].loads.push(await settle());
    const w = await wirePull(s.url, wire.token, DOCS);
    runs['wire-only'].ms.push(w);
    console.error(`pull run ${run + 1}/${RUNS}: product ${Math.round(a)} ms, pouchdb ${Math.round(b)} ms, wire-only ${Math.round(w)} ms`);
  }
  wire.agent.destroy();
  reportAll('pull', runs, { pouchdb: { batch: 100 }, 'wire-only': { pageSize: 1000, note: 'wire only: no local store, parses and counts' } });
}

await withServer(STORAGE, 'bench-peer-', async (s) => {
  await seedForms(s.url);
  const peer = await startPeerServer();
  try {
    if (ONLY.includes('push')) await pushBench(s, peer);
    if (ONLY.includes('pull')) await pullBench(s, peer);
  } finally {
    await peer.stop();
  }
});
process.exit(0); // PouchDB's HTTP client keeps sockets open
