// Simulated terminals for `sync-load.bench.ts`, in a process of their own (forked with an IPC channel),
// so the client side's CPU is not the platform's. Each terminal is enrolled on the platform process
// it was given (round-robin over the processes, no balancer), holds its SSE stream, and pushes when
// the steady load picks it. Every terminal of a station lives in the same client process, so the
// push → notify latency at the station's other terminals is measured on one clock
// (performance.now()): from the push's send to the `CHANGE` whose checkpoint is the push's.
// Messages: see `ToClient` / `FromClient`. Not a bench itself (the name does not end in .bench.ts).
import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { call as httpCall, openStream, terminalAgent } from './sync-lib';
import { prng } from '../fuzz/prng';
import { exampleApplication, paths } from '../sync/protocol/index';

export interface TerminalSpec {
  /** Index over every client process (for reports only). */
  i: number;
  stationId: string;
  /** The platform process this terminal talks to. */
  url: string;
}

export type ToClient =
  | { t: 'setup'; adminToken: string; terminals: TerminalSpec[] }
  | { t: 'steady'; rate: number; seconds: number; seed: number; arrivals: 'poisson' | 'even'; measure: boolean }
  | { t: 'saturate'; seconds: number; pushers: number; batch: number }
  | { t: 'stop' };

export interface SteadyResult {
  pushMs: number[];
  notifyMs: number[];
  pushes: number;
  errors: number;
  errorSamples: string[];
  notifyMissed: number;
  /** Send time minus the arrival's scheduled time (the client falling behind its schedule). */
  lagMs: number[];
  wallMs: number;
  streamsUp: number;
  streamDrops: number;
  cpuMs: number;
  /** Pushes slower than SLOW_PUSH_MS: [sent, ms after the phase's start; took, ms] (at most 5,000). */
  slow: [number, number][];
  /** The longest this process's event loop ran late during the phase (a stall here delays the answers it times). */
  loopMaxMs: number;
}

export interface SaturateResult {
  docs: number;
  batchMs: number[];
  errors: number;
  errorSamples: string[];
  wallMs: number;
  cpuMs: number;
}

export type FromClient =
  | { t: 'ready'; enrolled: number; streamsUp: number; setupMs: number }
  | ({ t: 'steadyDone' } & SteadyResult)
  | ({ t: 'saturateDone' } & SaturateResult)
  | { t: 'error'; message: string };

const REQUEST_TIMEOUT_MS = 30_000;
/** How long after a phase the station's other terminals may still announce a push before it counts as missed. */
const NOTIFY_GRACE_MS = 5_000;
/** A push this slow is kept in the timeline of slow pushes (`BENCH_TIMELINE`). */
const SLOW_PUSH_MS = 50;

interface Terminal extends TerminalSpec {
  token: string;
  terminalId: string;
  agent: Agent;
  up: boolean;
  stream: { close(): void } | null;
}

interface Station {
  terms: Terminal[];
  /** Pushes answered whose CHANGE some other terminal of the station has not had yet: seq → … */
  pending: Map<number, { sent: number; waiting: Set<number> }>;
  /** CHANGEs received before their push was answered: seq → terminal index → when. */
  early: Map<number, Map<number, number>>;
}

const admin = new Agent({ keepAlive: true, maxSockets: 64 });

function send(msg: FromClient): void {
  process.send!(msg);
}

/** A request with this process's timeout (sync-lib's client: the error says whether a kept-alive connection was reused). */
const call = <T = unknown>(base: string, method: string, path: string, token: string, body: unknown, via: Agent) => httpCall<T>(base, method, path, token, body, via, REQUEST_TIMEOUT_MS);

let terminals: Terminal[] = [];
const stations = new Map<string, Station>();
let measuring = false;
let notifyMs: number[] = [];
let streamDrops = 0;

function onChange(t: Terminal, seq: number): void {
  if (!measuring) return;
  const at = performance.now();
  const st = stations.get(t.stationId)!;
  const p = st.pending.get(seq);
  if (p) {
    if (p.waiting.delete(t.i)) notifyMs.push(at - p.sent);
    if (p.waiting.size === 0) st.pending.delete(seq);
    return;
  }
  let e = st.early.get(seq);
  if (!e) st.early.set(seq, (e = new Map()));
  if (!e.has(t.i)) e.set(t.i, at);
}

