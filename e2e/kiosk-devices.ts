/** Test helper: the emulated devices child (kiosk-devices-child.ts) and its line protocol. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './host';
import { signalProcess, trackDir, trackProcess, untrackDir, untrackProcess } from '../scripts/test-reaper.mjs';

export interface KioskDevices {
  config: Record<string, unknown>;
  present(card: string): Promise<void>;
  remove(): Promise<void>;
  transcript(): Promise<string[]>;
  count(): Promise<number>;
  stop(): Promise<void>;
}

export async function startKioskDevices(): Promise<KioskDevices> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-devices-'));
  trackDir(dir);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'e2e', 'kiosk-devices-child.ts'), dir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  trackProcess(child.pid, `emulated kiosk devices ${dir}`);
  let buf = '';
  let err = '';
  const waiters: ((line: string) => boolean)[] = [];
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.findIndex((f) => f(line));
      if (w >= 0) waiters.splice(w, 1);
    }
  });
  const next = (prefix: string, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`devices child: no ${prefix} in ${timeoutMs} ms\n${err}`)), timeoutMs);
      waiters.push((line) => {
        if (!line.startsWith(prefix)) return false;
        clearTimeout(timer);
        resolve(line.slice(prefix.length).trim());
        return true;
      });
    });
  const config = JSON.parse(await next('READY', 60_000)) as Record<string, unknown>;
  const send = async (cmd: string, reply = 'OK') => {
    const p = next(reply);
    child.stdin?.write(`${cmd}\n`);
    return p;
  };
  return {
    config,
    present: async (card) => void (await send(`present ${card}`)),
    remove: async () => void (await send('remove')),
    transcript: async () => JSON.parse(await send('transcript', 'TRANSCRIPT')) as string[],
    count: async () => Number(await send('count', 'COUNT')),
    async stop() {
      child.stdin?.end();
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      signalProcess(child.pid!, 'SIGKILL');
      untrackProcess(child.pid);
      rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    },
  };
}
