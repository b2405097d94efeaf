/**
 * A province's load on the platform (issue 16 item 4): K idle terminals holding SSE streams over S
 * stations, a steady push of R applications/s (one application per push, Poisson arrivals spread over
 * the terminals: a peak, not a flood) for D seconds; then the saturation point: pushers sending
 * batches of 100 as fast as they are answered.
 *
 * The platform is N `platform serve` processes over one throwaway PostgreSQL (BENCH_PROCESSES=1,2:
 * each count in turn), or one process on PGlite (BENCH_STORAGE=pglite: a station hub). No balancer:
 * terminal i talks to process i mod N, and the terminals of a station are consecutive, so a push is
 * announced to the station's other terminals through LISTEN/NOTIFY across processes. The simulated
 * terminals run in separate child processes (`sync-load-terminals.ts`, BENCH_CLIENTS of them, a
 * station's terminals all in one), so their CPU is not the platform's; on this 2-core machine they
 * still share the cores with it.
 *
 * Lines (bench/stats.ts report(); medians over BENCH_RUNS runs on the same platform and terminals):
 *   sync-load-steady      push p50/p99, push → notify p50/p99 at the station's OTHER terminals (from the
 *                         push's send to their SSE CHANGE carrying the push's checkpoint), achieved rate,
 *                         errors, notifies missed, server RSS and CPU per process, PostgreSQL
 *                         connections, load average; meets_target (p99 push < 100 ms, p99 notify < 250 ms)
 *   sync-load-saturation  docs/s with batches of 100, batch p50/p99; meets_target (≥ 10k docs/s, PostgreSQL)
 *   sync-load-scaling     saturation docs/s of the largest process count over 1 process (target ≥ 1.6×)
 * `target_scale` says whether K and R reach the figures (PostgreSQL 5,000 terminals at 300/s;
 * PGlite 200 at 30/s); at a reduced scale meets_target only says how the thresholds compare.
 *
 * Env: BENCH_STORAGE (postgres | pglite, or both comma-separated; default postgres), BENCH_PROCESSES
 * (1,2), BENCH_TERMINALS (K; 5000 on PostgreSQL, 200 on PGlite), BENCH_STATIONS (S; K/5),
 * BENCH_RATE (R; 300 / 30), BENCH_SECONDS (D; 30), BENCH_RUNS (3), BENCH_WARMUP (s at rate R before
 * the runs; 5), BENCH_ARRIVALS (poisson | even), BENCH_SAT_SECONDS (10), BENCH_SAT_PUSHERS (4 per
 * process), BENCH_SAT_BATCH (100), BENCH_CLIENTS (terminal processes; 1), BENCH_SEED, BENCH_IDLE (s the
 * terminals sit idle with their streams before the warm-up; 0), BENCH_TIMELINE=1 (print, per run,
 * the pushes slower than 50 ms by the second they were sent in), BENCH_ORDER (apart: the steady runs,
 * then the saturation runs, default; interleaved: steady 1, saturation 1, steady 2…: each steady run
 * after the first then measures the minute after a flood of 50,000 documents — PostgreSQL vacuuming
 * and checkpointing them — rather than the steady load alone).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { paths } from '../sync/protocol/index';
import { demoCatalog } from '../sync/server/seed/catalog';
import { postgresAvailable, startTestDatabase, type TestDatabase } from '../sync/server/test/pg-cluster';
import { trackDir, trackProcess, untrackDir, untrackProcess } from '../scripts/test-reaper.mjs';
import { ADMIN_TOKEN, call, openFileLimits, startServer, withOpenFiles, type Server } from './sync-lib';
import { median, percentile, report } from './stats';
import type { FromClient, SaturateResult, SteadyResult, TerminalSpec, ToClient } from './sync-load-terminals';

const CLIENT = fileURLToPath(new URL('./sync-load-terminals.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

// ---- knobs ----------------------------------------------------------------------------------------

function intEnv(name: string, fallback: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, not ${JSON.stringify(v)}`);
  return n;
}

function numEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number > 0, not ${JSON.stringify(v)}`);
  return n;
}

function listEnv<T extends string>(name: string, fallback: string, allowed: readonly T[]): T[] {
  const items = (process.env[name] || fallback).split(',').map((s) => s.trim());
  for (const s of items) if (!allowed.includes(s as T)) throw new Error(`${name}: ${JSON.stringify(s)} is not one of ${allowed.join(', ')}`);
  return items as T[];
}

const STORAGES = listEnv('BENCH_STORAGE', 'postgres', ['postgres', 'pglite'] as const);
const PROCESSES = (process.env.BENCH_PROCESSES || '1,2').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isSafeInteger(n) || n < 1 || n > 16) throw new Error(`BENCH_PROCESSES must list process counts 1–16, not ${JSON.stringify(process.env.BENCH_PROCESSES)}`);
  return n;
});
const RUNS = intEnv('BENCH_RUNS', 3);
const SECONDS = numEnv('BENCH_SECONDS', 30);
const WARMUP = intEnv('BENCH_WARMUP', 5, 0);
const ARRIVALS = listEnv('BENCH_ARRIVALS', 'poisson', ['poisson', 'even'] as const)[0]!;
const SAT_SECONDS = numEnv('BENCH_SAT_SECONDS', 10);
const SAT_BATCH = intEnv('BENCH_SAT_BATCH', 100);
const CLIENTS = intEnv('BENCH_CLIENTS', 1);
const SEED = intEnv('BENCH_SEED', Math.floor(Math.random() * 1_000_000), 0);
/** Seconds the terminals sit idle (streams held, no pushes) between set-up and the first run. */
const IDLE = intEnv('BENCH_IDLE', 0, 0);
const TIMELINE = process.env.BENCH_TIMELINE === '1';
const ORDER = listEnv('BENCH_ORDER', 'apart', ['apart', 'interleaved'] as const)[0]!;

