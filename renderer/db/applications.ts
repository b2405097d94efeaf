/**
 * Application writes the UI uses. Every function resolves only once the write is committed to the
 * storage (the packed storage: a strict-durability IndexedDB transaction), so "已提交" is shown only for
 * applications that survive a crash or a kill. Reaching the platform exactly once is the
 * replication's job: the UUIDv7 id is the idempotency key and the platform treats replays as no-ops.
 */
import { terminalMayTransition, TERMINAL_EDITABLE_STATUSES, uuidv7, uuidV7, type Applicant, type ApplicationDoc, type ApplicationStatus } from '../../sync/protocol';
import type { TerminalDatabase } from './database';
import { applicationLocalOnly, type ApplicationLocal } from './schemas';
import { editQuarantined, openFormRefusal, retryQuarantined, supersedeRefusal } from './quarantine';

/** Salted SHA-256 (hex) of an ID number, for "my applications by ID number" without decrypting. */
export async function hashIdNumber(salt: string, idNumber: string): Promise<string> {
  const data = new TextEncoder().encode(`${salt}:${idNumber.trim().toUpperCase()}`);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface DraftInput {
  /** The application's id when it is chosen before the draft exists (a UUIDv7, e.g. printed on the 委托书 first). */
  id?: string;
  stationId: string;
  terminalId?: string;
  serviceItemCode: string;
  formId: string;
  formVersion: number;
  channel: ApplicationDoc['channel'];
  applicant: Applicant | null;
  formData?: Record<string, unknown>;
  agent?: ApplicationDoc['agent'];
  authorization?: ApplicationDoc['authorization'];
  materials?: ApplicationDoc['materials'];
  /** 通办: the division chosen to handle it (absent = here). */
  tongban?: ApplicationDoc['tongban'];
}

export async function createDraft(db: TerminalDatabase, input: DraftInput, idHashSalt: string, now = new Date()): Promise<ApplicationLocal> {
  if (input.id !== undefined && !uuidV7.safeParse(input.id).success) throw new Error('an application id must be a UUIDv7');
  const at = now.toISOString();
  const doc: Omit<ApplicationLocal, 'assistantId' | 'newestFirst'> = {
    id: input.id ?? uuidv7(now.getTime()),
    _deleted: false,
    updatedAt: at,
    stationId: input.stationId,
    ...(input.terminalId ? { terminalId: input.terminalId } : {}),
    serviceItemCode: input.serviceItemCode,
    formId: input.formId,
    formVersion: input.formVersion,
    channel: input.channel,
    applicant: input.applicant,
    applicantIdHash: input.applicant?.idNumber ? await hashIdNumber(idHashSalt, input.applicant.idNumber) : '',
    agent: input.agent ?? null,
    authorization: input.authorization ?? null,
    formData: input.formData ?? {},
    materials: input.materials ?? [],
    ...(input.tongban ? { tongban: input.tongban } : {}),
    status: 'draft',
    acceptanceNo: null,
    supplement: null,
    decision: null,
    statusHistory: [{ status: 'draft', at, by: 'terminal' }],
    createdAt: at,
    submittedAt: null,
  };
  const local: ApplicationLocal = { ...doc, ...applicationLocalOnly(doc) };
  await db.applications.insert(local);
  return local;
}

/** Terminal-side status change (submit, resubmit after 补正, withdraw); refuses what the platform owns. */
export async function setTerminalStatus(db: TerminalDatabase, id: string, to: Extract<ApplicationStatus, 'submitted' | 'resubmitted' | 'withdrawn'>, now = new Date()): Promise<ApplicationLocal> {
  const doc = await db.applications.findOne(id).exec();
  if (!doc) throw new Error('no such application');
  if (doc.status === to) return doc.toMutableJSON();
  const at = now.toISOString();
  // The transitions a terminal may make are the protocol's (sync/protocol/status.ts), as the platform
  // checks them; checked on the state the write applies to, as a pull may have moved the case on since
  // the read above (fuzz seed 9516: a withdrawal landing between the read and the write).
  const next = await doc.incrementalModify((d) => {
    if (d.status === to) return d;
    if (!terminalMayTransition(d.status, to)) throw new Error(`cannot move an application from ${d.status} to ${to}`);
    return {
      ...d,
      status: to,
      updatedAt: at,
      submittedAt: to === 'submitted' ? at : d.submittedAt,
      statusHistory: [...d.statusHistory, { status: to, at, by: 'terminal' as const }],
    };
  });
  // Sent again: an earlier refusal of this application is answered by this push (released when
  // the platform accepts it, reopened with the new copy if it refuses again).
  if (to !== 'withdrawn') await supersedeRefusal(db, id);
  return next.toMutableJSON();
}

/**
 * Saves a corrected form (the clerk's 补正 editor) and sends it, whatever happened meanwhile:
 * while the terminal owns the form (`supplement_required`) it is written and resubmitted; a
 * submission the platform refused with FORM_INVALID is corrected through the quarantine (see
 * `updateForm`). A refused resubmission can fall back to `supplement_required` locally when the
 * platform's state is pulled after the refusal, so the status at save time decides, not the one the
 * editor opened with.
 */
export async function saveCorrection(db: TerminalDatabase, id: string, patch: Partial<Pick<ApplicationLocal, 'formData' | 'materials'>>, idHashSalt: string, now = new Date()): Promise<{ doc: ApplicationLocal; outcome: 'resubmitted' | 'resent' }> {
  const cur = await db.applications.findOne(id).exec();
  if (!cur) throw new Error('no such application');
  await updateForm(db, id, patch, idHashSalt, now);
  if (cur.status === 'supplement_required') return { doc: await setTerminalStatus(db, id, 'resubmitted', now), outcome: 'resubmitted' };
  return { doc: (await db.applications.findOne(id).exec())!.toMutableJSON(), outcome: 'resent' };
}

export const submitApplication = (db: TerminalDatabase, id: string, now?: Date) => setTerminalStatus(db, id, 'submitted', now);

/**
 * Edit the form while the terminal owns it (draft / supplement_required).
 *
 * One exception: a submitted/resubmitted application the platform refused with `FORM_INVALID` (it
 * sits in quarantine, open) may get its form and materials corrected. The correction goes through the
 * sync centre's edit-and-resend path (`editQuarantined` + `retryQuarantined`): the quarantined copy
 * takes the patch, is written back into the collection and pushed again, and the entry is released
 * when the platform accepts. Nothing else of such an application can change here.
 */
export async function updateForm(db: TerminalDatabase, id: string, patch: Partial<Pick<ApplicationLocal, 'formData' | 'applicant' | 'agent' | 'authorization' | 'materials'>>, idHashSalt: string, now = new Date()): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await updateFormOnce(db, id, patch, idHashSalt, now);
    } catch (e) {
      // The case left the terminal's hands between the read and the write: decide again on the
      // state it is in now (a refused submission can still be corrected, anything else is refused).
      if (!(e instanceof StatusMoved) || attempt >= 2) throw e;
    }
  }
}

