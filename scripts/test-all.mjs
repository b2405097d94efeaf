// `npm test`: typecheck, lint, the Electron security scan, unit/integration tests (vitest) and
// end-to-end tests (Playwright in Debian Chromium through the browser host). Ends with one line
// `N passed, N failed, N skipped` totalling every suite; exits non-zero if anything failed.
//
// `npm test -- --only unit,e2e` runs a subset (names: typecheck, lint, security, unit, e2e).
//
// Every step runs in its own process group with TERMINAL_TEST_RUN set (scripts/test-reaper.mjs);
// Ctrl-C or a SIGTERM (CI) is passed to the running step, and the run ends by reaping and listing
// whatever it started that is still running (and the registered temp dirs), before the totals line.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';
import { e2eClockEnv, sweepStaleFaketimeShm } from './e2e-clock.mjs';
import { root } from './ensure-build.mjs';
import { closeRun, ensureRun, reapRun, reapStaleRuns, signalProcess, strayProcesses } from './test-reaper.mjs';

try {
  bootstrap('test');
} catch (error) {
  process.stderr.write(`test: ${error.message}\n`);
  process.stdout.write('0 passed, 1 failed, 0 skipped\n');
  process.exit(1);
}

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1]?.split(',')) : null;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const runId = ensureRun();
// Leftovers of earlier runs that were killed before they could clean up (SIGKILL, a reset).
const stale = await reapStaleRuns();
if (stale.length) process.stdout.write(`reaped ${stale.length} leftover(s) of earlier runs:\n${stale.map((l) => `  ${l}`).join('\n')}\n`);

/** The step running now (its process group), and the signal that interrupted the run, if any. */
let current = null;
let interrupted = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) {
      // A second signal: stop the step now.
      if (current) signalProcess(current.pid, 'SIGKILL');
      return;
    }
    interrupted = sig;
    process.stdout.write(`\ntest: ${sig} received, stopping\n`);
    if (current) {
      // SIGINT whatever came in: Playwright and vitest shut down gracefully on it (their global
      // teardowns run), while a SIGTERM makes Playwright's runner exit at once, leaving its workers.
      signalProcess(current.pid, 'SIGINT');
      const step = current;
      setTimeout(() => step.exitCode === null && step.signalCode === null && signalProcess(step.pid, 'SIGKILL'), 30_000).unref();
    }
  });
}

async function run(name, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${name}: ${[cmd, ...args].join(' ')}\n`);
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, detached: true });
  current = child;
  const status = await new Promise((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
  current = null;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: status === 0, seconds, status };
}

async function check(name, cmd, args) {
  if (only && !only.has(name)) return;
  if (interrupted) return;
  const r = await run(name, cmd, args);
  totals[r.ok ? 'passed' : 'failed'] += 1;
  lines.push(`${name}: ${r.ok ? 'passed' : `FAILED (exit ${r.status})`} in ${r.seconds} s`);
}

await check('typecheck', process.execPath, [join(root, 'scripts', 'typecheck.mjs')]);
await check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
await check('security', process.execPath, [join(root, 'scripts', 'electronegativity.mjs')]);

if ((!only || only.has('unit')) && !interrupted) {
  const file = join(results, 'vitest.json');
  rmSync(file, { force: true });
  const r = await run('unit', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  if (existsSync(file)) {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const failedSuites = (j.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests + failedSuites;
    totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    lines.push(`unit: ${j.numPassedTests} passed, ${j.numFailedTests + failedSuites} failed, ${j.numPendingTests ?? 0} skipped in ${r.seconds} s`);
    if (!r.ok && j.numFailedTests + failedSuites === 0) {
      totals.failed += 1;
      lines.push(`unit: vitest exited ${r.status} with no failed test counted`);
    }
  } else {
    totals.failed += 1;
    lines.push(`unit: FAILED, no report (exit ${r.status})`);
  }
}

if ((!only || only.has('e2e')) && !interrupted) {
  // The suite runs in UTC with the clock a few minutes before midnight UTC (scripts/e2e-clock.mjs).
  const clock = e2eClockEnv();
  process.stdout.write(`${clock.line}\n`);
  lines.push(clock.line);
  // Killed processes leave libfaketime's per-pid shared memory behind; a new process with that pid
  // would die on it (scripts/e2e-clock.mjs). Swept now and every few seconds while the suite runs.
  sweepStaleFaketimeShm();
  const sweeper = setInterval(() => sweepStaleFaketimeShm(), 3_000);
  sweeper.unref();
  // Two passes: everything else on the config's workers, then the specs tagged @alone (a time budget
  // that is a product promise, or a race that needs its writes in flight) one at a time with nothing
  // else running.
  const passes = [
    { name: 'e2e', args: ['--grep-invert', '@alone'] },
    { name: 'e2e alone', args: ['--grep', '@alone', '--workers', '1'] },
  ];
  for (const pass of passes) {
    if (interrupted) break;
    const file = join(results, `playwright-${pass.name.replace(/\s+/g, '-')}.json`);
    rmSync(file, { force: true });
    const r = await run(pass.name, bin('playwright'), ['test', '--reporter=list,json', ...pass.args], { ...clock.env, PLAYWRIGHT_JSON_OUTPUT_NAME: file });
    if (existsSync(file)) {
      const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
      totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
      totals.failed += s.unexpected ?? 0;
      totals.skipped += s.skipped ?? 0;
      lines.push(`${pass.name}: ${s.expected ?? 0} passed, ${s.unexpected ?? 0} failed, ${s.skipped ?? 0} skipped, ${s.flaky ?? 0} flaky in ${r.seconds} s`);
      if (!r.ok && !(s.unexpected > 0)) {
        totals.failed += 1;
        lines.push(`${pass.name}: playwright exited ${r.status} with no failed test counted`);
      }
    } else {
      totals.failed += 1;
      lines.push(`${pass.name}: FAILED, no report (exit ${r.status})`);
    }
  }
}

// Nothing the run started may outlive it: reap and list what is left, then check once more.
const reaped = await reapRun(runId, { all: true });
const still = strayProcesses(runId);
closeRun(runId);
process.stdout.write(`\n=== leftovers\n`);
if (reaped.length === 0) process.stdout.write('nothing left running, no temp dir left behind\n');
else process.stdout.write(`reaped ${reaped.length} thing(s) the run had left behind:\n${reaped.map((l) => `  ${l}`).join('\n')}\n`);
if (still.length) {
  totals.failed += 1;
  lines.push(`leftovers: ${still.length} process(es) still running after the reap: ${still.map((p) => p.pid).join(' ')}`);
}
if (interrupted) {
  totals.failed += 1;
  lines.push(`interrupted by ${interrupted}`);
}

process.stdout.write(`\n=== summary\n${lines.join('\n')}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);
