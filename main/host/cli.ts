/**
 * `npm run host -- [--role kiosk|clerk|display] [--port N] [--no-open] [--demo] [--data-dir DIR] [--config FILE] [--launch-key-stdin]`
 *
 * Runs the terminal's main-side services under plain Node, serves the built renderer on
 * 127.0.0.1 and prints `READY <url>` on stdout when the page can be opened. The url carries a
 * one-time launch code (./launch.ts); every line read on stdin prints `LAUNCH <url>` with a new one.
 * `--launch-key-stdin`: the first stdin line is the launch key (a supervisor mints codes itself).
 * Unless `--no-open`, opens system Chromium on a fresh code; closing that window stops the host.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Role } from '../../preload/contract';
import { configFailureMessage, loadConfig } from '../core/config';
import { createLogger } from '../core/log';
import { defaultDataDir } from '../core/paths';
import { createTerminalCore } from '../core/services';
import { startBrowserHost } from './server';
import { findChromium, launchChromium } from './chromium';
import { parseLaunchKey } from './launch';
import { APP_VERSION } from './version';
import { privateTree, restrictUmask } from '../../sync/server/private-files';

const USAGE = 'usage: npm run host -- [--role kiosk|clerk|display] [--port N] [--no-open] [--demo] [--data-dir DIR] [--config FILE] [--launch-key-stdin]';

function fail(message: string): never {
  process.stderr.write(`host: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        port: { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        'renderer-dir': { type: 'string' },
        'launch-key-stdin': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : 'bad arguments');
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const role = values.role === undefined ? undefined : Role.safeParse(values.role);
  if (role && !role.success) fail(`--role must be kiosk, clerk or display (got ${values.role})`);
  let port = 0;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer 0-65535 (got ${values.port})`);
  }

  // Lines on stdin: the launch key first (with --launch-key-stdin), then requests for a new link.
  const lines: string[] = [];
  let onLine: ((line: string) => void) | null = null;
  let stdinEnded = false;
  const stdin = createInterface({ input: process.stdin, terminal: false });
  stdin.on('line', (line) => (onLine ? onLine(line) : lines.push(line)));
  stdin.on('close', () => (stdinEnded = true));
  let launchKey: Buffer | undefined;
  if (values['launch-key-stdin']) {
    const first = lines.shift() ?? (await new Promise<string | null>((r) => {
      if (stdinEnded) return r(null);
      onLine = r;
      stdin.once('close', () => r(null));
    }));
    onLine = null;
    if (first === null) fail('--launch-key-stdin: stdin ended before the launch key');
    try {
      launchKey = parseLaunchKey(first);
    } catch (error) {
      fail(`--launch-key-stdin: ${(error as Error).message}`);
    }
  }

  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  // Everything the terminal keeps is the owner's only: 0700 folders, 0600 files, existing ones fixed.
  restrictUmask();
  privateTree(dataDir);
  const configFile = values.config ?? process.env.TERMINAL_CONFIG ?? join(dataDir, 'terminal.config.json');
  const loaded = loadConfig(configFile, { role: role?.data });
  const log = createLogger({ file: join(dataDir, 'logs', 'host.log'), level: loaded.config.logLevel }, 'host');
  for (const problem of loaded.problems) log.error('config.invalid', { problem });
  // A broken file never becomes demo mode: say so, show the Chinese screen, exit non-zero.
  const failure = loaded.failure;
  if (failure) process.stderr.write(`host: ${configFailureMessage(failure)}\n`);
  if (failure && values['no-open']) process.exit(2);
  const config = values.demo ? { ...loaded.config, platform: undefined } : loaded.config;

  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = resolve(values['renderer-dir'] ?? join(here, '..', 'renderer'));
  const version = APP_VERSION;
  const core = createTerminalCore({ config, log, host: 'browser', version, dataDir, configFailure: failure });
  if (!failure) await core.start();
  const host = await startBrowserHost({ core, log, rendererDir, role: config.role, port, ...(launchKey ? { launchKey } : {}) });
  log.info('host.ready', { port: host.port, role: config.role, demo: !config.platform });
  process.stdout.write(`READY ${host.launchUrl()}\n`);
  // Each further line on stdin (Enter in a terminal): a new one-time link, e.g. for another browser.
  onLine = () => process.stdout.write(`LAUNCH ${host.launchUrl()}\n`);
  for (const _ of lines.splice(0)) onLine('');

  let closing = false;
  /** The Chromium this host opened: it goes when the host goes (it would show a dead page). */
  let browser: ReturnType<typeof launchChromium> | null = null;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    if (browser) await browser.stop(3000);
    await host.close().catch(() => undefined);
    await core.close().catch(() => undefined);
    await log.close().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  if (!values['no-open']) {
    const chromium = findChromium();
    if (!chromium) {
      log.warn('host.no-browser', {});
      process.stderr.write('host: no Chromium found (set CHROMIUM_PATH); open the READY url yourself\n');
      return;
    }
    browser = launchChromium(chromium, host.launchUrl(), config.role, join(dataDir, 'chromium-profile'));
    browser.child.on('exit', () => void shutdown(failure ? 2 : 0));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`host: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
