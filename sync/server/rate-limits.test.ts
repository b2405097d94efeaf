// The rate-limit counter shared through PostgreSQL (rate-limits.ts, databaseRateCounter): counts
// reserved ahead per process, with every allowed request holding a count of its own in the shared
// row. Several counters (each its own pool, as separate platform processes) over one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../fuzz/prng';
import type { Database, Queryable } from './db/driver';
import { openPostgres } from './db/postgres';
import { databaseRateCounter, MAX_RESERVED, reserveSize, type RateCounter } from './rate-limits';
import { requirePostgres, startTestDatabase, type TestDatabase } from './test/pg-cluster';

describe('reserveSize', () => {
  it('reserves one at a time near a small limit, up to MAX_RESERVED ahead under a large one, and every waiting request', () => {
    expect(reserveSize(1, undefined, 0)).toBe(1);
    expect(reserveSize(1, 6, 0)).toBe(1);
    expect(reserveSize(1, 20, 0)).toBe(1);
    expect(reserveSize(1, 1200, 0)).toBe(MAX_RESERVED);
    expect(reserveSize(1, 1200, 1190)).toBe(1);
    expect(reserveSize(1, 1200, 5000)).toBe(1); // past the limit: one by one
    expect(reserveSize(40, 6, 0)).toBe(40);
  });
});

describe.runIf(requirePostgres())('databaseRateCounter on PostgreSQL', () => {
  let t: TestDatabase;
  const pools: Database[] = [];
  beforeAll(async () => {
    t = await startTestDatabase();
    for (let i = 0; i < 3; i++) pools.push(await openPostgres(t.url, 4));
    await pools[0]!.exec('CREATE TABLE rate_limit_counters (key text PRIMARY KEY, window_start timestamptz NOT NULL, hits integer NOT NULL)');
  }, 120_000);
  afterAll(async () => {
    for (const p of pools) await p.close();
    await t?.stop();
  });

  /** A Queryable counting the counter's upserts. */
  const counting = (db: Queryable) => {
    const seen = { upserts: 0 };
    return {
      seen,
      db: { query: (sql: string, params?: unknown[]) => (sql.includes('INSERT INTO rate_limit_counters') && seen.upserts++, db.query(sql, params)) } as Queryable,
    };
  };
  const hitsOf = async (key: string) => Number((await pools[0]!.query<{ hits: number }>('SELECT hits FROM rate_limit_counters WHERE key = $1', [key]))[0]?.hits ?? 0);

  it('a key under a large limit costs one statement per MAX_RESERVED requests; under a small one, one per request', async () => {
    const c = counting(pools[0]!);
    const count = databaseRateCounter(c.db);
    const got: number[] = [];
    for (let i = 0; i < 10 * MAX_RESERVED; i++) got.push((await count('large', 60_000, 100_000)).current);
    expect(got).toEqual(got.map((_, i) => i + 1));
    expect(c.seen.upserts).toBe(10);
    c.seen.upserts = 0;
    for (let i = 0; i < 8; i++) got.push((await count('small', 60_000, 6)).current);
    expect(got.slice(-8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(c.seen.upserts).toBe(8);
    expect(await hitsOf('small')).toBe(8);
  });

  it('requests arriving while a reservation runs are reserved for together', async () => {
    const c = counting(pools[0]!);
    const count = databaseRateCounter(c.db);
    const r = await Promise.all(Array.from({ length: 50 }, () => count('burst', 60_000, 10)));
    expect(r.map((x) => x.current).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(c.seen.upserts).toBe(2); // the first request, then the 49 that waited for it
    expect(await hitsOf('burst')).toBe(50);
  });

  it('reserved counts end with their window: the next request starts a new one', async () => {
    const c = counting(pools[0]!);
    const count = databaseRateCounter(c.db);
    const first = await count('window', 300, 100_000);
    expect(first.current).toBe(1);
    expect(first.ttl).toBeGreaterThan(0);
    expect(first.ttl).toBeLessThanOrEqual(300);
    expect((await count('window', 300, 100_000)).current).toBe(2); // reserved: no statement
    expect(c.seen.upserts).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect((await count('window', 300, 100_000)).current).toBe(1);
    expect(c.seen.upserts).toBe(2);
  });

  it('a failed statement fails the requests that waited for it, and the next request tries again', async () => {
    let fail = true;
    const flaky: Queryable = {
      query: (sql, params) => (sql.includes('INSERT INTO rate_limit_counters') && fail ? Promise.reject(new Error('connection terminated')) : pools[0]!.query(sql, params)),
    };
    const count = databaseRateCounter(flaky);
    const r = await Promise.allSettled([count('flaky', 60_000, 1000), count('flaky', 60_000, 1000)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await count('flaky', 60_000, 1000)).current).toBe(1);
  });

  // Seeded: three processes, keys with small and large limits, requests in random concurrent bursts.
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: no count is given twice, a key is never allowed past its limit, and at most ${MAX_RESERVED - 1} counts a process are lost`, async () => {
      const rand = prng(seed);
      const counters: RateCounter[] = pools.map((p) => databaseRateCounter(p));
      const limits: Record<string, number> = { [`s${seed}-a`]: 5, [`s${seed}-b`]: 40, [`s${seed}-c`]: 300, [`s${seed}-d`]: 5000 };
      const keys = Object.keys(limits);
      const currents = new Map<string, number[]>(keys.map((k) => [k, []]));
      for (let round = 0; round < 60; round++) {
        const burst = 1 + Math.floor(rand() * 12);
        await Promise.all(
          Array.from({ length: burst }, async () => {
            const key = keys[Math.floor(rand() * keys.length)]!;
            const counter = counters[Math.floor(rand() * counters.length)]!;
            currents.get(key)!.push((await counter(key, 60_000, limits[key])).current);
          }),
        );
      }
      for (const key of keys) {
        const got = currents.get(key)!;
        const max = limits[key]!;
        const allowed = got.filter((n) => n <= max).length;
        const hits = await hitsOf(key);
        expect(new Set(got).size, `${key}: a count given twice`).toBe(got.length);
        expect(Math.max(...got), key).toBeLessThanOrEqual(hits);
        expect(allowed, `${key}: allowed past its limit`).toBeLessThanOrEqual(max);
        expect(hits - got.length, `${key}: counts reserved and not used`).toBeLessThanOrEqual(counters.length * (MAX_RESERVED - 1));
        expect(allowed, `${key}: refused too early`).toBeGreaterThanOrEqual(Math.min(got.length, max - counters.length * (MAX_RESERVED - 1)));
      }
    }, 60_000);
  }
});
