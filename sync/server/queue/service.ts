// The station queue executed by the platform: each command is decided by the pure domain
// (sync/protocol/queue.ts) inside one transaction that holds the station's queue lock, so two
// counters calling at the same instant — on one process or on several over one PostgreSQL — never
// get the same ticket. Tickets are written as `queue_tickets` documents (pull + SSE CHANGE like any
// document); counters, leases and the command log live in their own tables (migration 007).
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  decide,
  formatTicketNumber,
  issuesOf,
  leaseCounter,
  nextLeaseBlock,
  QUEUE_ERRORS,
  queueCommand,
  queueConfigOf,
  queueLeaseRequest,
  queuePolicyOf,
  queueStateView,
  stationDate,
  type QueueCommandResponse,
  type QueueConfig,
  type QueueErrorCode,
  type QueueLeaseResponse,
  type QueueState,
  type QueueTicketDoc,
  type StationConfigDoc,
} from '../../protocol/index';
import type { Queryable } from '../db/driver';
import { uuidV7Floor } from './leases';
import type { Documents } from '../db/documents';
import { PlatformError } from '../errors';

const DAY_MS = 86_400_000;
const PRUNE_EVERY = 1000;
/** How far back the station's "today" is searched by ticket id (covers every zone offset and clock skew). */
const LOOKBACK_MS = 3 * DAY_MS;

export interface QueueCaller {
  stationId: string;
  terminalId: string;
}

/** A stored answer: 200 with a body, or an error (code, message) with its status. */
type Answer<T> = { status: 200; body: T } | { status: number; error: { code: QueueErrorCode; message: string } };

const stationLockKey = (stationId: string) => createHash('sha256').update(`queue:${stationId}`).digest().readInt32BE(0);
const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

