/**
 * Offline 取号 for a kiosk while the station hub is down ("hub loss").
 *
 * While the hub answers, the kiosk keeps a small block of numbers per queue category leased from it
 * (`POST /api/v1/queue/lease`, sync/client/queue.ts `queueLease`): the hub reserves them from the same
 * counter it issues from, so nobody else ever gets them. When `queue.issue` cannot reach the hub,
 * the kiosk issues the next number of its block itself — a `QueueTicketDoc` with `leased: true`,
 * `waiting`, a UUIDv7 id minted now — and keeps it in an outbox. When the hub answers again the
 * outbox is pushed as ordinary `queue_tickets` documents through the one platform client (the push
 * the hub accepts for leased tickets, sync/server/queue-leases.ts), retried with backoff until the
 * hub has answered for every ticket: accepted (then it is in the hub's waiting line by `issuedAt`,
 * callable by `call_next`) or refused (`LEASE_INVALID`, a conflict): a refused ticket is logged in
 * English and stays in the file and in `status()`, never dropped silently.
 *
 * Never twice: leases, the next number of each, and the outbox live in ONE file
 * (`<data>/queue/offline.json`), rewritten atomically (temp file, fsync, rename) before a ticket is
 * handed out. A lease is used only on its own station day (`stationDate(now, station time zone)`),
 * from `next` up to `to`; used-up leases and those of another day are dropped, never reused. A file
 * that is unreadable or fails its schema is moved aside (English log naming it) and no lease of it
 * is ever used again; its tickets that still pass the ticket schema are kept in the outbox (a
 * ticket the hub already has is answered as a replay, one it refuses is kept visible).
 *
 * Plain Node, no Electron: main/queue/feature.ts drives it; tests run it against a real platform.
 */
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { stationId as stationIdSchema, uuidV7 } from '../../sync/protocol/common';
import { queueTicketDoc, type QueueTicketDoc } from '../../sync/protocol/documents';
import { formatTicketNumber, type QueuePriority, type QueueState } from '../../sync/protocol/queue';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone, stationDate } from '../../sync/protocol/station-time';
import { ticketIdFor } from '../../sync/protocol/queue';
import { uuidv7 } from '../../sync/protocol/uuidv7';
import { queueLease, queueState, type QueueRetryOptions } from '../../sync/client/queue';
import { Backoff, type BackoffOptions } from '../../sync/client/backoff';
import { SyncTransportError } from '../../sync/client/errors';
import type { PlatformClient } from '../../sync/client/transport';
import { writeFileAtomic } from '../core/atomic-file';
import type { Logger } from '../core/log';

/** Numbers asked for per lease (the platform allows 1..MAX_LEASE_COUNT). */
export const LEASE_BLOCK = 10;
/** A new lease is taken when fewer numbers than this are left of today's leases of a category. */
export const LEASE_LOW_WATER = 3;
export const OFFLINE_FILE = 'offline.json';
/** Refused offline tickets stay listed (and in the file) this long, for an operator to see. */
export const REFUSED_KEEP_DAYS = 30;

const categoryCode = z.string().min(1).max(20);
const stationDay = z.iso.date();

const LeaseEntry = z
  .strictObject({
    commandId: uuidV7,
    category: categoryCode,
    prefix: z.string().regex(/^[A-Z]{1,2}$/),
    stationDay,
    from: z.int().min(1).max(9999),
    to: z.int().min(1).max(9999),
    /** The next number to issue; `to + 1` when used up. */
    next: z.int().min(1).max(10000),
    leasedAt: z.iso.datetime({ offset: true }),
  })
  .refine((l) => l.from <= l.to && l.next >= l.from && l.next <= l.to + 1, { message: 'next must lie in from..to+1' });
type LeaseEntry = z.infer<typeof LeaseEntry>;

const Refusal = z.strictObject({ code: z.string().max(64), message: z.string().max(2000), at: z.iso.datetime({ offset: true }) });

const OutboxEntry = z.strictObject({
  /** The page's 取号 commandId: a retried 取号 gets the same ticket, not a second number. */
  commandId: uuidV7,
  doc: queueTicketDoc,
  /** pending: not yet answered by the hub; sent: accepted (kept for today, a guard against reuse); refused: kept visible. */
  state: z.enum(['pending', 'sent', 'refused']),
  attempts: z.int().min(0),
  refusal: Refusal.optional(),
});
type OutboxEntry = z.infer<typeof OutboxEntry>;

