/** Builds ./store-page.ts into one IIFE script (vite) for injection into browser-host pages. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { ROOT } from './host';

const OUT = join(ROOT, 'test-results', 'store-bundle');
export const STORE_BUNDLE = join(OUT, 'store-page.js');

let built: Promise<string> | null = null;

export function storeBundle(): Promise<string> {
  built ??= (async () => {
    const fresh = existsSync(STORE_BUNDLE) && Date.now() - statSync(STORE_BUNDLE).mtimeMs < 60_000;
    if (!fresh) {
      await build({
        configFile: false,
        root: ROOT,
        logLevel: 'warn',
        // Library mode leaves Vue's (and other packages') `process.env.NODE_ENV` checks in place;
        // a page has no `process` (renderer/db reaches Vue through the station-zone store).
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: OUT,
          emptyOutDir: true,
          minify: false,
          lib: { entry: join(ROOT, 'e2e', 'store-page.ts'), formats: ['iife'], name: 'storePage', fileName: () => 'store-page.js' },
        },
      });
    }
    return readFileSync(STORE_BUNDLE, 'utf8');
  })();
  return built;
}
