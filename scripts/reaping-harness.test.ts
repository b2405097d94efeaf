// The vitest side of the harness reaping (issue 19): a nested vitest run whose tests fail
// mid-scenario and time out while holding a PostgreSQL cluster, a platform server and socat pairs
// leaves no process, no temp dir and no run registry behind. (The Playwright side: e2e/reaping.spec.ts.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { requirePostgres } from '../sync/server/test/pg-cluster';
import { isAlive, listProcesses, registryFile, RUN_ENV } from './test-reaper.mjs';

const ROOT = join(import.meta.dirname, '..');

it.runIf(requirePostgres())('a failing and a timed-out vitest test leave no process and no temp dir behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reaping-harness-'));
  const reportFile = join(dir, 'report.jsonl');
  const env: NodeJS.ProcessEnv = { ...process.env, REAP_REPORT: reportFile };
  delete env[RUN_ENV]; // a run of its own: its global setup makes the id, its teardown reaps
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  const nested = spawn(join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--config', join(ROOT, 'scripts', 'fixtures', 'reaping', 'vitest.config.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  nested.stdout.on('data', (d: Buffer) => (out += d.toString()));
  nested.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => nested.once('exit', r));
  try {
    expect(code, out).toBe(1);
    expect(out).toMatch(/2 failed/);
    expect(out).toMatch(/Test timed out in 3000ms/);
    const rows = readFileSync(reportFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; run: string; pids: number[]; dirs: string[] });
    expect(rows.map((r) => r.name).sort(), out).toEqual(['fail', 'timeout']);
    const run = rows[0]!.run;
    for (const r of rows) {
      expect(r.pids).toHaveLength(2);
      for (const pid of r.pids) expect(isAlive(pid), `${r.name}: pid ${pid} still running\n${out}`).toBe(false);
      for (const d of r.dirs) expect(existsSync(d), `${r.name}: ${d} left behind`).toBe(false);
    }
    expect(listProcesses(run).filter((p) => p.marked).map((p) => p.cmdline)).toEqual([]);
    expect(existsSync(registryFile(run))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