/** The push by `pusher`, sent at `sent`, was answered with checkpoint `seq`: match the station's CHANGEs. */
function answered(pusher: Terminal, sent: number, seq: number): void {
  const st = stations.get(pusher.stationId)!;
  const waiting = new Set(st.terms.filter((o) => o !== pusher).map((o) => o.i));
  const e = st.early.get(seq);
  if (e) {
    for (const [i, at] of e) if (waiting.delete(i)) notifyMs.push(at - sent);
    st.early.delete(seq);
  }
  if (waiting.size > 0) st.pending.set(seq, { sent, waiting });
}

/** The terminal's SSE stream (sync-lib's reader): CHANGE notices of applications feed the notify latencies. */
async function openTerminalStream(t: Terminal): Promise<void> {
  const stream = await openStream(
    t.url,
    t.token,
    (e) => {
      if (e.type === 'CHANGE' && e.collection === 'applications' && e.checkpoint) onChange(t, e.checkpoint.seq);
    },
    () => {
      if (t.up) streamDrops++;
      t.up = false;
    },
  );
  t.up = true;
  t.stream = {
    close: () => {
      t.up = false;
      stream.close();
    },
  };
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let k = 0; k < items.length; k += width) await Promise.all(items.slice(k, k + width).map(fn));
}

async function setup(adminToken: string, specs: TerminalSpec[]): Promise<void> {
  const t0 = performance.now();
  terminals = [];
  await inBatches(specs, 50, async (spec) => {
    const code = await call<{ code: string }>(spec.url, 'POST', paths.adminEnrollCodes, adminToken, { stationId: spec.stationId }, admin);
    if (code.status !== 200) throw new Error(`enroll code ${code.status}`);
    const r = await call<{ token: string; terminalId: string }>(spec.url, 'POST', paths.enroll, '', { code: code.json.code, label: `load ${spec.i}` }, admin);
    if (r.status !== 200) throw new Error(`enroll ${r.status}`);
    // Its own keep-alive connection for requests, opened before any timing (like a real terminal).
    const agent = terminalAgent();
    const me = await call(spec.url, 'GET', paths.me, r.json.token, undefined, agent);
    if (me.status !== 200) throw new Error(`me ${me.status}`);
    terminals.push({ ...spec, token: r.json.token, terminalId: r.json.terminalId, agent, up: false, stream: null });
  });
  terminals.sort((a, b) => a.i - b.i);
  for (const t of terminals) {
    let st = stations.get(t.stationId);
    if (!st) stations.set(t.stationId, (st = { terms: [], pending: new Map(), early: new Map() }));
    st.terms.push(t);
  }
  await inBatches(terminals, 100, openTerminalStream);
  send({ t: 'ready', enrolled: terminals.length, streamsUp: terminals.filter((t) => t.up).length, setupMs: performance.now() - t0 });
}

const application = (t: Terminal) => exampleApplication({ status: 'submitted', stationId: t.stationId, terminalId: t.terminalId, submittedAt: new Date().toISOString() });

