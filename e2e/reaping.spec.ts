/**
 * The test harness reaps (issue 19): a test that fails mid-scenario, one killed by its timeout and
 * one whose worker crashes leave no process and no temp dir behind (a nested Playwright run over
 * e2e/fixtures/reaping); and SIGKILL of a browser host leaves none of its socat pairs behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { isAlive, listProcesses, registryFile, RUN_ENV } from '../scripts/test-reaper.mjs';
import { ROOT, startHost } from './host';

const socatsOf = (dataDir: string) => listProcesses().filter((p) => p.cmdline.startsWith('socat') && p.cmdline.includes(dataDir));

test('a failing, a timed-out and a crashed test leave no process and no temp dir behind', async () => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'reaping-spec-'));
  const reportFile = join(dir, 'report.jsonl');
  // A run of its own (no TERMINAL_TEST_RUN inherited): its global setup makes the id, its teardown reaps.
  const env: NodeJS.ProcessEnv = { ...process.env, REAP_REPORT: reportFile };
  delete env[RUN_ENV];
  const nested = spawn(join(ROOT, 'node_modules', '.bin', 'playwright'), ['test', '--config', join(ROOT, 'e2e', 'fixtures', 'reaping', 'playwright.config.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  nested.stdout.on('data', (d: Buffer) => (out += d.toString()));
  nested.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => nested.once('exit', r));
  await test.info().attach('nested run', { body: out, contentType: 'text/plain' });
  try {
    expect(code, out).toBe(1); // its three tests failed, as they should
    expect(out).toMatch(/3 failed/);
    const rows = readFileSync(reportFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; run: string; pids: number[]; dirs: string[] });
    expect(rows.map((r) => r.name).sort()).toEqual(['crash', 'fail', 'timeout']);
    const run = rows[0]!.run;
    expect(run).toMatch(/^run-/);
    for (const r of rows) {
      expect(r.pids.length, r.name).toBeGreaterThanOrEqual(5); // host + 4 socat (+ chromium)
      for (const pid of r.pids) expect(isAlive(pid), `${r.name}: pid ${pid} still running`).toBe(false);
      for (const d of r.dirs) expect(existsSync(d), `${r.name}: ${d} left behind`).toBe(false);
    }
    // Nothing of that run is left at all (Playwright's own Chromium, host children…), and its registry is gone.
    expect(listProcesses(run).filter((p) => p.marked).map((p) => p.cmdline)).toEqual([]);
    expect(existsSync(registryFile(run))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGKILL of the browser host leaves no socat behind', async () => {
  const host = await startHost({ role: 'kiosk' });
  try {
    await expect.poll(() => socatsOf(host.dataDir).length, { timeout: 20_000 }).toBe(4);
    const pids = socatsOf(host.dataDir).map((p) => p.pid);
    process.kill(host.process.pid!, 'SIGKILL'); // the host alone, not its group
    await expect.poll(() => socatsOf(host.dataDir).length, { timeout: 5_000 }).toBe(0);
    // An exiting process loses its command line before it is gone: wait for the pids themselves too.
    await expect.poll(() => pids.filter((pid) => isAlive(pid)), { timeout: 5_000 }).toEqual([]);
  } finally {
    await host.stop();
  }
});
