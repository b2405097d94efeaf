// The clock the end-to-end suite runs on (issue 12): the machine in UTC (`TZ=UTC`, as many kiosk
// PCs are set up) and its wall clock moved to a few minutes before midnight UTC, when the UTC date
// and the station's date (Asia/Shanghai, 08:00 the next day) differ and the run crosses a UTC
// midnight. Every process the suite starts (browser hosts, Chromium, PostgreSQL, socat) inherits
// the same constant offset through libfaketime (Debian `libfaketime`), so they agree with each
// other. libfaketime shifts the monotonic clocks by the same constant too: their rate is untouched,
// so timers behave, and Chromium breaks (its pages never load) when only the wall clock moves.
// Only Node built-ins here.
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * libfaketime gives every process it starts a shared-memory clock state named by its pid
 * (`/dev/shm/faketime_shm_<pid>`, `sem.faketime_sem_<pid>`), created exclusively and owner-only, and
 * removes it at exit. A killed process (the suite kills hosts, Chromium and clusters) leaves its pair
 * behind; a later process that gets the same pid then fails to create its own and exits (seen as a
 * `pg_ctl` or `initdb` run as user postgres dying on a root-owned leftover). So the pairs of pids
 * that no longer run are removed: before the e2e step, while it runs, and before a test cluster
 * starts. Only these two name patterns with a whole pid are touched. Returns how many were removed.
 */
export function sweepStaleFaketimeShm(dir = '/dev/shm', alive = pidAlive) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = /^(?:faketime_shm_|sem\.faketime_sem_)([1-9]\d{0,9})$/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      /* gone meanwhile, or not ours to remove */
    }
  }
  return removed;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e?.code === 'EPERM'; // runs, as another user
  }
}
