// The station hub's upstream replication: the hub is a terminal of the province (it enrolled with a
// code and holds a terminal token for its station) and replicates with it over the same protocol,
// through the one platform client (sync/client). Pull: catalog, forms, staff, station config and the
// station's applications (status, 受理号, decisions come from there only). Push ("drain"):
// attachments first, then applications, queue tickets, evaluations, audit events, each in local
// sequence order.
//
// Everything the drain needs survives a kill, because it lives in the hub's database next to the
// documents (migrations/005_station_hub.sql):
// - `hub_upstream`: per document, the upstream state as last known and the local seq at which the
//   local document equalled it. A local document with a larger seq is pending; it is pushed with that
//   upstream state as its assumed master state. Pushes are idempotent upstream (a replayed state is
//   `unchanged`), so a kill between the push and this bookkeeping costs a replay, never a duplicate.
// - `hub_rejections`: the province's per-document refusals with the reason; that version of the
//   document is not pushed again (a later local change is), so one bad record never blocks the rest.
// - `hub_attachment_uploads`, `hub_state` (checkpoints, last contact, counters).
// Upstream states are written into the hub's store in one transaction together with this bookkeeping
// (Store.withPlatformWrites, the documents read FOR UPDATE), and reach the hall's terminals by the hub's own SSE.
import type { StationStatus } from '../../protocol/index';
import type { CollectionName, hubPendingCounts } from '../../protocol/index';
import type { z } from 'zod';
import { AttachmentTransferError } from '../../client/attachments';
import { Backoff, backoffDelay, type BackoffOptions } from '../../client/backoff';
import { SyncTransportError } from '../../client/errors';
import { resolveConflict, sameState } from '../../client/ownership';
import { StreamClient } from '../../client/sse';
import type { FetchLike, PlatformClient } from '../../client/transport';
import type { ChangeHub } from '../changes';
import { visibilityOf } from '../rules';
import type { Store } from '../store';

/** Pulled from upstream, in this order (forms before the applications that name them). */
export const HUB_DOWN: readonly CollectionName[] = ['form_schemas', 'service_items', 'station_config', 'staff', 'applications'];
/** Pushed upstream, in this order (after the attachments). */
export const HUB_UP: readonly CollectionName[] = ['applications', 'queue_tickets', 'evaluations', 'audit_events'];

type Doc = Record<string, unknown>;
export type HubLog = (level: 'info' | 'warn' | 'error', event: string, data?: Record<string, unknown>) => void;

export interface ReplicatorOptions {
  store: Store;
  /** The hub's own change notices (local writes wake the drain). */
  changes: ChangeHub;
  client: PlatformClient;
  stationId: string;
  fetch?: FetchLike;
  /** Retry backoff after a failed round (default 1 s … 60 s, full jitter). */
  backoff?: BackoffOptions;
  /** A full round this often even without events, ms (default 30 s). */
  intervalMs?: number;
  /** Documents per pull page and per drain batch (default 200). */
  batch?: number;
  /** Upstream stream silence watchdog, ms. */
  silenceMs?: number;
  log?: HubLog;
}

interface Want {
  pull: Set<CollectionName>;
  drain: boolean;
}

const ALL = (): Want => ({ pull: new Set(HUB_DOWN), drain: true });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const NETWORK = new Set(['OFFLINE', 'TIMEOUT']);

export class UpstreamReplicator {
  private readonly store: Store;
  private readonly client: PlatformClient;
  private readonly backoff: Backoff;
  private stream: StreamClient | null = null;
  private unsubscribe: (() => void) | null = null;
  private want: Want = ALL();
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly log: HubLog;
  /** Live state (persisted to hub_state at the end of every round). */
  private readonly live = {
    reachable: false,
    streamOpen: false,
    lastContactAt: null as number | null,
    lastDrainAt: null as number | null,
    nextRetryAt: null as number | null,
    lastError: null as { code: string; message: string; at: string } | null,
    drained: 0,
    rounds: 0,
  };

  constructor(private readonly o: ReplicatorOptions) {
    this.store = o.store;
    this.client = o.client;
    this.backoff = new Backoff({ baseMs: 1000, maxMs: 60_000, ...o.backoff });
    this.log = o.log ?? (() => undefined);
  }

  // ---------------------------------------------------------------- life cycle

