// Opening the platform's database on its own, without the HTTP server: the operating commands of
// the CLI and the station hub need only this, and loading the server (Fastify, its routes) costs
// seconds a command that only reads or writes a few rows should not pay.
import { openDatabase, type Database } from './db/driver';
import { migrate, MIGRATED } from './db/migrate';
import type { RuleOptions } from './rules';
import { Store } from './store';

export interface StoreOptions {
  /** PGlite data directory. Without it and without `databaseUrl`: PGlite in memory. */
  dataDir?: string;
  /** PostgreSQL connection string (wins over dataDir). */
  databaseUrl?: string;
  poolSize?: number;
  /** The clock of the queue, the back office's decisions (受理号) and e-licences (tests); default the system clock. */
  now?: () => Date;
}

/** Opens (and migrates) the database and the store over it; the caller closes `db`. */
export async function openStore(options: StoreOptions, rules: RuleOptions = {}): Promise<{ store: Store; db: Database }> {
  // A new PGlite cluster may come from a template already migrated (tests: db/pglite.ts; PostgreSQL
  // ignores it); the migrations below then find nothing to do.
  const db = await openDatabase({ ...options, prepared: MIGRATED });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return { store: new Store(db, rules, options.now), db };
}
