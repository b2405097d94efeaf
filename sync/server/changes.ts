// Fan-out of change notices to SSE clients. The source is PostgreSQL/PGlite NOTIFY (sent inside the
// writing transaction, delivered on commit), so every server process over one database hears every write.
//
// A notice is held until the pull horizon (doc_horizon(), db/documents.ts) has passed its seq: while
// an older transaction (of any table) is still open, a pull does not return the new rows yet, and a
// terminal woken then would pull nothing and miss the change until the next notice. One poll of the
// horizon per process serves every held notice (normally one query, answered at once); a notice is
// never dropped, only delayed.
import { EventEmitter } from 'node:events';
import { collectionName } from '../protocol/index';
import type { Database } from './db/driver';
import { CHANGES_CHANNEL, type ChangeNotice } from './db/documents';

/** Pauses between horizon polls while an older transaction stays open (ms): doubling up to the last. */
const POLL_MIN_MS = 2;
const POLL_MAX_MS = 100;

export class ChangeHub {
  private readonly emitter = new EventEmitter();
  private unlisten: (() => Promise<void>) | null = null;
  private db: Database | null = null;
  /** Every position below this is final (the greatest horizon seen; it never goes back). */
  private horizon = 0;
  private held: ChangeNotice[] = [];
  /** Notices that arrived since the last horizon query was sent (they may need no pause). */
  private arrived = false;
  private polling = false;
  private stopped = false;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async start(db: Database): Promise<void> {
    this.db = db;
    this.stopped = false;
    this.unlisten = await db.listen(CHANGES_CHANNEL, (payload) => {
      try {
        const n = JSON.parse(payload) as ChangeNotice;
        if (collectionName.safeParse(n.collection).success && typeof n.seq === 'number') this.receive(n);
      } catch {
        /* not ours */
      }
    });
  }

  private receive(n: ChangeNotice): void {
    if (this.held.length === 0 && n.seq < this.horizon) {
      this.emitter.emit('change', n);
      return;
    }
    this.held.push(n);
    this.arrived = true;
    void this.poll();
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
        const ready = this.held.filter((n) => n.seq < this.horizon);
        this.held = this.held.filter((n) => n.seq >= this.horizon);
        for (const n of ready) this.emitter.emit('change', n);
        const released = ready.length;
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

  subscribe(fn: (n: ChangeNotice) => void): () => void {
    this.emitter.on('change', fn);
    return () => this.emitter.off('change', fn);
  }

  get subscribers(): number {
    return this.emitter.listenerCount('change');
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
    this.emitter.removeAllListeners();
  }
}
