/**
 * The dashboard's facts kept in memory and current: one mirror per collection (applications, queue
 * tickets, 好差评, service items) holding the small fact of every stored document, filled from the
 * storage layer below the field encryption (nothing decrypted) and brought up to date before every
 * use with what the storage wrote since (`_meta.lwt`, the last-write time, on the `[_meta.lwt, id]`
 * index every RxDB collection has: a range read that stops at once when nothing changed. RxDB's
 * generic `getChangedDocumentsSince` query has an `$or` that made the Dexie storage walk every
 * document: ≈ 1 s for 16,000 with nothing new). The first use reads the collection once (the shell starts that in the
 * background after a sign-in that may open the dashboard); later ones read only what changed since
 * — pulled, written here or deleted — so opening the dashboard does not re-read 10,000 documents.
 *
 * A document that cannot be read as a fact is kept as "unreadable" (counted on the dashboard) until
 * it changes again. A mirror belongs to one open collection (a reopened database gets new ones).
 */
import { normalizeMangoQuery, prepareQuery } from 'rxdb';
import type { TerminalDatabase } from '../../db/database';
import { storedLayer } from '../../db/counts';
import { applicationFact, evaluationFact, ticketFact, type ApplicationFact, type EvaluationFact, type TicketFact, type TimeLimit } from '../../stats/aggregate';

/** Documents per read (exported for the test of a write-time group larger than a batch). */
export let BATCH = 2000;
export const setBatchForTests = (n: number): void => {
  BATCH = n;
};

type AnyCollection = TerminalDatabase[keyof TerminalDatabase['collections']];

export class FactMirror<T> {
  private readonly facts = new Map<string, T>();
  private readonly unreadable = new Set<string>();
  /** The last-write time and id read up to ([_meta.lwt, id] order). */
  private lwt = 0;
  private lastId = '';
  /** The last batch was full: documents with the same write time after `lastId` may follow. */
  private partial = false;
  private running: Promise<void> = Promise.resolve();
  /** Documents read from the storage so far (tests and the bench). */
  read = 0;

  constructor(
    private readonly collection: AnyCollection,
    private readonly fact: (doc: unknown) => T | null,
  ) {}

  /** Reads what changed since the last call (everything the first time); calls are serialized. */
  catchUp(): Promise<void> {
    const next = this.running.then(() => this.pull());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async pull(): Promise<void> {
    // complete as of this call: stop once past what was written before it (a store that is being
    // filled by a pull right now is not chased to its end). RxDB's write times carry fractions of a
    // millisecond (`now()` never repeats), so a write in this very millisecond, before the call, has
    // a write time above Date.now(): the bound is the next millisecond.
    const startedAt = Date.now() + 1;
    const layer = storedLayer(this.collection);
    const key = this.collection.schema.primaryPath as string;
    for (;;) {
      // in [_meta.lwt, id] order: the rest of a write-time group a full batch cut, else what is newer
      const selector = this.partial ? { '_meta.lwt': { $eq: this.lwt }, [key]: { $gt: this.lastId } } : { '_meta.lwt': { $gt: this.lwt } };
      const mango = { selector, sort: [{ '_meta.lwt': 'asc' }, { [key]: 'asc' }], index: ['_meta.lwt', key], limit: BATCH };
      const { documents } = await layer.query(prepareQuery(layer.schema, normalizeMangoQuery(layer.schema, mango as never) as never));
      for (const doc of documents) this.take(doc, key);
      const full = documents.length === BATCH;
      if (this.partial && !full) {
        this.partial = false;
        continue;
      }
      this.partial = full;
      if (!full || this.lwt >= startedAt) return;
    }
  }

  private take(doc: Record<string, unknown>, key: string): void {
    const id = String(doc[key]);
    this.lwt = Number((doc._meta as { lwt?: unknown } | undefined)?.lwt ?? 0);
    this.lastId = id;
    this.read++;
    if (doc._deleted === true) {
      this.facts.delete(id);
      this.unreadable.delete(id);
      return;
    }
    const f = this.fact(doc);
    if (f) {
      this.facts.set(id, f);
      this.unreadable.delete(id);
    } else {
      this.facts.delete(id);
      this.unreadable.add(id);
    }
  }

  values(): IterableIterator<T> {
    return this.facts.values();
  }
  get size(): number {
    return this.facts.size;
  }
  unreadableIds(): string[] {
    return [...this.unreadable];
  }
}

export interface CatalogFact {
  code: string;
  name: string | null;
  limit: TimeLimit | null;
}

const days = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3650 ? v : null);

/** A service item's name and time limit (a malformed limit is no limit). */
export function catalogFact(doc: unknown): CatalogFact | null {
  const d = doc as Record<string, unknown> | null;
  if (!d || typeof d !== 'object' || typeof d.code !== 'string' || !d.code) return null;
  const t = d.timeLimit as Record<string, unknown> | null | undefined;
  return { code: d.code, name: typeof d.name === 'string' ? d.name : null, limit: t && typeof t === 'object' ? { promisedDays: days(t.promisedDays), legalDays: days(t.legalDays) } : null };
}

export interface DashboardMirrors {
  applications: FactMirror<ApplicationFact>;
  tickets: FactMirror<TicketFact>;
  evaluations: FactMirror<EvaluationFact>;
  catalog: FactMirror<CatalogFact>;
}

const mirrors = new WeakMap<object, DashboardMirrors>();

/** The mirrors of a database (created on first use). */
export function dashboardMirrors(db: TerminalDatabase): DashboardMirrors {
  let m = mirrors.get(db.applications);
  if (!m) {
    m = {
      applications: new FactMirror(db.applications, applicationFact),
      tickets: new FactMirror(db.queue_tickets, ticketFact),
      evaluations: new FactMirror(db.evaluations, evaluationFact),
      catalog: new FactMirror(db.service_items, catalogFact),
    };
    mirrors.set(db.applications, m);
  }
  return m;
}

/** Brings every mirror up to date (one after the other: IndexedDB serves one reader at a time anyway). */
export async function catchUpAll(db: TerminalDatabase): Promise<DashboardMirrors> {
  const m = dashboardMirrors(db);
  await m.applications.catchUp();
  await m.tickets.catchUp();
  await m.evaluations.catchUp();
  await m.catalog.catchUp();
  return m;
}
