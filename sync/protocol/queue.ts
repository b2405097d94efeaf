/**
 * The station queue (叫号), as data and pure functions: the commands a terminal sends
 * (`POST /api/v1/queue/commands`), the state view (`GET /api/v1/queue/state`), the lease of offline
 * number blocks (`POST /api/v1/queue/lease`), and `decide()`, the rules the platform executes.
 * No I/O: the server loads a `QueueDomainState`, calls `decide`, and writes what it returns in one
 * transaction (sync/server/queue/service.ts). zod and pure TS only (the renderer imports it too).
 *
 * Rules (../README.md "Queue"):
 * - Numbers restart at 1 each station day (the station's time zone) per category: prefix + 3 digits
 *   (A001…A999), then 4 digits (A1000…A9999); beyond that `QUEUE_FULL`.
 * - A window calls the oldest waiting ticket (issuedAt) among its categories and the tickets reserved
 *   for it. Priority tickets (elderly, disabled, military, appointment) go first, but at most
 *   `priorityRatio` in a row at that window while an ordinary ticket waits; then the oldest ordinary
 *   one is called. An ordinary ticket with k older ordinary tickets ahead of it in a window's line is
 *   therefore called within (k + 1) × (priorityRatio + 1) calls of that window.
 * - A window has at most one current ticket (called or serving): it must finish, skip or transfer it
 *   before it calls the next one. Only the window a ticket was called to may act on it.
 */
import { z } from 'zod';
import { docId, isoTimestamp, shortText, stationId, uuidV7 } from './common';
import { queueTicketDoc, type QueueTicketDoc, type StationConfigDoc } from './documents';
import { DEFAULT_STATION_TIME_ZONE, stationDate } from './station-time';

// ---------------------------------------------------------------- policy

export const QUEUE_PRIORITIES = ['normal', 'elderly', 'disabled', 'military', 'appointment'] as const;
export type QueuePriority = (typeof QUEUE_PRIORITIES)[number];
export const queuePriority = z.enum(QUEUE_PRIORITIES);
/** Tickets that go before ordinary ones (bounded by the ratio). */
export const isPriorityTicket = (p: QueuePriority): boolean => p !== 'normal';

export interface QueuePolicy {
  /** At most this many priority tickets in a row at a window while an ordinary ticket waits. */
  priorityRatio: number;
  /** A ticket may be recalled at most this many times. */
  maxRecall: number;
}
export const DEFAULT_QUEUE_POLICY: Readonly<QueuePolicy> = { priorityRatio: 2, maxRecall: 3 };

/** The policy of a station (its `station_config.queuePolicy`, defaults for what it leaves out). */
export function queuePolicyOf(config: Pick<StationConfigDoc, 'queuePolicy'> | null | undefined): QueuePolicy {
  return {
    priorityRatio: config?.queuePolicy?.priorityRatio ?? DEFAULT_QUEUE_POLICY.priorityRatio,
    maxRecall: config?.queuePolicy?.maxRecall ?? DEFAULT_QUEUE_POLICY.maxRecall,
  };
}

// ---------------------------------------------------------------- commands

/** Codes of categories and windows: short text without control characters (never stored raw otherwise). */
const code = (max: number) =>
  shortText(max)
    .min(1)
    .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f), 'no control characters');
const categoryCode = code(20);
const windowId = code(20);
const base = { commandId: uuidV7 };

export const issueCommand = z.strictObject({
  ...base,
  type: z.literal('issue'),
  category: categoryCode,
  priority: queuePriority,
  serviceItemCode: docId.nullable().optional(),
  applicationId: uuidV7.nullable().optional(),
});
export const callNextCommand = z.strictObject({ ...base, type: z.literal('call_next'), window: windowId, staffId: docId });
export const recallCommand = z.strictObject({ ...base, type: z.literal('recall'), ticketId: uuidV7, window: windowId });
export const skipCommand = z.strictObject({ ...base, type: z.literal('skip'), ticketId: uuidV7, window: windowId });
export const startCommand = z.strictObject({ ...base, type: z.literal('start'), ticketId: uuidV7, window: windowId });
export const finishCommand = z.strictObject({ ...base, type: z.literal('finish'), ticketId: uuidV7, window: windowId, applicationId: uuidV7.nullable().optional() });
export const transferCommand = z
  .strictObject({ ...base, type: z.literal('transfer'), ticketId: uuidV7, window: windowId, toCategory: categoryCode.optional(), toWindow: windowId.optional() })
  .refine((c) => c.toCategory !== undefined || c.toWindow !== undefined, { message: 'give toCategory, toWindow or both', path: ['toCategory'] });