/** The figures (issue 16, acceptance). */
const TARGETS = {
  postgres: { terminals: 5000, rate: 300, pushP99Ms: 100, notifyP99Ms: 250, saturationDocsPerSecond: 10_000 },
  pglite: { terminals: 200, rate: 30, pushP99Ms: 100, notifyP99Ms: null, saturationDocsPerSecond: null },
} as const;
const SCALING_TARGET = 1.6;

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// ---- /proc readings -------------------------------------------------------------------------------

function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** utime + stime (clock ticks) and the parent pid of a process. */
function procStat(pid: number): { ticks: number; ppid: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** CPU ticks of the postmaster and every process it started (the backends), by pid. */
function postgresTicks(postmaster: number | null): Map<number, number> {
  const out = new Map<number, number>();
  if (!postmaster) return out;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    const st = procStat(pid);
    if (st && (pid === postmaster || st.ppid === postmaster)) out.set(pid, st.ticks);
  }
  return out;
}

interface Sample {
  rssMb: number[];
  rssPeakMb: number[];
  serverCpuPct: number[];
  postgresCpuPct: number | null;
  pgConnectionsMax: number | null;
  /** Per platform process, from its metrics over the phase: the event loop's delay p99 and max, GC pauses (ms). */
  loopP99Ms: number[];
  loopMaxMs: number[];
  gcMs: number[];
  gcLongestMs: number[];
  /** Connections opened to the database during the phase (pg_stat_database.sessions; the monitor's own not counted). */
  pgSessionsOpened: number | null;
  /** Active client backends by wait event ('CPU': none), averaged over the samples (one a second). */
  pgActive: Record<string, number> | null;
  loadStart: number[];
  loadEnd: number[];
  /** Length of the sampled phase. */
  seconds: number;
}

/** Samples the platform processes (RSS every second, CPU over the phase) and PostgreSQL's connections. */
class Sampler {
  private timer: NodeJS.Timeout | null = null;
  private peak: number[] = [];
  private conn = 0;
  private waits = new Map<string, number>();
  private polls = 0;
  private ticks0: number[] = [];
  private pg0 = new Map<number, number>();
  private t0 = 0;
  private load0: number[] = [];
  private polling: Promise<void> = Promise.resolve();
  private sessions0 = 0;
  private gc0: number[] = [];

