// The clock the end-to-end suite runs on (issue 12): the machine in UTC (`TZ=UTC`, as many kiosk
// PCs are set up) and its wall clock moved to a few minutes before midnight UTC, when the UTC date
// and the station's date (Asia/Shanghai, 08:00 the next day) differ and the run crosses a UTC
// midnight. Every process the suite starts (browser hosts, Chromium, PostgreSQL, socat) inherits
// the same constant offset through libfaketime (Debian `libfaketime`), so they agree with each
// other. libfaketime shifts the monotonic clocks by the same constant too: their rate is untouched,
// so timers behave, and Chromium breaks (its pages never load) when only the wall clock moves.
// Only Node built-ins here.
import { existsSync } from 'node:fs';

export const FAKETIME_LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'];

/** `hh:mm` UTC the suite's clock starts at (default 23:52: a 15-minute run crosses midnight UTC). */
export function e2eClockTarget(now = new Date(), at = process.env.E2E_CLOCK_AT ?? '23:52') {
  const m = /^(\d{2}):(\d{2})$/.exec(at);
  if (!m) throw new Error(`E2E_CLOCK_AT must be hh:mm (UTC), got ${JSON.stringify(at)}`);
  const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(m[1]), Number(m[2])));
  return target;
}

/**
 * The environment for the e2e step and a line saying what clock it runs on. `E2E_CLOCK=real` runs
 * on the real clock (still TZ=UTC); without libfaketime the clock is real too, and the line says why.
 */
export function e2eClockEnv(now = new Date(), env = process.env) {
  const base = { TZ: 'UTC' };
  if (env.E2E_CLOCK === 'real') return { env: base, line: 'e2e clock: real time, TZ=UTC (E2E_CLOCK=real)' };
  const lib = FAKETIME_LIBS.find((p) => existsSync(p));
  if (!lib) return { env: base, line: 'e2e clock: real time, TZ=UTC (libfaketime not installed: apt-get install libfaketime)' };
  const target = e2eClockTarget(now, env.E2E_CLOCK_AT);
  // Whole seconds, rounded up: the shifted clock never starts before the target (rounded to nearest,
  // a process started at once could read 23:51:59.6).
  const offset = Math.ceil((target.getTime() - now.getTime()) / 1000);
  const preload = [env.LD_PRELOAD, lib].filter(Boolean).join(':');
  return {
    env: { ...base, LD_PRELOAD: preload, FAKETIME: `${offset >= 0 ? '+' : ''}${offset}s`, E2E_CLOCK_START: target.toISOString() },
    line: `e2e clock: starts at ${target.toISOString()} (TZ=UTC, libfaketime offset ${offset} s; station time ${new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(target)})`,
  };
}
