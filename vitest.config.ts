import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { availableParallelism } from 'node:os';
import { usePgliteTemplate } from './scripts/pglite-template.mjs';

// Unit and integration tests sit next to the code (`*.test.ts`). Renderer tests run in
// happy-dom; everything else under plain Node. End-to-end scenarios are Playwright's (e2e/).
// Tests run in UTC, like CI and many terminals: dates people read must still be the station's
// (Asia/Shanghai by default). Set before the worker forks start, so each inherits it.
process.env.TZ = 'UTC';
// New PGlite clusters (platforms, hubs, CLI data folders) start from a copy of a fresh one instead
// of running `initdb` each (sync/server/db/pglite.ts).
usePgliteTemplate();

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['{main,preload,renderer,sync,devices,scripts,fuzz}/**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', '**/fixtures/**'],
    environment: 'node',
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker per core but one; on this machine kind (2 cores) that is one, and
    // the suite's time goes mostly to waiting on child processes, PostgreSQL and PGlite: two workers
    // took 730 s where one took 1022 s (2026-12-07, every test passed).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The run's reaper: what a test leaves running or on disk is stopped and removed (scripts/test-reaper.mjs).
    globalSetup: ['scripts/vitest-global-setup.ts'],
    reporters: ['default'],
  },
});
