// Security suite, issue 13 items 4, 5 and 6 (terminal side), against a real browser host that opens
// a real headless Chromium itself (through CHROMIUM_PATH, as `npm start` does), enrolled with a real
// platform whose demo roster (staff ID numbers, phones, PIN verifiers) it caches.
// - 4: the bridge credential is in no command line, no Chromium profile file and no data file; the
//      launch code the command line shows is dead once used; no other way in.
// - 5: the staff cache and the keys are sealed: nothing of the roster in clear in the data folder.
// - 6: 5,000 bad bridge calls write a few KB, not ~700 KB; names and addresses sent to the log by
//      the page never reach it; log files 0600.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signalProcess, trackDir, trackProcess, untrackDir, untrackProcess } from '../../../scripts/test-reaper.mjs';
import { DEMO_STAFF } from '../seed/demo';
import { startPlatform, type Platform } from '../platform';
import { tally } from './tally';
import { freePort } from '../test/pg-cluster';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STATION = '360121201';
const RESIDENT = { name: '王建国', idNumber: '360121198001011234', phone: '13907910000', address: '江西省南昌市红谷滩区丰和大道1号' };

const dirs: string[] = [];
const temp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `sec-terminal-${name}-`));
  dirs.push(d);
  trackDir(d);
  return d;
};
let host: ChildProcess | null = null;
let platform: Platform | null = null;
let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (host?.pid) {
    signalProcess(host.pid, 'SIGKILL');
    untrackProcess(host.pid);
  }
  await platform?.close();
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    untrackDir(d);
  }
});

/** Files under dir (recursively) whose bytes contain any needle (as UTF-8); paths relative. */
function grep(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const bufs = needles.map((n) => Buffer.from(n));
  const stack = [dir];
  while (stack.length) {
    const p = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      for (const n of readdirSync(p)) stack.push(join(p, n));
      continue;
    }
    let data: Buffer;
    try {
      data = readFileSync(p);
    } catch {
      continue;
    }
    for (const [i, b] of bufs.entries()) if (data.includes(b)) hits.push(`${p.slice(dir.length)}: ${needles[i]!.slice(0, 12)}…`);
  }
  return hits;
}

