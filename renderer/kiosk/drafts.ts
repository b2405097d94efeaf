/**
 * Kiosk drafts: the form being filled is saved after every step in the local-only `kiosk_drafts`
 * collection (RxDB; applicant and form data encrypted at rest), so it survives an app restart or a
 * crash, and it never leaves the kiosk: a half-filled form is not sent to the platform. It belongs
 * to the ID card: found again only by the salted hash of the same ID number. On submit it becomes an
 * application (same id) and the draft is removed; the idle reset removes it unless the resident
 * chose 保存草稿 (keep). Kept drafts expire after `DRAFT_MAX_AGE_DAYS`.
 */
import type { TerminalDatabase } from '../db/database';
import type { ApplicationLocal, KioskDraftDoc } from '../db/schemas';
import { createDraft, hashIdNumber, submitApplication } from '../db/applications';
import { idTypeOfCard, uuidv7 } from '../../sync/protocol';

export const DRAFT_MAX_AGE_DAYS = 30;

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
  /** What the card reader said (`manual`: typed); decides the applicant's idType. */
  cardType?: string;
  formData: Record<string, unknown>;
}

const applicantOf = (c: DraftContent) => ({ name: c.name, idType: idTypeOfCard(c.cardType, c.idNumber), idNumber: c.idNumber, ...(c.phone ? { phone: c.phone } : {}) });

/** Creates the draft or updates it; resolves with its id once the write is committed. */
export async function saveDraft(t: DraftTarget, draftId: string | null, c: DraftContent, now = new Date()): Promise<string> {
  const at = now.toISOString();
  const applicantIdHash = await hashIdNumber(t.idHashSalt, c.idNumber);
  const existing = draftId ? await t.db.kiosk_drafts.findOne(draftId).exec() : null;
  if (existing) {
    await existing.incrementalPatch({ formData: c.formData, applicant: applicantOf(c), applicantIdHash, updatedAt: at });
    return existing.id;
  }
  const doc: KioskDraftDoc = {
    id: draftId ?? uuidv7(now.getTime()),
    createdAt: at,
    updatedAt: at,
    stationId: t.stationId,
    terminalId: t.terminalId ?? null,
    serviceItemCode: c.serviceItemCode,
    formId: c.formId,
    formVersion: c.formVersion,
    applicantIdHash,
    applicant: applicantOf(c),
    formData: c.formData,
  };
  await t.db.kiosk_drafts.insert(doc);
  return doc.id;
}

/** The newest draft of this ID card for this service (same form version), if any. */
export async function findDraft(t: Pick<DraftTarget, 'db' | 'idHashSalt'>, idNumber: string, serviceItemCode: string, formVersion: number): Promise<KioskDraftDoc | null> {
  const applicantIdHash = await hashIdNumber(t.idHashSalt, idNumber);
  const docs = await t.db.kiosk_drafts.find({ selector: { applicantIdHash, serviceItemCode, formVersion }, sort: [{ updatedAt: 'desc' }] }).exec();
  return docs[0]?.toMutableJSON() ?? null;
}

/** Forgets a draft: personal data overwritten first, then removed. */
export async function discardDraft(t: Pick<DraftTarget, 'db'>, draftId: string): Promise<void> {
  const doc = await t.db.kiosk_drafts.findOne(draftId).exec();
  if (!doc) return;
  const blank = await doc.incrementalPatch({ formData: {}, applicant: null });
  await blank.remove();
}

/**
 * Submits a draft: the application is created with the draft's id and data and submitted (durable,
 * queued for sync), then the draft is removed. A retry after a failure between the two finds the
 * application already there and does not file it twice. `tongban`: the division the resident chose
 * to handle it (通办; kept in the journey, not in the draft).
 */
export async function submitDraft(t: DraftTarget, draftId: string, now = new Date(), materials: ApplicationLocal['materials'] = [], tongban?: ApplicationLocal['tongban']): Promise<ApplicationLocal> {
  const draft = await t.db.kiosk_drafts.findOne(draftId).exec();
  let app = await t.db.applications.findOne(draftId).exec();
  if (!app) {
    if (!draft) throw new Error('no such draft');
    const { applicant, formData } = draft.toMutableJSON();
    await createDraft(
      t.db,
      {
        id: draft.id,
        stationId: draft.stationId,
        ...(draft.terminalId ? { terminalId: draft.terminalId } : {}),
        serviceItemCode: draft.serviceItemCode,
        formId: draft.formId,
        formVersion: draft.formVersion,
        channel: 'kiosk',
        applicant,
        formData,
        // 电子证照 the resident consented to (renderer/licences/materials.ts); the kiosk takes no paper.
        materials,
        ...(tongban ? { tongban } : {}),
      },
      t.idHashSalt,
      now,
    );
    app = await t.db.applications.findOne(draftId).exec();
  }
  const submitted = app!.status === 'draft' ? await submitApplication(t.db, draftId, now) : (app!.toMutableJSON() as ApplicationLocal);
  if (draft) await discardDraft(t, draftId);
  return submitted;
}

/** Removes kept drafts older than `maxAgeDays` (a resident who never came back). */
export async function expireDrafts(db: TerminalDatabase, maxAgeDays = DRAFT_MAX_AGE_DAYS, now = Date.now()): Promise<number> {
  const before = new Date(now - maxAgeDays * 86_400_000).toISOString();
  const old = await db.kiosk_drafts.find({ selector: { updatedAt: { $lt: before } } }).exec();
  for (const d of old) await discardDraft({ db }, d.id);
  return old.length;
}
