// The test runs' PGlite template (sync/server/db/pglite.ts; the benches leave it unset): fresh
// clusters kept under node_modules/.cache, keyed by PGlite's version, so each new platform database
// in a run is a copy instead of a 3–4 s `initdb` and the migrations. `npm ci` removes it with
// node_modules; the first run after makes it. And PGlite on V8's baseline compiler only
// (TERMINAL_PGLITE_BASELINE=1): ≈ 2 s less CPU in every process that opens one.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PGLITE_TEMPLATE_ENV = 'TERMINAL_PGLITE_TEMPLATE';
export const PGLITE_BASELINE_ENV = 'TERMINAL_PGLITE_BASELINE';

/** Sets TERMINAL_PGLITE_TEMPLATE and TERMINAL_PGLITE_BASELINE for this process and what it starts, unless already set. */
export function usePgliteTemplate() {
  process.env[PGLITE_BASELINE_ENV] ??= '1';
  if (process.env[PGLITE_TEMPLATE_ENV] !== undefined) return;
  const root = resolve(import.meta.dirname, '..');
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8'));
  process.env[PGLITE_TEMPLATE_ENV] = join(root, 'node_modules', '.cache', `pglite-template-${version}`);
}
