// The rules a terminal's push must follow, as pure functions (no database): who may write what.
import type { LeasedTicketCheck } from './queue/leases';
import {
  canonicalJson,
  COLLECTION_POLICY,
  formIssues,
  formIssuesLogMessage,
  formSchemaDocId,
  PLATFORM_OWNED_APPLICATION_FIELDS,
  TERMINAL_EDITABLE_STATUSES,
  TERMINAL_SETTABLE_STATUSES,
  TERMINAL_SUBMIT_STATUSES,
  terminalMayTransition,
  tongbanProblem,
  type ApplicationDoc,
  type ServiceItemTongban,
  type TongbanProblem,
  type CollectionName,
  MAX_REFUSAL_PARAMS,
  REFUSAL_PARAM_MAX_CHARS,
  type FieldIssueParams,
  type FormIssue,
  type RefusalParams,
  type QueueTicketDoc,
  type RejectionCode,
  type Validator,
} from '../protocol/index';

export type RuleResult =
  | { ok: true; doc: Record<string, unknown> }
  | { ok: false; code: RejectionCode; message: string; params?: RefusalParams; issues?: FormIssue[] };

const reject = (code: RejectionCode, message: string, extra: { params?: RefusalParams; issues?: FormIssue[] } = {}): RuleResult => ({ ok: false, code, message, ...extra });

/**
 * A form issue's parameters as they travel (`FormIssue.params`): the validator's, strings
 * shortened to the protocol's bound. The words for people are the terminal's (its catalogue's
 * `forms.issue.<code>`, sentence `refusal.FORM_INVALID`); the platform sends codes and parameters.
 */
const wireParams = (p: FieldIssueParams): RefusalParams =>
  Object.fromEntries(Object.entries(p).slice(0, MAX_REFUSAL_PARAMS).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, REFUSAL_PARAM_MAX_CHARS) : v]));

/**
 * The platform's form schemas, as the rules need them: the validator of `formId@version`, or why
 * there is none (`unknown`: no such form; `unsupported`: the schema uses a keyword the shared
 * validator does not implement). Looked up by the store before it decides a batch (rules stay pure).
 */
export type FormLookup = (formId: string, formVersion: number) => { validate: Validator } | { missing: 'unknown' | 'unsupported' };

/**
 * What the 通办 check needs (looked up by the store before it decides a batch, like the forms): the
 * service item, the filing station's division code, and whether a division code is in the registry.
 */
export interface TongbanLookup {
  item(code: string): { code: string; tongban?: ServiceItemTongban } | null;
  stationDivision(stationId: string): string | null;
  knownDivision(code: string): boolean;
}

export interface RuleOptions {
  /**
   * Keep a pushed `submitted` as `submitted` (a station hub: receipt is the province's to confirm,
   * when the hub forwards it). Default false: the platform stores it as `synced`.
   */
  holdSubmissions?: boolean;
  /**
   * The writer is a station hub (enrolled as `station_hub`): its queue issued and changed the
   * tickets it pushes, so they are records of its station to keep as they are.
   */
  fromStationHub?: boolean;
}

/** Stations that may read a document of `collection` (null = every terminal). */
export function visibilityOf(collection: CollectionName, doc: Record<string, unknown>): string[] | null {
  if (COLLECTION_POLICY[collection].scope === 'global') return null;
  if (collection === 'staff') return Array.isArray(doc.stations) ? (doc.stations as string[]) : [];
  return typeof doc.stationId === 'string' ? [doc.stationId] : [];
}

export function visibleTo(stations: string[] | null, stationId: string): boolean {
  return stations === null || stations.includes(stationId);
}

/**
 * Decides a terminal's write of `next` over the platform's `current` (null = new), once the
 * assumed master state matched. Returns the document to store (the platform may advance it).
 */