  constructor(
    private readonly pids: number[],
    private readonly monitor: pg.Client | null,
    private readonly postmaster: number | null,
    private readonly urls: string[],
  ) {}

  /** Each platform's metrics (a scrape starts their event-loop delay and longest pause again). */
  private async scrape(): Promise<{ p99: number; max: number; gc: number; longest: number }[]> {
    return Promise.all(
      this.urls.map(async (url) => {
        const r = await fetch(`${url}${paths.metrics}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        const text = await r.text();
        const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN) * 1000;
        let gc = 0;
        for (const m of text.matchAll(/^platform_gc_pause_seconds_total\{[^}]*\} (\S+)$/gm)) gc += Number(m[1]) * 1000;
        return {
          p99: num(/^platform_event_loop_delay_seconds\{quantile="0\.99"\} (\S+)$/m),
          max: num(/^platform_event_loop_delay_seconds\{quantile="1"\} (\S+)$/m),
          gc,
          longest: num(/^platform_gc_pause_longest_seconds (\S+)$/m),
        };
      }),
    );
  }

  private async poll(): Promise<void> {
    this.pids.forEach((pid, k) => (this.peak[k] = Math.max(this.peak[k] ?? 0, rssMb(pid) || 0)));
    if (this.monitor) {
      const r = await this.monitor.query<{ n: string; state: string | null; wait: string | null }>(
        `SELECT count(*) AS n, state, wait_event_type || ':' || wait_event AS wait
           FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 2, 3`,
      );
      this.conn = Math.max(this.conn, sum(r.rows.map((x) => Number(x.n))));
      // What the busy backends are doing at this instant (on CPU, waiting for a lock, for the WAL…).
      for (const x of r.rows) {
        if (x.state !== 'active') continue;
        const key = x.wait ?? 'CPU';
        this.waits.set(key, (this.waits.get(key) ?? 0) + Number(x.n));
      }
      this.polls++;
    }
  }

  private async sessions(): Promise<number> {
    if (!this.monitor) return 0;
    const r = await this.monitor.query<{ n: string }>('SELECT sessions AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(r.rows[0]?.n ?? 0);
  }

  async start(): Promise<void> {
    this.sessions0 = await this.sessions();
    this.gc0 = (await this.scrape()).map((m) => m.gc);
    this.peak = [];
    this.conn = 0;
    this.waits = new Map();
    this.polls = 0;
    this.load0 = loadavg();
    this.ticks0 = this.pids.map((pid) => procStat(pid)?.ticks ?? 0);
    this.pg0 = postgresTicks(this.postmaster);
    this.t0 = performance.now();
    this.polling = this.poll();
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch(() => undefined);
    }, 1000);
  }

  async stop(): Promise<Sample> {
    clearInterval(this.timer!);
    await this.polling.then(() => this.poll()).catch(() => undefined);
    // Counted as each session starts (reported by its backend within about a second).
    const opened = this.monitor ? (await this.sessions()) - this.sessions0 : null;
    const scraped = await this.scrape();
    const seconds = (performance.now() - this.t0) / 1000;
    const pct = (ticks: number) => (100 * ticks) / CLK_TCK / seconds;
    let postgresCpuPct: number | null = null;
    if (this.postmaster) {
      let t = 0;
      for (const [pid, ticks] of postgresTicks(this.postmaster)) t += ticks - (this.pg0.get(pid) ?? 0);
      postgresCpuPct = pct(t);
    }
    return {
      rssMb: this.pids.map(rssMb),
      rssPeakMb: this.peak,
      serverCpuPct: this.pids.map((pid, k) => pct((procStat(pid)?.ticks ?? 0) - this.ticks0[k]!)),
      postgresCpuPct,
      pgConnectionsMax: this.monitor ? this.conn : null,
      pgSessionsOpened: opened,
      loopP99Ms: scraped.map((m) => m.p99),
      loopMaxMs: scraped.map((m) => m.max),
      gcMs: scraped.map((m, k) => m.gc - (this.gc0[k] ?? 0)),
      gcLongestMs: scraped.map((m) => m.longest),
      pgActive: this.monitor ? Object.fromEntries([...this.waits].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((100 * v) / Math.max(1, this.polls)) / 100])) : null,
      loadStart: this.load0,
      loadEnd: loadavg(),
      seconds,
    };
  }
}

// ---- the terminals' processes ---------------------------------------------------------------------

function startClient(nofile: number): ChildProcess {
  const [cmd, argv] = withOpenFiles(nofile, ['--import', 'tsx', CLIENT]);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  trackProcess(child.pid, 'terminals (sync-load bench)', false);
  child.once('exit', () => untrackProcess(child.pid));
  return child;
}

function ask<T extends FromClient['t']>(c: ChildProcess, msg: ToClient, reply: T, timeoutMs: number): Promise<Extract<FromClient, { t: T }>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      c.off('message', onMessage);
      c.off('exit', onExit);
    };
    const onMessage = (m: FromClient) => {
      if (m.t === reply) {
        done();
        resolve(m as Extract<FromClient, { t: T }>);
      } else if (m.t === 'error') {
        done();
        reject(new Error(`terminals process: ${m.message}`));
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`terminals process exited (${code}) before ${reply}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`terminals process: no ${reply} within ${timeoutMs} ms`));
    }, timeoutMs);
    c.on('message', onMessage);
    c.once('exit', onExit);
    c.send(msg);
  });
}

