import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { e2eClockEnv, e2eClockTarget, FAKETIME_LIBS } from './e2e-clock.mjs';

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
