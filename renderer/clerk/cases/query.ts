/**
 * The 办件列表 query: indexed filters in the database (status, service, creation date, the salted
 * hash of the resident's ID number), then the few filters that need decrypted or local state
 * (assistant, sync state) on the returned page only. The whole table is never decrypted: pages are
 * read in batches of `batch` until `limit` rows match or the index range is exhausted.
 */
import type { ApplicationStatus } from '../../../sync/protocol';
import type { TerminalDatabase } from '../../db/database';
import type { ApplicationLocal } from '../../db/schemas';
import { hashIdNumber } from '../../db/applications';

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
  idHashSalt: string;
  /** Applications written locally that the platform has not acknowledged. */
  pending: ReadonlySet<string>;
  quarantined: ReadonlySet<string>;
}

export const syncStateOf = (id: string, ctx: Pick<CaseContext, 'pending' | 'quarantined'>): SyncFilter => (ctx.quarantined.has(id) ? 'quarantined' : ctx.pending.has(id) ? 'pending' : 'synced');

/** Who filed it: the agent's staff id (帮代办) or the terminal actor in the status history. */
export const assistantOf = (a: ApplicationLocal): string | null => a.agent?.staffId ?? a.statusHistory.find((h) => h.by === 'terminal' && h.actor)?.actor ?? null;

const dayStart = (d: string) => new Date(`${d}T00:00:00`).toISOString();
const dayEnd = (d: string) => new Date(`${d}T23:59:59.999`).toISOString();

export async function buildSelector(filter: CaseFilter, idHashSalt: string): Promise<Record<string, unknown>> {
  const selector: Record<string, unknown> = {};
  if (filter.idNumber?.trim()) selector.applicantIdHash = await hashIdNumber(idHashSalt, filter.idNumber);
  if (filter.status?.length) selector.status = filter.status.length === 1 ? filter.status[0] : { $in: filter.status };
  if (filter.service) selector.serviceItemCode = filter.service;
  const range: Record<string, string> = {};
  if (filter.from) range.$gte = dayStart(filter.from);
  if (filter.to) range.$lte = dayEnd(filter.to);
  selector.createdAt = Object.keys(range).length ? range : { $gt: '' };
  return selector;
}

export interface CaseQueryResult {
  rows: ApplicationLocal[];
  /** More rows match beyond `limit`. */
  more: boolean;
  /** Documents read (decrypted) to answer. */
  scanned: number;
}

export async function queryCases(db: TerminalDatabase, filter: CaseFilter, ctx: CaseContext, limit = 50, batch = 200): Promise<CaseQueryResult> {
  const selector = await buildSelector(filter, ctx.idHashSalt);
  const needsPost = !!filter.assistant || !!filter.sync;
  const rows: ApplicationLocal[] = [];
  let skip = 0;
  let scanned = 0;
  for (;;) {
    const take = needsPost ? batch : limit + 1;
    const docs = await db.applications.find({ selector: selector as never, sort: [{ createdAt: 'desc' }, { id: 'desc' }], skip, limit: take }).exec();
    scanned += docs.length;
    for (const d of docs) {
      const a = d.toMutableJSON() as ApplicationLocal;
      if (filter.assistant && assistantOf(a) !== filter.assistant) continue;
      if (filter.sync && syncStateOf(a.id, ctx) !== filter.sync) continue;
      rows.push(a);
      if (rows.length > limit) return { rows: rows.slice(0, limit), more: true, scanned };
    }
    if (docs.length < take) return { rows, more: false, scanned };
    skip += docs.length;
  }
}

/** Counts by service and status (the daily summary). Reads only unencrypted fields. */
export async function summaryCounts(db: TerminalDatabase, fromIso: string, toIso: string): Promise<{ service: string; status: string; count: number }[]> {
  const docs = await db.applications.find({ selector: { createdAt: { $gte: fromIso, $lte: toIso } } }).exec();
  const counts = new Map<string, number>();
  for (const d of docs) {
    const key = `${d.get('serviceItemCode') as string}\u0000${d.get('status') as string}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([k, count]) => {
      const [service, status] = k.split('\u0000') as [string, string];
      return { service, status, count };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.status.localeCompare(b.status));
}

/** CSV (RFC 4180, UTF-8 with BOM for spreadsheet programs) of the summary. */
export function summaryCsv(rows: { service: string; serviceName?: string; status: string; count: number }[], header = ['事项编码', '事项名称', '状态', '件数']): string {
  const cell = (v: string | number) => {
    const s = String(v);
    // leading = + - @ would run as a formula in a spreadsheet
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [header, ...rows.map((r) => [r.service, r.serviceName ?? '', r.status, r.count])].map((r) => r.map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