export const linkCommand = z.strictObject({ ...base, type: z.literal('link'), ticketId: uuidV7, applicationId: uuidV7 });

/** One command of `POST /api/v1/queue/commands` (`type` discriminates). */
export const queueCommand = z.discriminatedUnion('type', [issueCommand, callNextCommand, recallCommand, skipCommand, startCommand, finishCommand, transferCommand, linkCommand]);
export type QueueCommand = z.infer<typeof queueCommand>;
export type QueueCommandType = QueueCommand['type'];
export const QUEUE_COMMAND_TYPES = ['issue', 'call_next', 'recall', 'skip', 'start', 'finish', 'transfer', 'link'] as const satisfies readonly QueueCommandType[];
/** Commands that name a ticket. */
export type TicketCommand = Extract<QueueCommand, { ticketId: string }>;

/** Answer of `POST /api/v1/queue/commands`: the ticket the command produced or changed (`null`: nobody waiting). */
export const queueCommandResponse = z.object({ ticket: queueTicketDoc.nullable() });
export type QueueCommandResponse = z.infer<typeof queueCommandResponse>;

// ---------------------------------------------------------------- lease (offline number blocks)

export const MAX_LEASE_COUNT = 50;
export const queueLeaseRequest = z.strictObject({ commandId: uuidV7, category: categoryCode, count: z.int().min(1).max(MAX_LEASE_COUNT) });
export type QueueLeaseRequest = z.infer<typeof queueLeaseRequest>;
/** Numbers `from`…`to` (inclusive) of `category` on `stationDay` are this terminal's to issue offline. */
export const queueLeaseResponse = z.object({
  category: categoryCode,
  stationDay: z.iso.date(),
  from: z.int().min(1),
  to: z.int().min(1),
  /** The category's prefix: ticket number = formatTicketNumber(prefix, n). */
  prefix: z.string().regex(/^[A-Z]{1,2}$/),
});
export type QueueLeaseResponse = z.infer<typeof queueLeaseResponse>;

// ---------------------------------------------------------------- state view

export const queueStateCategory = z.object({
  code: categoryCode,
  name: z.string(),
  prefix: z.string(),
  waiting: z.int().min(0),
  /** Mean seconds from issue to call over today's called tickets of the category; null before the first. */
  avgWaitSec: z.number().min(0).nullable(),
});
export const queueWaitingTicket = z.object({ id: uuidV7, number: z.string(), category: categoryCode, priority: queuePriority, issuedAt: isoTimestamp });
export type QueueWaitingTicket = z.infer<typeof queueWaitingTicket>;

/** `GET /api/v1/queue/state`. */
export const queueState = z.object({
  stationId,
  stationDay: z.iso.date(),
  timeZone: z.string(),
  categories: z.array(queueStateCategory),
  windows: z.array(z.object({ id: windowId, name: z.string(), categories: z.array(z.string()), current: queueTicketDoc.nullable() })),
  /** Today's called tickets, newest call first, at most 10. */
  recentCalls: z.array(queueTicketDoc).max(10),
  /** Today's waiting tickets in the order the policy calls them (station-wide estimate). */
  waitingTickets: z.array(queueWaitingTicket),
});
export type QueueState = z.infer<typeof queueState>;

// ---------------------------------------------------------------- errors

export const QUEUE_ERRORS = {
  INVALID_COMMAND: 400,
  UNKNOWN_CATEGORY: 422,
  UNKNOWN_WINDOW: 422,
  TICKET_NOT_FOUND: 404,
  INVALID_TICKET_STATE: 409,
  RECALL_LIMIT: 409,
  NOT_YOUR_WINDOW: 409,
  COMMAND_REPLAYED_DIFFERENT: 409,
  QUEUE_FULL: 409,
} as const;
export type QueueErrorCode = keyof typeof QUEUE_ERRORS;
export interface QueueError {
  code: QueueErrorCode;
  /** English (logs, integrators); never echoes personal data. */
  message: string;
  status: number;
}
const err = (code: QueueErrorCode, message: string): { ok: false; error: QueueError } => ({ ok: false, error: { code, message, status: QUEUE_ERRORS[code] } });

