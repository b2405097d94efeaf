// One small interface over PGlite (embedded) and PostgreSQL (pg). Same SQL on both.

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction (BEGIN … COMMIT; ROLLBACK on throw). With `lockKey`, the transaction
   * first takes `pg_advisory_xact_lock(lockKey)` (sent with BEGIN: no extra round trip); the queue
   * serialises one station's commands this way. Document writes take no such lock (see db/documents.ts).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { lockKey?: number }): Promise<T>;
  /** Runs several statements (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Subscribes to `NOTIFY channel` (delivered after the notifying transaction commits). On PostgreSQL
   * a lost listening connection (a database restart, a failover, a killed backend) is made again, with
   * growing pauses, for as long as the subscription lasts; `onRestart` is called each time it is back,
   * as notices sent while it was away are lost. PGlite is in the process: never lost.
   */
  listen(channel: string, onPayload: (payload: string) => void, onRestart?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Work every new database gets before use (the platform's migrations), named by `key` (lower-case
 * letters, digits and dashes; it changes whenever the work does). PGlite may keep a cluster that has
 * been through it as a template for new ones (db/pglite.ts); the caller still runs its work after the
 * open, which then finds it done.
 */
export interface Prepared {
  key: string;
  prepare(db: Database): Promise<void>;
}

export interface DatabaseOptions {
  /** PGlite data directory; absent with no `databaseUrl` = in memory. */
  dataDir?: string;
  /** PostgreSQL connection string; wins over `dataDir`. */
  databaseUrl?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PGlite only: what a new cluster may already have been through (see `Prepared`). */
  prepared?: Prepared;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres');
    return openPostgres(options.databaseUrl, options.poolSize ?? 20);
  }
  const { openPglite } = await import('./pglite');
  return openPglite(options.dataDir, options.prepared);
}
