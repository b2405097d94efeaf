/**
 * The 办件列表 query and the daily summary, without decrypting more than the page shown.
 *
 * How RxDB's field encryption behaves (checked in rxdb 17): the selector of a query runs in the
 * storage on the stored documents, below the encryption layer; only the documents a query returns
 * are decrypted. `count()` is passed straight to the storage (an IndexedDB `index.count()` when the
 * selector is covered by an index) and decrypts nothing. There is no projection ("only these
 * fields") in RxDB.
 *
 * - The list: every filter is a selector on plain members (status, service item, creation day via
 *   `newestFirst`, ID-number salted hash, assistant via the local-only `assistantId`, sync state via
 *   the ids the replication reports), sorted by the `newestFirst` index so the storage walks one
 *   page and stops. Only that page (limit + 1 documents, to know whether there is more) is decrypted.
 * - The summary: counts by service item and status. RxDB cannot group, so it reads the stored
 *   documents of the range through the `createdAt` index from the storage layer below the field
 *   encryption and reads two plain members of each; the encrypted members are never decrypted.
 *   The result holds codes and counts only.
 */
import { type MangoQuerySortPart } from 'rxdb';
import { summaryCounts, type SummaryRow } from '../../db/counts';
import type { ApplicationStatus } from '../../../sync/protocol';
import type { TerminalDatabase } from '../../db/database';
import { newestFirstKey, type ApplicationLocal } from '../../db/schemas';
import { lookupHashes } from '../../db/applications';
import { dayEndIso, dayStartIso } from '../../shared/station-zone';

export type SyncFilter = 'pending' | 'synced' | 'quarantined';

export interface CaseFilter {
  status?: ApplicationStatus[];
  service?: string;
  /** ISO date (yyyy-mm-dd), inclusive, by the terminal's local day. */
  from?: string;
  to?: string;
  /** Staff id of the assistant who filed it. */
  assistant?: string;
  sync?: SyncFilter;
  /** Full ID number typed by the clerk; searched by its salted hash. */
  idNumber?: string;
}

export interface CaseContext {
  /** The lookup salt(s) of the ID number hash (current first; see renderer/db/id-hash.ts). */
  idHashSalt: string | readonly string[];
  /** Applications written locally that the platform has not acknowledged. */
  pending: ReadonlySet<string>;
  quarantined: ReadonlySet<string>;
}

export const syncStateOf = (id: string, ctx: Pick<CaseContext, 'pending' | 'quarantined'>): SyncFilter => (ctx.quarantined.has(id) ? 'quarantined' : ctx.pending.has(id) ? 'pending' : 'synced');

/** Who filed it: the agent's staff id (帮代办) or the terminal actor in the status history. */
export const assistantOf = (a: Pick<ApplicationLocal, 'agent' | 'statusHistory'>): string | null => a.agent?.staffId ?? a.statusHistory.find((h) => h.by === 'terminal' && h.actor)?.actor ?? null;

/** Start and end of a station day (yyyy-mm-dd, in the station's time zone) as ISO times. */
export const dayStart = (d: string): string => dayStartIso(d);
export const dayEnd = (d: string): string => dayEndIso(d);

/** Newest first: ascending `newestFirst`, then the id (both in every list index). */
export const CASE_SORT: MangoQuerySortPart<ApplicationLocal>[] = [{ newestFirst: 'asc' }, { id: 'asc' }];

