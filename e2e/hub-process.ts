/**
 * Test helper: a station hub as its own process (`npm run platform -- serve --role station …`, the
 * command a hall PC runs), so a test can SIGKILL it and start it again on the same data folder and
 * port. Tracked by the test reaper until it exits. Shared by the hub integration spec and the
 * station hall scenario.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { paths, stationStatusResponse, type StationStatus } from '../sync/protocol';
import { trackProcess, untrackProcess } from '../scripts/test-reaper.mjs';
import { ROOT } from './host';

const CLI = join(ROOT, 'sync/server/cli.ts');
/** The admin token every test hub is started with (back-office calls at the hub: enroll codes, status). */
export const HUB_ADMIN = 'adm_hub_integration_token_0123456789';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const a = s.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface HubProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** `npm run platform -- serve --role station …` as a child process; resolves on READY. */
export function startHubProcess(args: string[]): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--role', 'station', '--admin-token', HUB_ADMIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcess(child.pid, `station hub ${args.join(' ')}`, false);
  child.once('exit', () => untrackProcess(child.pid));
  let err = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not print READY: ${err}`)), 180_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited ${code}: ${err}`));
    });
  });
}

/** Stops the hub with `signal` (SIGKILL: the power cut of the hub PC) and waits until it is gone. */
export async function killHub(h: HubProcess, signal: NodeJS.Signals): Promise<void> {
  if (h.child.exitCode !== null || h.child.signalCode !== null) return;
  const gone = new Promise<void>((r) => h.child.once('exit', () => r()));
  h.child.kill(signal);
  await gone;
}

/** A back-office call at the hub (admin token). */
export async function hubCall(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${HUB_ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const j = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(j)}`);
  return j;
}

/** A one-time enrollment code for a terminal of the hub's station, issued by the hub. */
export async function hubEnrollCode(url: string, stationId: string): Promise<string> {
  return ((await hubCall(url, 'POST', paths.adminEnrollCodes, { stationId })) as { code: string }).code;
}

export const hubStatus = async (url: string): Promise<StationStatus> => stationStatusResponse.parse(await hubCall(url, 'GET', paths.stationStatus));
