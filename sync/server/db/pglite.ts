// Embedded PostgreSQL (WASM). One connection: PGlite serialises queries and transactions itself.
import { PGlite } from '@electric-sql/pglite';
import { privateTree, restrictUmask } from '../private-files';
import type { Database, Queryable } from './driver';

export async function openPglite(dataDir?: string): Promise<Database> {
  // The directory holds every document in clear (names, ID numbers in the WAL): owner only, before
  // and after PGlite unpacks into it (its file system sets 0666 on what it unpacks).
  if (dataDir) {
    restrictUmask();
    privateTree(dataDir);
  }
  const pg = await PGlite.create(dataDir);
  if (dataDir) privateTree(dataDir);
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await q.query<T>(sql, params);
      return r.rows;
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    query: base.query,
    transaction: (fn, options) =>
      pg.transaction(async (tx) => {
        if (options?.lockKey !== undefined) await tx.query('SELECT pg_advisory_xact_lock($1)', [options.lockKey]);
        return fn(wrap(tx));
      }),
    async exec(sql) {
      await pg.exec(sql);
    },
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => {
        if (!pg.closed) await unlisten();
      };
    },
    async close() {
      if (!pg.closed) await pg.close();
      if (dataDir) privateTree(dataDir);
    },
  };
}