async function stopClient(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  try {
    c.send({ t: 'stop' } satisfies ToClient);
  } catch {
    c.kill('SIGKILL');
  }
  const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

// ---- one configuration ----------------------------------------------------------------------------

interface Platforms {
  servers: Server[];
  monitor: pg.Client | null;
  postmaster: number | null;
  stop(): Promise<void>;
}

async function startPlatforms(storage: 'postgres' | 'pglite', n: number, nofile: number): Promise<Platforms> {
  const servers: Server[] = [];
  let db: TestDatabase | null = null;
  let dir: string | null = null;
  let monitor: pg.Client | null = null;
  const stop = async () => {
    await monitor?.end().catch(() => undefined);
    for (const s of servers) await s.stop();
    await db?.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    }
  };
  try {
    if (storage === 'postgres') {
      db = await startTestDatabase();
      // One after the other: the first migrates.
      for (let k = 0; k < n; k++) servers.push(await startServer({ databaseUrl: db.url }, nofile));
      monitor = new pg.Client({ connectionString: db.url });
      await monitor.connect();
    } else {
      dir = mkdtempSync(path.join(tmpdir(), 'bench-load-pglite-'));
      trackDir(dir);
      servers.push(await startServer({ dataDir: path.join(dir, 'db') }, nofile));
    }
    const forms = await call(servers[0]!.url, 'PUT', paths.adminDocuments('form_schemas'), ADMIN_TOKEN, demoCatalog().forms);
    if (forms.status !== 200) throw new Error(`form seed failed ${forms.status}`);
    let postmaster: number | null = null;
    if (monitor) {
      const r = await monitor.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      postmaster = procStat(r.rows[0]!.pid)?.ppid ?? null;
    }
    return { servers, monitor, postmaster, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** CPU milliseconds spent per unit of work over a sampled phase (all platform processes, or PostgreSQL). */
const cpuMsPer = (pct: number | null, seconds: number, units: number) => (pct === null || units === 0 ? NaN : (pct / 100) * seconds * 1000 / units);
const round1 = (x: number) => Math.round(x * 10) / 10;
const medianBy = <T>(rows: T[], f: (r: T) => number) => median(rows.map(f));
/** Element-wise median of per-process arrays. */
const medianEach = (rows: number[][]) => (rows[0] ?? []).map((_, k) => median(rows.map((r) => r[k]!)));

async function runConfig(storage: 'postgres' | 'pglite', processes: number): Promise<number> {
  const target = TARGETS[storage];
  const K = intEnv('BENCH_TERMINALS', target.terminals);
  const R = numEnv('BENCH_RATE', target.rate);
  const S = intEnv('BENCH_STATIONS', Math.max(1, Math.ceil(K / 5)));
  if (S > K) throw new Error(`BENCH_STATIONS (${S}) must not exceed BENCH_TERMINALS (${K})`);
  const pushers = intEnv('BENCH_SAT_PUSHERS', 4 * processes);
  const clients = Math.min(CLIENTS, S);
  const targetScale = K >= target.terminals && R >= target.rate;
  // Open files: a platform process holds its terminals' streams and keep-alive connections, a
  // terminals process both ends' client sockets; plus the pool, the logs, the modules.
  const nofilePlatform = Math.ceil((2 * K) / processes) + 300;
  const nofileClient = Math.ceil((2 * K) / clients) + 300;
  const limits = openFileLimits();
  const openFiles = { soft: limits.soft, hard: limits.hard, platformNeeds: nofilePlatform, clientNeeds: nofileClient, raisedInChild: Math.max(nofilePlatform, nofileClient) > limits.soft };
  const config = { storage, processes, terminals: K, stations: S, rate: R, seconds: SECONDS, arrivals: ARRIVALS, clients, seed: SEED, target_scale: targetScale, cores: availableParallelism() };
  console.error(`sync-load: ${JSON.stringify(config)}, open files ${JSON.stringify(openFiles)}`);

  const platforms = await startPlatforms(storage, processes, nofilePlatform);
  const started: ChildProcess[] = [];
  try {
    const urls = platforms.servers.map((s) => s.url);
    const pids = platforms.servers.map((s) => s.child.pid!);
    const perStation = Math.ceil(K / S);
    const specs: TerminalSpec[][] = Array.from({ length: clients }, () => []);
    for (let i = 0; i < K; i++) {
      const station = Math.min(S - 1, Math.floor(i / perStation));
      specs[station % clients]!.push({ i, stationId: `36012120${String(station).padStart(4, '0')}`, url: urls[i % processes]! });
    }
    for (let c = 0; c < clients; c++) started.push(startClient(nofileClient));
    const idle = loadavg();
    const ready = await Promise.all(started.map((c, k) => ask(c, { t: 'setup', adminToken: ADMIN_TOKEN, terminals: specs[k]! }, 'ready', 600_000)));
    const streamsUp = sum(ready.map((r) => r.streamsUp));
    console.error(`sync-load: ${sum(ready.map((r) => r.enrolled))} terminals enrolled, ${streamsUp} streams up in ${(Math.max(...ready.map((r) => r.setupMs)) / 1000).toFixed(1)} s`);
    if (streamsUp !== K) throw new Error(`only ${streamsUp} of ${K} streams opened`);
    const share = (k: number) => (R * specs[k]!.length) / K;
    const sampler = new Sampler(pids, platforms.monitor, platforms.postmaster, urls);

    const steadyRound = async (seconds: number, seed: number, measure: boolean) =>
      Promise.all(started.map((c, k) => ask(c, { t: 'steady', rate: share(k), seconds, seed: seed + k, arrivals: ARRIVALS, measure }, 'steadyDone', (seconds + 120) * 1000)));
    if (IDLE > 0) await new Promise((r) => setTimeout(r, IDLE * 1000));
    if (WARMUP > 0) await steadyRound(WARMUP, SEED + 7919, false);

    const steadyRuns: (ReturnType<typeof mergeSteady> & Sample)[] = [];
    const satRuns: (ReturnType<typeof mergeSaturation> & Sample)[] = [];
    const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
    const steadyOnce = async (run: number) => {
      await sampler.start();
      const st = { ...mergeSteady(await steadyRound(SECONDS, SEED + 1000 * (run + 1), true)), ...(await sampler.stop()) };
      steadyRuns.push(st);
      if (TIMELINE) console.error(`sync-load steady ${run + 1}/${RUNS} slow pushes (> 50 ms) by second: ${timeline(st.slow)}`);
      console.error(
        `sync-load steady ${run + 1}/${RUNS}: push p50/p99 ${st.pushP50Ms.toFixed(1)}/${st.pushP99Ms.toFixed(1)} ms, notify p50/p99 ${st.notifyP50Ms.toFixed(1)}/${st.notifyP99Ms.toFixed(1)} ms, ${st.achievedRate.toFixed(1)}/s, errors ${st.errors}, missed ${st.notifyMissed}, connections opened ${st.pgSessionsOpened ?? '-'}, platform loop p99/max ${st.loopP99Ms.map(round1).join(',')}/${st.loopMaxMs.map(round1).join(',')} ms, GC ${st.gcMs.map(round1).join(',')} ms (longest ${st.gcLongestMs.map(round1).join(',')}), terminals' loop max ${round1(st.clientLoopMaxMs)} ms; load ${load()}`,
      );
      await new Promise((r) => setTimeout(r, 1000));
    };
    const saturateOnce = async (run: number) => {
      await sampler.start();
      const split = started.map((_, k) => Math.floor(pushers / started.length) + (k < pushers % started.length ? 1 : 0));
      const sat = mergeSaturation(await Promise.all(started.map((c, k) => ask(c, { t: 'saturate', seconds: SAT_SECONDS, pushers: split[k]!, batch: SAT_BATCH }, 'saturateDone', (SAT_SECONDS + 120) * 1000))));
      satRuns.push({ ...sat, ...(await sampler.stop()) });
      console.error(`sync-load saturation ${run + 1}/${RUNS}: ${sat.docsPerSecond.toFixed(0)} docs/s (errors ${sat.errors}); load ${load()}`);
      await new Promise((r) => setTimeout(r, 1000));
    };
    // The steady runs first, then the floods (see BENCH_ORDER in the header).
    if (ORDER === 'interleaved') {
      for (let run = 0; run < RUNS; run++) {
        await steadyOnce(run);
        await saturateOnce(run);
      }
    } else {
      for (let run = 0; run < RUNS; run++) await steadyOnce(run);
      for (let run = 0; run < RUNS; run++) await saturateOnce(run);
    }

    const pushP99 = medianBy(steadyRuns, (r) => r.pushP99Ms);
    const notifyP99 = medianBy(steadyRuns, (r) => r.notifyP99Ms);
    const achieved = medianBy(steadyRuns, (r) => r.achievedRate);
    const errors = sum(steadyRuns.map((r) => r.errors));
    const missed = sum(steadyRuns.map((r) => r.notifyMissed));
    const common = { ...config, runs: RUNS };
    report({
      name: 'sync-load-steady',
      ...common,
      unit: 'ms',
      median: pushP99,
      median_of: 'pushP99Ms',
      pushP50Ms: medianBy(steadyRuns, (r) => r.pushP50Ms),
      pushP99Ms: pushP99,
      notifyP50Ms: medianBy(steadyRuns, (r) => r.notifyP50Ms),
      notifyP99Ms: notifyP99,
      achievedRate: achieved,
      pushes: sum(steadyRuns.map((r) => r.pushes)),
      notifies: sum(steadyRuns.map((r) => r.notifies)),
      errors,
      errorSamples: steadyRuns.flatMap((r) => r.errorSamples).slice(0, 3),
      notifyMissed: missed,
      clientLagP99Ms: medianBy(steadyRuns, (r) => r.lagP99Ms),
      clientLoopMaxMs: steadyRuns.map((r) => round1(r.clientLoopMaxMs)),
      streamsUp: Math.min(...steadyRuns.map((r) => r.streamsUp)),
      streamDrops: sum(steadyRuns.map((r) => r.streamDrops)),
      rssMb: medianEach(steadyRuns.map((r) => r.rssMb)),
      rssPeakMb: steadyRuns.map((r) => r.rssPeakMb).reduce((a, b) => a.map((x, k) => Math.max(x, b[k]!))),
      serverCpuPct: medianEach(steadyRuns.map((r) => r.serverCpuPct)),
      postgresCpuPct: storage === 'postgres' ? medianBy(steadyRuns, (r) => r.postgresCpuPct!) : null,
      clientCpuPct: medianBy(steadyRuns, (r) => r.clientCpuPct),
      // What a push costs, whatever the machine's load: CPU time of the platform processes (all of
      // them) and of PostgreSQL per answered push (the SSE fan-out included).
      serverCpuMsPerPush: medianBy(steadyRuns, (r) => cpuMsPer(sum(r.serverCpuPct), r.seconds, r.pushes - r.errors)),
      postgresCpuMsPerPush: storage === 'postgres' ? medianBy(steadyRuns, (r) => cpuMsPer(r.postgresCpuPct, r.seconds, r.pushes - r.errors)) : null,
      pgConnections: storage === 'postgres' ? Math.max(...steadyRuns.map((r) => r.pgConnectionsMax!)) : null,
      pgSessionsOpened: storage === 'postgres' ? steadyRuns.map((r) => r.pgSessionsOpened!) : null,
      // Per run and platform process: how late its event loop ran (p99, max) and its GC pauses.
      eventLoopP99Ms: steadyRuns.map((r) => r.loopP99Ms.map(round1)),
      eventLoopMaxMs: steadyRuns.map((r) => r.loopMaxMs.map(round1)),
      gcPauseMs: steadyRuns.map((r) => r.gcMs.map(round1)),
      gcLongestMs: steadyRuns.map((r) => r.gcLongestMs.map(round1)),
      pgActive: steadyRuns.map((r) => r.pgActive),
      loadavgIdle: idle,
      loadavg: steadyRuns.map((r) => [r.loadStart[0], r.loadEnd[0]]).flat(),
      samples: steadyRuns.map((r) => r.pushP99Ms),
      notifyP99Samples: steadyRuns.map((r) => r.notifyP99Ms),
      openFiles,
      targets: { pushP99Ms: target.pushP99Ms, notifyP99Ms: target.notifyP99Ms, terminals: target.terminals, rate: target.rate },
      meets_target: pushP99 < target.pushP99Ms && (target.notifyP99Ms === null || notifyP99 < target.notifyP99Ms) && errors === 0 && missed === 0 && achieved >= 0.95 * R,
    });
    const docsPerSecond = medianBy(satRuns, (r) => r.docsPerSecond);
    report({
      name: 'sync-load-saturation',
      ...common,
      unit: 'docs/s',
      median: docsPerSecond,
      docsPerSecond,
      samples: satRuns.map((r) => r.docsPerSecond),
      batch: SAT_BATCH,
      pushers,
      satSeconds: SAT_SECONDS,
      batchP50Ms: medianBy(satRuns, (r) => r.batchP50Ms),
      batchP99Ms: medianBy(satRuns, (r) => r.batchP99Ms),
      errors: sum(satRuns.map((r) => r.errors)),
      errorSamples: satRuns.flatMap((r) => r.errorSamples).slice(0, 3),
      rssMb: medianEach(satRuns.map((r) => r.rssMb)),
      rssPeakMb: satRuns.map((r) => r.rssPeakMb).reduce((a, b) => a.map((x, k) => Math.max(x, b[k]!))),
      serverCpuPct: medianEach(satRuns.map((r) => r.serverCpuPct)),
      postgresCpuPct: storage === 'postgres' ? medianBy(satRuns, (r) => r.postgresCpuPct!) : null,
      clientCpuPct: medianBy(satRuns, (r) => r.clientCpuPct),
      serverCpuMsPerBatch: medianBy(satRuns, (r) => cpuMsPer(sum(r.serverCpuPct), r.seconds, r.docs / SAT_BATCH)),
      postgresCpuMsPerBatch: storage === 'postgres' ? medianBy(satRuns, (r) => cpuMsPer(r.postgresCpuPct, r.seconds, r.docs / SAT_BATCH)) : null,
      pgConnections: storage === 'postgres' ? Math.max(...satRuns.map((r) => r.pgConnectionsMax!)) : null,
      pgSessionsOpened: storage === 'postgres' ? satRuns.map((r) => r.pgSessionsOpened!) : null,
      pgActive: satRuns.map((r) => r.pgActive),
      loadavg: satRuns.map((r) => [r.loadStart[0], r.loadEnd[0]]).flat(),
      target: target.saturationDocsPerSecond,
      meets_target: target.saturationDocsPerSecond === null ? null : docsPerSecond >= target.saturationDocsPerSecond && sum(satRuns.map((r) => r.errors)) === 0,
    });
    return docsPerSecond;
  } finally {
    for (const c of started) await stopClient(c);
    await platforms.stop();
  }
}

function mergeSteady(parts: SteadyResult[]) {
  const pushMs = parts.flatMap((p) => p.pushMs);
  const notifyMs = parts.flatMap((p) => p.notifyMs);
  const wall = Math.max(...parts.map((p) => p.wallMs));
  const pushes = sum(parts.map((p) => p.pushes));
  const errors = sum(parts.map((p) => p.errors));
  return {
    pushP50Ms: percentile(pushMs, 50),
    pushP99Ms: percentile(pushMs, 99),
    notifyP50Ms: percentile(notifyMs, 50),
    notifyP99Ms: percentile(notifyMs, 99),
    pushes,
    notifies: notifyMs.length,
    errors,
    errorSamples: parts.flatMap((p) => p.errorSamples),
    notifyMissed: sum(parts.map((p) => p.notifyMissed)),
    achievedRate: (pushes - errors) / (wall / 1000),
    lagP99Ms: percentile(parts.flatMap((p) => p.lagMs), 99),
    clientLoopMaxMs: Math.max(...parts.map((p) => p.loopMaxMs)),
    streamsUp: sum(parts.map((p) => p.streamsUp)),
    streamDrops: sum(parts.map((p) => p.streamDrops)),
    clientCpuPct: (100 * sum(parts.map((p) => p.cpuMs))) / wall,
    slow: parts.flatMap((p) => p.slow),
  };
}

/** The slow pushes by the second of the phase they were sent in: `second:count(slowest ms)`. */
function timeline(slow: [number, number][]): string {
  const by = new Map<number, { n: number; max: number }>();
  for (const [at, ms] of slow) {
    const s = Math.floor(at / 1000);
    const b = by.get(s) ?? { n: 0, max: 0 };
    b.n++;
    b.max = Math.max(b.max, ms);
    by.set(s, b);
  }
  return [...by].sort((a, b) => a[0] - b[0]).map(([s, b]) => `${s}:${b.n}(${b.max})`).join(' ');
}

function mergeSaturation(parts: SaturateResult[]) {
  const wall = Math.max(...parts.map((p) => p.wallMs));
  const batchMs = parts.flatMap((p) => p.batchMs);
  return {
    docs: sum(parts.map((p) => p.docs)),
    docsPerSecond: sum(parts.map((p) => p.docs)) / (wall / 1000),
    batchP50Ms: percentile(batchMs, 50),
    batchP99Ms: percentile(batchMs, 99),
    errors: sum(parts.map((p) => p.errors)),
    errorSamples: parts.flatMap((p) => p.errorSamples),
    clientCpuPct: (100 * sum(parts.map((p) => p.cpuMs))) / wall,
  };
}

// Ctrl-C or a kill: exit through process.on('exit'), where the reaper stops what is still tracked
// (platforms, terminals processes, the PostgreSQL cluster, temp dirs).
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

let failed = false;
for (const storage of STORAGES) {
  if (storage === 'postgres' && !postgresAvailable()) {
    if (process.env.CI) throw new Error('PostgreSQL binaries missing: cannot run the PostgreSQL load bench');
    console.error('PostgreSQL not available: skipping its load bench');
    continue;
  }
  // PGlite is one process by construction (a station hub).
  const counts = storage === 'pglite' ? [1] : PROCESSES;
  const saturation = new Map<number, number>();
  for (const n of counts) {
    try {
      saturation.set(n, await runConfig(storage, n));
    } catch (e) {
      failed = true;
      console.error(`sync-load ${storage} × ${n} failed:`, e);
    }
  }
  const most = Math.max(...saturation.keys());
  if (saturation.has(1) && most > 1) {
    const ratio = saturation.get(most)! / saturation.get(1)!;
    report({
      name: 'sync-load-scaling',
      storage,
      unit: 'ratio',
      median: ratio,
      processes: [1, most],
      docsPerSecond: [saturation.get(1), saturation.get(most)],
      cores: availableParallelism(),
      loadavg: loadavg(),
      target: SCALING_TARGET,
      meets_target: ratio >= SCALING_TARGET,
    });
  }
}
process.exit(failed ? 1 : 0);