const KnownCategory = z.strictObject({ code: categoryCode, name: z.string().max(100), prefix: z.string().regex(/^[A-Z]{1,2}$/) });

const OfflineFile = z.strictObject({
  version: z.literal(1),
  /** The station the leases are of (a terminal enrolled elsewhere drops them). */
  stationId: stationIdSchema.nullable(),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone'),
  /** The station's categories as the hub last listed them (the kiosk shows them while the hub is down). */
  categories: z.array(KnownCategory).max(100),
  leases: z.array(LeaseEntry).max(1000),
  tickets: z.array(OutboxEntry).max(100_000),
});
type OfflineFile = z.infer<typeof OfflineFile>;

const empty = (): OfflineFile => ({ version: 1, stationId: null, timeZone: DEFAULT_STATION_TIME_ZONE, categories: [], leases: [], tickets: [] });

export interface OfflineIssueInput {
  commandId: string;
  category: string;
  priority: QueuePriority;
  serviceItemCode: string | null;
  applicationId: string | null;
}

/** Why an offline 取号 was not possible: no number of today's leases left (or none ever leased). */
export class OfflineQueueError extends Error {
  constructor(
    readonly code: 'NO_LEASED_NUMBERS' | 'UNKNOWN_CATEGORY' | 'STORAGE_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'OfflineQueueError';
  }
}

export interface OfflineQueueStatus {
  timeZone: string;
  stationDay: string;
  categories: { code: string; name: string; prefix: string; remaining: number }[];
  /** Offline tickets not yet accepted by the hub. */
  pending: number;
  /** Offline tickets the hub refused (kept; an operator looks at them). */
  refused: { id: string; number: string; code: string; message: string }[];
  /** When the hub last answered this module (ISO), or null. */
  lastContactAt: string | null;
}

export interface OfflineQueueOptions {
  /** Folder of the file (`<data>/queue`). */
  dir: string;
  log: Logger;
  /** The terminal's one platform client, once enrolled. */
  platform(): PlatformClient | null;
  now?: () => Date;
  retry?: QueueRetryOptions;
  blockSize?: number;
  lowWater?: number;
  /** How often the leases are topped up and the outbox pushed in the background (default 30 s; 0: never, tests drive it). */
  intervalMs?: number;
  /** Backoff between pushes of the outbox that failed (default 1 s … 60 s). */
  pushBackoff?: BackoffOptions;
}

export interface OfflineQueue {
  /** Loads the file; starts the background top-up and push. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Tops up today's leases while the hub answers; `state`: a queue state just fetched (saves a request). */
  maintain(state?: QueueState): Promise<void>;
  /** Issues a ticket from today's lease of the category (the hub is down); persisted before it returns. */
  issue(input: OfflineIssueInput): Promise<QueueTicketDoc>;
  /** Pushes the pending offline tickets now (single flight); resolves when this attempt is over. */
  flush(): Promise<void>;
  status(): Promise<OfflineQueueStatus>;
  /** Whether the category has a number left in today's leases (the feature then answers faster). */
  canIssue(category: string): Promise<boolean>;
}

