// The BUILT demo platform worker (out/main/demo-platform-worker.js, one bundle with sync/server in
// it) starts, reports ready, answers health and an enroll-code request, enrolls a terminal with that
// code, and closes. demo.test.ts runs the worker from sources; only the bundle shows bundling
// faults (a top-level `const require` in a bundled module once clashed with the bundle's own:
// "Identifier 'require' has already been declared", and demo mode failed to start).
// Builds first when out/ is missing or older than the sources (scripts/ensure-build.mjs); skips,
// saying why, only when the build tool itself is not installed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs helper without types
import { ensureBuild, root } from '../../scripts/ensure-build.mjs';
import { enrollResponse, paths } from '../../sync/protocol';
import { startDemoPlatform } from './demo';

const buildRoot = root as string;
const workerFile = join(buildRoot, 'out', 'main', 'demo-platform-worker.js');
const tool = join(buildRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const cannotBuild = existsSync(tool) ? null : `electron-vite is not installed (${tool})`;
if (cannotBuild) process.stdout.write(`demo-bundle.test.ts skipped: ${cannotBuild}\n`);

describe.skipIf(cannotBuild !== null)('bundled demo platform worker (out/main)', () => {
  beforeAll(() => {
    (ensureBuild as (o: { quiet: boolean }) => void)({ quiet: true });
    expect(existsSync(workerFile), workerFile).toBe(true);
  }, 600_000);

  it('starts, reports ready, answers health and an enroll-code request, and closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-bundle-'));
    try {
      const demo = await startDemoPlatform(dir, 0, { workerFile });
      try {
        expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${demo.url}${paths.health}`)).status).toBe(200);
        const code = await demo.createEnrollCode();
        expect(code).toMatch(/^\S{6,64}$/);
        const res = await fetch(`${demo.url}${paths.enroll}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, label: 'demo-bundle test' }) });
        expect(res.status).toBe(200);
        expect(enrollResponse.parse(await res.json()).stationId).toBe(demo.stationId);
      } finally {
        await demo.close();
      }
      await expect(demo.createEnrollCode()).rejects.toThrow(/not running/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