/** The processes descending from pid (Linux /proc), with their command lines. */
function descendants(pid: number): { pid: number; cmdline: string }[] {
  const parent = new Map<number, number>();
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      parent.set(Number(n), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out: { pid: number; cmdline: string }[] = [];
  for (const p of parent.keys()) {
    let q: number | undefined = p;
    while (q && q !== pid) q = parent.get(q);
    if (q !== pid) continue;
    try {
      out.push({ pid: p, cmdline: readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      /* gone */
    }
  }
  return out;
}

const dirBytes = (dir: string): number =>
  existsSync(dir) ? readdirSync(dir).reduce((n, f) => n + lstatSync(join(dir, f)).size, 0) : 0;

describe('security: the browser host’s bridge credential, keys and logs', () => {
  const t = tally('terminal');

  it.skipIf(!existsSync(CHROMIUM))('a host that opened Chromium itself: no bridge credential or personal data in command lines, profile or data folder', async () => {
    platform = await startPlatform({ seedDemo: true });
    const data = temp('data');
    const work = temp('work');
    const profile = join(data, 'chromium-profile');
    writeFileSync(join(data, 'terminal.config.json'), JSON.stringify({ role: 'kiosk', platform: { url: platform.url, enrollCode: await platform.createEnrollCode(STATION) } }));
    // A minimal page: the real bridge script (preload/browser.ts, transpiled) and nothing else.
    const renderer = join(work, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><script type="module" src="./app.js"></script></head><body>t</body></html>');
    writeFileSync(join(renderer, 'app.js'), '');
    const bridgeSource = readFileSync(join(ROOT, 'preload', 'browser.ts'), 'utf8');
    writeFileSync(join(renderer, 'bridge.js'), ts.transpileModule(bridgeSource, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    // What the host starts as "Chromium": the real one, headless, with a DevTools port for the test.
    const cdpPort = await freePort();
    const wrapper = join(work, 'chromium.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${CHROMIUM} --headless=new --disable-gpu --remote-debugging-port=${cdpPort} "$@"\n`);
    chmodSync(wrapper, 0o755);

    host = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main', 'host', 'cli.ts'), '--port', '0', '--role', 'kiosk', '--data-dir', data, '--renderer-dir', renderer], {
      cwd: ROOT,
      env: { ...process.env, CHROMIUM_PATH: wrapper },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    trackProcess(host.pid, `host ${data}`);
    let err = '';
    let out = '';
    host.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    host.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => host!.once('exit', (code) => r(code)));
    const until = async (what: string, ok: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`no ${what} in ${ms / 1000} s\n${err.slice(-3000)}`);
        if (host!.exitCode !== null) throw new Error(`host exited\n${err.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await until('session from the Chromium the host opened', () => /"event":"host\.session-opened"/.test(err), 90_000);
    await until('staff roster', () => /"event":"staff\.roster-refreshed"/.test(err), 90_000);
    const origin = /READY (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;

    browser = await chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`);
    const context = browser.contexts()[0]!;
    const page = context.pages()[0]!;
    const invoke = (name: string, input?: unknown) => page.evaluate(([n, i]) => (globalThis as unknown as { terminal: { invoke(n: string, i?: unknown): Promise<{ ok: boolean }> } }).terminal.invoke(n as string, i), [name, input] as const);
    expect(await invoke('app.info')).toMatchObject({ ok: true, value: { role: 'kiosk', host: 'browser' } });
    const session = (await context.cookies()).find((c) => c.name.startsWith('terminal_session_'))!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const credential = session.value;
    expect(page.url()).not.toContain('launch=');

    // ---- item 4
    const procs = descendants(host.pid!);
    expect(procs.some((p) => p.cmdline.includes('chromium'))).toBe(true);
    const launched = procs.map((p) => /#launch=([A-Za-z0-9_.-]+)/.exec(p.cmdline)?.[1]).find(Boolean)!;
    expect(launched).toBeTruthy();
    await t.attack('read the bridge credential from /proc/<pid>/cmdline of the host and everything it started', async () => {
      const again = descendants(host!.pid!);
      return again.length > 3 && !again.some((p) => p.cmdline.includes(credential)) && !readFileSync(`/proc/${host!.pid}/cmdline`, 'utf8').includes(credential);
    });
    await t.attack('redeem the launch code seen on Chromium’s command line (already used)', async () => {
      const r = await fetch(`${origin}/__terminal/session`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ code: launched }) });
      return r.status === 401 && !r.headers.get('set-cookie') && /already used/.test(await r.text());
    });
    const wsStatus = (headers: Record<string, string>, path = '/__terminal/ws') =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${origin.replace('http', 'ws')}${path}`, { headers });
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => resolve(-1));
      });
    await t.attack('open the bridge with the launch code in place of a session', async () => (await wsStatus({ origin, cookie: `${session.name}=${launched}` })) === 401 && (await wsStatus({ origin }, `/__terminal/ws?token=${launched}`)) === 401);
    await t.attack('open a session from another origin (a malicious page) with a forged code', async () => {
      const r = await fetch(`${origin}/__terminal/session`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ code: launched }) });
      const forged = await fetch(`${origin}/__terminal/session`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ code: `${launched.slice(0, -4)}AAAA` }) });
      return r.status === 403 && forged.status === 401;
    });
    await t.attack('use the session from another origin (a malicious page that got the cookie sent)', async () => (await wsStatus({ origin: 'http://evil.example', cookie: `${session.name}=${credential}` })) === 403);
    expect(await wsStatus({ origin, cookie: `${session.name}=${credential}` })).toBe(101); // the real one still works

    // ---- item 6: 5,000 bad bridge calls, and personal data the page sends to the log
    const logs = join(data, 'logs');
    const before = dirBytes(logs);
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/__terminal/ws`, { headers: { origin, cookie: `${session.name}=${credential}` } });
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    let answers = 0;
    ws.on('message', (d) => {
      if ((JSON.parse(d.toString()) as { type: string }).type === 'result') answers++;
    });
    for (let i = 0; i < 5000; i++) ws.send(JSON.stringify(i % 2 ? { type: 'call', id: i, name: 'system.exec', input: { cmd: 'id' } } : { type: 'call', id: i, name: 'app.ping', input: { nonce: i } }));
    await until('5,000 answers', () => answers >= 5000, 60_000);
    ws.close();
    await invoke('app.log', { level: 'warn', event: 'kiosk.form-error', fields: { applicantName: RESIDENT.name, homeAddress: RESIDENT.address, note: `${RESIDENT.name} ${RESIDENT.idNumber} ${RESIDENT.phone} ${RESIDENT.address}` } });
    await new Promise((r) => setTimeout(r, 1500));
    const grown = dirBytes(logs) - before;
    await t.attack('flood the log with 5,000 bad bridge calls', async () => grown < 30_000);
    process.stdout.write(`security terminal: 5,000 bad bridge calls wrote ${grown} bytes of log\n`);

    // Stop the host: it closes its Chromium, which writes its profile.
    signalProcess(host.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    untrackProcess(host.pid);
    host = null;
    await browser.close().catch(() => undefined);
    browser = null;

    const logText = readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    expect(logText).toMatch(/"event":"log\.suppressed"/);
    await t.attack('read names and addresses the page sent to the log', async () => !logText.includes(RESIDENT.name) && !logText.includes(RESIDENT.address) && !logText.includes(RESIDENT.idNumber) && !logText.includes(RESIDENT.phone));
    await t.attack('read the log files as another local user', async () => readdirSync(logs).every((f) => (lstatSync(join(logs, f)).mode & 0o077) === 0));
    expect(existsSync(profile)).toBe(true);
    expect(readdirSync(profile).length).toBeGreaterThan(3);
    await t.attack('find the bridge credential in Chromium’s profile (history, session, cookies, storage)', async () => grep(profile, [credential]).length === 0);
    await t.attack('find the bridge credential anywhere in the terminal’s data folder', async () => grep(data, [credential]).length === 0);

    // ---- item 5: the roster the terminal caches (ID numbers, phones, PIN verifiers) and its keys
    const staffPii = DEMO_STAFF.flatMap((s) => [s.idNumber, s.phone]);
    await t.attack('read staff ID numbers and phones in clear from the data folder (a stolen disk, another user)', async () => grep(data, staffPii).length === 0);
    await t.attack('read PIN verifiers or the platform token in clear from the data folder', async () => grep(join(data, 'secrets'), ['scrypt', '"verifier"', 'tok_', '"staff"']).length === 0 && readdirSync(join(data, 'secrets')).every((f) => !f.endsWith('.secret')));
  }, 300_000);
});
