// The run's reaper (scripts/test-reaper.mjs) against real processes: a test process that dies
// without cleaning up (SIGKILL), one that exits early, and what no registry knew (a marked orphan).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, listProcesses, reapRun, reapStaleRuns, registryFile, RUN_ENV, strayProcesses } from './test-reaper.mjs';

const REAPER = join(import.meta.dirname, 'test-reaper.mjs');

/** A "test process" in its own run: starts a tracked group, an untracked marked orphan and a tracked dir, prints their ids. */
const CHILD = `
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir, trackProcess } from ${JSON.stringify(REAPER)};
const dir = mkdtempSync(join(tmpdir(), 'reaper-test-'));
trackDir(dir);
const tracked = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
trackProcess(tracked.pid, 'sleep (tracked)');
const stray = spawn('sleep', ['301'], { detached: true, stdio: 'ignore' });
process.stdout.write(JSON.stringify({ dir, tracked: tracked.pid, stray: stray.pid, run: process.env.TERMINAL_TEST_RUN }) + '\\n');
if (process.argv[1] === 'exit') process.exit(3);
setInterval(() => {}, 1000);
`;

function runChild(id: string | null, mode: 'hang' | 'exit'): Promise<{ pid: number; dir: string; tracked: number; stray: number; run: string; exited: Promise<unknown> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, [RUN_ENV]: id ?? '' };
  if (!id) delete env[RUN_ENV];
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, mode], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ pid: child.pid!, exited, ...(JSON.parse(out) as { dir: string; tracked: number; stray: number; run: string }) });
    });
    child.once('exit', (code) => !out && reject(new Error(`child exited ${code}`)));
  });
}

const freshId = () => `run-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('test reaper', () => {
  it('reaps a SIGKILLed test process: its tracked group, its marked orphan and its temp dir', async () => {
    const id = freshId();
    const c = await runChild(id, 'hang');
    process.kill(c.pid, 'SIGKILL');
    await c.exited;
    expect(isAlive(c.tracked)).toBe(true);
    expect(isAlive(c.stray)).toBe(true);
    expect(existsSync(c.dir)).toBe(true);
    expect(strayProcesses(id).map((p) => p.pid).sort()).toEqual([c.tracked, c.stray].sort());

    const reaped = await reapRun(id, { graceMs: 2000 });
    expect(reaped.some((l) => l.includes(`pid ${c.tracked}`))).toBe(true);
    expect(reaped.some((l) => l.includes(`pid ${c.stray}`) && l.includes('unregistered'))).toBe(true);
    expect(reaped).toContain(`temp dir ${c.dir}`);
    expect(isAlive(c.tracked)).toBe(false);
    expect(isAlive(c.stray)).toBe(false);
    expect(existsSync(c.dir)).toBe(false);
    expect(listProcesses(id).filter((p) => p.marked)).toEqual([]);
    // A second reap finds nothing.
    expect(await reapRun(id)).toEqual([]);
    rmSync(registryFile(id), { force: true });
  });

  it('a test process that exits early stops what it tracks itself (process exit hook)', async () => {
    const id = freshId();
    const c = await runChild(id, 'exit');
    await c.exited;
    expect(isAlive(c.tracked)).toBe(false);
    expect(existsSync(c.dir)).toBe(false);
    // The untracked orphan is the run-wide net's.
    expect(isAlive(c.stray)).toBe(true);
    const reaped = await reapRun(id, { graceMs: 2000 });
    expect(reaped).toHaveLength(1);
    expect(isAlive(c.stray)).toBe(false);
    rmSync(registryFile(id), { force: true });
  });

  it('a run whose owner was SIGKILLed before its teardown is reaped when a new run starts', async () => {
    const c = await runChild(null, 'hang'); // the child makes its own run and owns it
    expect(c.run).toMatch(/^run-/);
    expect(readFileSync(registryFile(c.run), 'utf8')).toContain(`"t":"run","pid":${c.pid}`);
    // While its owner lives, the run is not stale.
    expect((await reapStaleRuns()).filter((l) => l.includes(c.run))).toEqual([]);
    expect(isAlive(c.tracked)).toBe(true);
    process.kill(c.pid, 'SIGKILL');
    await c.exited;
    const reaped = (await reapStaleRuns()).filter((l) => l.includes(c.run));
    expect(reaped.length).toBe(3); // the tracked group, the marked orphan, the temp dir
    expect(isAlive(c.tracked)).toBe(false);
    expect(isAlive(c.stray)).toBe(false);
    expect(existsSync(c.dir)).toBe(false);
    expect(existsSync(registryFile(c.run))).toBe(false);
  });

  it('never touches a process of another run, nor a reused pid', async () => {
    const other = spawn('sleep', ['302'], { detached: true, stdio: 'ignore', env: { ...process.env, [RUN_ENV]: freshId() } });
    const id = freshId();
    // A registry line for a pid whose start time does not match (as after pid reuse).
    mkdirSync(join(tmpdir(), 'terminal-test-runs'), { recursive: true });
    spawnSync('sh', ['-c', `printf '%s\\n' '{"t":"proc","pid":${other.pid},"group":true,"start":"1","what":"reused"}' > ${registryFile(id)}`]);
    expect(readFileSync(registryFile(id), 'utf8')).toContain('reused');
    expect(await reapRun(id, { graceMs: 500 })).toEqual([]);
    expect(isAlive(other.pid!)).toBe(true);
    process.kill(-other.pid!, 'SIGKILL');
    rmSync(registryFile(id), { force: true });
  });
});