  async start(): Promise<void> {
    const saved = await this.getState('contact');
    if (saved && typeof saved === 'object') {
      const s = saved as { lastContactAt?: unknown; lastDrainAt?: unknown; drained?: unknown; lastError?: unknown };
      if (typeof s.lastContactAt === 'number') this.live.lastContactAt = s.lastContactAt;
      if (typeof s.lastDrainAt === 'number') this.live.lastDrainAt = s.lastDrainAt;
      if (typeof s.drained === 'number') this.live.drained = s.drained;
    }
    this.unsubscribe = this.o.changes.subscribe((n) => {
      if (HUB_UP.includes(n.collection)) this.kick({ drain: true });
    });
    this.stream = new StreamClient({
      baseUrl: this.client.baseUrl,
      token: () => this.client.token,
      ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
      backoff: { baseMs: 1000, maxMs: 60_000, ...this.o.backoff },
      ...(this.o.silenceMs ? { silenceMs: this.o.silenceMs } : {}),
      onOpen: () => {
        this.live.streamOpen = true;
        this.contact();
        this.log('info', 'hub.upstream-stream-open');
        // The province is back: retry at once, whatever the backoff said.
        this.backoff.reset();
        this.kick(ALL(), true);
      },
      onEvent: (e) => {
        this.contact();
        if (e.type === 'RESYNC') this.kick(ALL(), true);
        else if (HUB_DOWN.includes(e.collection)) this.kick({ pull: new Set([e.collection]) });
      },
      onDown: (error) => {
        if (this.live.streamOpen) this.log('warn', 'hub.upstream-stream-down', { code: error.code });
        this.live.streamOpen = false;
        if (NETWORK.has(error.code)) this.live.reachable = false;
      },
      onGarbage: () => this.log('warn', 'hub.upstream-stream-garbage'),
    });
    this.stream.start();
    this.interval = setInterval(() => this.kick(ALL()), this.o.intervalMs ?? 30_000);
    this.interval.unref?.();
    this.kick(ALL(), true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.interval) clearInterval(this.interval);
    await this.stream?.stop();
    await this.running?.catch(() => undefined);
  }

  /** Resolves when no round is running and nothing is wanted (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Runs a full round now (pull everything, drain everything); resolves when it is over. */
  async syncNow(): Promise<void> {
    this.kick(ALL(), true);
    await this.idle();
  }

