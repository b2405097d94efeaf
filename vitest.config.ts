import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Unit and integration tests sit next to the code (`*.test.ts`). Renderer tests run in
// happy-dom; everything else under plain Node. End-to-end scenarios are Playwright's (e2e/).
// Tests run in UTC, like CI and many terminals: dates people read must still be the station's
// (Asia/Shanghai by default). Set before the worker forks start, so each inherits it.
process.env.TZ = 'UTC';

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
    // The run's reaper: what a test leaves running or on disk is stopped and removed (scripts/test-reaper.mjs).
    globalSetup: ['scripts/vitest-global-setup.ts'],
    reporters: ['default'],
  },
});
