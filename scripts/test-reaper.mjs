// Test process reaper: whatever an e2e test, a vitest integration test or a bench starts (browser
// hosts, Chromium, platforms, PostgreSQL clusters, socat pairs) and every temp dir it makes is
// stopped and removed, whether the test passes, fails, times out or its runner is interrupted.
//
// Three nets, each catching what the one before missed:
//  1. the helper that started a thing stops it (its own process group) in its teardown;
//  2. `process.on('exit')` in the test process kills the groups it still tracks and removes its dirs
//     (Playwright replaces a worker after a failed or timed-out test; a worker that exits runs this);
//  3. a run-scoped registry file (one JSON line per started process group, PostgreSQL cluster and
//     temp dir) that the global teardowns (Playwright globalTeardown, vitest globalSetup teardown,
//     `npm test`, `npm run bench`) reap; and every process started during the run carries the
//     TERMINAL_TEST_RUN=<id> environment variable, so what no registry knows (a host's own children,
//     Chromium's helpers, postgres backends) is found in /proc and stopped too.
//
// Plain Node built-ins only (used by scripts/test-all.mjs before anything is built). Linux: /proc.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_ENV = 'TERMINAL_TEST_RUN';
export const RUNS_DIR = join(tmpdir(), 'terminal-test-runs');

/** The current run's id, creating one (and exporting it to every child) when there is none. */
export function ensureRun() {
  let id = process.env[RUN_ENV];
  if (!id || !/^[a-z0-9-]{6,64}$/.test(id)) {
    id = `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    process.env[RUN_ENV] = id;
    // Who owns the run: when that process is gone and the registry is still there, the run was
    // killed before its teardown (reapStaleRuns).
    record({ t: 'run', pid: process.pid, start: startTimeOf(process.pid) });
  }
  return id;
}

export function registryFile(id = ensureRun()) {
  return join(RUNS_DIR, `${id}.jsonl`);
}

function record(entry) {
  try {
    mkdirSync(RUNS_DIR, { recursive: true });
    appendFileSync(registryFile(), `${JSON.stringify(entry)}\n`);
  } catch {
    // the in-process net still holds it
  }
}

/** Start time of a process (jiffies since boot; /proc/<pid>/stat field 22), to tell a reused pid apart. */
export function startTimeOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function stateOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** Whether `pid` runs (a zombie does not count) and, given `start`, is still the same process. */
export function isAlive(pid, start = null) {
  const s = stateOf(pid);
  if (!s || s.state === 'Z' || s.state === 'X') return false;
  return start === null || startTimeOf(pid) === start;
}

/** Every process on the machine: pid, ppid, pgid, command line and whether it carries run `id`. */
export function listProcesses(id = null) {
  const out = [];
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return out;
  }
  for (const pid of pids) {
    const s = stateOf(pid);
    if (!s || s.state === 'Z' || s.state === 'X') continue;
    let cmdline = '';
    let marked = false;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      continue;
    }
    if (id) {
      try {
        marked = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${RUN_ENV}=${id}`);
      } catch {
        marked = false;
      }
    }
    out.push({ pid, ppid: s.ppid, pgid: s.pgid, cmdline, marked });
  }
  return out;
}

// ---- the in-process net -------------------------------------------------------------------------

const live = new Map(); // pid → { pid, group, start, what }
const dirs = new Set();
const clusters = new Set();
let hooked = false;

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    reapOwnSync();
  });
}

/**
 * Tracks a started process: `group` when it leads its own process group (spawned `detached`), so
 * stopping it stops everything it started in that group.
 */
export function trackProcess(pid, what, group = true) {
  if (!pid) return;
  ensureRun();
  const entry = { pid, group, start: startTimeOf(pid), what: String(what).slice(0, 200) };
  live.set(pid, entry);
  record({ t: 'proc', ...entry });
  hookExit();
}

export function untrackProcess(pid) {
  if (!pid || !live.delete(pid)) return;
  record({ t: 'proc-done', pid });
}

