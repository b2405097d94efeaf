import { defineConfig } from '@playwright/test';

// End-to-end tests drive Debian's Chromium (never a downloaded browser) against the browser
// host; Electron specs use Playwright's Electron launcher and skip, saying why, where the
// Electron binary is missing.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  // CI runs this suite on 2 busy cores, two specs at a time: single-screen tests with an axe scan took
  // 45 s there (stop 24). The budget is generous; what each test asserts is not touched by it.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  outputDir: 'test-results/e2e',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    locale: 'zh-CN',
    // The page's zone is the machine's: `npm test` runs the suite with TZ=UTC and the clock just before
    // midnight UTC (scripts/e2e-clock.mjs), where anything shown in the machine's zone instead of the
    // station's is a day off. A plain `npx playwright test` keeps the station's zone.
    timezoneId: process.env.TZ || 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
    // Reduced motion (the product's setting for it ends every animation and transition at once):
    // Chromium here composites in software, and the kiosk's endless animations cost a page ≈ 10 % of a
    // core, which two workers on two cores pay in time (station-hall: 155 → 96 s of CPU). Behaviour
    // does not depend on it. kiosk-journey runs with motion, as a kiosk shows it by default;
    // ui.spec.ts checks both settings.
    reducedMotion: 'reduce',
    screenshot: 'only-on-failure',
    // A failed test keeps its trace: every action with the DOM before and after it, the network and the
    // console. Without the trace's screencast (a frame at every paint, encoded in the browser for every
    // test, passing or not): it cost kiosk-input 96 s of machine CPU against 63 s without it. A failed
    // test still has its screenshot (above).
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
