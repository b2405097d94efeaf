/** Test helper: starts the browser host as a child process and waits for its READY line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mintLaunchCode, newLaunchKey } from '../main/host/launch';
import { signalProcess, trackDir, trackProcess, untrackDir, untrackProcess } from '../scripts/test-reaper.mjs';

export const ROOT = resolve(import.meta.dirname, '..');

export interface RunningHost {
  /**
   * A url that opens the app: each read mints a fresh one-time launch code (the harness holds the
   * host's launch key, given on stdin), so every page.goto gets its own session.
   */
  readonly url: string;
  origin: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export interface HostOptions {
  role?: 'kiosk' | 'clerk' | 'display';
  config?: Record<string, unknown>;
  args?: string[];
  /** Run through `npm run host --` instead of node out/main/host.js. */
  viaNpm?: boolean;
}

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'terminal-e2e-'));
  trackDir(dataDir);
  const launchKey = newLaunchKey();
  const args = ['--no-open', '--launch-key-stdin', '--port', '0', '--data-dir', dataDir, ...(options.role ? ['--role', options.role] : []), ...(options.args ?? [])];
  if (options.config) {
    writeFileSync(join(dataDir, 'terminal.config.json'), JSON.stringify(options.config));
  }
  // Its own process group (npm → scripts/host.mjs → host.js all in it), tracked until stopped; a
  // failed or timed-out test's leftovers go with the worker or at the global teardown (test-reaper).
  const child = options.viaNpm
    ? spawn('npm', ['run', '--silent', 'host', '--', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    : spawn(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  // The key goes through a pipe: never on a command line, in the environment or in a file.
  child.stdin?.write(`${launchKey}\n`);
  trackProcess(child.pid, `browser host ${dataDir}`);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not print READY in 30 s\n${out}\n${err}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code}) before READY\n${out}\n${err}`));
    });
  });
  const origin = new URL(url).origin;
  return {
    get url() {
      return `${origin}/#launch=${mintLaunchCode(launchKey)}`;
    },
    origin,
    dataDir,
    process: child,
    output: () => `${out}${err}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        signalProcess(child.pid!, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      signalProcess(child.pid!, 'SIGKILL'); // what is left of the group
      untrackProcess(child.pid);
      rmSync(dataDir, { recursive: true, force: true });
      untrackDir(dataDir);
    },
  };
}
