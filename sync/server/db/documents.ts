// The shared document layer every module writes through: the `documents` table (one row per
// replicated document, a server-assigned `seq`, the stations that may see it) and the change notice
// (NOTIFY, delivered on commit) that wakes SSE streams. A `seq` is a position derived from the writing
// transaction's id (doc_position(), migrations/025_doc_position.sql): writers take no lock, and a
// pull reads only below doc_horizon(), where every transaction has finished, so it never skips a
// position that commits later.
import { collectionName, documentSchemas, issuesOf, type CollectionName } from '../../protocol/index';
import { PlatformError } from '../errors';
import { visibilityOf } from '../rules';
import type { Database, Queryable } from './driver';

export const CHANGES_CHANNEL = 'sync_changes';

export interface ChangeNotice {
  collection: CollectionName;
  seq: number;
  /** Stations that may see the change; null = every terminal. */
  stations: string[] | null;
  /**
   * doc_horizon() as the notifying statement saw it, after the write committed (`announce` adds it):
   * a fact about the whole database that lets the receiving processes release this notice, and any
   * other held one below it, without asking for the horizon themselves.
   */
  horizon?: number;
}

/**
 * Opens a single-statement transaction's SQL with an asynchronous commit (`FROM async_commit`): for
 * writes whose loss in a crash is harmless (a notice, a rate-limit count), so the statement waits for
 * no WAL flush and holds its row locks for no flush either.
 */
export const ASYNC_COMMIT = "WITH async_commit AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true) AS off)";

/**
 * Sends a change notice in its own small transaction, after the write committed, with an asynchronous
 * commit (no WAL flush to wait for: a notification does not outlive a crash anyway). NOTIFY serialises
 * the commits of every notifying transaction of the database (PostgreSQL takes one lock from queueing
 * the notification to the end of the commit, async.c PreCommit_Notify): sent inside a push's
 * transaction, it held that lock through the push's WAL flush, so pushes committed one at a time again.
 * A failure to notify is swallowed: the write stands, and terminals learn of it at their next pull
 * (the next change of the collection, a reconnect's RESYNC, or their periodic round).
 *
 * One statement at a time per database handle: notices asked for while one is being sent go together
 * in the next (`{"notices": […]}`, under NOTIFY's payload limit), so a busy process sends fewer
 * statements; the first after a quiet moment goes at once, alone, as before. Resolves once sent.
 */
export function announce(db: Queryable, notice: ChangeNotice): Promise<void> {
  let a = announcers.get(db);
  if (!a) announcers.set(db, (a = announcer(db)));
  return a(notice);
}

/** NOTIFY refuses payloads of 8,000 bytes or more: a batch's notices stay under this (a single one always fits). */
const NOTICE_BATCH_CHARS = 6_000;
const announcers = new WeakMap<Queryable, (n: ChangeNotice) => Promise<void>>();

function announcer(db: Queryable): (n: ChangeNotice) => Promise<void> {
  const queue: { json: string; done: () => void }[] = [];
  let sending = false;
  const send = (body: string) =>
    db
      .query(
        `${ASYNC_COMMIT}
         SELECT pg_notify($1, jsonb_set($2::jsonb, '{horizon}', to_jsonb(doc_horizon()))::text) FROM async_commit`,
        [CHANGES_CHANNEL, body],
      )
      .then(
        () => undefined,
        () => undefined,
      );
  async function drain(): Promise<void> {
    sending = true;
    while (queue.length > 0) {
      let chars = 0;
      let n = 0;
      while (n < queue.length && (n === 0 || chars + queue[n]!.json.length < NOTICE_BATCH_CHARS)) chars += queue[n++]!.json.length + 1;
      const batch = queue.splice(0, n);
      await send(batch.length === 1 ? batch[0]!.json : `{"notices":[${batch.map((b) => b.json).join(',')}]}`);
      for (const b of batch) b.done();
    }
    sending = false;
  }
  return (notice) =>
    new Promise<void>((done) => {
      const { horizon: _h, ...body } = notice;
      queue.push({ json: JSON.stringify(body), done });
      if (!sending) void drain();
    });
}

/** PostgreSQL's deadlock_detected and serialization_failure: the statement was rolled back and may run again. */
const RETRYABLE = new Set(['40P01', '40001']);
export const isRetryable = (e: unknown) => typeof e === 'object' && e !== null && RETRYABLE.has(String((e as { code?: unknown }).code));

/**
 * Runs `fn` (a whole transaction or one autocommitted statement) again when PostgreSQL rolled it back
 * for a deadlock or a serialization failure, at most `attempts` times in all (short random pauses).
 * Writers lock rows in id order, so deadlocks are rare; the compare-and-set keeps a rerun correct.
 */