export function createOfflineQueue(options: OfflineQueueOptions): OfflineQueue {
  const { log } = options;
  const file = path.join(options.dir, OFFLINE_FILE);
  const now = options.now ?? (() => new Date());
  const blockSize = options.blockSize ?? LEASE_BLOCK;
  const lowWater = Math.min(options.lowWater ?? LEASE_LOW_WATER, blockSize);
  const backoff = new Backoff({ baseMs: 1_000, maxMs: 60_000, ...options.pushBackoff });
  let data: OfflineFile = empty();
  let loaded: Promise<void> | null = null;
  let lastContactAt: string | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let maintaining: Promise<void> | null = null;
  let flushing: Promise<void> | null = null;

  // One change of the file at a time (issue, lease, push result): a queue of critical sections.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const today = () => stationDate(now(), data.timeZone);

  async function persist(next: OfflineFile): Promise<void> {
    await writeFileAtomic(file, JSON.stringify(next), { durable: true });
    data = next;
  }

  /** Reads the file; a broken one is moved aside (never a crash), its leases never used again. */
  async function load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') log.error('queue.offline-file-unreadable', { file, error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const r = OfflineFile.safeParse(json);
    if (r.success) {
      data = r.data;
      return;
    }
    // Broken (a disk fault, a hand edit): where the numbers stand is unknown, so no lease of it is
    // used again. Tickets that still pass the schema stay in the outbox (the hub decides on them).
    const aside = `${file}.corrupt-${now().getTime()}`;
    await rename(file, aside).catch(() => undefined);
    const raw = json && typeof json === 'object' && Array.isArray((json as { tickets?: unknown }).tickets) ? ((json as { tickets: unknown[] }).tickets as unknown[]) : [];
    const salvaged: OutboxEntry[] = [];
    const seen = new Set<string>();
    for (const t of raw.slice(0, 100_000)) {
      const e = OutboxEntry.safeParse(t);
      if (e.success && e.data.doc.leased === true && !seen.has(e.data.doc.id)) {
        seen.add(e.data.doc.id);
        // an accepted one is pushed again as a harmless replay: the hub's answer is the truth
        salvaged.push({ ...e.data, state: e.data.state === 'refused' ? 'refused' : 'pending' });
      }
    }
    const tz = json && typeof json === 'object' && typeof (json as { timeZone?: unknown }).timeZone === 'string' && isTimeZone((json as { timeZone: string }).timeZone) ? (json as { timeZone: string }).timeZone : DEFAULT_STATION_TIME_ZONE;
    log.error('queue.offline-file-corrupt', {
      file,
      movedTo: aside,
      issues: r.error.issues.length,
      keptTickets: salvaged.length,
      droppedTickets: raw.length - salvaged.length,
      note: 'leases in the file are not used again (their used numbers are unknown); a new lease is taken when the hub answers',
    });
    await persist({ ...empty(), timeZone: tz, tickets: salvaged }).catch((e: unknown) => log.error('queue.offline-file-write-failed', { file, error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' }));
  }
  const ready = () => (loaded ??= exclusive(load));

  /** Drops used-up leases and leases of past days; forgets accepted tickets of past days. */
  function pruned(d: OfflineFile, day: string): OfflineFile {
    return {
      ...d,
      leases: d.leases.filter((l) => l.stationDay >= day && l.next <= l.to),
      // accepted ones are kept for their day (a guard against reuse); refused ones for REFUSED_KEEP_DAYS
      tickets: d.tickets.filter((t) => (t.state === 'sent' ? stationDate(t.doc.issuedAt, d.timeZone) >= day : t.state === 'pending' || Date.parse(t.refusal?.at ?? t.doc.issuedAt) > now().getTime() - REFUSED_KEEP_DAYS * 86_400_000)),
    };
  }

  const remainingOf = (d: OfflineFile, category: string, day: string) =>
    d.leases.filter((l) => l.category === category && l.stationDay === day).reduce((n, l) => n + Math.max(0, l.to - l.next + 1), 0);

  const contact = () => {
    lastContactAt = now().toISOString();
  };

  async function maintainOnce(given?: QueueState): Promise<void> {
    await ready();
    const client = options.platform();
    if (!client?.token) return;
    const state = given ?? (await queueState(client, options.retry));
    contact();
    const tz = isTimeZone(state.timeZone) ? state.timeZone : DEFAULT_STATION_TIME_ZONE;
    const day = stationDate(now(), tz);
    const needs = await exclusive(async () => {
      const moved = data.stationId !== null && data.stationId !== state.stationId;
      if (moved) log.warn('queue.leases-of-another-station', { was: data.stationId, now: state.stationId, dropped: data.leases.length });
      const next = pruned({ ...data, stationId: state.stationId, leases: moved ? [] : data.leases, timeZone: tz, categories: state.categories.map((c) => ({ code: c.code, name: c.name.slice(0, 100), prefix: c.prefix })).filter((c) => KnownCategory.safeParse(c).success) }, day);
      if (JSON.stringify(next) !== JSON.stringify(data)) await persist(next);
      return next.categories.filter((c) => remainingOf(next, c.code, day) < lowWater).map((c) => c.code);
    });
    if (state.stationDay !== day) {
      // The hub's clock and ours disagree about the station day (seconds around midnight): a lease
      // now would be of the hub's day; wait until both agree.
      if (needs.length) log.warn('queue.lease-day-mismatch', { hubDay: state.stationDay, localDay: day });
      return;
    }
    for (const category of needs) {
      if (closed) return;
      const commandId = uuidv7();
      let a;
      try {
        a = await queueLease(client, { commandId, category, count: blockSize }, options.retry);
      } catch (e) {
        if (e instanceof SyncTransportError && e.platformCode === 'QUEUE_FULL') {
          log.warn('queue.lease-refused', { category, code: 'QUEUE_FULL' });
          continue;
        }
        throw e;
      }
      contact();
      await exclusive(async () => {
        if (a.stationDay < today()) {
          log.warn('queue.lease-stale', { category, stationDay: a.stationDay });
          return;
        }
        const lease: LeaseEntry = { commandId, category: a.category, prefix: a.prefix, stationDay: a.stationDay, from: a.from, to: a.to, next: a.from, leasedAt: now().toISOString() };
        await persist({ ...data, leases: [...data.leases, lease] });
        log.info('queue.leased', { category: a.category, stationDay: a.stationDay, from: a.from, to: a.to });
      });
    }
  }

  function maintain(state?: QueueState): Promise<void> {
    if (maintaining) return maintaining;
    maintaining = maintainOnce(state).finally(() => {
      maintaining = null;
    });
    void maintaining.then(
      () => void flush(),
      () => undefined,
    );
    return maintaining;
  }

  async function issue(input: OfflineIssueInput): Promise<QueueTicketDoc> {
    await ready();
    return exclusive(async () => {
      const again = data.tickets.find((t) => t.commandId === input.commandId);
      if (again) return again.doc;
      const at = now();
      const day = stationDate(at, data.timeZone);
      if (!data.stationId) throw new OfflineQueueError('NO_LEASED_NUMBERS', 'no lease was ever taken (the hub was never reached)');
      const known = data.categories.find((c) => c.code === input.category);
      if (!known && !data.leases.some((l) => l.category === input.category)) throw new OfflineQueueError('UNKNOWN_CATEGORY', `no lease was ever taken for category ${input.category}`);
      const usedToday = new Set(data.tickets.filter((t) => stationDate(t.doc.issuedAt, data.timeZone) === day).map((t) => t.doc.number));
      const leases = data.leases.filter((l) => l.category === input.category && l.stationDay === day && l.next <= l.to).sort((x, y) => x.from - y.from);
      for (const lease of leases) {
        let n = lease.next;
        // a number already in the outbox today is never handed out again (a belt to the file's braces)
        while (n <= lease.to && usedToday.has(formatTicketNumber(lease.prefix, n) ?? '')) n++;
        const number = n <= lease.to ? formatTicketNumber(lease.prefix, n) : null;
        if (!number) {
          await persist({ ...data, leases: data.leases.map((l) => (l === lease ? { ...l, next: lease.to + 1 } : l)) });
          continue;
        }
        const issuedAt = at.toISOString();
        const doc = queueTicketDoc.parse({
          id: ticketIdFor(uuidv7(at.getTime()), at),
          _deleted: false,
          updatedAt: issuedAt,
          stationId: data.stationId ?? '',
          number,
          category: input.category,
          priority: input.priority,
          status: 'waiting',
          issuedAt,
          calledAt: null,
          servedAt: null,
          finishedAt: null,
          window: null,
          staffId: null,
          serviceItemCode: input.serviceItemCode,
          applicationId: input.applicationId,
          recallCount: 0,
          leased: true,
        } satisfies QueueTicketDoc);
        try {
          await persist({
            ...data,
            leases: data.leases.map((l) => (l === lease ? { ...l, next: n + 1 } : l)),
            tickets: [...data.tickets, { commandId: input.commandId, doc, state: 'pending', attempts: 0 }],
          });
        } catch (e) {
          // nothing was handed out: the number stays where it was
          throw new OfflineQueueError('STORAGE_FAILED', `the offline ticket could not be saved: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown'}`);
        }
        log.warn('queue.issued-offline', { ticket: number, category: input.category, stationDay: day, left: lease.to - n });
        scheduleFlush(0);
        return doc;
      }
      throw new OfflineQueueError('NO_LEASED_NUMBERS', `no leased ${input.category} numbers left for ${day}`);
    });
  }

  function scheduleFlush(ms: number): void {
    if (closed) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void flush();
    }, ms);
    retryTimer.unref?.();
  }

  async function flushOnce(): Promise<void> {
    await ready();
    const pending = data.tickets.filter((t) => t.state === 'pending').map((t) => t.doc);
    if (pending.length === 0) return;
    const client = options.platform();
    if (!client?.token) return;
    let result;
    try {
      result = await client.push(
        'queue_tickets',
        pending.map((doc) => ({ assumedMasterState: null, newDocumentState: doc as unknown as Record<string, unknown> })),
      );
    } catch (e) {
      const delay = backoff.next();
      log.info('queue.offline-push-deferred', { pending: pending.length, code: e instanceof SyncTransportError ? e.code : 'UNKNOWN', retryInMs: delay });
      await exclusive(async () => {
        const ids = new Set(pending.map((d) => d.id));
        await persist({ ...data, tickets: data.tickets.map((t) => (ids.has(t.doc.id) && t.state === 'pending' ? { ...t, attempts: t.attempts + 1 } : t)) }).catch(() => undefined);
      });
      scheduleFlush(delay);
      return;
    }
    contact();
    backoff.reset();
    const at = now().toISOString();
    const refused = new Map(result.rejections.map((r) => [r.id, { code: r.code.slice(0, 64), message: r.message.slice(0, 2000), at }]));
    const adjusted = new Set(result.adjusted ?? []);
    for (const c of result.conflicts) {
      const id = String(c.id);
      // a conflict that is not an adjustment: the hub holds another ticket under this id
      if (!adjusted.has(id) && !refused.has(id)) refused.set(id, { code: 'CONFLICT', message: 'the hub holds a different ticket under this id', at });
    }
    await exclusive(async () => {
      const sent = new Set(pending.map((d) => d.id));
      const tickets = data.tickets.map((t): OutboxEntry => {
        if (!sent.has(t.doc.id) || t.state !== 'pending') return t;
        const why = refused.get(t.doc.id);
        if (why) {
          log.error('queue.offline-ticket-refused', { ticket: t.doc.number, id: t.doc.id, code: why.code, reason: why.message.slice(0, 300), note: `kept in ${file}` });
          return { ...t, state: 'refused', attempts: t.attempts + 1, refusal: why };
        }
        return { ...t, state: 'sent', attempts: t.attempts + 1 };
      });
      await persist({ ...data, tickets });
    });
    log.info('queue.offline-pushed', { sent: pending.length - refused.size, refused: refused.size });
  }

  let flushAgain = false;
  function flush(): Promise<void> {
    if (flushing) {
      // a ticket issued while a push is under way goes in the next one, right after
      flushAgain = true;
      return flushing;
    }
    flushing = flushOnce()
      .catch((e: unknown) => {
        log.warn('queue.offline-push-failed', { error: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
        scheduleFlush(backoff.next());
      })
      .finally(() => {
        flushing = null;
        if (flushAgain && !closed) {
          flushAgain = false;
          void flush();
        }
      });
    return flushing;
  }

  async function status(): Promise<OfflineQueueStatus> {
    await ready();
    const day = today();
    return {
      timeZone: data.timeZone,
      stationDay: day,
      categories: data.categories.map((c) => ({ ...c, remaining: remainingOf(data, c.code, day) })),
      pending: data.tickets.filter((t) => t.state === 'pending').length,
      refused: data.tickets.filter((t) => t.state === 'refused').slice(-1000).map((t) => ({ id: t.doc.id, number: t.doc.number, code: t.refusal?.code ?? 'UNKNOWN', message: t.refusal?.message ?? '' })),
      lastContactAt,
    };
  }

  return {
    async start() {
      await ready();
      const every = options.intervalMs ?? 30_000;
      if (every > 0 && !timer) {
        timer = setInterval(() => {
          void maintain().catch((e: unknown) => log.debug('queue.lease-maintain-failed', { code: e instanceof SyncTransportError ? e.code : 'UNKNOWN' }));
          void flush();
        }, every);
        timer.unref?.();
      }
      if (data.tickets.some((t) => t.state === 'pending')) scheduleFlush(0);
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      if (retryTimer) clearTimeout(retryTimer);
      timer = null;
      retryTimer = null;
      await Promise.allSettled([maintaining, flushing, chain]);
    },
    maintain,
    issue,
    flush,
    status,
    async canIssue(category) {
      await ready();
      return remainingOf(data, category, today()) > 0;
    },
  };
}
