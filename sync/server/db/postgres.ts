// PostgreSQL through a pg Pool. Each LISTEN uses a dedicated client, made again when it is lost.
//
// Statements with parameters that the platform sends again and again (a push's reads and writes, a
// pull, the rate-limit counter) are prepared once per connection under a name derived from their
// text: PostgreSQL then parses and analyses them once instead of at every request (measured: its CPU
// per single-application push 2.8 → 1.9 ms). A text becomes a named statement from its third use, and
// at most MAX_NAMED texts do (statements built with varying text stay unnamed). Behind a connection
// pooler this needs session pooling (or one that keeps prepared statements per client, such as
// PgBouncer ≥ 1.21 with max_prepared_statements).
import { createHash } from 'node:crypto';
import pg from 'pg';

const NAME_FROM_USE = 3;
const MAX_NAMED = 500;
/** Pauses between attempts to make a lost LISTEN connection again (ms): doubling up to the last. */
const LISTEN_RETRY_MIN_MS = 100;
const LISTEN_RETRY_MAX_MS = 5_000;
import type { Database, Queryable } from './driver';

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // Plans stay made for each execution's parameters (a startup setting of each pooled connection): a
  // generic plan of the push's statements was measured 3× costlier for a batch of 100 rows than the
  // plan for the actual arrays.
  //
  // The pool keeps every connection it has made (`min` = `max`): pg's default closes one idle for 10 s,
  // and under a steady load the next burst then waits for a new connection, a new backend process
  // whose caches are cold, and every named statement prepared again on it (measured under 300
  // pushes/s: 8–23 connections made again in 30 s). A process may use all of `max` at its peak anyway,
  // so `max_connections` must allow processes × `max` whether they are kept or not. TCP keepalives
  // keep a connection idle overnight from being dropped silently by a firewall or NAT on the way.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, min: poolSize, keepAlive: true, options: '-c plan_cache_mode=force_custom_plan' });
  pool.on('error', () => {
    /* idle client lost (server restart); the next query reconnects */
  });
  await pool.query('SELECT 1');
  const unlistens = new Set<() => Promise<void>>();
  /** Statement text → uses so far, or its name once it has one. */
  const statements = new Map<string, number | string>();
  let named = 0;
  const nameOf = (sql: string): string | undefined => {
    const seen = statements.get(sql);
    if (typeof seen === 'string') return seen;
    if (seen === undefined && statements.size >= MAX_NAMED * 4) return undefined;
    const uses = (seen ?? 0) + 1;
    if (uses < NAME_FROM_USE || named >= MAX_NAMED) {
      statements.set(sql, uses);
      return undefined;
    }
    const name = `t_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statements.set(sql, name);
    named++;
    return name;
  };
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const name = params.length > 0 ? nameOf(sql) : undefined;
      const r = await c.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
      return r.rows as T[];
    },
  });
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    async transaction(fn, options) {
      const client = await pool.connect();
      try {
        const key = options?.lockKey;
        if (key !== undefined && !Number.isInteger(key)) throw new Error('lockKey must be an integer');
        await client.query(key === undefined ? 'BEGIN' : `BEGIN; SELECT pg_advisory_xact_lock(${key})`);
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async listen(channel, onPayload, onRestart) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error('bad channel name');
      let client: pg.Client | null = null;
      let closed = false;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let pause = LISTEN_RETRY_MIN_MS;
      const connect = async (): Promise<pg.Client> => {
        const c = new pg.Client({ connectionString: url });
        c.on('error', () => lost(c));
        c.on('end', () => lost(c));
        c.on('notification', (n) => {
          if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
        });
        try {
          await c.connect();
          await c.query(`LISTEN ${channel}`);
        } catch (e) {
          await c.end().catch(() => undefined);
          throw e;
        }
        return c;
      };
      const again = () => {
        timer = setTimeout(() => {
          timer = null;
          if (closed) return;
          connect().then(
            async (c) => {
              if (closed) return void (await c.end().catch(() => undefined));
              client = c;
              pause = LISTEN_RETRY_MIN_MS;
              onRestart?.();
            },
            () => {
              pause = Math.min(pause * 2, LISTEN_RETRY_MAX_MS);
              if (!closed) again();
            },
          );
        }, pause);
      };
      // The connection in use is gone (an error, or the server ended it): make a new one.
      function lost(c: pg.Client) {
        if (closed || c !== client) return;
        client = null;
        void c.end().catch(() => undefined);
        again();
      }
      client = await connect();
      const unlisten = async () => {
        closed = true;
        unlistens.delete(unlisten);
        if (timer) clearTimeout(timer);
        const c = client;
        client = null;
        await c?.end().catch(() => undefined);
      };
      unlistens.add(unlisten);
      return unlisten;
    },
    async close() {
      await Promise.all([...unlistens].map((u) => u()));
      await pool.end();
    },
  };
}
