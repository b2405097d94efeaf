// spawnTied: the command goes when its parent dies, even by SIGKILL (no PR_SET_PDEATHSIG in Node),
// and stop() takes the whole group. Real processes: a parent node process, sh, sleep, socat.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnTied } from './tied';
import { PtyPair } from '../emulators/pty-pair';
import { listProcesses } from '../../scripts/test-reaper.mjs';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

const dir = mkdtempSync(join(tmpdir(), 'tied-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spawnTied', () => {
  it.skipIf(process.platform === 'win32')('the command dies with its parent killed by SIGKILL (sleep, and a socat pty pair with its links)', async () => {
    const here = JSON.stringify(join(import.meta.dirname, 'tied.ts'));
    const pty = JSON.stringify(join(import.meta.dirname, '..', 'emulators', 'pty-pair.ts'));
    const a = join(dir, 'ttyA');
    const b = join(dir, 'ttyB');
    const script = `
      import { spawnTied } from ${here};
      import { PtyPair } from ${pty};
      const t = spawnTied('sleep', ['300']);
      const pair = new PtyPair(${JSON.stringify(a)}, ${JSON.stringify(b)});
      await pair.start();
      process.stdout.write(String(t.pgid) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pgid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      parent.once('exit', (c) => reject(new Error(`parent exited ${c}`)));
    });
    expect(alive(-pgid)).toBe(true);
    expect(existsSync(a) && existsSync(b)).toBe(true);
    const socats = () => listProcesses().filter((p) => p.cmdline.startsWith('socat') && p.cmdline.includes(a)).length;
    expect(socats()).toBe(1);
    parent.kill('SIGKILL');
    expect(await until(() => !alive(-pgid), 5000)).toBe(true);
    expect(await until(() => socats() === 0, 5000)).toBe(true);
    expect(existsSync(a) || existsSync(b)).toBe(false); // socat stopped by SIGTERM removes its links
  }, 30_000);

  it('stop() takes the whole group; the exit code comes through', async () => {
    const t = spawnTied('sh', ['-c', 'sleep 300 & sleep 300 & wait']);
    await until(() => alive(-t.pgid!), 2000);
    await t.stop(2000);
    expect(await until(() => !alive(-t.pgid!), 3000)).toBe(true);

    const e = spawnTied('sh', ['-c', 'exit 7']);
    const code = await new Promise((r) => e.child.once('exit', r));
    expect(code).toBe(7);
  });

  it('a missing command fails fast (a pty pair says so at once, not at its timeout)', async () => {
    const pair = new PtyPair(join(dir, 'bad', 'x'), join(dir, 'bad', 'y'));
    const t0 = Date.now();
    await expect(pair.start(10_000)).rejects.toMatchObject({ code: 'PTY_FAILED' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
