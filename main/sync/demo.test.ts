import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDemoPlatform } from './demo';

describe('embedded demo platform (worker thread)', () => {
  it('starts off the main thread, answers health, issues enroll codes and closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-platform-'));
    const started = Date.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    const demo = await startDemoPlatform(dir);
    clearInterval(timer);
    try {
      // The main thread kept running while PGlite started in the worker.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor((Date.now() - started) / 50) / 3);
      const health = await fetch(`${demo.url}/api/v1/health`);
      expect(health.status).toBe(200);
      const code = await demo.createEnrollCode();
      expect(code).toMatch(/\S{6,}/);
    } finally {
      await demo.close();
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(demo.createEnrollCode()).rejects.toThrow(/not running/);
  }, 90_000);
});