/** The selector of a filter, or null when nothing can match (an empty id set). */
export async function buildSelector(filter: CaseFilter, ctx: CaseContext): Promise<Record<string, unknown> | null> {
  const selector: Record<string, unknown> = {};
  if (filter.idNumber?.trim()) {
    const hs = await lookupHashes(ctx.idHashSalt, filter.idNumber);
    selector.applicantIdHash = hs.length === 1 ? hs[0] : { $in: hs };
  }
  if (filter.status?.length) selector.status = filter.status.length === 1 ? filter.status[0] : { $in: [...filter.status] };
  if (filter.service) selector.serviceItemCode = filter.service;
  if (filter.assistant?.trim()) selector.assistantId = filter.assistant.trim();
  // newestFirst is inverted time: the day range flips
  const range: Record<string, string> = {};
  if (filter.to) range.$gte = newestFirstKey(dayEnd(filter.to));
  if (filter.from) range.$lte = newestFirstKey(dayStart(filter.from));
  if (Object.keys(range).length) selector.newestFirst = range;
  if (filter.sync === 'quarantined' || filter.sync === 'pending') {
    const ids = filter.sync === 'quarantined' ? [...ctx.quarantined] : [...ctx.pending].filter((id) => !ctx.quarantined.has(id));
    if (!ids.length) return null;
    // inside $and: a top-level `id: {$in}` makes RxDB fetch (and decrypt) every listed document
    // by id before it applies the limit (rx-query isFindOneByIdQuery)
    selector.$and = [{ id: { $in: ids.sort() } }];
  } else if (filter.sync === 'synced') {
    const notSynced = [...new Set([...ctx.pending, ...ctx.quarantined])];
    if (notSynced.length) selector.id = { $nin: notSynced };
  }
  return selector;
}

export interface CaseQueryResult {
  rows: ApplicationLocal[];
  /** More rows match after this page. */
  more: boolean;
  /** Zero-based page number of `rows`. */
  page: number;
  /** Documents the query returned, i.e. decrypted (at most `limit + 1`). */
  decrypted: number;
}

/**
 * The index the list walks: newest first, led by the most selective equality filter (there are
 * more service items than statuses, more statuses than assistants), so the walk stops after one
 * page. RxDB's planner would otherwise prefer a range over a sorted walk (e.g. two statuses, or the
 * id range of the pending applications) and read and sort every document in it. The ID-number
 * hash and the quarantined ids (few, maybe old) are left to the planner.
 */
export function listIndex(filter: CaseFilter): string[] | undefined {
  if (filter.idNumber?.trim() || filter.sync === 'quarantined') return undefined;
  if (filter.service) return ['serviceItemCode', 'newestFirst'];
  if (filter.status?.length === 1) return ['status', 'newestFirst'];
  if (filter.assistant?.trim()) return ['assistantId', 'newestFirst'];
  return ['newestFirst'];
}

/** One page (`limit` rows, page `page` from 0) of the cases matching `filter`, newest first. */
export async function queryCases(db: TerminalDatabase, filter: CaseFilter, ctx: CaseContext, limit = 50, page = 0): Promise<CaseQueryResult> {
  const selector = await buildSelector(filter, ctx);
  if (!selector) return { rows: [], more: false, page, decrypted: 0 };
  const index = listIndex(filter);
  const docs = await db.applications.find({ selector: selector as never, sort: CASE_SORT, skip: page * limit, limit: limit + 1, ...(index ? { index } : {}) }).exec();
  return { rows: docs.slice(0, limit).map((d) => d.toMutableJSON()), more: docs.length > limit, page, decrypted: docs.length };
}

// ------------------------------------------------------------------------------------- summary

// Counts by service and status come from the stored documents, decrypting nothing
// (renderer/db/counts.ts, shared with the kiosk's popularity ranking).

/** Summary of local days `from`..`to` (yyyy-mm-dd, inclusive). */
export const summaryOfDays = (db: TerminalDatabase, from: string, to = from): Promise<SummaryRow[]> => summaryCounts(db, dayStart(from), dayEnd(to));

/** One CSV cell (RFC 4180 quoting); a text starting with = + - @ gets a ' so a spreadsheet never runs it as a formula. */
export function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const s = v;
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV's column titles, in the page's language (catalogue `clerk.cases.summaryCsvHeader`). */
export type SummaryCsvHeader = readonly [service: string, serviceName: string, status: string, count: string];

/** CSV (RFC 4180, UTF-8 with BOM for spreadsheet programs) of the summary. */
export function summaryCsv(rows: { service: string; serviceName?: string; status: string; count: number }[], header: SummaryCsvHeader): string {
  const lines = [header, ...rows.map((r) => [r.service, r.serviceName ?? '', r.status, r.count])].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
