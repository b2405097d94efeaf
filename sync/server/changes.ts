// Fan-out of change notices to SSE clients. The source is PostgreSQL/PGlite NOTIFY (sent by the writer
// right after its commit, db/documents.ts `announce`), so every server process over one database hears
// every write.
//
// A notice is held until the pull horizon (doc_horizon(), db/documents.ts) has passed its seq: while
// an older transaction (of any table) is still open, a pull does not return the new rows yet, and a
// terminal woken then would pull nothing and miss the change until the next notice. Each notice
// carries the horizon its sender saw after committing, which often releases it (and older held
// ones) at once; otherwise one poll of the horizon per process serves every held notice (normally one
// query, answered at once). A notice is never dropped, only delayed.
import { collectionName } from '../protocol/index';
import type { Database } from './db/driver';
import { CHANGES_CHANNEL, type ChangeNotice } from './db/documents';

type Listener = (n: ChangeNotice) => void;

/** Pauses between horizon polls while an older transaction stays open (ms): doubling up to the last. */
const POLL_MIN_MS = 2;
const POLL_MAX_MS = 100;

/**
 * Subscribers are indexed by the station they may see: a notice for one station's documents reaches
 * that station's streams without visiting the others (a process may hold thousands of streams, and a
 * province's pushes each touch one station). Notices for documents every station sees (`stations`
 * null: the catalog, forms) go to everyone.
 */
export class ChangeHub {
  /** Listeners that hear every notice (the back office's admin stream, a hub's replicator). */
  private readonly everything = new Set<Listener>();
  /** Listeners that hear only what one station may see, by station id. */
  private readonly byStation = new Map<string, Set<Listener>>();
  private count = 0;
  private unlisten: (() => Promise<void>) | null = null;
  private db: Database | null = null;
  /** Every position below this is final (the greatest horizon seen; it never goes back). */
  private horizon = 0;
  private held: ChangeNotice[] = [];
  /** Notices that arrived since the last horizon query was sent (they may need no pause). */
  private arrived = false;
  private polling = false;
  private stopped = false;

  async start(db: Database): Promise<void> {
    this.db = db;
    this.stopped = false;
    const valid = (n: Partial<ChangeNotice> | null): n is ChangeNotice =>
      typeof n === 'object' && n !== null && collectionName.safeParse(n.collection).success && typeof n.seq === 'number' && (n.stations === null || (Array.isArray(n.stations) && n.stations.every((x) => typeof x === 'string')));
    this.unlisten = await db.listen(CHANGES_CHANNEL, (payload) => {
      try {
        const n = JSON.parse(payload) as (ChangeNotice & { notices?: undefined }) | { notices: Partial<ChangeNotice>[]; horizon?: number } | null;
        if (n && Array.isArray(n.notices)) {
          // Several notices sent together (db/documents.ts announce): one horizon for all.
          for (const one of n.notices) if (valid(one)) this.receive({ ...one, ...(n.horizon === undefined ? {} : { horizon: n.horizon }) });
        } else if (valid(n as Partial<ChangeNotice>)) this.receive(n as ChangeNotice);
      } catch {
        /* not ours */
      }
    }, () => this.missed());
  }

  /**
   * The listening connection was lost and is back: notices of that moment are gone. Every listener
   * hears a change of every collection (an SSE terminal pulls each, as after a RESYNC), so nothing
   * written meanwhile waits for the next write to be seen.
   */
  private missed(): void {
    if (this.stopped) return;
    for (const collection of collectionName.options) this.emit({ collection, seq: this.horizon, stations: null });
  }

  private receive(n: ChangeNotice): void {
    // The horizon the sender saw after its commit holds for every process (it never goes back).
    if (typeof n.horizon === 'number' && Number.isSafeInteger(n.horizon) && n.horizon > this.horizon) this.horizon = n.horizon;
    this.held.push(n);
    this.release();
    if (this.held.length === 0) return;
    this.arrived = true;
    void this.poll();
  }

  /** Emits the held notices the horizon has passed; returns how many. */
  private release(): number {
    const ready = this.held.filter((n) => n.seq < this.horizon);
    if (ready.length === 0) return 0;
    this.held = this.held.filter((n) => n.seq >= this.horizon);
    for (const n of ready) this.emit(n);
    return ready.length;
  }

  /** Queries the horizon until every held notice is released (one loop per process at a time). */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    let pause = POLL_MIN_MS;
    try {
      while (this.held.length > 0 && !this.stopped && this.db) {
        this.arrived = false;
        try {
          const rows = await this.db.query<{ h: string | number | null }>('SELECT doc_horizon() AS h');
          const h = Number(rows[0]?.h ?? 0);
          if (h > this.horizon) this.horizon = h;
        } catch {
          /* the database is away for a moment: keep the notices, ask again */
        }
        if (this.stopped) break;
        const released = this.release();
        if (this.held.length === 0) break;
        if (released > 0 || this.arrived) {
          pause = POLL_MIN_MS;
          if (this.arrived) continue;
        }
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, POLL_MAX_MS);
      }
    } finally {
      this.polling = false;
    }
  }

  /** Calls each listener that may see `n`; one listener's exception does not keep it from the rest. */
  private emit(n: ChangeNotice): void {
    const call = (fn: Listener) => {
      try {
        fn(n);
      } catch {
        /* a listener's own failure (a stream that broke mid-write) is its own */
      }
    };
    // Copies: a listener may unsubscribe (itself or another) while the notice goes round.
    for (const fn of [...this.everything]) call(fn);
    if (n.stations === null) {
      for (const set of [...this.byStation.values()]) for (const fn of [...set]) call(fn);
      return;
    }
    const seen = new Set<Listener>();
    for (const station of n.stations) {
      const set = this.byStation.get(station);
      if (!set) continue;
      for (const fn of [...set]) {
        if (seen.has(fn)) continue;
        seen.add(fn);
        call(fn);
      }
    }
  }

  /**
   * Hears the notices of every document (`station` omitted) or only those `station` may see: its
   * own documents and the ones every station sees. Returns the unsubscribe function.
   */
  subscribe(fn: Listener, station?: string): () => void {
    const add = (set: Set<Listener>) => {
      if (set.has(fn)) return false;
      set.add(fn);
      this.count++;
      return true;
    };
    if (station === undefined) {
      if (!add(this.everything)) return () => undefined;
      return () => {
        if (this.everything.delete(fn)) this.count--;
      };
    }
    let set = this.byStation.get(station);
    if (!set) this.byStation.set(station, (set = new Set()));
    if (!add(set)) return () => undefined;
    return () => {
      const s = this.byStation.get(station);
      if (!s?.delete(fn)) return;
      this.count--;
      if (s.size === 0) this.byStation.delete(station);
    };
  }

  get subscribers(): number {
    return this.count;
  }

  /** Notices waiting for the horizon (tests, metrics). */
  get pending(): number {
    return this.held.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.held = [];
    await this.unlisten?.();
    this.unlisten = null;
    this.everything.clear();
    this.byStation.clear();
    this.count = 0;
  }
}
