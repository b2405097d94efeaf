import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startHost } from './host';
import { trackProcess, untrackProcess } from '../scripts/test-reaper.mjs';
import { freePort } from './hub-process';

test('npm run host -- --no-open --port N prints READY with a url that opens the app', async ({ page }) => {
  const port = await freePort();
  const host = await startHost({ viaNpm: true, args: ['--port', String(port)] });
  try {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#launch=\\d{13}\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}$`));
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
  // A garbage launch key on stdin (or none at all) is refused before anything starts.
  for (const input of ['not a key\n', `${'A'.repeat(42)}\n`, '\u0000\u00ff\n', '']) {
    const r = spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), '--no-open', '--launch-key-stdin'], { encoding: 'utf8', input, timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^host: --launch-key-stdin: /);
    expect(r.stdout).not.toContain('READY');
  }
});

test('a corrupt configuration file refuses to run: exit code 2 naming the file and the fields, never demo mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'host-badconfig-'));
  try {
    const file = join(dir, 'terminal.config.json');
    for (const text of [JSON.stringify({ role: 'superuser', platform: 'nope' }), '{ "role": "kiosk", ', '\u0000\u00ff garbage']) {
      writeFileSync(file, text);
      const r = spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), '--no-open', '--port', '0', '--data-dir', join(dir, 'data'), '--config', file], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`configuration error in ${file}`);
      expect(r.stdout).not.toContain('READY');
    }
    writeFileSync(file, JSON.stringify({ role: 'superuser', platform: 'nope' }));
    const r = spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), '--no-open', '--port', '0', '--data-dir', join(dir, 'data'), '--config', file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toMatch(/role/);
    expect(r.stderr).toMatch(/platform/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const signal of ['SIGTERM', 'SIGKILL'] as const) test(`the Chromium the host opened closes when the host is stopped (${signal})`, async () => {
  // A SIGTERM here lands while the demo platform is still starting (PGlite's first start), and the
  // host's shutdown waits for that: 10-40 s on a loaded 2-core machine (once over the 60 s default).
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'host-browser-'));
  const pidFile = join(dir, 'browser.pid');
  // A stand-in browser: records its pid and the url it was given, then waits to be told to go.
  const fake = join(dir, 'fake-chromium.sh');
  writeFileSync(fake, `#!/bin/sh\necho $$ > ${pidFile}\necho "$@" > ${pidFile}.args\nexec sleep 600\n`);
  chmodSync(fake, 0o755);
  const host = spawn(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), '--port', '0', '--data-dir', join(dir, 'data'), '--role', 'clerk'], {
    cwd: ROOT,
    env: { ...process.env, CHROMIUM_PATH: fake },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackProcess(host.pid, 'browser host (host-cli spec)', false);
  host.once('exit', () => untrackProcess(host.pid));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    await expect.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().length > 0, { timeout: 30_000 }).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(readFileSync(`${pidFile}.args`, 'utf8')).toMatch(/--app=http:\/\/127\.0\.0\.1:\d+\/#launch=/);
    expect(alive(pid)).toBe(true);
    const exited = new Promise<number | null>((r) => host.once('exit', (code) => r(code)));
    host.kill(signal);
    // SIGTERM: the host closes it; SIGKILL: the host can do nothing, its watchdog does (devices/process/tied.ts).
    expect(await exited).toBe(signal === 'SIGTERM' ? 0 : null);
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
  } finally {
    if (host.exitCode === null) host.kill('SIGKILL');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
