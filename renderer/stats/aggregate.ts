/**
 * The station dashboard's numbers and the clerk's daily summary, from one place. Plain TypeScript:
 * no Vue, no RxDB, no bridge (unit-tested under vitest; the readers in ./source.ts and
 * renderer/db/counts.ts feed it the stored documents).
 *
 * Every stored document goes through one `*Fact` function that checks the members it uses and
 * returns null for a document it cannot read (a corrupt or foreign record): such documents are
 * counted in `skipped` and never crash a screen. The daily summary (`summaryRowsOf`) and the
 * dashboard's applications by service and status (`dashboardOf`) count the same facts the same
 * way, so their numbers are equal for the same days.
 *
 * Days are station days (`YYYY-MM-DD` in the station's time zone); instants are ISO strings.
 */
import { addDays, stationDate } from '../../sync/protocol/station-time';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../../sync/protocol/status';

// ------------------------------------------------------------------------------------ facts

export const CHANNELS = ['kiosk', 'counter', 'field'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What the summary and the dashboard read of an application (no personal data). */
export interface ApplicationFact {
  id: string;
  service: string;
  status: ApplicationStatus;
  channel: Channel | 'other';
  createdAt: string;
  /** When the time limit starts: 受理 (first `accepted` in the history), else the submission, else creation. */
  clockStart: string;
}

export interface TicketFact {
  category: string;
  status: string;
  issuedAt: string;
  calledAt: string | null;
}

export interface EvaluationFact {
  level: 1 | 2 | 3 | 4 | 5;
  reasons: string[];
  createdAt: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInstant = (v: unknown): v is string => typeof v === 'string' && v.length <= 40 && Number.isFinite(Date.parse(v));
const isText = (v: unknown, max = 128): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const STATUS_SET: ReadonlySet<string> = new Set(APPLICATION_STATUSES);

/** The fact of a stored application, or null when the document is not a readable application. */
export function applicationFact(doc: unknown): ApplicationFact | null {
  if (!isObj(doc) || doc._deleted === true) return null;
  const { id, serviceItemCode, status, channel, createdAt, submittedAt, statusHistory } = doc;
  if (!isText(id) || !isText(serviceItemCode) || typeof status !== 'string' || !STATUS_SET.has(status) || !isInstant(createdAt)) return null;
  let accepted: string | null = null;
  if (Array.isArray(statusHistory)) {
    for (const h of statusHistory) {
      if (isObj(h) && h.status === 'accepted' && isInstant(h.at)) {
        accepted = h.at;
        break;
      }
    }
  }
  return {
    id,
    service: serviceItemCode,
    status: status as ApplicationStatus,
    channel: (CHANNELS as readonly unknown[]).includes(channel) ? (channel as Channel) : 'other',
    createdAt,
    clockStart: accepted ?? (isInstant(submittedAt) ? submittedAt : createdAt),
  };
}

export function ticketFact(doc: unknown): TicketFact | null {
  if (!isObj(doc) || doc._deleted === true) return null;
  const { category, status, issuedAt, calledAt } = doc;
  if (!isText(category, 20) || !isText(status, 12) || !isInstant(issuedAt)) return null;
  return { category, status, issuedAt, calledAt: isInstant(calledAt) && Date.parse(calledAt) >= Date.parse(issuedAt) ? calledAt : null };
}

export function evaluationFact(doc: unknown): EvaluationFact | null {
  if (!isObj(doc) || doc._deleted === true) return null;
  const { level, reasons, createdAt } = doc;
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 5 || !isInstant(createdAt)) return null;
  return { level: level as EvaluationFact['level'], reasons: Array.isArray(reasons) ? reasons.filter((r): r is string => isText(r, 40)) : [], createdAt };
}

/** Facts of many documents, how many could not be read, and the primary keys of those (to count a document read twice once). */
export function factsOf<T>(docs: readonly unknown[], fact: (d: unknown) => T | null): { facts: T[]; skipped: number; skippedKeys: string[] } {
  const facts: T[] = [];
  const skippedKeys: string[] = [];
  let skipped = 0;
  for (const d of docs) {
    if (isObj(d) && d._deleted === true) continue;
    const f = fact(d);
    if (f) facts.push(f);
    else {
      skipped++;
      skippedKeys.push(isObj(d) && typeof d.id === 'string' ? d.id : `#${skipped}`);
    }
  }
  return { facts, skipped, skippedKeys };
}

// ------------------------------------------------------------------------------ daily summary

export interface SummaryRow {
  service: string;
  status: string;
  count: number;
}

/** Counts by service item and status, sorted by service then status (the daily summary's rows). */
export function summaryRowsOf(facts: readonly Pick<ApplicationFact, 'service' | 'status'>[]): SummaryRow[] {
  const counts = new Map<string, Map<string, number>>();
  for (const f of facts) {
    const byStatus = counts.get(f.service) ?? new Map<string, number>();
    counts.set(f.service, byStatus);
    byStatus.set(f.status, (byStatus.get(f.status) ?? 0) + 1);
  }
  const rows: SummaryRow[] = [];
  for (const [service, byStatus] of counts) for (const [status, count] of byStatus) rows.push({ service, status, count });
  return rows.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
}

// ------------------------------------------------------------------------------- date ranges

export type RangeError = 'RANGE_FORMAT' | 'RANGE_REVERSED' | 'RANGE_TOO_LONG';
export const MAX_RANGE_DAYS = 366;

const realDay = (d: unknown): d is string => {
  if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, day));
  return y >= 2000 && y <= 2199 && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
};