export function checkTerminalWrite(
  collection: CollectionName,
  current: Record<string, unknown> | null,
  next: Record<string, unknown>,
  terminalStation: string,
  now: string,
  forms: FormLookup,
  options: RuleOptions = {},
  /** queue_tickets: the lease check of the push (sync/server/queue/leases.ts). */
  leased?: LeasedTicketCheck,
  /** applications: the 通办 lookups of the push (absent: an application with `tongban` is refused). */
  tongban?: TongbanLookup,
): RuleResult {
  const policy = COLLECTION_POLICY[collection];
  if (policy.scope === 'station' && next.stationId !== terminalStation) {
    return reject('WRONG_STATION', `stationId must be the terminal's station`);
  }
  switch (policy.terminalWrites) {
    case 'none':
      return reject('INVALID_TRANSITION', `${collection} is written by the platform only`);
    case 'append_only':
      return current ? reject('APPEND_ONLY', `${collection} cannot be changed once written`) : { ok: true, doc: next };
    case 'free':
      return { ok: true, doc: next };
    case 'rules':
      return collection === 'queue_tickets'
        ? options.fromStationHub
          ? { ok: true, doc: next }
          : checkQueueTicket(current, next as QueueTicketDoc, leased)
        : checkApplication(current as ApplicationDoc | null, next as ApplicationDoc, now, forms, options, tongban);
  }
}

/**
 * Queue tickets are the platform's (POST /api/v1/queue/commands). A terminal may push only a new
 * ticket it issued offline from a number block it leased, exactly as issued.
 */
function checkQueueTicket(current: Record<string, unknown> | null, next: QueueTicketDoc, leased: LeasedTicketCheck | undefined): RuleResult {
  if (current) return reject('NOT_EDITABLE', 'queue tickets change through POST /api/v1/queue/commands, not by a push');
  if (next.leased !== true) {
    return reject('NOT_EDITABLE', 'queue tickets are issued by the platform (POST /api/v1/queue/commands); a terminal pushes only tickets issued offline from a lease');
  }
  const problem = leased ? leased(next) : 'no lease check available';
  return problem ? reject('LEASE_INVALID', `leased ticket refused: ${problem}`) : { ok: true, doc: next };
}

function checkApplication(current: ApplicationDoc | null, next: ApplicationDoc, now: string, forms: FormLookup, options: RuleOptions, tongban: TongbanLookup | undefined): RuleResult {
  const from = current?.status ?? null;
  if (current && !TERMINAL_EDITABLE_STATUSES.includes(current.status)) {
    return reject('NOT_EDITABLE', `the application is ${current.status}; only the platform may change it now`);
  }
  if (current && current.stationId !== next.stationId) return reject('WRONG_STATION', 'stationId cannot change');
  for (const field of PLATFORM_OWNED_APPLICATION_FIELDS) {
    const before = current ? current[field] : null;
    if (canonicalJson(before ?? null) !== canonicalJson(next[field] ?? null)) {
      return reject('PLATFORM_OWNED_FIELD', `${field} is set by the platform only`);
    }
  }
  if (!terminalMayTransition(from, next.status)) {
    return reject('INVALID_TRANSITION', `a terminal may not move an application from ${from ?? '(new)'} to ${next.status}`);
  }
  const prior = current?.statusHistory ?? [];
  if (next.statusHistory.length < prior.length) return reject('PLATFORM_OWNED_FIELD', 'statusHistory may only be appended to');
  for (let i = 0; i < prior.length; i++) {
    if (canonicalJson(prior[i]) !== canonicalJson(next.statusHistory[i])) {
      return reject('PLATFORM_OWNED_FIELD', 'statusHistory entries written earlier cannot change');
    }
  }
  // The terminal's new entries must end with the status it sets (fuzz seed 500150: a stale entry
  // merged without its status). Older entries are the platform's record and stay as they are.
  if (current && next.statusHistory.length > prior.length && next.statusHistory.at(-1)?.status !== next.status) {
    return reject('INVALID_TRANSITION', `the status (${next.status}) must be the last statusHistory entry (${next.statusHistory.at(-1)?.status ?? 'none'})`);
  }
  for (const entry of next.statusHistory.slice(prior.length)) {
    if (entry.by !== 'terminal' || !TERMINAL_SETTABLE_STATUSES.includes(entry.status)) {
      return reject('PLATFORM_OWNED_FIELD', `statusHistory entry "${entry.status}" by ${entry.by} is the platform's to write`);
    }
  }
  if (TERMINAL_SUBMIT_STATUSES.includes(next.status)) {
    const refused = checkFormData(next, forms);
    if (refused) return refused;
  }
  const routed = checkTongban(current, next, tongban);
  if (routed) return routed;
  if (next.status === 'submitted' && !options.holdSubmissions) {
    // Received by the platform: the application is now `synced` and leaves the terminal's hands.
    const doc: ApplicationDoc = {
      ...next,
      status: 'synced',
      statusHistory: [...next.statusHistory, { status: 'synced', at: now, by: 'platform' }],
      submittedAt: next.submittedAt ?? now,
      updatedAt: now,
    };
    return { ok: true, doc };
  }
  return { ok: true, doc: next };
}

