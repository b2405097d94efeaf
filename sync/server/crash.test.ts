// Crash safety: the platform (a child process) is killed with SIGKILL in the middle of a stream of
// pushes; after a restart every acknowledged write is there. On PostgreSQL (and on a PGlite directory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleApplication, paths } from '../protocol/index';
import { spawnPlatform } from './test/cluster';
import { client, pullAll } from './test/helpers';
import { requirePostgres, startTestDatabase, type TestDatabase } from './test/pg-cluster';

const ADMIN = 'adm_crash_test_token_0123456789';
const serve = (args: string[]) => spawnPlatform(['--admin-token', ADMIN, ...args], 'platform (crash test)');

async function killDuringPushes(args: string[]): Promise<{ acked: string[]; attempted: number; afterRestart: Set<string> }> {
  const first = await serve([...args, '--seed-demo']); // the forms: submissions are checked against them
  const admin = client(first.url, ADMIN);
  const code = (await admin.req('POST', paths.adminEnrollCodes, { stationId: '360121201' })).json.code as string;
  const enr = await fetch(first.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const { token } = (await enr.json()) as { token: string };
  const term = client(first.url, token);
  const acked: string[] = [];
  let attempted = 0;
  let alive = true;
  const pusher = async () => {
    while (alive) {
      const docs = Array.from({ length: 5 }, () => exampleApplication({ status: 'submitted' }));
      attempted += docs.length;
      try {
        const r = await term.push('applications', docs.map((d) => ({ newDocumentState: d })));
        if (r.written === docs.length) acked.push(...docs.map((d) => d.id));
      } catch {
        return; // connection refused/reset: the server is gone; not acknowledged
      }
    }
  };
  const loops = Array.from({ length: 4 }, pusher);
  await new Promise((r) => setTimeout(r, 1500));
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  alive = false;
  await Promise.all(loops);
  const second = await serve(args);
  try {
    const all = await pullAll(client(second.url, ADMIN), 'applications', 0, 1000);
    return { acked, attempted, afterRestart: new Set(all.docs.map((d) => d.id as string)) };
  } finally {
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }
}

describe('crash safety', () => {
  let db: TestDatabase | null = null;
  const dirs: string[] = [];
  afterAll(async () => {
    await db?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.runIf(requirePostgres())('PostgreSQL: SIGKILL during pushes loses no acknowledged write', async () => {
    db = await startTestDatabase();
    const r = await killDuringPushes(['--database-url', db.url]);
    expect(r.acked.length).toBeGreaterThan(20);
    const missing = r.acked.filter((id) => !r.afterRestart.has(id));
    expect(missing).toEqual([]);
  }, 120_000);

  it('PGlite data directory: SIGKILL during pushes loses no acknowledged write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pglite-crash-'));
    dirs.push(dir);
    const r = await killDuringPushes(['--data-dir', path.join(dir, 'db')]);
    expect(r.acked.length).toBeGreaterThan(5);
    expect(r.acked.filter((id) => !r.afterRestart.has(id))).toEqual([]);
  }, 120_000);
});

