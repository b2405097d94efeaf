/**
 * Helpers for the store specs in real Chromium: a browser host we can kill and restart on the same
 * port and data folder, and a Chromium we launch ourselves (persistent profile, our own PID) and
 * drive over CDP, so a test can SIGKILL it and relaunch it with the same profile.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_PATH } from '../playwright.config';
import { ROOT } from './host';
import { trackDir, trackProcess, untrackProcess } from '../scripts/test-reaper.mjs';
import { storeBundle } from './store-bundle';
import type { StoreApi } from './store-page';

export interface KillableHost {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Role `display` by default: its page opens no store of its own, so the test's store is the only one. */
export async function launchHost(options: { dataDir?: string; port?: number; config?: Record<string, unknown>; role?: string }): Promise<KillableHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'store-host-'));
  trackDir(dataDir);
  if (options.config) writeFileSync(join(dataDir, 'terminal.config.json'), JSON.stringify(options.config));
  const child = spawn(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), '--no-open', '--port', String(options.port ?? 0), '--data-dir', dataDir, '--role', options.role ?? 'display'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackProcess(child.pid, `browser host ${dataDir}`);
  child.once('exit', () => untrackProcess(child.pid));
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host: no READY in 30 s\n${out}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited ${code}\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* the group is already gone */
  }
}

/** Waits until no process of the group is left (children exit a moment after the browser). */
async function groupGone(pgid: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    if (Date.now() > until) throw new Error(`chromium process group ${pgid} still alive after ${timeoutMs} ms`);
    killGroup(pgid);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface KillableChromium {
  browser: Browser;
  process: ChildProcess;
  userDataDir: string;
  page: Page;
  kill(): Promise<void>;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info', '--remote-debugging-port=0'];

export async function launchChromium(userDataDir: string = mkdtempSync(join(tmpdir(), 'store-profile-'))): Promise<KillableChromium> {
  trackDir(userDataDir);
  // Its own process group, so a kill takes the renderer, network and crashpad children with it: they
  // would otherwise keep writing into the profile after the browser process died.
  const child = spawn(CHROMIUM_PATH, [...FLAGS, `--user-data-dir=${userDataDir}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  trackProcess(child.pid, `chromium ${userDataDir}`);
  let err = '';
  const ws = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium: no DevTools URL\n${err}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`chromium exited ${code}\n${err}`)));
  });
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0]!;
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    browser,
    process: child,
    userDataDir,
    page,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        killGroup(child.pid!);
        await exited;
      }
      await groupGone(child.pid!);
      untrackProcess(child.pid);
      await browser.close().catch(() => undefined);
    },
  };
}

/**
 * Opens the host page with the store bundle injected (CSP bypassed for the injected test script
 * only; the app's own CSP is unchanged) and opens the store. Returns an evaluator for `__store`.
 */
export async function openStorePage(page: Page, hostUrl: string, dbName: string | null = 'e2e'): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
  await page.goto(hostUrl);
  await injectStore(page, dbName);
}

/** Injects the store bundle into the current document and opens the store (after a reload, too). */
export async function injectStore(page: Page, dbName: string | null = 'e2e'): Promise<void> {
  await page.waitForFunction(() => !!(window as unknown as { terminal?: unknown }).terminal);
  await page.addScriptTag({ content: await storeBundle() });
  if (dbName) await page.evaluate((name) => (window as unknown as { __store: StoreApi }).__store.open(name), dbName);
}

export type { StoreApi };

/** Calls one `__store` method in the page by name (arguments and result go through structured clone). */
export function callStore<K extends keyof StoreApi>(page: Page, method: K, ...args: Parameters<StoreApi[K]>): Promise<Awaited<ReturnType<StoreApi[K]>>> {
  return page.evaluate(
    ([m, a]) => {
      const s = (window as unknown as { __store: Record<string, (...x: unknown[]) => unknown> }).__store;
      return s[m]!(...a);
    },
    [method as string, args as unknown[]] as const,
  ) as Promise<Awaited<ReturnType<StoreApi[K]>>>;
}
