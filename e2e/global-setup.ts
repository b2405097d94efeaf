import { existsSync } from 'node:fs';
// @ts-expect-error -- plain .mjs helper without types
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { closeRun, ensureRun, reapRun, reapStaleRuns, RUN_ENV } from '../scripts/test-reaper.mjs';
import { CHROMIUM_PATH } from '../playwright.config';
import { usePgliteTemplate } from '../scripts/pglite-template.mjs';

/**
 * Build check, and the run's reaper: every process the tests start carries TERMINAL_TEST_RUN (set
 * here, so workers inherit it) and is registered; the returned teardown (Playwright's global
 * teardown: it runs after passing, failing and timed-out tests, and after Ctrl-C) stops what is left
 * and removes the temp dirs. Under `npm test` the run id is test-all's, which checks once more at the end.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const outer = Boolean(process.env[RUN_ENV]);
  const id = ensureRun();
  // The hosts' demo platforms and the tests' own start from a copy of a fresh cluster (pglite.ts).
  usePgliteTemplate();
  if (!outer) for (const l of await reapStaleRuns()) process.stdout.write(`reaped from an earlier run: ${l}\n`);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  (ensureBuild as (o: { quiet: boolean }) => void)({ quiet: false });
  return async () => {
    const reaped = await reapRun(id);
    if (reaped.length) process.stdout.write(`e2e teardown reaped ${reaped.length} leftover(s):\n${reaped.map((l) => `  ${l}`).join('\n')}\n`);
    if (!outer) closeRun(id);
  };
}
