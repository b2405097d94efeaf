/**
 * `npm run fuzz -- --seeds N [--seed S] [--terminals K] [--steps M] [--postgres] [--chromium] [--shrink-runs R] [--replay FILE] [--timings]`
 *
 * Runs seeds S, S+1, … S+N-1 (S default: from the clock, printed). A failing seed prints the command
 * that replays it, shrinks its action list (delta debugging) and writes the shrunk list to
 * `fuzz-failures/seed-<S>.json`, replayable with `--replay`. Exit code 1 when any seed failed.
 * `--chromium`: the last of the K terminals is the real app (the browser host and Debian Chromium,
 * e2e/fuzz-chromium.ts; needs `npm run build`), the others run in this process.
 */
import { existsSync } from 'node:fs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Arguments are checked against ./actions alone; the fuzzer (the platform, RxDB, the terminals) is
// loaded after, so garbage is refused in a fraction of a second.
import { ACTION_KINDS as ACTION_KIND_LIST, type Action } from './actions';
import type { RunResult, WorldTerminalFactory } from './fuzzer';
import type { TestDatabase } from '../sync/server/test/pg-cluster';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
function int(name: string, fallback: number, min: number, max: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const seeds = int('seeds', 1, 1, 1_000_000);
const first = int('seed', Date.now() % 1_000_000_000, 0, 2 ** 32 - 1);
const terminals = int('terminals', 3, 3, 4);
const steps = int('steps', 40, 1, 10_000);
const shrinkRuns = int('shrink-runs', 30, 0, 10_000);
const postgres = flag('postgres');
const showTimings = flag('timings');
const replay = arg('replay');
const inChromium = flag('chromium');
let chromiumTerminal: WorldTerminalFactory | null = null;
if (inChromium) {
  if (!existsSync(join(import.meta.dirname, '..', 'out', 'main', 'host.js'))) {
    process.stderr.write('--chromium runs the browser host from out/: run `npm run build` first\n');
    process.exit(2);
  }
  chromiumTerminal = (await import('../e2e/fuzz-chromium')).chromiumTerminal;
}

const ACTION_KINDS = new Set<string>(ACTION_KIND_LIST);
let replayActions: Action[] | null = null;
if (replay) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(replay, 'utf8'));
  } catch (e) {
    process.stderr.write(`--replay ${replay}: not a readable JSON file (${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'})\n`);
    process.exit(2);
  }
  const ok = Array.isArray(parsed) && parsed.length <= 100_000 && parsed.every((a) => a !== null && typeof a === 'object' && ACTION_KINDS.has((a as { k?: unknown }).k as string) && (!('t' in a) || (Number.isInteger((a as { t: unknown }).t) && (a as { t: number }).t >= 0 && (a as { t: number }).t < terminals)));
  if (!ok) {
    process.stderr.write(`--replay ${replay}: not an action list (a JSON array of actions as the fuzzer writes them, terminals below ${terminals})\n`);
    process.exit(2);
  }
  replayActions = parsed as Action[];
}

const { generate, PlatformHost, runActions, shrink } = await import('./fuzzer');
let db: TestDatabase | null = null;
if (postgres) db = await (await import('../sync/server/test/pg-cluster')).startTestDatabase();
const host = new PlatformHost(db?.url);
await host.start();
const command = (seed: number) => `npm run fuzz -- --seed ${seed} --seeds 1 --terminals ${terminals} --steps ${steps}${postgres ? ' --postgres' : ''}${inChromium ? ' --chromium' : ''}`;
const say = (s: string) => process.stdout.write(`${s}\n`);

/** A run that throws (a terminal that cannot enroll, a platform that will not restart) is a failed seed, not the end of the fuzz run. */
async function attempt(actions: Action[]): Promise<RunResult> {
  try {
    return await runActions(host, actions, chromiumTerminal ? { terminals: terminals - 1, extra: [chromiumTerminal] } : { terminals });
  } catch (e) {
    // The message and where it was thrown (the first frames), so a run that throws can be understood from the log alone.
    const detail = e instanceof Error ? `${e.message.slice(0, 500)}${e.stack ? ` @ ${e.stack.split('\n').slice(1, 4).map((l) => l.trim()).join(' < ')}` : ''}` : String(e).slice(0, 500);
    return { violations: [{ invariant: 'run-completes', detail: `the run threw: ${detail}` }], applied: 0, quiescentPoints: 0, apps: 0, auditEvents: 0, refusals: 0, timings: {} };
  }
}

let failed = 0;
const started = Date.now();
try {
  if (replay) {
    const actions = replayActions!;
    const r = await attempt(actions);
    say(r.violations.length ? `REPLAY FAILED: ${r.violations.map((v) => `${v.invariant}: ${v.detail}`).join('\n  ')}` : `replay passed (${actions.length} actions)`);
    failed = r.violations.length ? 1 : 0;
  } else {
    say(`fuzz: seeds ${first}..${first + seeds - 1}, ${terminals} terminals${inChromium ? ' (the last in Chromium)' : ''}, ${steps} steps, ${postgres ? 'PostgreSQL' : 'PGlite'}`);
    for (let seed = first; seed < first + seeds; seed++) {
      const actions = generate(seed, { terminals, steps });
      const t0 = Date.now();
      const r = await attempt(actions);
      if (r.violations.length === 0) {
        say(`seed ${seed}: ok (${r.applied}/${actions.length} actions applied, ${r.apps} applications, ${r.auditEvents} audit events, ${r.refusals} open refusals met, ${r.quiescentPoints} quiescent points, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        if (showTimings) say(`  ms by action: ${Object.entries(r.timings).sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms}`).join(', ')}`);
        continue;
      }
      failed++;
      say(`seed ${seed}: FAILED`);
      for (const v of r.violations.slice(0, 20)) say(`  ${v.invariant}: ${v.detail}`);
      say(`  replay: ${command(seed)}`);
      if (shrinkRuns > 0) {
        const budget = { runs: shrinkRuns };
        const shrunk = await shrink(async (candidate) => (await attempt(candidate)).violations.length > 0, actions, budget);
        mkdirSync('fuzz-failures', { recursive: true });
        const file = join('fuzz-failures', `seed-${seed}.json`);
        writeFileSync(file, JSON.stringify(shrunk, null, 1));
        say(`  shrunk to ${shrunk.length} actions (${shrinkRuns - budget.runs} runs): ${JSON.stringify(shrunk)}`);
        say(`  replay the shrunk sequence: npm run fuzz -- --replay ${file} --terminals ${terminals}${postgres ? ' --postgres' : ''}${inChromium ? ' --chromium' : ''}`);
      }
    }
    const minutes = (Date.now() - started) / 60_000;
    say(`fuzz: ${seeds - failed} of ${seeds} seeds passed, ${failed} failed; ${(seeds / minutes).toFixed(1)} seeds/minute (${host.restarts} platform restarts)`);
  }
} finally {
  await host.close();
  await db?.stop();
}
process.exit(failed ? 1 : 0);
