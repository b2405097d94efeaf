// The PostgreSQL driver's prepared statements (postgres.ts): a parameterised text sent again and
// again is prepared once per connection, plans stay per execution, and a statement that fails (bad
// SQL, bad parameters) fails the same way every time without breaking the connection; the pool keeps
// its connections when idle; a lost LISTEN connection is made again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './driver';
import { openPostgres } from './postgres';
import { requirePostgres, startTestDatabase, type TestDatabase } from '../test/pg-cluster';

describe.runIf(requirePostgres())('PostgreSQL driver', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await startTestDatabase();
    db = await openPostgres(t.url, 1); // one connection: every statement below shares it
  });
  afterAll(async () => {
    await db?.close();
    await t?.stop();
  });

  const prepared = async () => (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).map((r) => r.statement);

  it('prepares a repeated statement once (from its third use), with custom plans', async () => {
    expect((await db.query<{ v: string }>("SELECT current_setting('plan_cache_mode') AS v"))[0]!.v).toBe('force_custom_plan');
    const text = 'SELECT $1::int * 2 AS v';
    for (let i = 0; i < 2; i++) expect((await db.query<{ v: number }>(text, [i]))[0]!.v).toBe(i * 2);
    expect(await prepared()).not.toContain(text);
    for (let i = 2; i < 6; i++) expect((await db.query<{ v: number }>(text, [i]))[0]!.v).toBe(i * 2);
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
    // Without parameters nothing is prepared (simple protocol; several statements allowed).
    for (let i = 0; i < 4; i++) await db.query('SELECT 1 AS one');
    expect(await prepared()).not.toContain('SELECT 1 AS one');
  });

  it('a failing statement fails alike each time and leaves the connection working', async () => {
    for (let i = 0; i < 5; i++) await expect(db.query('SELECT $1::int FROM no_such_table', [i])).rejects.toThrow(/no_such_table/);
    for (let i = 0; i < 5; i++) await expect(db.query('SELECT $1::int AS v', ['not a number'])).rejects.toThrow(/invalid input syntax/);
    expect((await db.query<{ v: number }>('SELECT $1::int AS v', [7]))[0]!.v).toBe(7);
    // Inside a transaction that fails and rolls back, the prepared statement survives.
    await expect(db.transaction(async (tx) => {
      await tx.query('SELECT $1::int AS v', [1]);
      throw new Error('give up');
    })).rejects.toThrow('give up');
    expect((await db.query<{ v: number }>('SELECT $1::int AS v', [8]))[0]!.v).toBe(8);
  });

  it('statements built with varying text stay bounded (at most 500 named)', async () => {
    for (let k = 0; k < 620; k++) for (let i = 0; i < 3; i++) await db.query(`SELECT $1::int + ${k} AS v`, [i]);
    const n = (await prepared()).length;
    expect(n).toBeLessThanOrEqual(500);
    expect(n).toBeGreaterThan(400);
    expect((await db.query<{ v: number }>('SELECT $1::int + 619 AS v', [1]))[0]!.v).toBe(620);
  });

  it('a LISTEN whose connection is killed is made again, again after each kill, and stays down once unlistened', async () => {
    const heard: string[] = [];
    let restarts = 0;
    const unlisten = await db.listen('driver_test', (p) => heard.push(p), () => restarts++);
    const kill = async () => (await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN driver_test'")).length > 0
      && (await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN driver_test'")).length > 0;
    const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
      for (const deadline = Date.now() + 10_000; !(await ok()); ) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    for (let round = 1; round <= 3; round++) {
      expect(await kill()).toBe(true);
      await until(`restart ${round}`, () => restarts === round);
      await db.query("SELECT pg_notify('driver_test', $1)", [`after ${round}`]);
      await until(`notice ${round}`, () => heard.includes(`after ${round}`));
    }
    await unlisten();
    await new Promise((r) => setTimeout(r, 300));
    expect(await kill()).toBe(false); // nothing listens, and nothing came back
    expect(restarts).toBe(3);
  });

  it('keeps the connections it has made when idle (pg closes them after 10 s by default), and replaces one that is killed', async () => {
    const pooled = await openPostgres(t.url, 3);
    try {
      // Three statements at once take three connections; each answers with its backend's pid.
      const pids = async () => new Set((await Promise.all([0, 1, 2].map(() => pooled.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)')))).map((r) => r[0]!.pid));
      const first = await pids();
      expect(first.size).toBe(3);
      await new Promise((r) => setTimeout(r, 10_600)); // past pg's default idle timeout
      expect(await pids()).toEqual(first); // the same backends: none closed and made again
      // A pooled connection killed while idle (a database restart, an operator) is dropped and replaced.
      const [victim] = first;
      await db.query('SELECT pg_terminate_backend($1)', [victim]);
      await new Promise((r) => setTimeout(r, 300));
      const after = await pids();
      expect(after.size).toBe(3);
      expect(after.has(victim!)).toBe(false);
      expect([...after].filter((p) => first.has(p))).toHaveLength(2);
    } finally {
      await pooled.close();
    }
  }, 20_000);
});