// ---------------------------------------------------------------- numbers

/** `A001`…`A999`, then `A1000`…`A9999`; null beyond (the schema allows 4 digits). */
export function formatTicketNumber(prefix: string, n: number): string | null {
  if (!Number.isInteger(n) || n < 1 || n > 9999) return null;
  return `${prefix}${String(n).padStart(3, '0')}`;
}

/** The sequence number of `number` for `prefix` (`A012` → 12), or null if it is not one of its numbers. */
export function ticketNumberValue(prefix: string, number: string): number | null {
  if (!number.startsWith(prefix)) return null;
  const digits = number.slice(prefix.length);
  if (!/^\d{3,4}$/.test(digits) || (digits.length === 4 && digits.startsWith('0'))) return null;
  const n = Number(digits);
  return n >= 1 ? n : null;
}

/**
 * The id of the ticket an `issue` command creates: a UUIDv7 with the platform's time (`now`) and the
 * command's random bits, so `decide` stays pure and a replayed command names the same ticket.
 */
export function ticketIdFor(commandId: string, now: Date): string {
  const hex = Math.max(0, Math.min(now.getTime(), 2 ** 48 - 1)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${commandId.slice(14)}`;
}

/** The Unix milliseconds a UUIDv7 was minted at. */
export const uuidV7Time = (id: string): number => parseInt(id.replaceAll('-', '').slice(0, 12), 16);

/** Counter names in `QueueDomainState.counters` (per station day). */
export const numberCounter = (category: string) => `number:${category}`;
export const streakCounter = (window: string) => `streak:${window}`;
/** `lease:<category>`: the last number leased to a kiosk for offline issue (LEASE_BASE and up). */
export const leaseCounter = (category: string) => `lease:${category}`;

/**
 * Offline (leased) numbers start at 901: a kiosk's block reads A901…, apart from the hall's own
 * A001, A002… which stay without gaps whether or not a kiosk holds a lease. Should a category issue
 * 900 tickets in a day, both draw from one high-water mark above every number issued or leased, so
 * the two ranges never overlap.
 */
export const LEASE_BASE = 901;

/** The number the next `issue` of `category` gets, from the day's counters. */
export function nextIssuedNumber(counters: Readonly<Record<string, number>>, category: string): number {
  const n = (counters[numberCounter(category)] ?? 0) + 1;
  return n < LEASE_BASE ? n : Math.max(n, (counters[leaseCounter(category)] ?? LEASE_BASE - 1) + 1);
}

/** The block of `count` numbers the next lease of `category` gets, from the day's counters. */
export function nextLeaseBlock(counters: Readonly<Record<string, number>>, category: string, count: number): { from: number; to: number } {
  const issued = counters[numberCounter(category)] ?? 0;
  const from = Math.max(counters[leaseCounter(category)] ?? LEASE_BASE - 1, issued >= LEASE_BASE ? issued : LEASE_BASE - 1) + 1;
  return { from, to: from + count - 1 };
}

// ---------------------------------------------------------------- domain

export interface QueueConfig {
  stationId: string;
  timeZone: string;
  categories: { code: string; name: string; prefix: string }[];
  windows: { id: string; name: string; categories: string[] }[];
}

/** The queue configuration of a station from its `station_config` (none = no categories or windows). */
export function queueConfigOf(stationId: string, config: StationConfigDoc | null | undefined): QueueConfig {
  return {
    stationId,
    timeZone: config?.timeZone ?? DEFAULT_STATION_TIME_ZONE,
    categories: config && !config._deleted ? config.queueCategories : [],
    windows: config && !config._deleted ? config.windows : [],
  };
}

/** What `decide` needs, loaded by the caller for one station and station day. */
export interface QueueDomainState {
  config: QueueConfig;
  /** Today's station day (`stationDate(now, config.timeZone)`). */
  stationDay: string;
  /** Today's tickets that are waiting, called or serving. */
  active: readonly QueueTicketDoc[];
  /** The ticket a ticket command names (any day), or null if there is none at this station. */
  target: QueueTicketDoc | null;
  /** Today's counters: `number:<category>` = last number issued, `lease:<category>` = last leased, `streak:<window>`. */
  counters: Readonly<Record<string, number>>;
}

export type QueueDecision =
  | {
      ok: true;
      /** The answer: the ticket produced or changed (null: nobody waiting for call_next). */
      ticket: QueueTicketDoc | null;
      /** Ticket documents to write (empty when nothing changes). */
      writes: QueueTicketDoc[];
      /** Counters to set (today's). */
      counters: Record<string, number>;
    }
  | { ok: false; error: QueueError };

const ACTIVE_AT_WINDOW: readonly QueueTicketDoc['status'][] = ['called', 'serving'];

const byIssued = (a: QueueTicketDoc, b: QueueTicketDoc) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const time = (iso: string) => Date.parse(iso);

/** The waiting tickets window `windowId` may call, oldest first: its categories and those reserved for it. */
export function windowLine(config: QueueConfig, windowId: string, tickets: readonly QueueTicketDoc[]): QueueTicketDoc[] {
  const w = config.windows.find((x) => x.id === windowId);
  if (!w) return [];
  return tickets
    .filter((t) => t.status === 'waiting' && (t.reservedWindow ? t.reservedWindow === windowId : w.categories.includes(t.category)))
    .sort(byIssued);
}

/**
 * The ticket a window calls next from its line (oldest first), with the window's priority streak:
 * priority tickets first, but after `priorityRatio` of them in a row while an ordinary ticket waits,
 * the oldest ordinary ticket. Returns the new streak too.
 */
export function pickNext(line: readonly QueueTicketDoc[], streak: number, policy: QueuePolicy): { ticket: QueueTicketDoc | null; streak: number } {
  const firstPriority = line.find((t) => isPriorityTicket(t.priority));
  const firstOrdinary = line.find((t) => !isPriorityTicket(t.priority));
  if (!firstPriority) return { ticket: firstOrdinary ?? null, streak: 0 };
  if (!firstOrdinary) return { ticket: firstPriority, streak: 0 };
  if (streak < policy.priorityRatio) return { ticket: firstPriority, streak: streak + 1 };
  return { ticket: firstOrdinary, streak: 0 };
}

/** Seconds a ticket waited (issue → latest call) and was served (start → finish), when known. */
export function ticketTimes(t: QueueTicketDoc): { waitSec: number | null; serviceSec: number | null } {
  const sec = (a: string | null, b: string | null) => (a && b ? Math.max(0, Math.round((time(b) - time(a)) / 1000)) : null);
  return { waitSec: sec(t.issuedAt, t.calledAt), serviceSec: sec(t.servedAt, t.finishedAt) };
}

/** Decides one command against the station's queue. Pure: same inputs, same answer. */
export function decide(state: QueueDomainState, command: QueueCommand, now: Date, policy: QueuePolicy = DEFAULT_QUEUE_POLICY): QueueDecision {
  const at = now.toISOString();
  const { config } = state;
  const knownWindow = (id: string) => config.windows.some((w) => w.id === id);
  const category = (code: string) => config.categories.find((c) => c.code === code);

  if (command.type === 'issue') {
    const cat = category(command.category);
    if (!cat) return err('UNKNOWN_CATEGORY', `the station has no queue category "${command.category}"`);
    const n = nextIssuedNumber(state.counters, cat.code);
    const number = formatTicketNumber(cat.prefix, n);
    if (!number) return err('QUEUE_FULL', `category ${cat.code} has issued all its numbers for ${state.stationDay}`);
    const ticket: QueueTicketDoc = {
      id: ticketIdFor(command.commandId, now),
      _deleted: false,
      updatedAt: at,
      stationId: config.stationId,
      number,
      category: cat.code,
      priority: command.priority,
      status: 'waiting',
      issuedAt: at,
      calledAt: null,
      servedAt: null,
      finishedAt: null,
      window: null,
      staffId: null,
      serviceItemCode: command.serviceItemCode ?? null,
      applicationId: command.applicationId ?? null,
      recallCount: 0,
      transferredFrom: null,
      reservedWindow: null,
    };
    return { ok: true, ticket, writes: [ticket], counters: { [numberCounter(cat.code)]: n } };
  }

  if (command.type === 'call_next') {
    if (!knownWindow(command.window)) return err('UNKNOWN_WINDOW', `the station has no window "${command.window}"`);
    const current = state.active.find((t) => t.window === command.window && ACTIVE_AT_WINDOW.includes(t.status));
    if (current) {
      return err('INVALID_TICKET_STATE', `window ${command.window} still has ticket ${current.number} (${current.status}): finish, skip or transfer it first`);
    }
    const streakKey = streakCounter(command.window);
    const { ticket: next, streak } = pickNext(windowLine(config, command.window, state.active), state.counters[streakKey] ?? 0, policy);
    if (!next) return { ok: true, ticket: null, writes: [], counters: {} };
    const called: QueueTicketDoc = { ...next, status: 'called', calledAt: at, window: command.window, staffId: command.staffId, updatedAt: at };
    return { ok: true, ticket: called, writes: [called], counters: { [streakKey]: streak } };
  }

  // Commands on one ticket.
  const t = state.target;
  if (!t || t.id !== command.ticketId || t.stationId !== config.stationId || t._deleted) {
    return err('TICKET_NOT_FOUND', 'no such ticket at this station');
  }
  if (command.type === 'link') {
    if (t.status === 'cancelled') return err('INVALID_TICKET_STATE', `ticket ${t.number} is cancelled`);
    if (t.applicationId === command.applicationId) return { ok: true, ticket: t, writes: [], counters: {} };
    if (t.applicationId) return err('INVALID_TICKET_STATE', `ticket ${t.number} is already linked to another application`);
    const linked: QueueTicketDoc = { ...t, applicationId: command.applicationId, updatedAt: at };
    return { ok: true, ticket: linked, writes: [linked], counters: {} };
  }
  if (!knownWindow(command.window)) return err('UNKNOWN_WINDOW', `the station has no window "${command.window}"`);
  if (!ACTIVE_AT_WINDOW.includes(t.status)) {
    return err('INVALID_TICKET_STATE', `cannot ${command.type} ticket ${t.number}: it is ${t.status}`);
  }
  if (t.window !== command.window) return err('NOT_YOUR_WINDOW', `ticket ${t.number} was called to another window`);

  const write = (next: QueueTicketDoc): QueueDecision => ({ ok: true, ticket: next, writes: [next], counters: {} });
  switch (command.type) {
    case 'recall':
      if (t.status !== 'called') return err('INVALID_TICKET_STATE', `cannot recall ticket ${t.number}: it is ${t.status}`);
      if (t.recallCount >= policy.maxRecall) return err('RECALL_LIMIT', `ticket ${t.number} was recalled ${t.recallCount} times (at most ${policy.maxRecall}); skip it`);
      return write({ ...t, recallCount: t.recallCount + 1, calledAt: at, updatedAt: at });
    case 'skip':
      if (t.status !== 'called') return err('INVALID_TICKET_STATE', `cannot skip ticket ${t.number}: it is being served`);
      return write({ ...t, status: 'skipped', updatedAt: at });
    case 'start':
      if (t.status !== 'called') return err('INVALID_TICKET_STATE', `cannot start ticket ${t.number}: it is already being served`);
      return write({ ...t, status: 'serving', servedAt: at, updatedAt: at });
    case 'finish': {
      if (command.applicationId && t.applicationId && t.applicationId !== command.applicationId) {
        return err('INVALID_TICKET_STATE', `ticket ${t.number} is already linked to another application`);
      }
      // Finished straight from `called`: service began when the person came to the window.
      return write({ ...t, status: 'done', servedAt: t.servedAt ?? t.calledAt ?? at, finishedAt: at, applicationId: command.applicationId ?? t.applicationId, updatedAt: at });
    }
    case 'transfer': {
      const toCategory = command.toCategory ?? t.category;
      if (!category(toCategory)) return err('UNKNOWN_CATEGORY', `the station has no queue category "${toCategory}"`);
      if (command.toWindow !== undefined && !knownWindow(command.toWindow)) return err('UNKNOWN_WINDOW', `the station has no window "${command.toWindow}"`);
      if (command.toWindow === command.window) return err('INVALID_COMMAND', 'cannot transfer a ticket to the window it is at');
      if (command.toWindow === undefined && toCategory === t.category) return err('INVALID_COMMAND', 'transfer to the category the ticket is in');
      return write({
        ...t,
        status: 'waiting',
        category: toCategory,
        transferredFrom: toCategory !== t.category ? t.category : (t.transferredFrom ?? null),
        reservedWindow: command.toWindow ?? null,
        // Back in line, keeping its number and issue time (its place by age).
        calledAt: null,
        servedAt: null,
        window: null,
        staffId: null,
        recallCount: 0,
        updatedAt: at,
      });
    }
  }
}

/**
 * Today's waiting tickets in the order the policy would call them station-wide (priority first, at
 * most `priorityRatio` in a row while an ordinary ticket waits): the kiosk's "people ahead" estimate.
 */
export function callOrder(waiting: readonly QueueTicketDoc[], policy: QueuePolicy): QueueTicketDoc[] {
  const priority = waiting.filter((t) => isPriorityTicket(t.priority)).sort(byIssued);
  const ordinary = waiting.filter((t) => !isPriorityTicket(t.priority)).sort(byIssued);
  const out: QueueTicketDoc[] = [];
  let streak = 0;
  while (priority.length || ordinary.length) {
    const takePriority = priority.length > 0 && (ordinary.length === 0 || streak < policy.priorityRatio);
    out.push(takePriority ? priority.shift()! : ordinary.shift()!);
    streak = takePriority && ordinary.length > 0 ? streak + 1 : 0;
  }
  return out;
}

/** The state view of a station from today's tickets (every status). */
export function queueStateView(config: QueueConfig, today: readonly QueueTicketDoc[], stationDay: string, policy: QueuePolicy = DEFAULT_QUEUE_POLICY): QueueState {
  const mine = today.filter((t) => t.stationId === config.stationId && !t._deleted && stationDate(t.issuedAt, config.timeZone) === stationDay);
  const waiting = mine.filter((t) => t.status === 'waiting');
  const categories = config.categories.map((c) => {
    const waits = mine.filter((t) => t.category === c.code && t.calledAt).map((t) => ticketTimes(t).waitSec!);
    return {
      code: c.code,
      name: c.name,
      prefix: c.prefix,
      waiting: waiting.filter((t) => t.category === c.code).length,
      avgWaitSec: waits.length ? Math.round(waits.reduce((a, b) => a + b, 0) / waits.length) : null,
    };
  });
  const byCalled = mine.filter((t) => t.calledAt).sort((a, b) => time(b.calledAt!) - time(a.calledAt!));
  const windows = config.windows.map((w) => ({
    id: w.id,
    name: w.name,
    categories: [...w.categories],
    current: byCalled.find((t) => t.window === w.id && ACTIVE_AT_WINDOW.includes(t.status)) ?? null,
  }));
  return {
    stationId: config.stationId,
    stationDay,
    timeZone: config.timeZone,
    categories,
    windows,
    recentCalls: byCalled.slice(0, 10),
    waitingTickets: callOrder(waiting, policy).map((t) => ({ id: t.id, number: t.number, category: t.category, priority: t.priority, issuedAt: t.issuedAt })),
  };
}

/** Does `ticket` (pushed by a kiosk, `leased: true`) fall inside the lease `lease`? Reason if not. */
export function leasedTicketProblem(
  ticket: QueueTicketDoc,
  lease: { stationId: string; stationDay: string; category: string; prefix: string; from: number; to: number },
  timeZone: string,
): string | null {
  if (ticket.leased !== true) return 'not a leased ticket';
  if (ticket.stationId !== lease.stationId || ticket.category !== lease.category) return 'category or station differ from the lease';
  const n = ticketNumberValue(lease.prefix, ticket.number);
  if (n === null || n < lease.from || n > lease.to) return `number ${ticket.number} is outside the leased block`;
  if (stationDate(ticket.issuedAt, timeZone) !== lease.stationDay) return `issued on another day than the lease (${lease.stationDay})`;
  // The id is minted with the issue time (UUIDv7): the platform finds the station's day by id range.
  if (Math.abs(uuidV7Time(ticket.id) - Date.parse(ticket.issuedAt)) > 86_400_000) return 'the id (UUIDv7) was not minted at issuedAt';
  if (ticket.status !== 'waiting' || ticket.window || ticket.calledAt || ticket.servedAt || ticket.finishedAt || ticket.staffId || ticket.recallCount !== 0) {
    return 'a leased ticket is pushed as issued (waiting, never called)';
  }
  if (ticket.reservedWindow || ticket.transferredFrom) return 'a leased ticket is pushed as issued (no transfer)';
  return null;
}
