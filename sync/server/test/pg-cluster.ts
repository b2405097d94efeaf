// A throwaway PostgreSQL for tests: initdb + pg_ctl as user postgres on a random loopback port in a
// temp dir, stopped and removed afterwards (see /work/shared/STACK.md). With TEST_DATABASE_URL set, a
// fresh database is created on that server instead (and dropped afterwards).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { trackDir, trackPostgres, untrackDir, untrackPostgres } from '../../../scripts/test-reaper.mjs';
import { sweepStaleFaketimeShm } from '../../../scripts/e2e-clock.mjs';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestDatabase {
  url: string;
  /** Creates one more fresh database on the same server (for a second test in the same file). */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return Boolean(process.env.TEST_DATABASE_URL) || existsSync(path.join(PG_BIN, 'initdb'));
}

/**
 * Whether PostgreSQL tests can run. Without binaries they are skipped with a warning, except when
 * `CI` is set: then this throws, so a CI run can't pass silently without PostgreSQL.
 */
export function requirePostgres(): boolean {
  if (postgresAvailable()) return true;
  const msg = `PostgreSQL binaries not found in ${PG_BIN} and TEST_DATABASE_URL is not set`;
  if (process.env.CI) throw new Error(`${msg}: PostgreSQL tests cannot run in CI (install postgresql-15)`);
  console.warn(`WARNING: ${msg}; skipping PostgreSQL tests`);
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function createFreshDatabase(adminUrl: string): Promise<string> {
  const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const external = process.env.TEST_DATABASE_URL;
  const created: string[] = [];
  if (external) {
    const url = await createFreshDatabase(external);
    created.push(url);
    return {
      url,
      async createDatabase() {
        const u = await createFreshDatabase(external);
        created.push(u);
        return u;
      },
      async stop() {
        for (const u of created) await dropDatabase(external, u).catch(() => undefined);
      },
    };
  }
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    // Under the e2e clock, a leftover of libfaketime from a killed process with the pid this one
    // gets would make it exit at start (scripts/e2e-clock.mjs).
    if (process.env.LD_PRELOAD?.includes('faketime')) sweepStaleFaketimeShm();
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, cmd), ...args]] as const : [path.join(PG_BIN, cmd), args] as const;
    const r = spawnSync(full[0], full[1], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-test-'));
  // Registered with the run's reaper: a test that fails, times out or is killed before stop() still
  // has its postmaster stopped and its dir removed (scripts/test-reaper.mjs).
  trackDir(dir);
  trackPostgres(path.join(dir, 'data'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const user = asRoot ? 'postgres' : userInfo().username;
  const port = await freePort();
  let started = false;
  const stop = async () => {
    if (started) {
      try {
        run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
    untrackPostgres(path.join(dir, 'data'));
    untrackDir(dir);
  };
  try {
    run('initdb', ['-D', path.join(dir, 'data'), '-U', user, '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    run('pg_ctl', [
      '-D', path.join(dir, 'data'), '-l', path.join(dir, 'pg.log'), '-w', '-t', '30',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=64MB`,
      'start',
    ]);
    started = true;
  } catch (e) {
    await stop();
    throw e;
  }
  const adminUrl = `postgres://${user}@127.0.0.1:${port}/postgres`;
  const first = await createFreshDatabase(adminUrl);
  return { url: first, createDatabase: () => createFreshDatabase(adminUrl), stop };
}
