/**
 * `npm run hall -- --no-open`: the whole hall starts (province, hub, four browser hosts with their
 * own data folders), a ticket a kiosk takes through its host's bridge is in the queue the display's
 * host reads, and SIGTERM to the hall stops every process it started. Garbage options: exit 2.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openBridgeSession } from '../main/host/launch';
import { signalProcess, trackDir, trackProcess, untrackDir, untrackProcess } from './test-reaper.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const HALL = join(ROOT, 'scripts', 'hall.mjs');

/** Pids whose command line mentions `marker` (the hall's data folder: hosts, watchdogs, socat pairs). */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmd.includes(marker) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

interface Bridge {
  events: { name: string; payload: unknown }[];
  call(name: string, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  close(): void;
}

/** The host's WebSocket bridge, as its page would use it (a session opened with the READY url's one-time code). */
async function bridge(url: string): Promise<Bridge> {
  const u = new URL(url);
  const cookie = await openBridgeSession(url);
  const ws = new WebSocket(`ws://${u.host}/__terminal/ws`, { origin: u.origin, headers: { cookie } });
  const pending = new Map<number, (e: never) => void>();
  const events: Bridge['events'] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; id?: number; envelope?: never; name?: string; payload?: unknown };
    if (m.type === 'result' && typeof m.id === 'number') pending.get(m.id)?.(m.envelope!);
    if (m.type === 'event' && typeof m.name === 'string') events.push({ name: m.name, payload: m.payload });
  });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  let next = 1;
  return {
    events,
    call: (name, input) =>
      new Promise((r) => {
        const id = next++;
        pending.set(id, r);
        ws.send(JSON.stringify({ type: 'call', id, name, ...(input === undefined ? {} : { input }) }));
      }),
    close: () => ws.close(),
  };
}

let hall: ChildProcess | null = null;
const dirs: string[] = [];

/** `node scripts/hall.mjs --port-base 0 --data-dir <tmp> ...args` until its READY line. */
async function startHallProcess(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ dataDir: string; out: string; output: () => string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'terminal-hall-'));
  dirs.push(dataDir);
  trackDir(dataDir);
  // Its own process group only for the reaper's sake; the tests signal the hall's pid alone.
  hall = spawn(process.execPath, [HALL, '--port-base', '0', '--data-dir', dataDir, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  trackProcess(hall.pid, `hall ${dataDir}`);
  let out = '';
  let err = '';
  hall.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((r, j) => {
    const timer = setTimeout(() => j(new Error(`no READY in 150 s\n${out}\n${err}`)), 150_000);
    hall!.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^READY$/m.test(out)) {
        clearTimeout(timer);
        r();
      }
    });
    hall!.once('exit', (code) => j(new Error(`hall exited (${code}) before READY\n${out}\n${err}`)));
  });
  return { dataDir, out, output: () => out };
}
afterAll(() => {
  if (hall?.pid) {
    signalProcess(hall.pid, 'SIGKILL');
    untrackProcess(hall.pid);
  }
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    untrackDir(d);
  }
});

