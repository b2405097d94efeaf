/**
 * Kiosk drafts: the form being filled is saved as an application in `draft` status after every
 * step, so it survives an app restart or a crash (RxDB; applicant and form data encrypted at rest).
 * It belongs to the ID card: found again only by the salted hash of the same ID number. The idle
 * reset discards it (form data and applicant cleared, then `withdrawn`) unless the resident chose
 * 保存草稿 (keep).
 */
import type { TerminalDatabase } from '../db/database';
import type { ApplicationLocal } from '../db/schemas';
import { applicationsByIdNumber, createDraft, setTerminalStatus, updateForm } from '../db/applications';

export interface DraftTarget {
  db: TerminalDatabase;
  idHashSalt: string;
  stationId: string;
  terminalId?: string | null;
}

export interface DraftContent {
  serviceItemCode: string;
  formId: string;
  formVersion: number;
  name: string;
  idNumber: string;
  phone?: string;
  formData: Record<string, unknown>;
}

const applicantOf = (c: DraftContent) => ({ name: c.name, idType: 'resident_id' as const, idNumber: c.idNumber, ...(c.phone ? { phone: c.phone } : {}) });

/** Creates the draft or updates it; resolves with its id once the write is committed. */
export async function saveDraft(t: DraftTarget, draftId: string | null, c: DraftContent): Promise<string> {
  if (draftId) {
    await updateForm(t.db, draftId, { formData: c.formData, applicant: applicantOf(c) }, t.idHashSalt);
    return draftId;
  }
  const d = await createDraft(
    t.db,
    { stationId: t.stationId, ...(t.terminalId ? { terminalId: t.terminalId } : {}), serviceItemCode: c.serviceItemCode, formId: c.formId, formVersion: c.formVersion, channel: 'kiosk', applicant: applicantOf(c), formData: c.formData },
    t.idHashSalt,
  );
  return d.id;
}

/** The newest open draft of this ID card for this service (same form version), if any. */
export async function findDraft(t: Pick<DraftTarget, 'db' | 'idHashSalt'>, idNumber: string, serviceItemCode: string, formVersion: number): Promise<ApplicationLocal | null> {
  const mine = await applicationsByIdNumber(t.db, t.idHashSalt, idNumber);
  return mine.find((a) => a.status === 'draft' && a.channel === 'kiosk' && a.serviceItemCode === serviceItemCode && a.formVersion === formVersion) ?? null;
}

/** Forgets a draft: personal data cleared, then withdrawn (documents are never deleted, only closed). */
export async function discardDraft(t: Pick<DraftTarget, 'db' | 'idHashSalt'>, draftId: string): Promise<void> {
  const doc = await t.db.applications.findOne(draftId).exec();
  if (!doc || doc.status !== 'draft') return;
  await updateForm(t.db, draftId, { formData: {}, applicant: null }, t.idHashSalt);
  await setTerminalStatus(t.db, draftId, 'withdrawn');
}
