// vitest's global setup: the run's reaper (scripts/test-reaper.mjs). Every process an integration
// test starts (platforms, PostgreSQL clusters, socat pairs) carries TERMINAL_TEST_RUN, set here
// before the test workers fork so they inherit it; the teardown stops what is left and removes the
// registered temp dirs, however the tests ended. Under `npm test` the run id is test-all's.
import { closeRun, ensureRun, reapRun, reapStaleRuns, RUN_ENV } from './test-reaper.mjs';

export default async function setup(): Promise<() => Promise<void>> {
  const outer = Boolean(process.env[RUN_ENV]);
  const id = ensureRun();
  if (!outer) for (const l of await reapStaleRuns()) process.stdout.write(`reaped from an earlier run: ${l}\n`);
  return async () => {
    const reaped = await reapRun(id);
    if (reaped.length) process.stdout.write(`vitest teardown reaped ${reaped.length} leftover(s):\n${reaped.map((l) => `  ${l}`).join('\n')}\n`);
    if (!outer) closeRun(id);
  };
}