/** A submission's `formData` against its form schema (the validator the terminal's forms use). */
function checkFormData(app: ApplicationDoc, forms: FormLookup): RuleResult | null {
  const form = formSchemaDocId(app.formId, app.formVersion);
  const found = forms(app.formId, app.formVersion);
  if ('missing' in found) {
    return found.missing === 'unknown'
      ? reject('UNKNOWN_FORM', `the platform has no form ${form}`, { params: { form: form.slice(0, REFUSAL_PARAM_MAX_CHARS), why: 'unknown' } })
      : reject('UNKNOWN_FORM', `the form ${form} cannot be checked (unsupported schema keyword)`, { params: { form: form.slice(0, REFUSAL_PARAM_MAX_CHARS), why: 'unsupported' } });
  }
  const { issues, total } = formIssues(found.validate, app.formData);
  if (total === 0) return null;
  const bounded = issues.map((i) => ({ path: i.path.slice(0, 200), keyword: i.keyword.slice(0, 40), message: i.message.slice(0, 300), code: i.code, params: wireParams(i.params) }));
  return reject('FORM_INVALID', `formData does not match ${form}: ${formIssuesLogMessage(bounded, total)}`.slice(0, 2000), { params: { total }, issues: bounded });
}

/**
 * 通办: the division chosen to handle an application is fixed once it left the draft (the platform
 * routed it), and on every write with one it must be a known division that accepts the item, away
 * from the station's own county, in the station's province unless the item is 跨省通办.
 */
function checkTongban(current: ApplicationDoc | null, next: ApplicationDoc, lookup: TongbanLookup | undefined): RuleResult | null {
  if (current && current.status !== 'draft' && canonicalJson(current.tongban ?? null) !== canonicalJson(next.tongban ?? null)) {
    return reject('TONGBAN_INVALID', 'tongban (the handling division) cannot change once the application was submitted', { params: { reason: 'LOCKED' } });
  }
  if (!next.tongban) return null;
  if (!lookup) return reject('TONGBAN_INVALID', 'this platform cannot check tongban (no division registry)', { params: { reason: 'NO_REGISTRY' } });
  const problem = tongbanProblem(next.tongban, lookup.item(next.serviceItemCode), lookup.stationDivision(next.stationId), (c) => lookup.knownDivision(c));
  return problem ? reject('TONGBAN_INVALID', problem.message, { params: tongbanParams(problem) }) : null;
}

/**
 * A TONGBAN_INVALID refusal's parameters: the reason's code and the division it names (the
 * terminal's catalogue, `refusal.TONGBAN_INVALID.<reason>`, has the words).
 */
export const tongbanParams = (p: Pick<TongbanProblem, 'reason' | 'divisionCode'>): RefusalParams => ({ reason: p.reason, divisionCode: String(p.divisionCode).slice(0, REFUSAL_PARAM_MAX_CHARS) });
