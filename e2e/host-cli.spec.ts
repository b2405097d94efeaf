import { expect, test } from '@playwright/test';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, startHost } from './host';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

test('npm run host -- --no-open --port N prints READY with a url that opens the app', async ({ page }) => {
  const port = await freePort();
  const host = await startHost({ viaNpm: true, args: ['--port', String(port)] });
  try {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#bridge=[A-Za-z0-9_-]{40,}$`));
    await page.goto(host.url);
    await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
    await expect(page.getByText('演示模式').first()).toBeVisible();
  } finally {
    await host.stop();
  }
});

test('the host rejects bad arguments with a clear message and exit code 2', () => {
  for (const args of [['--role', 'admin'], ['--port', 'abc'], ['--bogus']]) {
    const r = spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), '--no-open', ...args], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^host: /);
    expect(r.stdout).not.toContain('READY');
  }
});

test('a corrupt configuration file is reported in the log and the host still starts safely in demo mode', async ({ page }) => {
  const host = await startHost({ config: { role: 'superuser', platform: 'nope' } });
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
    expect(host.output()).toContain('config.invalid');
  } finally {
    await host.stop();
  }
});
