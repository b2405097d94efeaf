// Numbered SQL migrations (migrations/NNN_name.sql), applied once each, in order, under a lock.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Database, Prepared } from './driver';

/**
 * Where the .sql files are: beside the sources (sync/server/migrations), or, in the app's bundle
 * (out/main, code in out/main or out/main/chunks), in out/main/migrations where the build copies them.
 */
const MIGRATIONS_DIR =
  ['../migrations/', './migrations/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((dir) => existsSync(path.join(dir, '001_init.sql'))) ?? fileURLToPath(new URL('../migrations/', import.meta.url));
const MIGRATION_LOCK = 7_314_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, f), 'utf8') }));
}

/** Applies pending migrations; safe to run from several processes at once (advisory lock). */
export async function migrate(db: Database): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    for (const m of loadMigrations()) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
  });
  return applied;
}

let migratedKey: string | null = null;

/**
 * A database with every migration applied, for a PGlite template (db/driver.ts `Prepared`): keyed by
 * the migrations' names and text, so a new, changed or removed migration makes a new template. The
 * key is read only where a template is used (never in the product), once per process.
 */
export const MIGRATED: Prepared = {
  get key() {
    if (migratedKey === null) {
      const hash = createHash('sha256');
      for (const m of loadMigrations()) hash.update(`${m.name}\0${m.sql}\0`);
      migratedKey = `migrated-${hash.digest('hex').slice(0, 16)}`;
    }
    return migratedKey;
  },
  prepare: async (db) => void (await migrate(db)),
};

/**
 * Splits a migration into statements: at semicolons outside dollar-quoted bodies (`$$ … $$`, for
 * functions); no semicolons inside our SQL string literals.
 */
export function splitStatements(sql: string): string[] {
  const text = sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n');
  const statements: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$$', i)) {
      quoted = !quoted;
      i++;
    } else if (!quoted && text[i] === ';') {
      statements.push(text.slice(start, i));
      start = i + 1;
    }
  }
  statements.push(text.slice(start));
  return statements.map((s) => s.trim()).filter(Boolean);
}
