// Security suite, issue 13 item 3: files readable by every local user. `stat` of every file and folder
// the platform, the station hub and the terminal (browser host in demo mode: its data folder, logs
// and the embedded demo platform) create, while running and after: none group- or world-accessible.
// Each starts under the usual umask 022 and over a folder an older version left 0755/0644.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleApplication, paths } from '../../protocol/index';
import { signalProcess, trackDir, trackProcess, untrackDir, untrackProcess } from '../../../scripts/test-reaper.mjs';
import { startStationHub } from '../hub/hub';
import { startPlatform } from '../platform';
import { privateTree } from '../private-files';
import { client, enroll } from '../test/helpers';
import { tally } from './tally';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const STATION = '360121201';

/** Every path under `dir` (itself included) whose mode gives group or others anything. */
function exposed(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const p = stack.pop()!;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.mode & 0o077) out.push(`${(st.mode & 0o777).toString(8)} ${p.slice(dir.length) || '/'}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) stack.push(join(p, n));
  }
  return out;
}
function count(dir: string): number {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const p = stack.pop()!;
    n++;
    if (lstatSync(p).isDirectory()) for (const c of readdirSync(p)) stack.push(join(p, c));
  }
  return n;
}
/** What an older version left: everything 0755 / 0644. */
function loosen(dir: string): void {
  const stack = [dir];
  while (stack.length) {
    const p = stack.pop()!;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) continue;
    chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const n of readdirSync(p)) stack.push(join(p, n));
  }
}

const dirs: string[] = [];
function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `sec-files-${name}-`));
  dirs.push(d);
  trackDir(d);
  return d;
}
let host: ChildProcess | null = null;
afterAll(() => {
  if (host?.pid) {
    signalProcess(host.pid, 'SIGKILL');
    untrackProcess(host.pid);
  }
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    untrackDir(d);
  }
});

describe('security: every file the platform, the hub and the terminal write is the owner’s only', () => {
  const t = tally('files');

  it('privateTree: takes group and other bits off a tree, leaves symbolic links alone, creates 0700', () => {
    const d = tempDir('tree');
    mkdirSync(join(d, 'a', 'b'), { recursive: true, mode: 0o777 });
    writeFileSync(join(d, 'a', 'b', 'f'), 'x', { mode: 0o666 });
    chmodSync(join(d, 'a'), 0o755);
    chmodSync(join(d, 'a', 'b'), 0o775);
    const outside = join(tempDir('outside'), 'target');
    writeFileSync(outside, 'y', { mode: 0o644 });
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(d, 'a', 'link'));
    chmodSync(d, 0o755);
    expect(privateTree(d)).toBe(4);
    expect(exposed(d)).toEqual([]);
    expect(lstatSync(outside).mode & 0o777).toBe(0o644); // not followed
    privateTree(join(d, 'new', 'deep'));
    expect(lstatSync(join(d, 'new', 'deep')).mode & 0o777).toBe(0o700);
    // A shared folder (sticky, like /tmp) is neither closed nor walked.
    const sharedDir = join(d, 'shared');
    mkdirSync(sharedDir);
    chmodSync(sharedDir, 0o1777);
    writeFileSync(join(sharedDir, 'other'), 'z');
    chmodSync(join(sharedDir, 'other'), 0o644);
    expect(privateTree(sharedDir)).toBe(0);
    expect(lstatSync(sharedDir).mode & 0o7777).toBe(0o1777);
    expect(lstatSync(join(sharedDir, 'other')).mode & 0o777).toBe(0o644);
  });

  it('the platform (PGlite) and a station hub: while running, after, and over an old 0755/0644 folder', async () => {
    const old = process.umask(0o022);
    try {
      const root = tempDir('platform');
      const pdir = join(root, 'province');
      let p = await startPlatform({ dataDir: pdir, seedDemo: true });
      const term = await enroll(p, STATION);
      // Resident data, so the WAL has something to give away.
      expect((await term.push('applications', [{ newDocumentState: exampleApplication() }])).written).toBe(1);
      const scan = randomBytes(50_000);
      const put = await fetch(p.url + paths.attachment(createHash('sha256').update(scan).digest('hex')), { method: 'PUT', headers: { authorization: `Bearer ${term.token}`, 'content-type': 'application/octet-stream' }, body: scan });
      expect(put.status).toBe(201);
      await t.attack('read the running platform’s PGlite files as another user', async () => exposed(pdir).length === 0);
      await p.close();
      expect(count(pdir)).toBeGreaterThan(500);
      await t.attack('read the stopped platform’s files as another user', async () => exposed(pdir).length === 0);

      // An older version's folder: fixed at the next start.
      loosen(pdir);
      expect(exposed(pdir).length).toBeGreaterThan(500);
      p = await startPlatform({ dataDir: pdir });
      await t.attack('read a platform folder an older version left 0755/0644, after a restart', async () => exposed(pdir).length === 0);

      process.umask(0o022);
      const hdir = join(root, 'hub');
      const hub = await startStationHub({ upstream: p.url, enrollCode: await p.createEnrollCode(STATION), dataDir: hdir, intervalMs: 60_000 });
      const hallTerm = client(hub.url, (await hub.store.enroll(await hub.createEnrollCode(), 'kiosk')).token);
      expect((await hallTerm.push('applications', [{ newDocumentState: exampleApplication() }])).written).toBe(1);
      await t.attack('read the running hub’s files as another user', async () => exposed(hdir).length === 0);
      await hub.close();
      await p.close();
      await t.attack('read the stopped hub’s files as another user', async () => exposed(hdir).length === 0);
    } finally {
      process.umask(old);
    }
  }, 240_000);

  it('the terminal (browser host, demo mode): data folder, logs, secrets and the demo platform under it', async () => {
    const data = tempDir('terminal');
    // An older version's leftovers, world-readable.
    chmodSync(data, 0o755);
    mkdirSync(join(data, 'logs'), { mode: 0o755 });
    writeFileSync(join(data, 'logs', 'host.log'), '{"old":true}\n', { mode: 0o644 });
    chmodSync(join(data, 'logs'), 0o755);
    chmodSync(join(data, 'logs', 'host.log'), 0o644);
    const renderer = tempDir('renderer');
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    host = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main', 'host', 'cli.ts'), '--no-open', '--port', '0', '--demo', '--data-dir', data, '--renderer-dir', renderer], {
      cwd: ROOT,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    trackProcess(host.pid, `host ${data}`);
    let err = '';
    host.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => host!.once('exit', (code) => r(code)));
    // Demo mode starts the embedded demo platform (PGlite under <data>/demo-platform) and enrolls with it.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no demo platform in 150 s\n${err.slice(-2000)}`)), 150_000);
      const poll = setInterval(() => {
        if (/"event":"sync\.enrolled"/.test(err)) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        }
      }, 200);
      void exited.then(() => reject(new Error(`host exited early\n${err.slice(-2000)}`)));
    });
    await t.attack('read the running terminal’s data folder (logs, secrets, demo platform) as another user', async () => exposed(data).length === 0);
    signalProcess(host.pid!, 'SIGTERM');
    await exited;
    untrackProcess(host.pid);
    host = null;
    expect(count(join(data, 'demo-platform'))).toBeGreaterThan(500);
    // Rotated log files (main/core/log.ts): host.<date>.<n>.log.
    expect(readdirSync(join(data, 'logs')).some((f) => /^host\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(f))).toBe(true);
    await t.attack('read the stopped terminal’s data folder as another user', async () => exposed(data).length === 0);
  }, 240_000);
});