export class QueueService {
  constructor(
    /** The shared document layer (or the Store facade, which has the same two members). */
    private readonly store: Pick<Documents, 'db' | 'writeInTransaction'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `POST /api/v1/queue/commands`. Throws PlatformError for every refusal (nothing changed). */
  async command(caller: QueueCaller, body: unknown): Promise<QueueCommandResponse> {
    const parsed = queueCommand.safeParse(body);
    if (!parsed.success) throw new PlatformError('INVALID_COMMAND', 'invalid queue command', QUEUE_ERRORS.INVALID_COMMAND, issuesOf(parsed.error));
    const command = parsed.data;
    this.maybePrune();
    const answer = await this.idempotent<QueueCommandResponse>(caller, 'command', command.commandId, command, async (tx, { config, day, now, counters }) => {
      const policy = queuePolicyOf(config.doc);
      // Only call_next reads the line; the other commands need their ticket or the counters alone.
      const active = command.type === 'call_next' ? await this.todaysTickets(tx, config.queue, day, now, true) : [];
      const target = 'ticketId' in command ? await this.ticket(tx, caller.stationId, command.ticketId) : null;
      const d = decide({ config: config.queue, stationDay: day, active, target, counters }, command, now, policy);
      if (!d.ok) return { answer: { status: d.error.status, error: { code: d.error.code, message: d.error.message } } };
      if (d.writes.length) await this.store.writeInTransaction(tx, 'queue_tickets', d.writes);
      return { answer: { status: 200, body: { ticket: d.ticket } }, counters: d.counters };
    });
    return unwrap(answer);
  }

  /**
   * `POST /api/v1/queue/lease`: reserves `count` numbers of a category for this terminal on today's
   * station day, from the offline range (A901…, `nextLeaseBlock`), which the platform's own issue
   * never enters while below it, so no number is ever issued twice and A001… stays without gaps.
   */
  async lease(caller: QueueCaller, body: unknown): Promise<QueueLeaseResponse> {
    const parsed = queueLeaseRequest.safeParse(body);
    if (!parsed.success) throw new PlatformError('INVALID_COMMAND', 'invalid lease request', QUEUE_ERRORS.INVALID_COMMAND, issuesOf(parsed.error));
    const req = parsed.data;
    const answer = await this.idempotent<QueueLeaseResponse>(caller, 'lease', req.commandId, req, async (tx, { config, day, counters }) => {
      const cat = config.queue.categories.find((c) => c.code === req.category);
      if (!cat) return { answer: { status: QUEUE_ERRORS.UNKNOWN_CATEGORY, error: { code: 'UNKNOWN_CATEGORY', message: `the station has no queue category "${req.category}"` } } };
      const { from, to } = nextLeaseBlock(counters, cat.code, req.count);
      if (!formatTicketNumber(cat.prefix, to)) return { answer: { status: QUEUE_ERRORS.QUEUE_FULL, error: { code: 'QUEUE_FULL', message: `category ${cat.code} has not ${req.count} numbers left for ${day}` } } };
      await tx.query(
        'INSERT INTO queue_leases (command_id, station_id, terminal_id, station_day, category, prefix, from_number, to_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [req.commandId, caller.stationId, caller.terminalId, day, cat.code, cat.prefix, from, to],
      );
      return { answer: { status: 200, body: { category: cat.code, stationDay: day, from, to, prefix: cat.prefix } }, counters: { [leaseCounter(cat.code)]: to } };
    });
    return unwrap(answer);
  }

  /**
   * Drops command-log entries older than `keepMs` (default 3 days: a replay comes within minutes;
   * tickets, counters and leases stay). Run every PRUNE_EVERY commands of this process.
   */
  async prune(keepMs = 3 * DAY_MS): Promise<number> {
    const rows = await this.store.db.query('DELETE FROM queue_commands WHERE at < $1 RETURNING command_id', [new Date(this.now().getTime() - keepMs).toISOString()]);
    return rows.length;
  }
  private commandsSincePrune = 0;
  private maybePrune(): void {
    if (++this.commandsSincePrune < PRUNE_EVERY) return;
    this.commandsSincePrune = 0;
    void this.prune().catch(() => undefined);
  }

  /** `GET /api/v1/queue/state`: today's queue of the station. */
  async state(stationId: string): Promise<QueueState> {
    const now = this.now();
    const config = await this.config(this.store.db, stationId);
    const day = stationDate(now, config.queue.timeZone);
    const today = await this.todaysTickets(this.store.db, config.queue, day, now, false);
    return queueStateView(config.queue, today, day, queuePolicyOf(config.doc));
  }

  // ------------------------------------------------------------------ internals

  /**
   * Runs `fn` once per idempotency key, under the station's queue lock: a replay (same key, same
   * request, same station) gets the stored answer and changes nothing; the same key with another
   * request is refused. Refusals by the rules are stored too (a replay gets the same refusal).
   */
  private async idempotent<T>(
    caller: QueueCaller,
    kind: 'command' | 'lease',
    commandId: string,
    request: unknown,
    fn: (
      tx: Queryable,
      ctx: { config: { doc: StationConfigDoc | null; queue: QueueConfig }; day: string; now: Date; counters: Record<string, number> },
    ) => Promise<{ answer: Answer<T>; counters?: Record<string, number> }>,
  ): Promise<Answer<T>> {
    const bodyHash = hashOf({ kind, stationId: caller.stationId, request });
    return this.store.db.transaction(
      async (tx) => {
        const now = this.now();
        // One round trip: the command log entry, the station's config and its counters of the days
        // `now` can be in any zone (the station's zone is in the config).
        const [row] = await tx.query<{ seen: { body_hash: string; status: number; response: unknown } | null; config: StationConfigDoc | null; counters: { day: string; name: string; value: number }[] | null }>(
          `SELECT (SELECT json_build_object('body_hash', body_hash, 'status', status, 'response', response) FROM queue_commands WHERE command_id = $1) AS seen,
                  (SELECT data FROM documents WHERE collection = 'station_config' AND id = $2) AS config,
                  (SELECT json_agg(json_build_object('day', station_day, 'name', name, 'value', value)) FROM queue_counters WHERE station_id = $2 AND station_day BETWEEN $3 AND $4) AS counters`,
          // Every day some zone is in now: from UTC−12 to UTC+14 that is two dates, or three (10:00–12:00 UTC).
          [commandId, caller.stationId, stationDate(now, 'Etc/GMT+12'), stationDate(now, 'Etc/GMT-14')],
        );
        if (row?.seen) return this.replayed<T>(row.seen, bodyHash);
        const doc = row?.config ?? null;
        const queue = queueConfigOf(caller.stationId, doc);
        const day = stationDate(now, queue.timeZone);
        const counters = Object.fromEntries((row?.counters ?? []).filter((c) => c.day === day).map((c) => [c.name, Number(c.value)]));
        const { answer, counters: changed = {} } = await fn(tx, { config: { doc, queue }, day, now, counters });
        const stored = 'body' in answer ? answer.body : { error: answer.error };
        const names = Object.keys(changed);
        // One statement: the counters the command moved, and its log entry (the idempotency key).
        const inserted = await tx.query(
          `WITH c AS (
             INSERT INTO queue_counters (station_id, station_day, name, value)
             SELECT $2, $8, u.name, u.value FROM unnest($9::text[], $10::int[]) AS u(name, value)
             ON CONFLICT (station_id, station_day, name) DO UPDATE SET value = EXCLUDED.value
             RETURNING 1)
           INSERT INTO queue_commands (command_id, station_id, terminal_id, kind, body_hash, status, response, at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $11)
           ON CONFLICT (command_id) DO NOTHING RETURNING command_id`,
          [commandId, caller.stationId, caller.terminalId, kind, bodyHash, answer.status, JSON.stringify(stored), day, names, names.map((n) => changed[n]), now.toISOString()],
        );
        // Taken meanwhile under another station's lock: roll everything back.
        if (inserted.length === 0) throw replayedDifferent();
        return answer;
      },
      { lockKey: stationLockKey(caller.stationId) },
    );
  }

  private replayed<T>(row: { body_hash: string; status: number; response: unknown }, bodyHash: string): Answer<T> {
    if (row.body_hash !== bodyHash) throw replayedDifferent();
    const status = Number(row.status);
    if (status === 200) return { status: 200, body: row.response as T };
    return { status, error: (row.response as { error: { code: QueueErrorCode; message: string } }).error };
  }

  private async config(db: Queryable, stationId: string): Promise<{ doc: StationConfigDoc | null; queue: QueueConfig }> {
    const rows = await db.query<{ data: StationConfigDoc }>("SELECT data FROM documents WHERE collection = 'station_config' AND id = $1", [stationId]);
    const doc = rows[0]?.data ?? null;
    return { doc, queue: queueConfigOf(stationId, doc) };
  }

  /** The station's tickets of station day `day` (only waiting/called/serving ones with `activeOnly`). */
  private async todaysTickets(db: Queryable, config: QueueConfig, day: string, now: Date, activeOnly: boolean): Promise<QueueTicketDoc[]> {
    const rows = await db.query<{ data: QueueTicketDoc }>(
      `SELECT data FROM documents
        WHERE collection = 'queue_tickets' AND data->>'stationId' = $1 AND (id COLLATE "C") >= $2
          AND (NOT $3::boolean OR data->>'status' IN ('waiting', 'called', 'serving'))`,
      [config.stationId, uuidV7Floor(now.getTime() - LOOKBACK_MS), activeOnly],
    );
    return rows.map((r) => r.data).filter((t) => !t._deleted && stationDate(t.issuedAt, config.timeZone) === day);
  }

  private async ticket(db: Queryable, stationId: string, id: string): Promise<QueueTicketDoc | null> {
    const rows = await db.query<{ data: QueueTicketDoc }>("SELECT data FROM documents WHERE collection = 'queue_tickets' AND id = $1", [id]);
    const t = rows[0]?.data;
    return t && t.stationId === stationId ? t : null;
  }

}

const replayedDifferent = () =>
  new PlatformError('COMMAND_REPLAYED_DIFFERENT', 'this commandId was already used for a different request; use a new UUIDv7 for a new command', QUEUE_ERRORS.COMMAND_REPLAYED_DIFFERENT);

function unwrap<T>(answer: Answer<T>): T {
  if (answer.status === 200 && 'body' in answer) return answer.body;
  const e = (answer as { error: { code: QueueErrorCode; message: string } }).error;
  throw new PlatformError(e.code, e.message, answer.status);
}
