// Embedded PostgreSQL (WASM). One connection: PGlite serialises queries and transactions itself.
import { PGlite } from '@electric-sql/pglite';
import { privateTree, restrictUmask } from '../private-files';
import type { Database, Queryable } from './driver';

/**
 * The files of a freshly initialised cluster, taken once per process from the first in-memory
 * database (before anything is written to it). A new cluster in WASM runs `initdb`: 2–3 s on this
 * machine kind, against ≈ 0.5–0.7 s to load these files (≈ 40 MB, held while the process lives).
 * Only in-memory databases (tests, benches, `serve --memory`) start from it; a data directory is
 * initialised by PGlite itself. A failure to take the copy falls back to `initdb` every time.
 */
let pristine: Promise<Blob | null> | null = null;

async function openInMemory(): Promise<PGlite> {
  if (pristine) {
    const files = await pristine;
    return files ? PGlite.create({ loadDataDir: files }) : PGlite.create();
  }
  // The first one initialises its cluster and is copied before it is handed out (the copy ≈ 0.2 s).
  let taken: (files: Blob | null) => void = () => undefined;
  pristine = new Promise((resolve) => (taken = resolve));
  let pg: PGlite;
  try {
    pg = await PGlite.create();
  } catch (e) {
    taken(null);
    throw e;
  }
  taken(await pg.dumpDataDir('none').catch(() => null));
  return pg;
}

export async function openPglite(dataDir?: string): Promise<Database> {
  // The directory holds every document in clear (names, ID numbers in the WAL): owner only, before
  // and after PGlite unpacks into it (its file system sets 0666 on what it unpacks).
  if (dataDir) {
    restrictUmask();
    privateTree(dataDir);
  }
  const pg = dataDir ? await PGlite.create(dataDir) : await openInMemory();
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