  /**
   * Asks for a round. Without `now`, a round waiting for its backoff (the province was unreachable)
   * is not started early: the wish is kept for when the timer fires.
   */
  kick(what: Partial<Want>, now = false): void {
    if (this.closed) return;
    for (const c of what.pull ?? []) this.want.pull.add(c);
    if (what.drain) this.want.drain = true;
    if (this.running) return;
    if (!now && this.live.nextRetryAt !== null && Date.now() < this.live.nextRetryAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loop().finally(() => {
      this.running = null;
      // Something was asked for during the last step: go again (unless waiting for a retry).
      if (!this.closed && (this.want.pull.size || this.want.drain) && this.live.nextRetryAt === null) this.kick({});
    });
  }

  private contact(): void {
    this.live.lastContactAt = Date.now();
    this.live.reachable = true;
  }

  private async loop(): Promise<void> {
    while (!this.closed && (this.want.pull.size || this.want.drain)) {
      const want = this.want;
      this.want = { pull: new Set(), drain: false };
      this.live.rounds++;
      try {
        for (const c of HUB_DOWN) if (want.pull.has(c)) await this.pullCollection(c);
        if (want.drain || want.pull.size) {
          const pushed = await this.drain();
          // What the province made of our pushes (synced, 受理号…) comes back by its stream; pull
          // applications once more in case the stream is not open.
          if (pushed && !this.live.streamOpen) this.want.pull.add('applications');
        }
        this.live.lastError = null;
        this.live.nextRetryAt = null;
        this.backoff.reset();
      } catch (e) {
        // Try everything again after the backoff: nothing was lost (pending stays pending).
        this.want = ALL();
        const err = this.describe(e);
        this.live.lastError = { ...err, at: new Date().toISOString() };
        if (NETWORK.has(err.code)) this.live.reachable = false;
        const delay = this.backoff.next();
        this.live.nextRetryAt = Date.now() + delay;
        this.log('warn', 'hub.upstream-round-failed', { code: err.code, message: err.message.slice(0, 200), retryInMs: delay });
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.live.nextRetryAt = null;
          this.kick({});
        }, delay);
        this.timer.unref?.();
        await this.persist().catch(() => undefined);
        return;
      }
      await this.persist().catch(() => undefined);
    }
  }

  private describe(e: unknown): { code: string; message: string } {
    if (e instanceof SyncTransportError || e instanceof AttachmentTransferError) return { code: e.code, message: e.message.slice(0, 500) };
    return { code: 'HUB_ERROR', message: (e instanceof Error ? e.message : String(e)).slice(0, 500) };
  }

  private async persist(): Promise<void> {
    const { lastContactAt, lastDrainAt, drained, lastError } = this.live;
    await this.setState('contact', { lastContactAt, lastDrainAt, drained, lastError });
  }

  private async getState(key: string): Promise<unknown> {
    const rows = await this.store.db.query<{ value: unknown }>('SELECT value FROM hub_state WHERE key = $1', [key]);
    return rows[0]?.value ?? null;
  }

  private async setState(key: string, value: unknown): Promise<void> {
    await this.store.db.query(
      'INSERT INTO hub_state (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()',
      [key, JSON.stringify(value)],
    );
  }

  // ---------------------------------------------------------------- pull

  private async pullCollection(collection: CollectionName): Promise<void> {
    const limit = this.o.batch ?? 200;
    const saved = (await this.getState(`checkpoint:${collection}`)) as { seq?: unknown } | null;
    let since = { seq: typeof saved?.seq === 'number' && saved.seq >= 0 ? saved.seq : 0 };
    for (let page = 0; ; page++) {
      const r = await this.client.pull(collection, since, limit);
      this.contact();
      const full = r.documents.length + r.skipped >= limit;
      if (full && r.checkpoint.seq <= since.seq) throw new SyncTransportError('BAD_RESPONSE', `pull ${collection}: a full page without progress (checkpoint ${r.checkpoint.seq})`);
      if (r.skipped) this.log('warn', 'hub.pull-skipped', { collection, skipped: r.skipped });
      // A province answering documents of another station is wrong: never store them here.
      const mine = r.documents.filter((d) => {
        const v = visibilityOf(collection, d);
        return v === null || v.includes(this.o.stationId);
      });
      if (mine.length < r.documents.length) this.log('warn', 'hub.pull-foreign', { collection, count: r.documents.length - mine.length });
      await this.applyUpstream(collection, mine);
      if (r.checkpoint.seq !== since.seq) await this.setState(`checkpoint:${collection}`, r.checkpoint);
      since = r.checkpoint;
      if (!full || page > 100_000) break;
    }
  }

  /**
   * Writes upstream states into the hub's store. A local document with changes not yet pushed is
   * merged by the ownership rules the terminals use (sync/client/ownership.ts): the province's
   * status and decisions win, a form the station still owns is kept and pushed again.
   */
  async applyUpstream(collection: CollectionName, masters: Doc[]): Promise<void> {
    if (masters.length === 0) return;
    const tracked = HUB_UP.includes(collection);
    await this.store.withPlatformWrites(collection, async (tx, write) => {
      const ids = masters.map((m) => String(m.id));
      const locals = new Map(
        (await tx.query<{ id: string; seq: string | number; data: Doc }>('SELECT id, seq, data FROM documents WHERE collection = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE', [collection, ids])).map((r) => [r.id, { seq: Number(r.seq), data: r.data }]),
      );
      const ups = tracked
        ? new Map((await tx.query<{ id: string; local_seq: string | number }>('SELECT id, local_seq FROM hub_upstream WHERE collection = $1 AND id = ANY($2::text[])', [collection, ids])).map((r) => [r.id, Number(r.local_seq)]))
        : new Map<string, number>();
      const toWrite: Doc[] = [];
      const marks: { id: string; data: Doc; at: number | 'written' }[] = [];
      for (const m of masters) {
        const id = String(m.id);
        const local = locals.get(id);
        if (!local) {
          toWrite.push(m);
          marks.push({ id, data: m, at: 'written' });
          continue;
        }
        if (sameState(local.data, m)) {
          marks.push({ id, data: m, at: local.seq });
          continue;
        }
        const up = ups.get(id);
        const pending = tracked && (up === undefined || up < 0 || local.seq > up);
        if (!pending) {
          toWrite.push(m);
          marks.push({ id, data: m, at: 'written' });
          continue;
        }
        const resolved = resolveConflict(collection, { newDocumentState: local.data as Doc & { id: string; _deleted: boolean }, realMasterState: m as Doc & { id: string; _deleted: boolean } }).doc;
        if (sameState(resolved, m)) {
          toWrite.push(m);
          marks.push({ id, data: m, at: 'written' });
        } else {
          if (!sameState(resolved, local.data)) toWrite.push(resolved);
          marks.push({ id, data: m, at: -1 });
        }
      }
      const seqs = await write(toWrite);
      if (!tracked || marks.length === 0) return;
      await tx.query(
        `INSERT INTO hub_upstream (collection, id, data, local_seq, synced_at)
         SELECT $1, u.id, u.data::jsonb, u.seq, now() FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(id, data, seq)
         ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data, local_seq = EXCLUDED.local_seq, synced_at = now()`,
        [collection, marks.map((k) => k.id), marks.map((k) => JSON.stringify(k.data)), marks.map((k) => String(k.at === 'written' ? (seqs.get(k.id) ?? -1) : k.at))],
      );
    });
  }

  // ---------------------------------------------------------------- drain

  /** Pushes everything pending; answers how many documents the province accepted. */
  private async drain(): Promise<number> {
    await this.drainAttachments();
    let accepted = 0;
    for (const c of HUB_UP) accepted += await this.drainCollection(c);
    if (accepted) this.live.lastDrainAt = Date.now();
    return accepted;
  }

  private async drainAttachments(): Promise<void> {
    for (;;) {
      const rows = await this.store.db.query<{ sha256: string }>(
        `SELECT a.sha256 FROM attachments a LEFT JOIN hub_attachment_uploads h ON h.sha256 = a.sha256
          WHERE a.complete AND h.uploaded_at IS NULL AND (h.next_at IS NULL OR h.next_at <= now())
          ORDER BY a.completed_at, a.sha256 LIMIT 20`,
      );
      if (rows.length === 0) return;
      for (const { sha256 } of rows) {
        if (this.closed) return;
        const chunks: Buffer[] = [];
        for await (const c of this.store.readAttachment(sha256)) chunks.push(c);
        try {
          await this.client.uploadAttachment(sha256, Buffer.concat(chunks));
          this.contact();
          await this.store.db.query(
            `INSERT INTO hub_attachment_uploads (sha256, uploaded_at, attempts) VALUES ($1, now(), 1)
             ON CONFLICT (sha256) DO UPDATE SET uploaded_at = now(), attempts = hub_attachment_uploads.attempts + 1, code = NULL, message = NULL, next_at = NULL`,
            [sha256],
          );
        } catch (e) {
          if (!(e instanceof AttachmentTransferError) || e.global) throw e;
          // Refused by the province (this file only): keep it, say why, try again later.
          this.contact();
          const prev = await this.store.db.query<{ attempts: number }>('SELECT attempts FROM hub_attachment_uploads WHERE sha256 = $1', [sha256]);
          const attempts = Number(prev[0]?.attempts ?? 0) + 1;
          const delay = backoffDelay(attempts, { baseMs: 30_000, maxMs: 3_600_000 });
          await this.store.db.query(
            `INSERT INTO hub_attachment_uploads (sha256, attempts, code, message, next_at) VALUES ($1, $2, $3, $4, now() + ($5::text || ' milliseconds')::interval)
             ON CONFLICT (sha256) DO UPDATE SET attempts = EXCLUDED.attempts, code = EXCLUDED.code, message = EXCLUDED.message, next_at = EXCLUDED.next_at`,
            [sha256, attempts, e.code, e.message.slice(0, 500), String(delay)],
          );
          this.log('warn', 'hub.attachment-refused', { code: e.code, attempts });
        }
      }
    }
  }

  private async drainCollection(collection: CollectionName): Promise<number> {
    const limit = this.o.batch ?? 200;
    let accepted = 0;
    // A document pushed three times in one round (conflicts that keep coming back) waits for the next.
    const tries = new Map<string, number>();
    for (;;) {
      const held = [...tries].filter(([, n]) => n >= 3).map(([id]) => id);
      const rows = await this.store.db.query<{ id: string; seq: string | number; data: Doc; up: Doc | null }>(
        `SELECT d.id, d.seq, d.data, u.data AS up FROM documents d
           LEFT JOIN hub_upstream u ON u.collection = d.collection AND u.id = d.id
           LEFT JOIN hub_rejections r ON r.collection = d.collection AND r.id = d.id
          WHERE d.collection = $1 AND (u.id IS NULL OR u.local_seq < 0 OR d.seq > u.local_seq)
            AND (r.id IS NULL OR r.local_seq <> d.seq) AND NOT (d.id = ANY($3::text[]))
          ORDER BY d.seq LIMIT $2`,
        [collection, limit, held],
      );
      if (rows.length === 0) return accepted;
      for (const r of rows) tries.set(r.id, (tries.get(r.id) ?? 0) + 1);
      const result = await this.client.push(
        collection,
        rows.map((r) => ({ assumedMasterState: r.up, newDocumentState: r.data })),
      );
      this.contact();
      const rejected = new Map(result.rejections.map((x) => [x.id, x]));
      const conflicts = new Map(result.conflicts.map((c) => [String(c.id), c]));
      const done = rows.filter((r) => !rejected.has(r.id) && !conflicts.has(r.id));
      const refused = rows.filter((r) => rejected.has(r.id) && !conflicts.has(r.id));
      await this.store.db.transaction(async (tx) => {
        if (done.length) {
          await tx.query(
            `INSERT INTO hub_upstream (collection, id, data, local_seq, synced_at)
             SELECT $1, u.id, u.data::jsonb, u.seq, now() FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(id, data, seq)
             ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data, local_seq = EXCLUDED.local_seq, synced_at = now()`,
            [collection, done.map((r) => r.id), done.map((r) => JSON.stringify(r.data)), done.map((r) => String(r.seq))],
          );
          await tx.query('DELETE FROM hub_rejections WHERE collection = $1 AND id = ANY($2::text[])', [collection, done.map((r) => r.id)]);
        }
        for (const r of refused) {
          const x = rejected.get(r.id)!;
          await tx.query(
            `INSERT INTO hub_rejections (collection, id, local_seq, code, message, at) VALUES ($1, $2, $3, $4, $5, now())
             ON CONFLICT (collection, id) DO UPDATE SET local_seq = EXCLUDED.local_seq, code = EXCLUDED.code, message = EXCLUDED.message, at = now()`,
            [collection, r.id, String(r.seq), x.code.slice(0, 64), x.message.slice(0, 2000)],
          );
        }
      });
      if (refused.length) this.log('warn', 'hub.upstream-rejections', { collection, count: refused.length, codes: [...new Set(refused.map((r) => rejected.get(r.id)!.code))].join(',') });
      // The province's state of a document it would not take as sent (or took and moved on):
      // adopt it, merging what the station still owns.
      await this.applyUpstream(collection, [...conflicts.values()]);
      accepted += done.length;
      this.live.drained += done.length;
    }
  }

  // ---------------------------------------------------------------- status

  async pending(): Promise<z.infer<typeof hubPendingCounts>> {
    const rows = await this.store.db.query<{ collection: string; n: string | number }>(
      `SELECT d.collection, count(*) AS n FROM documents d
         LEFT JOIN hub_upstream u ON u.collection = d.collection AND u.id = d.id
         LEFT JOIN hub_rejections r ON r.collection = d.collection AND r.id = d.id
        WHERE d.collection = ANY($1::text[]) AND (u.id IS NULL OR u.local_seq < 0 OR d.seq > u.local_seq)
          AND (r.id IS NULL OR r.local_seq <> d.seq)
        GROUP BY d.collection`,
      [HUB_UP],
    );
    const by = new Map(rows.map((r) => [r.collection, Number(r.n)]));
    const att = await this.store.db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM attachments a LEFT JOIN hub_attachment_uploads h ON h.sha256 = a.sha256 WHERE a.complete AND h.uploaded_at IS NULL',
    );
    return {
      applications: by.get('applications') ?? 0,
      queue_tickets: by.get('queue_tickets') ?? 0,
      evaluations: by.get('evaluations') ?? 0,
      audit_events: by.get('audit_events') ?? 0,
      attachments: Number(att[0]?.n ?? 0),
    };
  }

  /** The upstream part of `GET /station/status`. */
  async status(): Promise<NonNullable<StationStatus['upstream']>> {
    const rejected = await this.store.db.query<{ collection: string; id: string; code: string; message: string; at: Date | string }>(
      `SELECT r.collection, r.id, r.code, r.message, r.at FROM hub_rejections r
         JOIN documents d ON d.collection = r.collection AND d.id = r.id AND d.seq = r.local_seq
       UNION ALL
       SELECT 'attachments', h.sha256, h.code, h.message, coalesce(h.next_at, now()) FROM hub_attachment_uploads h
        WHERE h.uploaded_at IS NULL AND h.code IS NOT NULL
       ORDER BY at DESC`,
    );
    return {
      url: this.client.baseUrl,
      enrolled: !!this.client.token,
      reachable: this.live.reachable,
      streamOpen: this.live.streamOpen,
      lastContactAt: iso(this.live.lastContactAt),
      lastDrainAt: iso(this.live.lastDrainAt),
      nextRetryAt: iso(this.live.nextRetryAt),
      lastError: this.live.lastError,
      pending: await this.pending(),
      drained: this.live.drained,
      rejectedCount: rejected.length,
      rejected: rejected.slice(0, 50).map((r) => ({
        collection: r.collection as CollectionName | 'attachments',
        id: r.id,
        code: r.code,
        message: r.message,
        at: new Date(r.at).toISOString(),
      })),
    };
  }
}