/** The case left the terminal's hands between the read and the write (the same words as the read's refusal). */
class StatusMoved extends Error {
  constructor(status: ApplicationStatus) {
    super(`the application is ${status}; it can't be edited on the terminal`);
  }
}

async function updateFormOnce(db: TerminalDatabase, id: string, patch: Partial<Pick<ApplicationLocal, 'formData' | 'applicant' | 'agent' | 'authorization' | 'materials'>>, idHashSalt: string, now: Date): Promise<void> {
  const doc = await db.applications.findOne(id).exec();
  if (!doc) throw new Error('no such application');
  if (!TERMINAL_EDITABLE_STATUSES.includes(doc.status)) {
    const refusal = doc.status === 'submitted' || doc.status === 'resubmitted' ? await openFormRefusal(db, id) : null;
    if (!refusal) throw new Error(`the application is ${doc.status}; it can't be edited on the terminal`);
    const extra = Object.keys(patch).filter((k) => k !== 'formData' && k !== 'materials');
    if (extra.length) throw new Error(`only the form and the materials of a refused application can be corrected, not ${extra.join(', ')}`);
    await editQuarantined(db, refusal.key, { ...refusal.doc, ...patch });
    await retryQuarantined(db, refusal.key, now);
    return;
  }
  const applicantIdHash = patch.applicant !== undefined ? (patch.applicant?.idNumber ? await hashIdNumber(idHashSalt, patch.applicant.idNumber) : '') : undefined;
  // The status is checked again on the state the write applies to (a pull may have moved it on:
  // fuzz seed 9516, a form edit landing on a case the platform had already received).
  await doc.incrementalModify((d) => {
    if (!TERMINAL_EDITABLE_STATUSES.includes(d.status)) throw new StatusMoved(d.status);
    return { ...d, ...patch, ...(applicantIdHash !== undefined ? { applicantIdHash } : {}), updatedAt: now.toISOString() };
  });
}

/** The lookup hashes of an ID number under each salt (current first; see ./id-hash.ts). */
export async function lookupHashes(salts: string | readonly string[], idNumber: string): Promise<string[]> {
  return Promise.all((typeof salts === 'string' ? [salts] : salts).map((s) => hashIdNumber(s, idNumber)));
}

/** "My applications": by the salted hash of the ID number (under each lookup salt), newest first (indexed). */
export async function applicationsByIdNumber(db: TerminalDatabase, idHashSalt: string | readonly string[], idNumber: string, limit = 50): Promise<ApplicationLocal[]> {
  const hs = await lookupHashes(idHashSalt, idNumber);
  const docs = await db.applications.find({ selector: { applicantIdHash: hs.length === 1 ? hs[0]! : { $in: hs } }, sort: [{ createdAt: 'desc' }], limit }).exec();
  return docs.map((d) => d.toMutableJSON());
}
