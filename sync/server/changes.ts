// Fan-out of change notices to SSE clients. The source is PostgreSQL/PGlite NOTIFY (sent inside the
// writing transaction, delivered on commit), so every server process over one database hears every write.
import { EventEmitter } from 'node:events';
import { collectionName } from '../protocol/index';
import type { Database } from './db/driver';
import { CHANGES_CHANNEL, type ChangeNotice } from './db/documents';

export class ChangeHub {
  private readonly emitter = new EventEmitter();
  private unlisten: (() => Promise<void>) | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async start(db: Database): Promise<void> {
    this.unlisten = await db.listen(CHANGES_CHANNEL, (payload) => {
      try {
        const n = JSON.parse(payload) as ChangeNotice;
        if (collectionName.safeParse(n.collection).success && typeof n.seq === 'number') this.emitter.emit('change', n);
      } catch {
        /* not ours */
      }
    });
  }

  subscribe(fn: (n: ChangeNotice) => void): () => void {
    this.emitter.on('change', fn);
    return () => this.emitter.off('change', fn);
  }

  get subscribers(): number {
    return this.emitter.listenerCount('change');
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    this.emitter.removeAllListeners();
  }
}