export async function retryRetryable<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !isRetryable(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

/** Writes sorted by id: every writer takes row locks in the same order (no lock-order deadlocks). */
export const byId = <W extends { id: string }>(writes: readonly W[]): W[] => [...writes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** A stored row as the modules read it. */
export interface DocRow {
  id: string;
  seq: string | number;
  stations: string[] | null;
  data: Record<string, unknown>;
  last_push_hash: string | null;
}

export interface DocWrite {
  id: string;
  doc: Record<string, unknown>;
  hash: string | null;
  stations: string[] | null;
}

/** Stations to notify of a batch: null (everyone) if any document is global or the list is long. */
export function noticeStations(writes: { stations: string[] | null }[]): string[] | null {
  const union = new Set<string>();
  for (const w of writes) {
    if (w.stations === null) return null;
    for (const s of w.stations) union.add(s);
  }
  return union.size <= 200 ? [...union] : null;
}

export const isCollection = (name: string): name is CollectionName => collectionName.safeParse(name).success;

/** Platform states of `docs`, validated by the collection's schema (VALIDATION_FAILED otherwise). */
function platformWrites(collection: CollectionName, docs: Record<string, unknown>[]): DocWrite[] {
  const schema = documentSchemas[collection];
  return docs.map((d) => {
    const r = schema.safeParse(d);
    if (!r.success) throw new PlatformError('VALIDATION_FAILED', `invalid ${collection} document`, 400, issuesOf(r.error));
    const doc = r.data as Record<string, unknown>;
    return { id: doc.id as string, doc, hash: null, stations: visibilityOf(collection, doc) };
  });
}

export class Documents {
  constructor(readonly db: Database) {}

  /**
   * Inserts or replaces documents at fresh positions (doc_position(): at most 1024 per transaction)
   * and notifies listeners (on commit). Rows are locked in id order.
   */
  async write(tx: Queryable, collection: CollectionName, unsorted: DocWrite[]): Promise<number> {
    const writes = byId(unsorted);
    const ids = writes.map((w) => w.id);
    const datas = writes.map((w) => JSON.stringify(w.doc));
    const hashes = writes.map((w) => w.hash);
    const stations = writes.map((w) => (w.stations === null ? null : JSON.stringify(w.stations)));
    const notifyStations = noticeStations(writes);
    // One statement writes the rows and queues the NOTIFY (delivered on commit).
    const rows = await tx.query<{ seq: string | number }>(
      `WITH ins AS (
         INSERT INTO documents (collection, id, seq, stations, data, last_push_hash, updated_at)
         SELECT $1, u.id, doc_position(),
                CASE WHEN u.st IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.st::jsonb)) END,
                u.data::jsonb, u.h, now()
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(id, data, h, st, ord)
          ORDER BY u.ord
         ON CONFLICT (collection, id) DO UPDATE
           SET seq = EXCLUDED.seq, stations = EXCLUDED.stations, data = EXCLUDED.data,
               last_push_hash = EXCLUDED.last_push_hash, updated_at = now()
         RETURNING seq)
       SELECT max(seq) AS seq,
              pg_notify($6, json_build_object('collection', $1::text, 'seq', max(seq), 'stations', $7::jsonb)::text) AS notified
         FROM ins`,
      [collection, ids, datas, hashes, stations, CHANGES_CHANNEL, JSON.stringify(notifyStations)],
    );
    return Number(rows[0]!.seq);
  }

  /**
   * Writes platform-made documents inside the caller's transaction (the queue service): new positions,
   * NOTIFY on commit.
   */
  async writeInTransaction(tx: Queryable, collection: CollectionName, docs: Record<string, unknown>[]): Promise<number> {
    return this.write(tx, collection, docs.map((doc) => ({ id: doc.id as string, doc, hash: null, stations: visibilityOf(collection, doc) })));
  }

  /** Platform-side upsert (seed, admin, upstream replication): validated, no terminal rules, no conflicts. */
  async upsertAsPlatform(collection: CollectionName, docs: Record<string, unknown>[], batchSize = 500): Promise<number> {
    if (!(batchSize >= 1 && batchSize <= 1000)) throw new Error('batchSize must be 1..1000 (a transaction writes at most 1024 documents)');
    let count = 0;
    for (let i = 0; i < docs.length; i += batchSize) {
      const batch = platformWrites(collection, docs.slice(i, i + batchSize));
      await retryRetryable(() => this.db.transaction((tx) => this.write(tx, collection, batch)));
      count += batch.length;
    }
    return count;
  }

  /**
   * Runs `fn` in one transaction. `write` stores platform states (validated, fresh positions, change
   * notices on commit; at most 1024 documents per transaction) and answers each id's new seq. The
   * station hub applies upstream states this way, atomically with its own bookkeeping (it reads the
   * documents it decides on `FOR UPDATE`; on PGlite transactions run one at a time anyway). A
   * deadlock or serialization failure runs `fn` again in a new transaction (bounded).
   */
  async withPlatformWrites<T>(
    collection: CollectionName,
    fn: (tx: Queryable, write: (docs: Record<string, unknown>[]) => Promise<Map<string, number>>) => Promise<T>,
  ): Promise<T> {
    return retryRetryable(() =>
      this.db.transaction((tx) =>
        fn(tx, async (docs) => {
          if (docs.length === 0) return new Map();
          const writes = platformWrites(collection, docs);
          await this.write(tx, collection, writes);
          const rows = await tx.query<{ id: string; seq: string | number }>('SELECT id, seq FROM documents WHERE collection = $1 AND id = ANY($2::text[])', [collection, writes.map((w) => w.id)]);
          return new Map(rows.map((r) => [r.id, Number(r.seq)]));
        }),
      ),
    );
  }

  async get(collection: CollectionName, id: string): Promise<Record<string, unknown> | null> {
    const rows = await this.db.query<{ data: Record<string, unknown> }>('SELECT data FROM documents WHERE collection = $1 AND id = $2', [collection, id]);
    return rows[0]?.data ?? null;
  }

  async count(collection: CollectionName): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM documents WHERE collection = $1', [collection]);
    return Number(rows[0]?.n ?? 0);
  }
}
