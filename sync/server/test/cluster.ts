// Test helpers for the platform at province scale: several platform instances over one throwaway
// PostgreSQL (in this process, or as real `platform serve` child processes), and a reader of the
// change stream (`GET /sync/stream`) that keeps every event it receives.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { paths, streamEvent, type StreamEvent } from '../../protocol/index';
import { startPlatform, type Platform, type PlatformOptions } from '../platform';
import { startTestDatabase, type TestDatabase } from './pg-cluster';
import { trackProcess, untrackProcess } from '../../../scripts/test-reaper.mjs';

/** The admin token every instance of a shared-database test is started with. */
export const SHARED_ADMIN_TOKEN = 'adm_shared_admin_token_0123456789';

export interface PostgresInstances {
  db: TestDatabase;
  adminToken: string;
  /** Seeded the demo data. */
  one: Platform;
  /** Found it in the database. */
  two: Platform;
}

/**
 * Registers (in the calling `describe`) the teardown of instances started over one throwaway
 * PostgreSQL, and returns `start(options)`: a fresh database, then two platform instances in this
 * process over it, started one after the other (the first seeds the demo data).
 */
export function usePostgresInstances(): (options?: PlatformOptions) => Promise<PostgresInstances> {
  const started: { db: TestDatabase; instances: Platform[] }[] = [];
  afterAll(async () => {
    for (const s of started) {
      for (const p of s.instances) await p.close().catch(() => undefined);
      await s.db.stop();
    }
  });
  return async (options = {}) => {
    const db = await startTestDatabase();
    const entry = { db, instances: [] as Platform[] };
    started.push(entry);
    const adminToken = options.adminToken ?? SHARED_ADMIN_TOKEN;
    const one = await startPlatform({ ...options, databaseUrl: db.url, adminToken, seedDemo: true });
    entry.instances.push(one);
    const two = await startPlatform({ ...options, databaseUrl: db.url, adminToken });
    entry.instances.push(two);
    return { db, adminToken, one, two };
  };
}

export interface EventLog {
  /** Every event received so far, in order. */
  events: StreamEvent[];
  /** Waits (polling) until an event matches, at most `timeoutMs`; whether one did. */
  until(match: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<boolean>;
  /** Ends the stream. */
  close(): void;
}

/**
 * Opens `GET /sync/stream` on `baseUrl` with `token` and collects its events (each `data:` line,
 * checked against the protocol's schema) until `close()`. No reconnect: a cut stream just ends.
 */
export async function openEventLog(baseUrl: string, token: string): Promise<EventLog> {
  const events: StreamEvent[] = [];
  const ac = new AbortController();
  const res = await fetch(baseUrl + paths.stream, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  void (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const data = buf.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
          buf = buf.slice(i + 2);
          if (data) events.push(streamEvent.parse(JSON.parse(data.slice(6))));
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    async until(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!events.some(match) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return events.some(match);
    },
    close: () => ac.abort(),
  };
}

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface PlatformProcess {
  child: ChildProcess;
  url: string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

/**
 * Starts `platform serve --port 0 <args>` as a child process (`npm run platform` without npm) and
 * resolves once it prints `READY <url>`. Tracked by the test reaper, so a test that ends early still
 * has it stopped.
 */
export function spawnPlatform(args: string[], what = 'platform (test)'): Promise<PlatformProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcess(child.pid, what, false); // stopped by the run's reaper if the test ends early
  let gone = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      untrackProcess(child.pid);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print READY: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited: () => (gone ? Promise.resolve() : exit) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}: ${err}`));
    });
  });
}

export interface Front {
  /** Where the terminals connect, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Connections opened to each backend so far, and how many of them are open now. */
  opened: number[];
  open: number[];
  close(): Promise<void>;
}

/**
 * A TCP front standing for the province's load balancer: each new client connection goes to the
 * next backend in turn; a backend that refuses the connection is skipped (the next one is tried).
 * Bytes are relayed as they are; when either side closes or fails, both are closed, so a process
 * that dies cuts its connections and the clients reconnect through the front to the others.
 * `onForward(backend, chunk)` sees each client chunk right after it was written to the backend.
 */
export async function startFront(backendUrls: readonly string[], onForward?: (backend: number, chunk: Buffer) => void): Promise<Front> {
  const targets = backendUrls.map((u) => {
    const url = new URL(u);
    return { host: url.hostname, port: Number(url.port) };
  });
  const opened = targets.map(() => 0);
  const open = targets.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.pause(); // until a backend took the connection
    let upstream: Socket | null = null;
    client.once('close', () => {
      sockets.delete(client);
      upstream?.destroy();
    });
    const attempt = (tries: number) => {
      if (tries >= targets.length || client.destroyed) {
        client.destroy();
        return;
      }
      const i = next;
      next = (next + 1) % targets.length;
      const up = connect(targets[i]!);
      let connected = false;
      up.on('error', () => undefined);
      up.once('connect', () => {
        connected = true;
        upstream = up;
        sockets.add(up);
        opened[i]!++;
        open[i]!++;
        up.on('data', (d: Buffer) => client.write(d));
        client.on('data', (d: Buffer) => {
          up.write(d);
          onForward?.(i, d);
        });
        client.resume();
      });
      up.once('close', () => {
        if (!connected) {
          attempt(tries + 1); // refused: the next backend
          return;
        }
        sockets.delete(up);
        open[i]!--;
        client.destroy();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    opened,
    open,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
