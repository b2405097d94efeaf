// PostgreSQL through a pg Pool. LISTEN uses one dedicated client.
import pg from 'pg';
import type { Database, Queryable } from './driver';

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {
    /* idle client lost (server restart); the next query reconnects */
  });
  await pool.query('SELECT 1');
  const listeners: pg.Client[] = [];
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await c.query(sql, params);
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
    async listen(channel, onPayload) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error('bad channel name');
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {
        /* connection lost; SSE clients reconnect and get RESYNC */
      });
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
      });
      await client.query(`LISTEN ${channel}`);
      listeners.push(client);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await Promise.all(listeners.map((c) => c.end().catch(() => undefined)));
      await pool.end();
    },
  };
}
