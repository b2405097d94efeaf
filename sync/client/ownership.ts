// Conflict resolution by field ownership (ARCHITECTURE.md "Status machine"): the terminal owns the
// form while an application is `draft` or `supplement_required`; the platform owns the status,
// 受理号, supplement requests, decisions and its history entries. Mirrors sync/server/rules.ts.
// Pure: used by the renderer's RxDB conflict handlers and unit-tested under Node.
import {
  canonicalEqual,
  canonicalJson,
  LOCAL_ONLY_FIELDS,
  TERMINAL_EDITABLE_STATUSES,
  terminalMayTransition,
  type ApplicationDoc,
  type CollectionName,
  type QueueTicketDoc,
  type StatusHistoryEntry,
} from '../protocol/index';

type Doc = Record<string, unknown> & { id: string; _deleted: boolean };

export interface ConflictInput<D> {
  /** The local (fork) state the terminal wanted to write. */
  newDocumentState: D;
  /** The platform's state. */
  realMasterState: D;
  /** What the terminal believed the platform had. */
  assumedMasterState?: D | undefined;
}

export interface Resolution<D> {
  doc: D;
  /**
   * True when local changes did not survive (the platform owned the fields). The caller keeps a
   * copy of `newDocumentState` in quarantine so nothing the terminal wrote is silently lost.
   */
  discardedLocal: boolean;
  /** Why, for the quarantine record (English, for people reading the log/quarantine). */
  reason?: string;
}

/** Same replicated state (ignores RxDB-local members and key order). */
export function sameState(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonicalEqual(a, b, LOCAL_ONLY_FIELDS);
}

/** Fields of an application the terminal writes while it owns the form. */
export const TERMINAL_OWNED_APPLICATION_FIELDS = [
  'serviceItemCode',
  'formId',
  'formVersion',
  'channel',
  'applicant',
  'applicantIdHash',
  'agent',
  'authorization',
  'formData',
  'materials',
  'terminalId',
] as const;

const laterIso = (a: string, b: string): string => (a > b ? a : b);

export function resolveApplication(input: ConflictInput<ApplicationDoc>): Resolution<ApplicationDoc> {
  const local = input.newDocumentState;
  const master = input.realMasterState;
  if (sameState(local, master)) return { doc: master, discardedLocal: false };
  if (master._deleted) return { doc: master, discardedLocal: !local._deleted, reason: 'the platform deleted the application' };

  const localChangedForm = TERMINAL_OWNED_APPLICATION_FIELDS.some((f) => canonicalJson(local[f] ?? null) !== canonicalJson(master[f] ?? null));
  const localWantsStatus = local.status !== master.status && terminalMayTransition(master.status, local.status);

  if (!TERMINAL_EDITABLE_STATUSES.includes(master.status)) {
    // The platform owns the application now: its state wins. Local form edits can't be applied.
    const lostStatus = local.status !== master.status && !platformMovedPast(local.status, master);
    return {
      doc: master,
      discardedLocal: localChangedForm || (lostStatus && local.status !== 'submitted' && local.status !== 'resubmitted'),
      reason: `the platform has the application as ${master.status}; local edits can no longer be applied`,
    };
  }

  // The terminal owns the form: platform-owned fields from the master, the form from the terminal.
  const merged: ApplicationDoc = { ...master };
  for (const f of TERMINAL_OWNED_APPLICATION_FIELDS) {
    if (local[f] !== undefined) (merged as Record<string, unknown>)[f] = local[f];
    else delete (merged as Record<string, unknown>)[f];
  }
  // History entries go with their transition: only a status the terminal may still set brings its
  // entry, exactly one, ending the history. A local entry whose status is not taken (a stale or
  // crossed submission of a case another terminal moved on) is dropped, or the merged state says
  // `supplement_required` after a `submitted` entry (fuzz seed 500150).
  merged.statusHistory = [...master.statusHistory];
  if (localWantsStatus) {
    merged.status = local.status;
    merged.submittedAt = master.submittedAt ?? local.submittedAt;
    const own = terminalEntriesAfter(master.statusHistory, local.statusHistory).at(-1);
    merged.statusHistory.push(own && own.status === local.status ? own : { status: local.status, at: local.updatedAt, by: 'terminal' });
  }
  merged.updatedAt = laterIso(local.updatedAt, master.updatedAt);
  if (local._deleted && !master._deleted) merged._deleted = local._deleted;
  return { doc: merged, discardedLocal: false };
}

/**
 * Whether `pulled`, a platform state of an application whose push the platform refused (`refused`:
 * the copy kept in quarantine), is one the platform already had when it refused: every status entry
 * of it is in the refused copy, so nothing happened there since (a refusal changes nothing on the
 * platform). Such a state, delivered again by a re-pull, is older than what the terminal filed.
 * A state with an entry the copy lacks (the back office acted, another terminal submitted) is news.
 */
export function platformUnchangedSinceRefusal(pulled: Record<string, unknown>, refused: Record<string, unknown>): boolean {
  const history = (d: Record<string, unknown>) => (Array.isArray(d.statusHistory) ? (d.statusHistory as unknown[]) : null);
  const mine = history(refused);
  const theirs = history(pulled);
  if (!mine || !theirs || pulled._deleted === true) return false;
  const known = new Set(mine.map((h) => canonicalJson(h)));
  return theirs.every((h) => known.has(canonicalJson(h)));
}

/** Whether the platform's state already contains `status` in its history (it moved past it). */
function platformMovedPast(status: string, master: ApplicationDoc): boolean {
  return master.statusHistory.some((h) => h.status === status);
}

/** The terminal's history entries that the master does not have yet (compared by content). */
function terminalEntriesAfter(master: StatusHistoryEntry[], local: StatusHistoryEntry[]): StatusHistoryEntry[] {
  const known = new Set(master.map((h) => canonicalJson(h)));
  return local.filter((h) => h.by === 'terminal' && !known.has(canonicalJson(h)));
}

const TICKET_ORDER: Record<QueueTicketDoc['status'], number> = { waiting: 0, called: 1, serving: 2, skipped: 3, cancelled: 3, done: 4 };

/** Queue tickets are written by every counter of the station: the one further along wins. */
export function resolveQueueTicket(input: ConflictInput<QueueTicketDoc>): Resolution<QueueTicketDoc> {
  const local = input.newDocumentState;
  const master = input.realMasterState;
  if (sameState(local, master)) return { doc: master, discardedLocal: false };
  const l = TICKET_ORDER[local.status];
  const m = TICKET_ORDER[master.status];
  if (l > m || (l === m && local.recallCount > master.recallCount)) return { doc: { ...local, updatedAt: laterIso(local.updatedAt, master.updatedAt) }, discardedLocal: false };
  return { doc: master, discardedLocal: false };
}

/** The resolution for one collection. Down-only and append-only collections: the platform wins. */
export function resolveConflict(collection: CollectionName, input: ConflictInput<Doc>): Resolution<Doc> {
  switch (collection) {
    case 'applications':
      return resolveApplication(input as unknown as ConflictInput<ApplicationDoc>) as unknown as Resolution<Doc>;
    case 'queue_tickets':
      return resolveQueueTicket(input as unknown as ConflictInput<QueueTicketDoc>) as unknown as Resolution<Doc>;
    case 'evaluations':
    case 'audit_events': {
      // Append-only: the platform keeps the first version it received. A different local copy is kept.
      const same = sameState(input.newDocumentState, input.realMasterState);
      return { doc: input.realMasterState, discardedLocal: !same, reason: `${collection} cannot be changed once written` };
    }
    default:
      return { doc: input.realMasterState, discardedLocal: false };
  }
}
