/**
 * `npm run hall`: a whole service hall on one machine, for a demo or a trial. In this process: a demo
 * province (the reference platform, demo seed, PGlite), a station hub enrolled with it
 * (startStationHub), and emulated devices (socat pty pairs) for the kiosk and the two counters. Then
 * four browser hosts, each a child process with its own data directory and terminal.config.json
 * (platform = the hub, with a one-time code the hub issued): the kiosk (取号), counter window 1,
 * counter window 2 (叫号) and the hall display, all sharing the hub's one queue.
 *
 * Everything is tied to this process: the hosts run under spawnTied's watchdog (their own process
 * group; a SIGKILL of this process still takes them, and each host takes its Chromium), the socat
 * pairs likewise, and province and hub live in this process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDemoDevices, spawnTied, type DemoDevices, type TiedProcess } from '../devices';
import { chromiumArgs, findChromium } from '../main/host/chromium';
import { startPlatform, type Platform } from '../sync/server/platform';
import { startStationHub, type StationHub } from '../sync/server/hub/hub';

export const HALL_STATION = '360121201';
const STATION_NAME = '南新乡便民服务中心';
export const DEFAULT_PORT_BASE = 8790;

export type HallRole = 'kiosk' | 'clerk' | 'display';

export interface HallTerminal {
  /** `kiosk`, `counter-1`, `counter-2`, `display`: also its data folder's name. */
  name: string;
  role: HallRole;
  /** The station window a counter PC is (`queue.window`); null for the kiosk and the display. */
  window: string | null;
  /** The READY url (carries the host's bridge secret in its fragment). */
  url: string;
  dataDir: string;
  /** Emulated devices of this terminal (null: none, the display). */
  devices: DemoDevices | null;
}

export interface HallOptions {
  /** Everything the hall keeps: province/, hub/, one folder per terminal, devices/. */
  dataDir: string;
  /** Province on N, hub N+1, kiosk N+2, counter 1 N+3, counter 2 N+4, display N+5; 0 = any free ports. */
  portBase?: number;
  /** Open each terminal in its own Chromium app window, tiled 2×2 (the kiosk too: not full-screen kiosk mode). */
  open?: boolean;
  /** Where the hosts' stderr goes (prefixed with the terminal's name). */
  log?: (line: string) => void;
}

export interface Hall {
  province: Platform;
  hub: StationHub;
  terminals: HallTerminal[];
  /** A host exited on its own (it failed or was killed). */
  onTerminalExit(listener: (t: HallTerminal, code: number | null) => void): void;
  /** Every Chromium window the hall opened has been closed. */
  onWindowsClosed(listener: () => void): void;
  /** Why no window opened (no Chromium found), or null. */
  openProblem: string | null;
  stop(): Promise<void>;
}

const PLAN: { name: string; role: HallRole; window: string | null; devices: boolean }[] = [
  { name: 'kiosk', role: 'kiosk', window: null, devices: true },
  { name: 'counter-1', role: 'clerk', window: '1', devices: true },
  { name: 'counter-2', role: 'clerk', window: '2', devices: true },
  { name: 'display', role: 'display', window: null, devices: false },
];

/** The host's info and debug log lines (also in its data folder's logs/host.log) stay out of the hall's console. */
function quiet(line: string): boolean {
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return level === 'info' || level === 'debug';
  } catch {
    return false;
  }
}