describe('npm run hall', () => {
  it('refuses garbage options with exit code 2 and a clear message', () => {
    for (const args of [['--port-base', 'abc'], ['--port-base', '80'], ['--bogus']]) {
      const r = spawnSync(process.execPath, [HALL, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^hall: .*(--port-base|bogus)/);
      expect(r.stderr).toContain('usage: npm run hall');
    }
  });

  it('starts the whole hall sharing one queue and leaves nothing running after SIGTERM', async () => {
    const { dataDir, out, output } = await startHallProcess(['--no-open']);
    const windows: Record<string, { role: string; window: string; url: string }> = Object.fromEntries(
      [...out.matchAll(/^WINDOW (\S+) (\S+) (\S+) (\S+)/gm)].map((m) => [m[1]!, { role: m[2]!, window: m[3]!, url: m[4]! }]),
    );
    expect(Object.keys(windows)).toEqual(['kiosk', 'counter-1', 'counter-2', 'display']);
    expect(windows['counter-1']).toMatchObject({ role: 'clerk', window: '1' });
    expect(windows['counter-2']).toMatchObject({ role: 'clerk', window: '2' });
    expect(windows.display).toMatchObject({ role: 'display', window: '-' });
    expect(new Set(Object.values(windows).map((w) => new URL(w.url).port)).size).toBe(4);
    const hubUrl = /^HUB (\S+)/m.exec(out)![1]!;

    const kiosk = await bridge(windows.kiosk!.url);
    const display = await bridge(windows.display!.url);
    // Each terminal is configured, not a demo, and enrolled with the hub (the kiosk may still be enrolling).
    expect(await kiosk.call('app.info')).toMatchObject({ ok: true, value: { role: 'kiosk', demo: false } });
    let issued: Awaited<ReturnType<Bridge['call']>> = { ok: false };
    const deadline = Date.now() + 60_000;
    while (!issued.ok && Date.now() < deadline) {
      issued = await kiosk.call('queue.issue', { category: 'general', priority: 'normal' });
      if (!issued.ok) await new Promise((r) => setTimeout(r, 1000));
    }
    // The kiosk's leased numbers for hub loss are A901… (main/queue/leases.ts): the hall's own start at A001.
    expect(issued).toMatchObject({ ok: true, value: { offline: false, ticket: { number: 'A001', status: 'waiting' } } });
    const ticket = (issued.value as { ticket: { id: string; number: string } }).ticket;
    await expect
      .poll(async () => {
        const s = await display.call('queue.state');
        return s.ok ? (s.value as { waitingTickets: { id: string; number: string }[] }).waitingTickets : s.error;
      }, { timeout: 30_000 })
      .toContainEqual(expect.objectContaining({ id: ticket.id, number: ticket.number }));

    // The emulated devices, driven from the hall's stdin: garbage gets an error line, a card reaches the kiosk.
    const say = (line: string) => hall!.stdin!.write(`${line}\n`);
    for (const bad of ['frobnicate', 'card nowhere resident', 'card kiosk nobody', 'paper kiosk sideways', 'rate kiosk 5', 'rate counter-1 9', 'card display resident', '\u0000\u0001 {{{']) say(bad);
    say('card kiosk resident');
    await expect.poll(output, { timeout: 10_000 }).toMatch(/^OK card resident on the kiosk's reader$/m);
    expect(output().match(/^error: .+$/gm)).toHaveLength(8);
    await expect.poll(() => kiosk.events.filter((e) => e.name === 'devices.idcard').length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(JSON.stringify(kiosk.events.find((e) => e.name === 'devices.idcard'))).toContain('"type":"card"');
    kiosk.close();
    display.close();

    // Hosts, their watchdogs and the socat pairs all carry the data folder in their command line.
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(4 + 3 * 4);
    const exited = new Promise<number | null>((r) => hall!.once('exit', (code) => r(code)));
    process.kill(hall!.pid!, 'SIGTERM'); // the hall alone, not its group: it must stop what it started
    expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))])).toBe(0);
    untrackProcess(hall!.pid);
    await expect.poll(() => processesMentioning(dataDir), { timeout: 10_000 }).toEqual([]);
    await expect(fetch(hubUrl)).rejects.toThrow();
    for (const w of Object.values(windows)) await expect(fetch(new URL(w.url).origin)).rejects.toThrow();
  }, 240_000);

  it('opens one Chromium window per terminal, and a SIGKILLed hall still takes everything with it', async () => {
    // Headless Chromium stands in for the windows (no display here); the hall opens them as on a desktop.
    const wrapper = join(mkdtempSync(join(tmpdir(), 'terminal-hall-chromium-')), 'chromium');
    dirs.push(dirname(wrapper));
    trackDir(dirname(wrapper));
    writeFileSync(wrapper, '#!/bin/sh\nexec /usr/bin/chromium --headless=new "$@"\n', { mode: 0o755 });
    const { dataDir } = await startHallProcess([], { ...process.env, CHROMIUM_PATH: wrapper, DISPLAY: ':hall-test' });
    const browsers = () => processesMentioning(`--user-data-dir=${dataDir}`).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--app=http://127.0.0.1:'));
    await expect.poll(() => browsers().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(4 + 3 * 4 + 4);
    process.kill(hall!.pid!, 'SIGKILL');
    untrackProcess(hall!.pid);
    // The watchdogs give hosts 5 s after the lifeline breaks, then kill their groups.
    await expect.poll(() => processesMentioning(dataDir), { timeout: 20_000 }).toEqual([]);
  }, 240_000);
});