export function trackDir(dir) {
  ensureRun();
  dirs.add(dir);
  record({ t: 'dir', dir });
  hookExit();
}

export function untrackDir(dir) {
  if (!dirs.delete(dir)) return;
  record({ t: 'dir-done', dir });
}

/** A PostgreSQL data directory whose postmaster must be stopped (its pid is read from postmaster.pid). */
export function trackPostgres(dataDir) {
  ensureRun();
  clusters.add(dataDir);
  record({ t: 'pg', dataDir });
  hookExit();
}

export function untrackPostgres(dataDir) {
  if (!clusters.delete(dataDir)) return;
  record({ t: 'pg-done', dataDir });
}

/** Sends `signal` to the process's group (when it leads one) or to it alone. False if it is gone. */
export function signalProcess(pid, signal, group = true) {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch {
    return false;
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function postmasterPid(dataDir) {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Immediate shutdown (SIGQUIT) of a cluster's postmaster; SIGKILL after 5 s. Sync. */
function stopPostgresSync(dataDir) {
  const pid = postmasterPid(dataDir);
  if (!pid || !isAlive(pid)) return false;
  signalProcess(pid, 'SIGQUIT', false);
  for (let i = 0; i < 100 && isAlive(pid); i++) sleepSync(50);
  if (isAlive(pid)) signalProcess(pid, 'SIGKILL', false);
  return true;
}

/** What this process still tracks, stopped now (SIGKILL: the process is on its way out). */
export function reapOwnSync() {
  const reaped = [];
  for (const e of live.values()) {
    if (isAlive(e.pid, e.start) || (e.group && groupAlive(e.pid))) {
      signalProcess(e.pid, 'SIGKILL', e.group);
      reaped.push(`${e.what} (pid ${e.pid})`);
    }
    record({ t: 'proc-done', pid: e.pid });
  }
  live.clear();
  for (const d of clusters) {
    if (stopPostgresSync(d)) reaped.push(`postgres ${d}`);
    record({ t: 'pg-done', dataDir: d });
  }
  clusters.clear();
  for (const d of dirs) {
    if (existsSync(d)) {
      rmSync(d, { recursive: true, force: true });
      reaped.push(`dir ${d}`);
    }
    record({ t: 'dir-done', dir: d });
  }
  dirs.clear();
  return reaped;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---- the run-wide net ---------------------------------------------------------------------------

function readRegistry(id) {
  const procs = new Map();
  const pgs = new Set();
  const ds = new Set();
  let text = '';
  try {
    text = readFileSync(registryFile(id), 'utf8');
  } catch {
    return { procs, pgs, ds };
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (e.t === 'proc') procs.set(e.pid, e);
    else if (e.t === 'proc-done') procs.delete(e.pid);
    else if (e.t === 'pg') pgs.add(e.dataDir);
    else if (e.t === 'pg-done') pgs.delete(e.dataDir);
    else if (e.t === 'dir') ds.add(e.dir);
    else if (e.t === 'dir-done') ds.delete(e.dir);
  }
  return { procs, pgs, ds };
}

/** Pids of this process and its ancestors, and of its descendants (runner workers still running). */
function familyOf(all, withDescendants = true, self = process.pid) {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const keep = new Set([self]);
  for (let p = byPid.get(self); p && p.ppid > 1 && !keep.has(p.ppid); p = byPid.get(p.ppid)) keep.add(p.ppid);
  if (!withDescendants) return keep;
  let grew = true;
  const descendants = new Set([self]);
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!descendants.has(p.pid) && descendants.has(p.ppid)) {
        descendants.add(p.pid);
        grew = true;
      }
    }
  }
  for (const d of descendants) keep.add(d);
  return keep;
}

async function waitGone(check, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !check();
}

/**
 * Reaps run `id`: the registry's live groups and clusters, then every process carrying the run's
 * marker that is neither this process, its ancestors nor its descendants (`all: true` takes the
 * descendants too), then the registry's temp dirs. SIGTERM first, SIGKILL after `graceMs`.
 * Returns one line per thing it had to stop or remove (empty when the run left nothing behind).
 */
export async function reapRun(id = process.env[RUN_ENV], options = {}) {
  const graceMs = options.graceMs ?? 3000;
  if (!id) return [];
  const reaped = [];
  const { procs, pgs, ds } = readRegistry(id);
  const own = new Set(live.keys());

  for (const d of pgs) {
    if (stopPostgresSync(d)) reaped.push(`postgres cluster ${d}`);
  }
  const groups = [];
  for (const e of procs.values()) {
    if (own.has(e.pid) && !options.all) continue;
    const same = isAlive(e.pid, e.start ?? null);
    if (same || (e.group && groupAlive(e.pid) && startTimeOf(e.pid) === null)) {
      signalProcess(e.pid, 'SIGTERM', e.group);
      groups.push(e);
      reaped.push(`${e.what} (pid ${e.pid})`);
    }
  }
  if (groups.length) {
    await waitGone(() => groups.some((e) => isAlive(e.pid, e.start ?? null) || (e.group && groupAlive(e.pid))), graceMs);
    for (const e of groups) signalProcess(e.pid, 'SIGKILL', e.group);
  }

  // What no registry knew: processes carrying the run's marker outside this process's family.
  const all = listProcesses(id);
  const keep = familyOf(all, !options.all);
  const strays = all.filter((p) => p.marked && !keep.has(p.pid));
  for (const p of strays) {
    signalProcess(p.pid, 'SIGTERM', false);
    reaped.push(`${p.cmdline.slice(0, 160)} (pid ${p.pid}, unregistered)`);
  }
  if (strays.length) {
    await waitGone(() => strays.some((p) => isAlive(p.pid)), graceMs);
    for (const p of strays) if (isAlive(p.pid)) signalProcess(p.pid, 'SIGKILL', false);
  }

  for (const d of ds) {
    if (existsSync(d)) {
      rmSync(d, { recursive: true, force: true });
      reaped.push(`temp dir ${d}`);
    }
  }
  return reaped;
}

/** Processes of run `id` still running outside this process's family (for a final check). */
export function strayProcesses(id = process.env[RUN_ENV]) {
  if (!id) return [];
  const all = listProcesses(id);
  const keep = familyOf(all);
  return all.filter((p) => p.marked && !keep.has(p.pid));
}

/**
 * Runs whose owner died before its teardown (a runner killed with SIGKILL, a machine reset): their
 * leftovers are reaped and their registries removed. Called when a new run starts.
 */
export async function reapStaleRuns() {
  const reaped = [];
  let files = [];
  try {
    files = readdirSync(RUNS_DIR).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return reaped;
  }
  for (const f of files) {
    const id = f.slice(0, -'.jsonl'.length);
    if (id === process.env[RUN_ENV]) continue;
    let owner = null;
    try {
      const first = readFileSync(join(RUNS_DIR, f), 'utf8').split('\n').find((l) => l.includes('"t":"run"'));
      owner = first ? JSON.parse(first) : null;
    } catch {
      continue;
    }
    if (!owner || isAlive(owner.pid, owner.start ?? null)) continue;
    for (const line of await reapRun(id, { all: true })) reaped.push(`${line} [stale run ${id}]`);
    closeRun(id);
  }
  return reaped;
}

/** Removes the run's registry file (after the final reap). */
export function closeRun(id = process.env[RUN_ENV]) {
  if (id) rmSync(registryFile(id), { force: true });
}

// `node scripts/test-reaper.mjs reap <id>`: reap a run from the command line.
if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1] && process.argv[2] === 'reap') {
  const id = process.argv[3];
  const lines = await reapRun(id, { all: true });
  for (const l of lines) process.stdout.write(`reaped: ${l}\n`);
  closeRun(id);
}
