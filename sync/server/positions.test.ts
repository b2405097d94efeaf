// Document positions without a write lock (migrations/025_doc_position.sql): a `seq` comes from the
// writing transaction's id, a pull reads only below the horizon (where every transaction has
// finished), and the change hub holds a CHANGE until the horizon has passed it.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { prng } from '../../fuzz/prng';
import { exampleApplication } from '../protocol/index';
import type { Database } from './db/driver';
import { Documents } from './db/documents';
import { loadMigrations, splitStatements } from './db/migrate';
import { openPglite } from './db/pglite';
import { openStore, startPlatform, type Platform } from './platform';
import type { Store } from './store';
import { openEventLog } from './test/cluster';
import { enroll, pullAll } from './test/helpers';
import { requirePostgres, startTestDatabase, type TestDatabase } from './test/pg-cluster';

const STATION = '360121201';

function evaluation(id: string, comment: string): Record<string, unknown> {
  const at = new Date().toISOString();
  return { id, _deleted: false, updatedAt: at, stationId: STATION, level: 5, indicators: [], reasons: [], comment, channel: 'kiosk', applicationId: null, ticketId: null, staffId: null, serviceItemCode: null, createdAt: at };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('document positions (PGlite)', () => {
  it('the migration places every new position above the existing seqs; a transaction writes at most 1024 documents', async () => {
    const raw = await PGlite.create();
    try {
      const migrations = loadMigrations();
      const apply = async (m: (typeof migrations)[number]) => {
        for (const s of splitStatements(m.sql)) await raw.query(s);
      };
      for (const m of migrations.filter((m) => m.version < 25)) await apply(m);
      // A store written the old way: positions from the sequence, far ahead of the transaction ids.
      await raw.query("SELECT setval('document_seq', 5000000)");
      await raw.query("INSERT INTO documents (collection, id, seq, data) VALUES ('evaluations', 'old', nextval('document_seq'), '{}'::jsonb)");
      for (const m of migrations.filter((m) => m.version >= 25)) await apply(m);
      const [first] = (await raw.query<{ p: string }>('SELECT doc_position()::text AS p')).rows;
      expect(Number(first!.p)).toBeGreaterThan(5_000_001);
      // Each transaction has its own block of 1024; positions count up inside it.
      const inOne = await raw.transaction(async (tx) => (await tx.query<{ p: string }>('SELECT doc_position()::text AS p FROM generate_series(1, 3)')).rows.map((r) => Number(r.p)));
      expect(inOne[1]! - inOne[0]!).toBe(1);
      expect(inOne[2]! - inOne[1]!).toBe(1);
      expect(inOne[0]! % 1024).toBe(0);
      const next = Number((await raw.query<{ p: string }>('SELECT doc_position()::text AS p')).rows[0]!.p);
      expect(next).toBeGreaterThan(inOne[2]!);
      expect(next % 1024).toBe(0);
      // Outside any open transaction the horizon is past everything written.
      expect(Number((await raw.query<{ h: string }>('SELECT doc_horizon()::text AS h')).rows[0]!.h)).toBeGreaterThan(next);
      await expect(raw.transaction((tx) => tx.query('SELECT doc_position() FROM generate_series(1, 1025)'))).rejects.toThrow(/at most 1024 documents/);
      await raw.transaction((tx) => tx.query('SELECT doc_position() FROM generate_series(1, 1024)'));
    } finally {
      await raw.close();
    }
  });

  it('writers chunk within the per-transaction limit; pulls page through what they wrote', async () => {
    const db: Database = await openPglite();
    try {
      const { migrate } = await import('./db/migrate');
      await migrate(db);
      const docs = new Documents(db);
      const many = Array.from({ length: 1500 }, (_, i) => evaluation(`00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, `v${i}`));
      expect(await docs.upsertAsPlatform('evaluations', many)).toBe(1500);
      await expect(docs.upsertAsPlatform('evaluations', many, 2000)).rejects.toThrow(/batchSize/);
      // One transaction of more than 1024 documents is refused (and writes nothing).
      await expect(docs.withPlatformWrites('evaluations', (_tx, write) => write(many.slice(0, 1100)))).rejects.toThrow(/at most 1024/);
      const rows = await db.query<{ n: string }>('SELECT count(DISTINCT seq)::text AS n FROM documents WHERE collection = $1', ['evaluations']);
      expect(Number(rows[0]!.n)).toBe(1500);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(requirePostgres())('document positions (PostgreSQL)', () => {
  const databases: TestDatabase[] = [];
  const platforms: Platform[] = [];
  const clients: pg.Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    for (const p of platforms) await p.close().catch(() => undefined);
    for (const d of databases) await d.stop();
  });

  it('an open older transaction holds back both the pull and the CHANGE; its commit releases both', async () => {
    const database = await startTestDatabase();
    databases.push(database);
    const p = await startPlatform({ databaseUrl: database.url, seedDemo: true });
    platforms.push(p);
    const t = await enroll(p, STATION);
    const stream = await openEventLog(p.url, t.token);
    await stream.until((e) => e.type === 'RESYNC');
    const before = (await pullAll(t, 'applications')).checkpoint;

    // Another transaction, on another table, with a transaction id, stays open.
    const blocker = new pg.Client({ connectionString: database.url });
    clients.push(blocker);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query("UPDATE terminals SET label = 'blocker' WHERE id = $1", [t.terminalId]);

    const doc = exampleApplication({ status: 'submitted' });
    const pushed = await t.push('applications', [{ newDocumentState: doc }]);
    expect(pushed.written).toBe(1);
    expect(pushed.checkpoint.seq).toBeGreaterThan(before);
    // Committed, but below it a transaction may still commit: not pulled, not announced yet.
    expect((await t.pull('applications', before, 100)).documents.map((d) => d.id)).not.toContain(doc.id);
    await new Promise((r) => setTimeout(r, 400));
    expect(stream.events.filter((e) => e.type === 'CHANGE')).toEqual([]);
    expect((await t.pull('applications', before, 100)).documents).toEqual([]);

    await blocker.query('COMMIT');
    expect(await stream.until((e) => e.type === 'CHANGE' && e.collection === 'applications', 5000)).toBe(true);
    expect(stream.events).toContainEqual({ type: 'CHANGE', collection: 'applications', checkpoint: pushed.checkpoint });
    stream.close();
    const after = await pullAll(t, 'applications', before);
    expect(after.docs.map((d) => d.id)).toEqual([doc.id]);
    expect(after.checkpoint).toBe(pushed.checkpoint.seq);
  }, 120_000);

  /**
   * Seeded: writers push overlapping documents concurrently (compare-and-set pushes, and platform
   * writes holding their transaction open a moment), while pullers page through with checkpoints.
   * Every puller that reaches the end holds each document's final state exactly once; no checkpoint
   * goes back; no deadlock (or other) error escapes. Fails without the horizon filter of the pull.
   */
  it.each([9301, 9302, 9303, 9304, 9305])('seeded concurrency %i: pullers see every final state exactly once, checkpoints never go back', async (seed) => {
    if (databases.length < 2) {
      const database = await startTestDatabase();
      databases.push(database);
    }
    const url = await databases[1]!.createDatabase();
    const { store, db } = await openStore({ databaseUrl: url, poolSize: 16 });
    try {
      await runConcurrency(store, db, seed);
    } finally {
      await db.close();
    }
  }, 180_000);
});

async function runConcurrency(store: Store, db: Database, seed: number): Promise<void> {
  const ids = Array.from({ length: 24 }, (_, i) => `00000000-0000-7000-8000-${String(seed).padStart(6, '0')}${String(i).padStart(6, '0')}`);
  const WRITERS = 4;
  const ROUNDS = 30;
  let writing = WRITERS + 1;
  const errors: unknown[] = [];
  let acknowledged = 0;

  const casWriter = async (w: number) => {
    const r = prng(seed * 31 + w);
    const known = new Map<string, Record<string, unknown> | null>();
    try {
      for (let k = 0; k < ROUNDS; k++) {
        const batch = [...new Set(Array.from({ length: 1 + Math.floor(r() * 8) }, () => ids[Math.floor(r() * ids.length)]!))];
        const rows = batch.map((id) => ({ assumedMasterState: known.get(id) ?? null, newDocumentState: evaluation(id, `cas w${w} k${k} ${id}`) }));
        const answer = await store.push('evaluations', rows, { kind: 'platform', actor: `w${w}` });
        expect(answer.rejections).toEqual([]);
        const conflicted = new Set(answer.conflicts.map((c) => String(c.id)));
        for (const c of answer.conflicts) known.set(String(c.id), c);
        for (const row of rows) if (!conflicted.has(String(row.newDocumentState.id))) known.set(String(row.newDocumentState.id), row.newDocumentState);
        acknowledged += answer.written;
        if (r() < 0.3) await sleep(Math.floor(r() * 4));
      }
    } catch (e) {
      errors.push(e);
    } finally {
      writing--;
    }
  };

  // Unconditional platform writes that keep their transaction open a moment after writing: newer
  // transactions commit above them meanwhile (the case the horizon is for).
  const slowWriter = async () => {
    const r = prng(seed * 97);
    try {
      for (let k = 0; k < ROUNDS; k++) {
        const batch = [...new Set(Array.from({ length: 1 + Math.floor(r() * 4) }, () => ids[Math.floor(r() * ids.length)]!))];
        const pause = Math.floor(r() * 25);
        await store.withPlatformWrites('evaluations', async (_tx, write) => {
          await write(batch.map((id) => evaluation(id, `slow k${k} ${id}`)));
          await sleep(pause);
        });
        acknowledged += batch.length;
      }
    } catch (e) {
      errors.push(e);
    } finally {
      writing--;
    }
  };

  const puller = async (n: number) => {
    const r = prng(seed * 7 + n);
    const seen: Record<string, unknown>[] = [];
    let checkpoint = 0;
    for (let quiet = 0; quiet < 2; ) {
      const done = writing === 0;
      const page = await store.pull('evaluations', { seq: checkpoint }, 1 + Math.floor(r() * 6), null);
      expect(page.checkpoint.seq).toBeGreaterThanOrEqual(checkpoint);
      checkpoint = page.checkpoint.seq;
      seen.push(...page.documents);
      // The end: two empty pages after every writer has finished.
      if (page.documents.length === 0) {
        quiet = done ? quiet + 1 : 0;
        await sleep(1 + Math.floor(r() * 5));
      }
    }
    return seen;
  };

  const pullers = Array.from({ length: 3 }, (_, n) => puller(n));
  await Promise.all([...Array.from({ length: WRITERS }, (_, w) => casWriter(w)), slowWriter()]);
  const pulled = await Promise.all(pullers);
  expect(errors).toEqual([]);
  expect(acknowledged).toBeGreaterThan(0);

  const finals = new Map((await db.query<{ id: string; data: Record<string, unknown> }>("SELECT id, data FROM documents WHERE collection = 'evaluations'")).map((r) => [r.id, r.data]));
  expect(finals.size).toBeGreaterThan(0);
  for (const seen of pulled) {
    for (const [id, data] of finals) {
      const versions = seen.filter((d) => d.id === id);
      // The final state (each write's comment is unique) exactly once, and nothing after it.
      expect(versions.filter((d) => d.comment === data.comment), `seed ${seed}: final state of ${id}`).toHaveLength(1);
      expect(versions.at(-1)?.comment, `seed ${seed}: last pulled state of ${id}`).toBe(data.comment);
    }
  }
}
