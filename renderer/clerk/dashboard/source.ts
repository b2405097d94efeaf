/**
 * Where the station dashboard's numbers come from: the terminal's own RxDB store, offline. Reads
 * the stored documents below the field encryption (renderer/db/counts.ts: nothing is decrypted),
 * turns each into a fact (renderer/stats/aggregate.ts; unreadable documents are counted, never
 * thrown) and aggregates them with the same module the daily summary uses.
 *
 * - applications created in the range: the `createdAt` index (the daily summary's read);
 * - applications whose time limit is running, whenever created: the `[status, updatedAt]` index;
 * - queue tickets issued in the range: the `issuedAt` index; 好差评 of the range: `createdAt`;
 * - service items (names, 承诺时限) and the station's queue categories (names).
 *
 * Sync health and device history come from main through the bridge (the page asks; see
 * DashboardPage.vue), not from here.
 */
import type { TerminalDatabase } from '../../db/database';
import { rangeSelector, storedApplications, storedDocuments } from '../../db/counts';
import { applicationFact, checkRange, dashboardOf, evaluationFact, factsOf, RUNNING_STATUSES, ticketFact, type Dashboard, type RangeError, type TimeLimit } from '../../stats/aggregate';
import { stationDayEnd, stationDayStart } from '../../../sync/protocol/station-time';

export interface DashboardNames {
  services: Map<string, string>;
  categories: Map<string, string>;
}

export interface DashboardLoad {
  dashboard: Dashboard;
  names: DashboardNames;
  /** Milliseconds spent reading and aggregating (shown to nobody; the bench reads it). */
  ms: number;
}

export class DashboardRangeError extends Error {
  constructor(readonly code: RangeError) {
    super(`dashboard: bad date range (${code})`);
    this.name = 'DashboardRangeError';
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3650 ? v : null);

/** Service names and time limits from the synced catalog (a malformed item is left out). */
async function catalog(db: TerminalDatabase): Promise<{ names: Map<string, string>; limits: Map<string, TimeLimit> }> {
  const names = new Map<string, string>();
  const limits = new Map<string, TimeLimit>();
  for (const d of await storedDocuments(db.service_items, {}, [{ sortOrder: 'asc' }])) {
    if (typeof d.code !== 'string') continue;
    if (typeof d.name === 'string') names.set(d.code, d.name);
    const t = d.timeLimit as Record<string, unknown> | null | undefined;
    if (t && typeof t === 'object') limits.set(d.code, { promisedDays: num(t.promisedDays), legalDays: num(t.legalDays) });
  }
  return { names, limits };
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
  const [apps, running, tickets, evals, cat, cats] = await Promise.all([
    storedApplications(db, fromIso, toIso),
    storedDocuments(db.applications, { status: { $in: [...RUNNING_STATUSES] } }, [{ status: 'asc' }, { updatedAt: 'asc' }]),
    storedDocuments(db.queue_tickets, rangeSelector('issuedAt', fromIso, toIso), [{ issuedAt: 'asc' }]),
    storedDocuments(db.evaluations, rangeSelector('createdAt', fromIso, toIso), [{ createdAt: 'asc' }]),
    catalog(db),
    categories(db, options.stationId ?? null),
  ]);
  const a = factsOf(apps, applicationFact);
  const r = factsOf(running, applicationFact);
  const t = factsOf(tickets, ticketFact);
  const e = factsOf(evals, evaluationFact);
  const dashboard = dashboardOf({
    from: range.from,
    to: range.to,
    timeZone,
    now: options.now ?? new Date(),
    applications: a.facts,
    running: r.facts,
    tickets: t.facts,
    evaluations: e.facts,
    timeLimits: cat.limits,
    // a corrupt application read by both queries is counted once
    skipped: new Set([...a.skippedKeys, ...r.skippedKeys]).size + t.skipped + e.skipped,
  });
  return { dashboard, names: { services: cat.names, categories: cats }, ms: performance.now() - t0 };
}
