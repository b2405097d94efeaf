import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { e2eClockEnv, e2eClockTarget, FAKETIME_LIBS, sweepStaleFaketimeShm } from './e2e-clock.mjs';

describe('the e2e clock (TZ=UTC, just before midnight UTC)', () => {
  it('targets 23:52 UTC of the current UTC day, or the hh:mm given', () => {
    const now = new Date('2026-12-05T03:40:00Z');
    expect(e2eClockTarget(now).toISOString()).toBe('2026-12-05T23:52:00.000Z');
    expect(e2eClockTarget(now, '00:05').toISOString()).toBe('2026-12-05T00:05:00.000Z');
    expect(() => e2eClockTarget(now, '25h')).toThrow(/hh:mm/);
  });

  it('E2E_CLOCK=real keeps the real clock, still in UTC', () => {
    const c = e2eClockEnv(new Date(), { E2E_CLOCK: 'real' });
    expect(c.env).toEqual({ TZ: 'UTC' });
    expect(c.line).toContain('real time');
  });

  const lib = FAKETIME_LIBS.find((p) => existsSync(p));
  it.skipIf(!lib)('a child process started with the env reads the shifted clock, in UTC', () => {
    const now = new Date();
    const c = e2eClockEnv(now, { E2E_CLOCK_AT: '23:52' });
    expect(c.env.FAKETIME).toMatch(/^[+-]?\d+s$/);
    const out = spawnSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify([new Date().toISOString(), Intl.DateTimeFormat().resolvedOptions().timeZone]))'], { env: { ...process.env, ...c.env }, encoding: 'utf8' });
    const [iso, zone] = JSON.parse(out.stdout) as [string, string];
    expect(zone).toBe('UTC');
    const drift = Math.abs(Date.parse(iso) - (e2eClockTarget(now).getTime() + (Date.now() - now.getTime())));
    expect(drift).toBeLessThan(10_000);
    expect(iso.slice(11, 16) >= '23:52' || iso.slice(11, 13) === '00').toBe(true);
  });
});

describe("libfaketime's leftovers of killed processes", () => {
  it('removes the shm/semaphore pairs of pids that no longer run, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shm-'));
    try {
      const dead = 4_000_000; // above Linux's pid_max limit: never a running process
      const names = [
        `faketime_shm_${dead}`, `sem.faketime_sem_${dead}`, // a killed process's pair: removed
        `faketime_shm_${process.pid}`, `sem.faketime_sem_${process.pid}`, // a running one's: kept
        'PostgreSQL.163314026', `faketime_shm_${dead}x`, 'faketime_shm_', 'faketime_shm_0', 'faketime_shm_-1', '../faketime_shm_1', // not ours / not a pid: kept
      ].filter((n) => !n.includes('/'));
      for (const n of names) writeFileSync(join(dir, n), '');
      expect(sweepStaleFaketimeShm(dir)).toBe(2);
      expect(readdirSync(dir).sort()).toEqual(names.slice(2).sort());
      expect(sweepStaleFaketimeShm(dir)).toBe(0);
      // the liveness check decides, per pid
      expect(sweepStaleFaketimeShm(dir, () => false)).toBe(2);
      expect(sweepStaleFaketimeShm(join(dir, 'missing'))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