/** A host child under the watchdog; resolves with its READY url. */
function startHostProcess(hostJs: string, t: (typeof PLAN)[number], dir: string, port: number, log: (line: string) => void): { tied: TiedProcess; ready: Promise<string> } {
  // Always --no-open: the hall opens the windows itself (app windows, tiled), and a closed window leaves its host running.
  const args = [hostJs, '--role', t.role, '--port', String(port), '--data-dir', dir, '--no-open'];
  const tied = spawnTied(process.execPath, args, { stdout: 'pipe', stderr: 'pipe', graceMs: 5000 });
  let out = '';
  let err = '';
  let tail: string[] = [];
  tied.child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    let i: number;
    while ((i = err.indexOf('\n')) >= 0) {
      const line = err.slice(0, i);
      err = err.slice(i + 1);
      tail = [...tail.slice(-9), line];
      if (!quiet(line)) log(`[${t.name}] ${line}`);
    }
  });
  const ready = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${t.name} host printed no READY line in 60 s`)), 60_000);
    tied.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^READY (\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    tied.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${t.name} host exited (${code}) before READY${tail.length ? `:\n${[...tail, err].join('\n').trim()}` : ''}`));
    });
  });
  return { tied, ready };
}

export async function startHall(options: HallOptions): Promise<Hall> {
  const root = resolve(import.meta.dirname, '..');
  const hostJs = join(root, 'out', 'main', 'host.js');
  const dataDir = resolve(options.dataDir);
  const base = options.portBase ?? DEFAULT_PORT_BASE;
  const port = (offset: number) => (base === 0 ? 0 : base + offset);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(dataDir, { recursive: true });

  let province: Platform | null = null;
  let hub: StationHub | null = null;
  const devices: DemoDevices[] = [];
  const hosts: TiedProcess[] = [];
  const browsers: TiedProcess[] = [];
  const closedListeners: (() => void)[] = [];
  const exitListeners: ((t: HallTerminal, code: number | null) => void)[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(browsers.map((b) => b.stop(3000).catch(() => b.kill())));
    await Promise.all(hosts.map((h) => h.stop(8000).catch(() => h.kill())));
    await Promise.all(devices.map((d) => d.stop().catch(() => undefined)));
    await hub?.close().catch(() => undefined);
    await province?.close().catch(() => undefined);
  };
  try {
    province = await startPlatform({ seedDemo: true, dataDir: join(dataDir, 'province'), port: port(0) });
    // A fresh code each start: the hub redeems it when it is new or its province moved, else keeps its enrollment.
    hub = await startStationHub({ upstream: province.url, enrollCode: await province.createEnrollCode(HALL_STATION), dataDir: join(dataDir, 'hub'), port: port(1), label: 'hall station hub' });
    const started: { plan: (typeof PLAN)[number]; dir: string; devices: DemoDevices | null; tied: TiedProcess; ready: Promise<string> }[] = [];
    for (const [i, t] of PLAN.entries()) {
      const dir = join(dataDir, t.name);
      mkdirSync(dir, { recursive: true });
      const emulated = t.devices ? await startDemoDevices(join(dataDir, 'devices', t.name)) : null;
      if (emulated) devices.push(emulated);
      // Written each start (the ports and the devices' pty paths may differ); an enrolled terminal keeps its enrollment.
      const config = {
        role: t.role,
        stationName: STATION_NAME,
        platform: { url: hub.url, enrollCode: await hub.createEnrollCode() },
        ...(t.window ? { queue: { window: t.window } } : {}),
        ...(emulated ? { devices: emulated.config } : {}),
      };
      writeFileSync(join(dir, 'terminal.config.json'), `${JSON.stringify(config, null, 2)}\n`);
      const h = startHostProcess(hostJs, t, dir, port(2 + i), log);
      hosts.push(h.tied);
      started.push({ plan: t, dir, devices: emulated, ...h });
    }
    const terminals: HallTerminal[] = [];
    for (const s of started) {
      const terminal: HallTerminal = { name: s.plan.name, role: s.plan.role, window: s.plan.window, url: await s.ready, dataDir: s.dir, devices: s.devices };
      terminals.push(terminal);
      s.tied.child.once('exit', (code) => {
        if (!stopping) for (const l of exitListeners) l(terminal, code);
      });
    }
    let openProblem: string | null = null;
    const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
    const chromium = options.open === false || headless ? undefined : findChromium();
    if (options.open !== false && headless) openProblem = 'no display (DISPLAY and WAYLAND_DISPLAY unset): open the WINDOW urls from a browser on this machine';
    else if (options.open !== false && !chromium) openProblem = 'no Chromium found (set CHROMIUM_PATH); open the WINDOW urls yourself';
    if (chromium) {
      let open = terminals.length;
      for (const [i, t] of terminals.entries()) {
        const at = `--window-position=${(i % 2) * 960},${Math.floor(i / 2) * 540}`;
        const b = spawnTied(chromium, [...chromiumArgs(t.url, 'clerk', join(t.dataDir, 'chromium-profile')), '--window-size=960,540', at]);
        browsers.push(b);
        b.child.once('exit', () => {
          if (--open === 0 && !stopping) for (const l of closedListeners) l();
        });
      }
    }
    return { province, hub, terminals, openProblem, onTerminalExit: (l) => void exitListeners.push(l), onWindowsClosed: (l) => void closedListeners.push(l), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** One line per terminal, for people and for scripts (`WINDOW <name> <role> <window|-> <url>`). */
export function describe(t: HallTerminal): string {
  const what = t.role === 'kiosk' ? '自助取号 kiosk' : t.role === 'display' ? '大厅显示屏 hall display' : `${t.window} 号窗口 counter window ${t.window}`;
  return `WINDOW ${t.name} ${t.role} ${t.window ?? '-'} ${t.url}  (${what})`;
}

export const HALL_COMMANDS_HELP =
  'commands: card <terminal> <sample> (samples: resident, resident-long-term, foreign-2017, foreign-2023, hmt-residence) | remove <terminal> | paper <terminal> out|ok | rate <counter-1|counter-2> <1-5> | help';

/**
 * One line typed into the hall (stdin): drives a terminal's emulated devices, which the hosts'
 * `devices.demo.*` calls cannot (those answer only in demo mode; the hall's terminals are configured).
 * Returns the answer line; never throws.
 */
export function hallCommand(hall: Pick<Hall, 'terminals'>, line: string): string {
  const [cmd, name, arg, ...extra] = line.trim().split(/\s+/);
  if (!cmd) return '';
  if (cmd === 'help') return HALL_COMMANDS_HELP;
  const t = hall.terminals.find((x) => x.name === name);
  const d = t?.devices;
  if (!['card', 'remove', 'paper', 'rate'].includes(cmd)) return `error: unknown command ${JSON.stringify(cmd.slice(0, 40))}; ${HALL_COMMANDS_HELP}`;
  if (!t) return `error: no terminal ${JSON.stringify((name ?? '').slice(0, 40))} (kiosk, counter-1, counter-2, display)`;
  if (!d) return `error: the ${t.name} has no emulated devices`;
  if (extra.length > 0) return `error: too many arguments; ${HALL_COMMANDS_HELP}`;
  if (cmd === 'card') {
    const file = arg ? d.cards[arg] : undefined;
    if (!file) return `error: no sample card ${JSON.stringify((arg ?? '').slice(0, 40))} (${Object.keys(d.cards).join(', ')})`;
    d.idcard.presentFile(file);
    return `OK card ${arg} on the ${t.name}'s reader`;
  }
  if (cmd === 'remove') {
    if (arg) return `error: too many arguments; ${HALL_COMMANDS_HELP}`;
    d.idcard.remove();
    return `OK card removed from the ${t.name}'s reader`;
  }
  if (cmd === 'paper') {
    if (arg !== 'out' && arg !== 'ok') return 'error: paper <terminal> out|ok';
    d.printer.setCondition({ paperOut: arg === 'out' });
    return `OK the ${t.name}'s printer paper ${arg}`;
  }
  const level = Number(arg);
  if (t.role !== 'clerk' || !Number.isInteger(level) || level < 1 || level > 5) return 'error: rate <counter-1|counter-2> <1-5>';
  d.evaluator.press(level);
  return `OK ${level} pressed on the ${t.name}'s evaluator`;
}
