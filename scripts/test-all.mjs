// `npm test`: typecheck, lint, the Electron security scan, unit/integration tests (vitest) and
// end-to-end tests (Playwright in Debian Chromium through the browser host). Ends with one line
// `N passed, N failed, N skipped` totalling every suite; exits non-zero if anything failed.
//
// `npm test -- --only unit,e2e` runs a subset (names: typecheck, lint, security, unit, e2e).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';
import { root } from './ensure-build.mjs';

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

function run(name, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${name}: ${[cmd, ...args].join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: r.status === 0, seconds, status: r.status };
}

function check(name, cmd, args) {
  if (only && !only.has(name)) return;
  const r = run(name, cmd, args);
  totals[r.ok ? 'passed' : 'failed'] += 1;
  lines.push(`${name}: ${r.ok ? 'passed' : `FAILED (exit ${r.status})`} in ${r.seconds} s`);
}

check('typecheck', process.execPath, [join(root, 'scripts', 'typecheck.mjs')]);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
check('security', process.execPath, [join(root, 'scripts', 'electronegativity.mjs')]);

if (!only || only.has('unit')) {
  const file = join(results, 'vitest.json');
  rmSync(file, { force: true });
  const r = run('unit', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
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

if (!only || only.has('e2e')) {
  const file = join(results, 'playwright.json');
  rmSync(file, { force: true });
  const r = run('e2e', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
    totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    totals.failed += s.unexpected ?? 0;
    totals.skipped += s.skipped ?? 0;
    lines.push(`e2e: ${s.expected ?? 0} passed, ${s.unexpected ?? 0} failed, ${s.skipped ?? 0} skipped, ${s.flaky ?? 0} flaky in ${r.seconds} s`);
    if (!r.ok && !(s.unexpected > 0)) {
      totals.failed += 1;
      lines.push(`e2e: playwright exited ${r.status} with no failed test counted`);
    }
  } else {
    totals.failed += 1;
    lines.push(`e2e: FAILED, no report (exit ${r.status})`);
  }
}

process.stdout.write(`\n=== summary\n${lines.join('\n')}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);