async function steady(rate: number, seconds: number, seed: number, arrivals: 'poisson' | 'even', measure: boolean): Promise<void> {
  const random = prng(seed);
  const pushMs: number[] = [];
  const lagMs: number[] = [];
  const slow: [number, number][] = [];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const errorSamples: string[] = [];
  let errors = 0;
  let pushes = 0;
  notifyMs = [];
  streamDrops = 0;
  for (const st of stations.values()) {
    st.pending.clear();
    st.early.clear();
  }
  measuring = measure;
  const cpu0 = process.cpuUsage();
  const inflight = new Set<Promise<void>>();
  const fire = (scheduled: number) => {
    const t = terminals[Math.floor(random() * terminals.length)]!;
    const sent = performance.now();
    lagMs.push(sent - scheduled);
    pushes++;
    const p = call<{ written: number; checkpoint: { seq: number } }>(t.url, 'POST', paths.push('applications'), t.token, [{ newDocumentState: application(t) }], t.agent)
      .then((r) => {
        const took = performance.now() - sent;
        pushMs.push(took);
        if (took > SLOW_PUSH_MS && slow.length < 5000) slow.push([Math.round(sent - start), Math.round(took)]);
        if (r.status !== 200 || r.json.written !== 1) throw new Error(`push ${r.status} written ${r.json.written}`);
        if (measuring) answered(t, sent, r.json.checkpoint.seq);
      })
      .catch((e: unknown) => {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(String(e instanceof Error ? e.message : e).slice(0, 200));
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const gap = () => (arrivals === 'even' ? 1000 / rate : (-Math.log(1 - random()) * 1000) / rate);
  const start = performance.now();
  const end = start + seconds * 1000;
  let next = start + (arrivals === 'even' ? 0 : gap());
  if (rate > 0) {
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (next <= now && next < end) {
          fire(next);
          next += gap();
        }
        if (next >= end) return resolve();
        setTimeout(tick, Math.max(0, next - performance.now()));
      };
      tick();
    });
  } else {
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }
  await Promise.all([...inflight]);
  const wallMs = performance.now() - start;
  // The station's other terminals get a grace period to announce the last pushes.
  const graceEnd = performance.now() + NOTIFY_GRACE_MS;
  const missing = () => [...stations.values()].reduce((n, st) => n + [...st.pending.values()].reduce((m, p) => m + p.waiting.size, 0), 0);
  while (missing() > 0 && performance.now() < graceEnd) await new Promise((r) => setTimeout(r, 20));
  const notifyMissed = measure ? missing() : 0;
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  send({
    t: 'steadyDone',
    pushMs,
    notifyMs,
    pushes,
    errors,
    errorSamples,
    notifyMissed,
    lagMs,
    wallMs,
    streamsUp: terminals.filter((t) => t.up).length,
    streamDrops,
    cpuMs: (cpu.user + cpu.system) / 1000,
    slow,
    loopMaxMs: (loop.disable(), loop.count > 0 ? loop.max / 1e6 : 0),
  });
}

async function saturate(seconds: number, pushers: number, batch: number): Promise<void> {
  // Pushers at different stations, spread over the platform processes (terminal i talks to process
  // i mod N, and stations hold consecutive terminals).
  const byStation = [...stations.values()].map((s) => s.terms);
  const chosen: Terminal[] = [];
  for (let k = 0; chosen.length < Math.min(pushers, terminals.length); k++) {
    const terms = byStation[k % byStation.length]!;
    const t = terms[Math.floor(k / byStation.length) % terms.length]!;
    if (!chosen.includes(t)) chosen.push(t);
    else if (k > pushers * 10) break;
  }
  const batchMs: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let docs = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    chosen.map(async (t) => {
      while (performance.now() < end) {
        const rows = Array.from({ length: batch }, () => ({ newDocumentState: application(t) }));
        const sent = performance.now();
        try {
          const r = await call<{ written: number }>(t.url, 'POST', paths.push('applications'), t.token, rows, t.agent);
          if (r.status !== 200 || r.json.written !== batch) throw new Error(`push ${r.status} written ${r.json.written}`);
          batchMs.push(performance.now() - sent);
          docs += r.json.written;
        } catch (e) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(String(e instanceof Error ? e.message : e).slice(0, 200));
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  send({ t: 'saturateDone', docs, batchMs, errors, errorSamples, wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 });
}

// The parent gone (it failed, or was killed): nothing left to do here.
process.on('disconnect', () => process.exit(0));
process.on('message', (msg: ToClient) => {
  const run = async () => {
    if (msg.t === 'setup') await setup(msg.adminToken, msg.terminals);
    else if (msg.t === 'steady') await steady(msg.rate, msg.seconds, msg.seed, msg.arrivals, msg.measure);
    else if (msg.t === 'saturate') await saturate(msg.seconds, msg.pushers, msg.batch);
    else if (msg.t === 'stop') {
      for (const t of terminals) t.stream?.close();
      process.exit(0);
    }
  };
  run().catch((e: unknown) => send({ t: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
