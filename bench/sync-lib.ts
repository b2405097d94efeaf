// Helpers for the sync benchmarks: the platform as a child process on 127.0.0.1, a keep-alive HTTP
// client, SSE streams and enrolled terminals. Loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { paths } from '../sync/protocol/index';
import { trackProcess, untrackProcess } from '../scripts/test-reaper.mjs';
import { startTestDatabase } from '../sync/server/test/pg-cluster';

const CLI = fileURLToPath(new URL('../sync/server/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const ADMIN_TOKEN = 'adm_bench_token_0123456789abcdef';

export const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The soft and hard limits on open files of this process (`/proc/self/limits`; children inherit them). */
export function openFileLimits(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const n = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
  return { soft: n(line?.[1]), hard: n(line?.[2]) };
}

/**
 * `[command, args]` that runs `node <args>` with at least `nofile` open files: through `sh -c 'ulimit -n'`
 * (the soft limit raised up to the hard one, in the child only) when this process's soft limit is lower.
 */
export function withOpenFiles(nofile: number | undefined, args: string[]): [string, string[]] {
  const { soft, hard } = openFileLimits();
  if (nofile === undefined || soft >= nofile) return [process.execPath, args];
  if (hard < nofile) throw new Error(`needs ${nofile} open files, the hard limit is ${hard}: raise it (ulimit -Hn) or use fewer terminals`);
  return ['/bin/sh', ['-c', `ulimit -n ${Math.ceil(nofile)} && exec "$0" "$@"`, process.execPath, ...args]];
}

/**
 * Starts `platform serve` in a child process (its own core) and waits for READY. `nofile`: the open
 * files it needs (its soft limit is raised in the child when this process's is lower).
 */
export function startServer(db: { databaseUrl?: string; dataDir?: string }, nofile?: number): Promise<Server> {
  // The benches measure throughput from one address with hundreds of tokens: the platform's rate
  // limits (sync/server/rate-limits.ts) are lifted here (bench-limits.json), not in the product.
  const args = ['--import', 'tsx', CLI, 'serve', '--port', '0', '--admin-token', ADMIN_TOKEN, '--limits', fileURLToPath(new URL('./bench-limits.json', import.meta.url))];
  if (db.databaseUrl) args.push('--database-url', db.databaseUrl);
  else if (db.dataDir) args.push('--data-dir', db.dataDir);
  else args.push('--memory');
  const [cmd, argv] = withOpenFiles(nofile, args);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcess(child.pid, 'platform (bench)', false); // npm run bench reaps it if the bench dies first
  child.once('exit', () => untrackProcess(child.pid));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no READY in 180 s: ${err}`)), 180_000); // PGlite start-up on a loaded 2-core machine
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          stop: () =>
            new Promise<void>((r) => {
              child.once('exit', () => r());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}: ${err}`));
    });
  });
}

export function call<T = unknown>(base: string, method: string, path: string, token: string, body?: unknown, via: Agent = agent): Promise<{ status: number; json: T }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(base + path, {
      method,
      agent: via,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as T });
        } catch {
          reject(new Error(`non-JSON ${res.statusCode}: ${text.slice(0, 200)}`));
        }
      });
    });
    req.setTimeout(120_000, () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Enrolls a simulated terminal. Like a real one it has its own keep-alive connection for requests
 * (opened here, before any timing, so a benchmark burst does not measure TCP connection set-up).
 */
export async function enrollTerminal(base: string, stationId: string): Promise<{ token: string; stationId: string; agent: Agent }> {
  const code = await call<{ code: string }>(base, 'POST', paths.adminEnrollCodes, ADMIN_TOKEN, { stationId });
  const r = await call<{ token: string }>(base, 'POST', paths.enroll, '', { code: code.json.code });
  if (r.status !== 200) throw new Error(`enroll failed ${r.status}`);
  const own = new Agent({ keepAlive: true, maxSockets: 1 });
  await call(base, 'GET', paths.me, r.json.token, undefined, own);
  return { token: r.json.token, stationId, agent: own };
}

/** An SSE stream; `onEvent` gets each parsed `data:` JSON. */
export function openStream(base: string, token: string, onEvent: (e: { type: string; collection?: string; checkpoint?: { seq: number } }) => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(base + paths.stream, { method: 'GET', agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          for (const line of block.split('\n')) if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)));
        }
      });
      res.on('error', () => undefined);
      resolve({ close: () => req.destroy() });
    });
    req.on('error', (e) => reject(e));
    req.end();
  });
}

/** Runs `fn` against a platform server on PostgreSQL (a throwaway cluster) or PGlite (a temp folder), then stops and removes both. */
export async function withServer<T>(storage: string, tmpPrefix: string, fn: (s: Server) => Promise<T>): Promise<T> {
  let cleanup = async () => undefined as void;
  let db: { databaseUrl?: string; dataDir?: string };
  if (storage === 'postgres') {
    const pg = await startTestDatabase();
    cleanup = () => pg.stop();
    db = { databaseUrl: pg.url };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), tmpPrefix));
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
    db = { dataDir: path.join(dir, 'db') };
  }
  const server = await startServer(db);
  try {
    return await fn(server);
  } finally {
    await server.stop();
    await cleanup();
  }
}
