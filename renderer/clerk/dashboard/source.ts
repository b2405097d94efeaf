/**
 * Where the station dashboard's numbers come from: the terminal's own RxDB store, offline. Reads
 * the stored documents below the field encryption (renderer/db/counts.ts: nothing is decrypted),
 * turns each into a fact (renderer/stats/aggregate.ts; unreadable documents are counted, never
 * thrown) and aggregates them with the same module the daily summary uses.
 *
 * - the facts of every application, queue ticket, 好差评 and service item, mirrored in memory and
 *   brought up to date from the store's change feed before each load (./facts.ts);
 * - applications created in the range: selected exactly as the daily summary's `createdAt` range
 *   (ISO strings, `inRangeIso`); running ones for the overdue check whenever created;
 * - the station's queue category names from station_config.
 *
 * Sync health and device history come from main through the bridge (the page asks; see
 * DashboardPage.vue), not from here.
 */
import type { TerminalDatabase } from '../../db/database';
import { checkRange, dashboardOf, inRangeIso, RUNNING_STATUSES, type ApplicationFact, type Dashboard, type EvaluationFact, type RangeError, type TicketFact, type TimeLimit } from '../../stats/aggregate';
import { stationDayEnd, stationDayStart } from '../../../sync/protocol/station-time';
import { catchUpAll, dashboardMirrors } from './facts';

const readCount = (db: TerminalDatabase): number => {
  const m = dashboardMirrors(db);
  return m.applications.read + m.tickets.read + m.evaluations.read + m.catalog.read;
};

export interface DashboardNames {
  services: Map<string, string>;
  categories: Map<string, string>;
}

export interface DashboardLoad {
  dashboard: Dashboard;
  names: DashboardNames;
  /** Milliseconds spent reading and aggregating (shown to nobody; the bench reads it). */
  ms: number;
  /** Of which catching up with the store, and how many documents that read. */
  readMs: number;
  read: number;
}

export class DashboardRangeError extends Error {
  constructor(readonly code: RangeError) {
    super(`dashboard: bad date range (${code})`);
    this.name = 'DashboardRangeError';
  }
}

async function categories(db: TerminalDatabase, stationId: string | null): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const docs = await db.station_config.find().exec();
  for (const d of docs) {
    if (stationId && d.stationId !== stationId) continue;
    for (const c of (d.queueCategories ?? []) as unknown[]) {
      const cat = c as { code?: unknown; name?: unknown };
      if (typeof cat.code === 'string' && typeof cat.name === 'string') out.set(cat.code, cat.name);
    }
  }
  return out;
}

/**
 * The dashboard of station days `from`..`to` (inclusive) as of `now`. Throws DashboardRangeError
 * for a range that is not two real days in order within 366 days.
 */
export async function loadDashboard(db: TerminalDatabase, options: { from: unknown; to: unknown; timeZone: string; now?: Date; stationId?: string | null }): Promise<DashboardLoad> {
  const range = checkRange(options.from, options.to);
  if (!range.ok) throw new DashboardRangeError(range.error);
  const t0 = performance.now();
  const { timeZone } = options;
  const fromIso = stationDayStart(range.from, timeZone);
  const toIso = stationDayEnd(range.to, timeZone);
  const readBefore = readCount(db);
  const [m, cats] = await Promise.all([catchUpAll(db), categories(db, options.stationId ?? null)]);
  const readMs = performance.now() - t0;
  const applications: ApplicationFact[] = [];
  const running: ApplicationFact[] = [];
  for (const a of m.applications.values()) {
    if (inRangeIso(a.createdAt, fromIso, toIso)) applications.push(a);
    if (RUNNING_STATUSES.includes(a.status)) running.push(a);
  }
  const tickets: TicketFact[] = [];
  for (const x of m.tickets.values()) if (inRangeIso(x.issuedAt, fromIso, toIso)) tickets.push(x);
  const evaluations: EvaluationFact[] = [];
  for (const x of m.evaluations.values()) if (inRangeIso(x.createdAt, fromIso, toIso)) evaluations.push(x);
  const services = new Map<string, string>();
  const timeLimits = new Map<string, TimeLimit>();
  for (const c of m.catalog.values()) {
    if (c.name) services.set(c.code, c.name);
    if (c.limit) timeLimits.set(c.code, c.limit);
  }
  const dashboard = dashboardOf({
    from: range.from,
    to: range.to,
    timeZone,
    now: options.now ?? new Date(),
    applications,
    running,
    tickets,
    evaluations,
    timeLimits,
    skipped: m.applications.unreadableIds().length + m.tickets.unreadableIds().length + m.evaluations.unreadableIds().length,
  });
  return { dashboard, names: { services, categories: cats }, ms: performance.now() - t0, readMs, read: readCount(db) - readBefore };
}
