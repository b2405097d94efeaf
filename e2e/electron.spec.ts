/**
 * The same shell through Playwright's Electron launcher. Runs where Electron's binary exists;
 * elsewhere every test here is skipped with the reason printed (never silently).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- plain .mjs helper without types
import { electronBinary } from '../scripts/electron-path.mjs';
import { ROOT } from './host';

const found = (electronBinary as () => { path?: string; reason?: string })();
if (!found.path) console.log(`[electron e2e] skipped: ${found.reason}`);

test.describe('Electron shell', () => {
  test.skip(!found.path, `Electron binary unavailable: ${found.reason ?? ''}`);

  const launch = async (role: string) => {
    const userData = mkdtempSync(join(tmpdir(), 'terminal-electron-'));
    const config = join(userData, 'terminal.config.json');
    writeFileSync(config, JSON.stringify({ role, displayWindow: 'off' }));
    return electron.launch({
      executablePath: found.path,
      args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'],
      env: { ...process.env, TERMINAL_CONFIG: config },
    });
  };

  test('opens the kiosk window with the secure preferences and a working bridge', async () => {
    const app = await launch('kiosk');
    try {
      const page = await app.firstWindow();
      await expect(page.getByTestId('kiosk-tile-services')).toBeVisible();
      expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents;
        const p = (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
        return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      const r = await page.evaluate(async () => {
        const t = (window as unknown as { terminal: { invoke(n: string, i?: unknown): Promise<unknown> } }).terminal;
        return [await t.invoke('app.info'), await t.invoke('nope'), await t.invoke('app.ping', { nonce: 1 })];
      });
      expect(r[0]).toMatchObject({ ok: true, value: { host: 'electron', role: 'kiosk' } });
      expect(r[1]).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
      expect(r[2]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    } finally {
      await app.close();
    }
  });

  test('blocks navigation away from the app and new windows', async () => {
    const app = await launch('clerk');
    try {
      const page = await app.firstWindow();
      await expect(page.locator('#app')).toBeVisible();
      await page.evaluate(() => { window.open('https://example.com'); location.href = 'https://example.com'; });
      await page.waitForTimeout(500);
      expect(page.url()).toMatch(/^app:\/\/terminal\//);
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
