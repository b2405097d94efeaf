/**
 * 办件列表 as a plain module (the page renders and calls it): the filter form turned into a query,
 * one page of cases with each one's sync state, the status changes a terminal may make, and the
 * daily summary's rows. The query itself (what is decrypted, which index) is ./query.ts.
 */
import type { ApplicationStatus } from '../../../sync/protocol';
import type { TerminalDatabase } from '../../db/database';
import type { ApplicationLocal, QuarantineDoc } from '../../db/schemas';
import { lookupHashes, setTerminalStatus } from '../../db/applications';
import type { ApplicationLookup } from '../../db/replication';
import { queryCases, summaryOfDays, type CaseFilter, type SyncFilter } from './query';
import type { SummaryRow } from '../../db/counts';

/** The 办件列表's filter form as the page holds it (blank fields mean "any"). */
export interface CaseFilterForm {
  status: readonly ApplicationStatus[];
  sync: SyncFilter | '';
  service: string;
  /** yyyy-mm-dd, inclusive, or null for any day. */
  dates: readonly [string, string] | null;
  assistant: string;
  idNumber: string;
}

/** What the cases need of the window's store. */
export interface CasesStore {
  db: TerminalDatabase;
  /** The ID-number lookup salts (current first). */
  lookupSalts: readonly string[];
  /** The replication when this window leads it (it knows what is not acknowledged yet; it fetches older cases). */
  replication: () => { pendingIds(collection: 'applications'): Promise<string[]>; lookupOlder?(query: ApplicationLookup): Promise<Record<string, unknown>[]> } | null;
}

export interface CasesPage {
  rows: ApplicationLocal[];
  more: boolean;
  page: number;
  /** The filter the page ran (trimmed, blanks dropped). */
  filter: CaseFilter;
  /** Sync state of the listed cases: not acknowledged yet / refused by the platform. */
  pending: ReadonlySet<string>;
  quarantined: ReadonlySet<string>;
}

export const CASES_PAGE_SIZE = 50;
/** How long the list waits for the replication's pending ids before it shows every case as synced. */
export const PENDING_WAIT_MS = 3000;
/** How long a search by ID number that found nothing here waits for the platform's older cases. */
export const OLDER_WAIT_MS = 8000;

/**
 * Older cases on demand: a search by ID number also asks the platform for the applicant's cases
 * this terminal never pulled (its initial sync took a recent window of the station's history); they
 * are stored as pulled. Resolves with how many arrived here within `waitMs` (0 offline, or when
 * this window does not replicate).
 */
export async function fetchOlderCases(store: Pick<CasesStore, 'db' | 'lookupSalts' | 'replication'>, idNumber: string, waitMs = OLDER_WAIT_MS): Promise<number> {
  const r = store.replication();
  if (!r?.lookupOlder) return 0;
  const deadline = Date.now() + waitMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
  let docs: Record<string, unknown>[] | null;
  try {
    docs = await Promise.race([r.lookupOlder({ applicantIdHashes: await lookupHashes(store.lookupSalts, idNumber) }).catch(() => []), late]);
  } finally {
    clearTimeout(timer);
  }
  if (!docs?.length) return 0;
  const ids = docs.map((d) => String(d.id));
  // Answered inside a pull: stored by the replication a moment later.
  for (;;) {
    const here = (await store.db.applications.findByIds(ids).exec()).size;
    if (here === ids.length || Date.now() >= deadline) return here;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** The form's filter as a query filter: blank fields dropped, text trimmed. */
export function caseFilterOf(form: CaseFilterForm): CaseFilter {
  const assistant = form.assistant.trim();
  const idNumber = form.idNumber.trim();
  return {
    ...(form.status.length ? { status: [...form.status] } : {}),
    ...(form.sync ? { sync: form.sync } : {}),
    ...(form.service ? { service: form.service } : {}),
    ...(form.dates ? { from: form.dates[0], to: form.dates[1] } : {}),
    ...(assistant ? { assistant } : {}),
    ...(idNumber ? { idNumber } : {}),
  };
}

/** The applications written here the platform has not acknowledged; none when the replication does not answer within `waitMs`. */
export async function pendingApplications(store: Pick<CasesStore, 'replication'>, waitMs = PENDING_WAIT_MS): Promise<Set<string>> {
  const asked = store.replication()?.pendingIds('applications').catch(() => [] as string[]) ?? Promise.resolve([] as string[]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string[]>((r) => (timer = setTimeout(() => r([]), waitMs)));
  try {
    return new Set(await Promise.race([asked, late]));
  } finally {
    clearTimeout(timer);
  }
}

/** One page (zero-based) of the cases the form selects, newest first. */
export async function loadCases(store: CasesStore, form: CaseFilterForm, quarantine: readonly Pick<QuarantineDoc, 'targetCollection' | 'docId'>[], page = 0, options: { pageSize?: number; waitMs?: number; olderWaitMs?: number } = {}): Promise<CasesPage> {
  const pending = await pendingApplications(store, options.waitMs);
  const quarantined = new Set(quarantine.filter((q) => q.targetCollection === 'applications').map((q) => q.docId));
  const filter = caseFilterOf(form);
  const run = () => queryCases(store.db, filter, { idHashSalt: store.lookupSalts, pending, quarantined }, options.pageSize ?? CASES_PAGE_SIZE, page);
  let r = await run();
  if (filter.idNumber && page === 0) {
    // Nothing here: wait for the platform's older cases. Found here: fetch them for the next search.
    const older = fetchOlderCases(store, filter.idNumber, options.olderWaitMs);
    if (r.rows.length === 0 && (await older) > 0) r = await run();
  }
  return { rows: r.rows, more: r.more, page, filter, pending, quarantined };
}

/** 补正后重新提交 (unchanged) or 撤回: the application as it is stored afterwards. */
export function changeCaseStatus(db: TerminalDatabase, id: string, to: 'resubmitted' | 'withdrawn'): Promise<ApplicationLocal> {
  return setTerminalStatus(db, id, to);
}

/** The daily summary's rows for the days (codes and counts; nothing decrypted), each with its service's name. */
export async function summaryRows(db: TerminalDatabase, from: string, to: string, serviceName: (code: string) => string): Promise<(SummaryRow & { serviceName: string })[]> {
  return (await summaryOfDays(db, from, to)).map((r) => ({ ...r, serviceName: serviceName(r.service) }));
}
