// In-memory databases after the first start from a copy of a fresh cluster (pglite.ts): each must be
// as empty and as separate as one from `initdb`, whatever was written to the others, concurrently too.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from './driver';
import { openPglite } from './pglite';
import { migrate } from './migrate';

const open: Database[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

async function fresh(): Promise<Database> {
  const db = await openPglite();
  open.push(db);
  await migrate(db);
  return db;
}
const ids = async (db: Database) => (await db.query<{ id: string }>("SELECT id FROM documents WHERE collection = 'staff' ORDER BY id")).map((r) => r.id);
const write = (db: Database, id: string) => db.query("INSERT INTO documents (collection, id, seq, data, updated_at) VALUES ('staff', $1, doc_position(), '{}'::jsonb, now())", [id]);

describe('in-memory PGlite', () => {
  it('every database is empty when opened and keeps only its own writes', async () => {
    const first = await fresh();
    await write(first, 'a');
    const [second, third] = await Promise.all([fresh(), fresh()]);
    expect(await ids(second)).toEqual([]);
    await write(second, 'b');
    await write(third, 'c');
    expect(await ids(first)).toEqual(['a']);
    expect(await ids(second)).toEqual(['b']);
    expect(await ids(third)).toEqual(['c']);
    // A schema change in one is not in the next one either.
    await first.exec('CREATE TABLE only_here (x int)');
    const fourth = await fresh();
    expect(await fourth.query("SELECT to_regclass('only_here') AS t")).toEqual([{ t: null }]);
    expect(await ids(fourth)).toEqual([]);
  });
});