/** Days between two `YYYY-MM-DD` days (b − a). */
export const daysBetween = (a: string, b: string): number => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** Checks a chosen range of station days: both real days, from ≤ to, at most 366 days. */
export function checkRange(from: unknown, to: unknown): { ok: true; from: string; to: string } | { ok: false; error: RangeError } {
  if (!realDay(from) || !realDay(to)) return { ok: false, error: 'RANGE_FORMAT' };
  if (from > to) return { ok: false, error: 'RANGE_REVERSED' };
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) return { ok: false, error: 'RANGE_TOO_LONG' };
  return { ok: true, from, to };
}

/** Every day of a range, in order. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length <= MAX_RANGE_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}

// ------------------------------------------------------------------------ time limits (承诺时限)

export interface TimeLimit {
  legalDays: number | null;
  promisedDays: number | null;
}

/** Monday–Friday. No holiday calendar is synced to the terminal: public holidays count as working days. */
export const isWorkingDay = (day: string): boolean => {
  const wd = new Date(`${day}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
};

/** The `n`th working day after `day` (n = 0: `day` itself). */
export function addWorkingDays(day: string, n: number): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/**
 * The last station day of an application's time limit, from the day its clock started: the promised
 * limit in working days (承诺时限, "N个工作日"; 0 = 即办, the same day), else the legal limit in calendar
 * days ("法定N日"), else null (the guide gives none).
 */
export function dueDay(startDay: string, limit: TimeLimit | null | undefined): { due: string; kind: 'promised' | 'legal' } | null {
  if (!limit) return null;
  if (typeof limit.promisedDays === 'number' && limit.promisedDays >= 0) return { due: addWorkingDays(startDay, limit.promisedDays), kind: 'promised' };
  if (typeof limit.legalDays === 'number' && limit.legalDays >= 0) return { due: addDays(startDay, limit.legalDays), kind: 'legal' };
  return null;
}

/** Statuses in which the platform is working on the case (the clock runs). */
export const RUNNING_STATUSES: readonly ApplicationStatus[] = ['submitted', 'synced', 'accepted', 'in_review', 'resubmitted'];

// --------------------------------------------------------------------------------- the board

export interface DashboardInput {
  from: string;
  to: string;
  /** The station's time zone and now (today = the station day of `now`). */
  timeZone: string;
  now: Date;
  /**
   * Applications created in the range, selected as the daily summary selects them (`createdAt`
   * between the ISO instants of the first day's start and the last day's end: `inRangeIso`), so the
   * counts are the summary's. Not filtered again here.
   */
  applications: readonly ApplicationFact[];
  /** Applications whose clock runs, whenever created (overdue check). */
  running: readonly ApplicationFact[];
  tickets: readonly TicketFact[];
  evaluations: readonly EvaluationFact[];
  /** Time limits by service item code. */
  timeLimits: ReadonlyMap<string, TimeLimit>;
  skipped?: number;
}

export interface WaitStats {
  category: string;
  issued: number;
  served: number;
  /** Tickets with a wait (called), and their waits in minutes. */
  called: number;
  avgWaitMin: number | null;
  p90WaitMin: number | null;
}

export interface OverdueRow {
  id: string;
  service: string;
  status: ApplicationStatus;
  channel: ApplicationFact['channel'];
  start: string;
  due: string;
  kind: 'promised' | 'legal';
  /** Station days past the due day. */
  daysOver: number;
}

export interface Dashboard {
  from: string;
  to: string;
  today: string;
  days: string[];
  tickets: { total: WaitStats; byCategory: WaitStats[]; perDay: number[] };
  applications: {
    total: number;
    perDay: number[];
    summary: SummaryRow[];
    byService: { service: string; count: number }[];
    byChannel: Record<ApplicationFact['channel'], number>;
    byStatus: { status: ApplicationStatus; count: number }[];
  };
  overdue: { rows: OverdueRow[]; running: number; withoutLimit: number };
  ratings: { total: number; byLevel: Record<1 | 2 | 3 | 4 | 5, number>; low: number; lowReasons: { reason: string; count: number }[]; satisfaction: number | null };
  skipped: number;
}

/**
 * `stationDate` memoized by quarter hour (every zone's offset is a multiple of 15 minutes): a
 * dashboard turns tens of thousands of instants into station days, and Intl is slow per call.
 */
export function stationDayOf(timeZone: string): (instant: string | Date) => string {
  const cache = new Map<number, string>();
  return (instant) => {
    const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
    const key = Math.floor(ms / 900_000);
    let d = cache.get(key);
    if (d === undefined) {
      d = stationDate(key * 900_000, timeZone);
      cache.set(key, d);
    }
    return d;
  };
}

/**
 * Whether an ISO instant lies in [fromIso, toIso] the way the store's `createdAt` index compares them
 * (as strings): the daily summary's selection.
 */
export const inRangeIso = (iso: string, fromIso: string, toIso: string): boolean => iso >= fromIso && iso <= toIso;

/** Nearest-rank percentile of sorted values. */
export function percentileOf(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

function waitStats(category: string, tickets: readonly TicketFact[]): WaitStats {
  const waits = tickets.filter((t) => t.calledAt).map((t) => (Date.parse(t.calledAt!) - Date.parse(t.issuedAt)) / 60_000).sort((a, b) => a - b);
  return {
    category,
    issued: tickets.length,
    served: tickets.filter((t) => t.status === 'done').length,
    called: waits.length,
    avgWaitMin: round1(waits.length ? waits.reduce((s, w) => s + w, 0) / waits.length : null),
    p90WaitMin: round1(percentileOf(waits, 90)),
  };
}

/** The dashboard for a range of station days. The applications' counts equal `summaryRowsOf` of the same set. */
export function dashboardOf(input: DashboardInput): Dashboard {
  const { from, to, timeZone } = input;
  const days = daysOf(from, to);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const dayOf = stationDayOf(timeZone);
  const inRange = (iso: string) => {
    const d = dayOf(iso);
    return d >= from && d <= to;
  };
  const today = dayOf(input.now);

  // tickets issued in the range, by category
  const tickets = input.tickets.filter((t) => inRange(t.issuedAt));
  const ticketsPerDay = days.map(() => 0);
  const byCat = new Map<string, TicketFact[]>();
  for (const t of tickets) {
    ticketsPerDay[dayIndex.get(dayOf(t.issuedAt))!]!++;
    const list = byCat.get(t.category) ?? [];
    list.push(t);
    byCat.set(t.category, list);
  }

  // applications created in the range (selected by the caller as the daily summary selects them)
  const apps = input.applications;
  const appsPerDay = days.map(() => 0);
  const byService = new Map<string, number>();
  const byStatus = new Map<ApplicationStatus, number>();
  const byChannel: Record<ApplicationFact['channel'], number> = { kiosk: 0, counter: 0, field: 0, other: 0 };
  for (const a of apps) {
    const i = dayIndex.get(dayOf(a.createdAt));
    if (i !== undefined) appsPerDay[i]!++;
    byService.set(a.service, (byService.get(a.service) ?? 0) + 1);
    byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    byChannel[a.channel]++;
  }

  // overdue: running cases past their limit, as of today
  const overdue: OverdueRow[] = [];
  let withoutLimit = 0;
  const running = input.running.filter((a) => RUNNING_STATUSES.includes(a.status));
  // many cases share a start day and a limit: compute each due day once
  const dueMemo = new Map<string, ReturnType<typeof dueDay>>();
  for (const a of running) {
    const start = dayOf(a.clockStart);
    const limit = input.timeLimits.get(a.service);
    const key = `${start}|${limit?.promisedDays ?? ''}|${limit?.legalDays ?? ''}`;
    let due = dueMemo.get(key);
    if (due === undefined) {
      due = dueDay(start, limit);
      dueMemo.set(key, due);
    }
    if (!due) {
      withoutLimit++;
      continue;
    }
    if (today > due.due) overdue.push({ id: a.id, service: a.service, status: a.status, channel: a.channel, start, due: due.due, kind: due.kind, daysOver: daysBetween(due.due, today) });
  }
  overdue.sort((x, y) => y.daysOver - x.daysOver || (x.id < y.id ? -1 : 1));

  // 好差评
  const evals = input.evaluations.filter((e) => inRange(e.createdAt));
  const byLevel: Record<1 | 2 | 3 | 4 | 5, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  const reasons = new Map<string, number>();
  for (const e of evals) {
    byLevel[e.level]++;
    if (e.level <= 2) for (const r of new Set(e.reasons)) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  const low = byLevel[1] + byLevel[2];

  return {
    from,
    to,
    today,
    days,
    tickets: {
      total: waitStats('', tickets),
      byCategory: [...byCat].map(([c, list]) => waitStats(c, list)).sort((a, b) => (a.category < b.category ? -1 : 1)),
      perDay: ticketsPerDay,
    },
    applications: {
      total: apps.length,
      perDay: appsPerDay,
      summary: summaryRowsOf(apps),
      byService: [...byService].map(([service, count]) => ({ service, count })).sort((a, b) => b.count - a.count || (a.service < b.service ? -1 : 1)),
      byChannel,
      byStatus: APPLICATION_STATUSES.filter((s) => byStatus.has(s)).map((status) => ({ status, count: byStatus.get(status)! })),
    },
    overdue: { rows: overdue, running: running.length, withoutLimit },
    ratings: {
      total: evals.length,
      byLevel,
      low,
      lowReasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
      satisfaction: evals.length ? Math.round(((byLevel[3] + byLevel[4] + byLevel[5]) / evals.length) * 1000) / 10 : null,
    },
    skipped: input.skipped ?? 0,
  };
}
