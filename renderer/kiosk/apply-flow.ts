/**
 * The kiosk's 填写申请 journey as a plain module (the page renders, this decides): open the service's
 * form for the identified resident (prefill from the card, today's dates, resume a stored draft of the
 * same card and service), keep the draft after each step (one write at a time), and file the
 * application (the draft becomes the application, same id, with the 电子证照 materials and the 通办
 * division). Its dependencies are injected so tests run it on a real memory RxDB.
 */
import type { ApplicationTongban, ServiceItemDoc } from '../../sync/protocol';
import type { TerminalDatabase } from '../db/database';
import { FormModel, prefillFromCard, type FormData, type UiElement } from '../forms/model';
import type { FieldError, JsonSchema } from '../forms/validate';
import { withDefaultDates } from '../forms/defaults';
import { licenceMaterial, satisfiedMaterials } from '../licences/materials';
import type { LicenceLookupState } from '../licences/lookup';
import { findDraft, saveDraft, submitDraft, type DraftContent } from './drafts';
import type { KioskCatalog } from './kiosk-store';
import type { KioskIdentity } from './identity';
import { NO_STATION, readKioskStation } from './station';
import type { SubmittedApplication } from './stores/journey';

/** What the journey needs of the journey store (the Pinia store fits; tests pass a plain object). */
export interface ApplyJourney {
  identity: KioskIdentity | null;
  serviceCode: string | null;
  tongban: ApplicationTongban | null;
  formData: Record<string, unknown>;
  prefilled: string[];
  step: number;
  draftId: string | null;
  licences: LicenceLookupState;
  startService(code: string): void;
}

export interface ApplyDeps {
  store: () => Promise<{ db: TerminalDatabase; idHashSalt: string }>;
  catalog: () => Promise<KioskCatalog>;
  /** main's sync status: the station and terminal ids, and whether the platform answers. */
  status: () => Promise<{ stationId: string | null; terminalId: string | null; online: boolean }>;
  now?: () => Date;
}

/** Why the form could not be opened (the page shows one message for all: 服务暂不可用). */
export class ApplyOpenError extends Error {
  constructor(readonly code: 'NO_ITEM' | 'NO_FORM') {
    super(code === 'NO_ITEM' ? 'the service item is not in this terminal’s catalog' : 'the service item’s form is not in this terminal’s catalog');
    this.name = 'ApplyOpenError';
  }
}

export interface OpenedApplication {
  item: ServiceItemDoc;
  model: FormModel;
  /** A stored draft of this card and service was resumed. */
  resumed: boolean;
  /** The station's time zone (its today decides date bounds). */
  timeZone: string;
}

/**
 * Opens the service's form for the identified resident: the journey starts this service (its form
 * data kept when it is the same service), the card prefills what it can (verified card: those fields
 * are locked), dates default to the station's today, and a stored draft of this card resumes.
 */
export async function openApplication(deps: ApplyDeps, journey: ApplyJourney, code: string): Promise<OpenedApplication> {
  const identity = journey.identity;
  if (!identity) throw new Error('no identity: the resident identifies first');
  const catalog = await deps.catalog();
  const item = catalog.byCode.get(code);
  if (!item) throw new ApplyOpenError('NO_ITEM');
  const form = await catalog.form(item);
  if (!form) throw new ApplyOpenError('NO_FORM');
  const model = new FormModel(form.title, form.jsonSchema as JsonSchema, form.uiSchema as unknown as UiElement);
  journey.startService(code);
  if (identity.verified || identity.name) {
    const card = { name: identity.name, idNumber: identity.idNumber, birthDate: identity.birthDate, ...(identity.address ? { address: identity.address } : {}) };
    const { data, filled } = prefillFromCard(model, journey.formData, card);
    journey.formData = data;
    journey.prefilled = identity.verified ? filled : [];
  } else {
    journey.formData = prefillFromCard(model, journey.formData, { name: '', idNumber: identity.idNumber }).data;
  }
  journey.formData = withDefaultDates(model, journey.formData, deps.now?.());
  let resumed = false;
  const store = await deps.store();
  if (!journey.draftId) {
    const draft = await findDraft(store, identity.idNumber, item.code, item.formVersion).catch(() => null);
    if (draft) {
      journey.draftId = draft.id;
      // what the card says wins over what was typed into the draft
      journey.formData = { ...draft.formData, ...Object.fromEntries(journey.prefilled.map((k) => [k, journey.formData[k]])) };
      resumed = true;
    }
  }
  const timeZone = (await readKioskStation(store.db).catch(() => NO_STATION)).timeZone;
  return { item, model, resumed, timeZone };
}

/** 通办: the division the resident chose on the guide page, for this very service only (null: handled here). */
export const tongbanFor = (journey: Pick<ApplyJourney, 'serviceCode' | 'tongban'>, item: Pick<ServiceItemDoc, 'code'> | null): ApplicationTongban | null =>
  item && journey.serviceCode === item.code ? journey.tongban : null;

/** The draft as stored: the cleaned form data and the applicant (null: nothing to store yet). */
export function draftContentOf(model: FormModel | null, item: ServiceItemDoc | null, identity: KioskIdentity | null, data: FormData): DraftContent | null {
  if (!model || !item || !identity) return null;
  const formData = model.clean(data);
  const phone = typeof formData.phone === 'string' ? formData.phone : undefined;
  return {
    serviceItemCode: item.code,
    formId: item.formId,
    formVersion: item.formVersion,
    name: String(formData.applicantName ?? identity.name ?? ''),
    idNumber: identity.idNumber,
    cardType: identity.cardType,
    ...(phone ? { phone } : {}),
    formData,
  };
}

/**
 * The draft writer: each call stores the current content (durable, encrypted) after the previous
 * write ended, so writes never cross; resolves with the application id (the draft's id).
 */
export function createDraftWriter(deps: Pick<ApplyDeps, 'store' | 'status'>, journey: Pick<ApplyJourney, 'draftId'>, content: () => DraftContent | null): () => Promise<string> {
  let chain: Promise<unknown> = Promise.resolve();
  const write = async (): Promise<string> => {
    const c = content();
    if (!c) throw new Error('no form to store');
    const store = await deps.store();
    const state = await deps.status();
    if (!state.stationId) throw new Error('not enrolled');
    const id = await saveDraft({ db: store.db, idHashSalt: store.idHashSalt, stationId: state.stationId, terminalId: state.terminalId }, journey.draftId, c);
    journey.draftId = id;
    return id;
  };
  return () => {
    const p = chain.then(write);
    chain = p.catch(() => undefined);
    return p;
  };
}

/** The step to go back to on submit when the form still has errors (the first step with one). */
export function firstStepWithErrors(model: FormModel, data: FormData): { errors: FieldError[]; step: number } | null {
  const all = model.errors(data);
  if (!all.length) return null;
  const steps = model.visibleSteps(data);
  return { errors: all, step: Math.max(0, steps.findIndex((s) => model.stepErrors(s, data).length > 0)) };
}

/**
 * Files the application: the latest content is stored, then the draft becomes the application (same
 * id) with the materials the resident's 电子证照 satisfy and the chosen 通办 division; returns what
 * the 已提交 page and the printed 申请表 show (memory only).
 */
export async function fileApplication(
  deps: ApplyDeps,
  journey: ApplyJourney,
  form: { item: ServiceItemDoc; model: FormModel; data: FormData; persist: () => Promise<string> },
): Promise<SubmittedApplication> {
  const { item, model, data } = form;
  const id = await form.persist();
  const store = await deps.store();
  const state = await deps.status();
  if (!state.stationId) throw new Error('not enrolled');
  const lic = journey.licences.result;
  const materials = lic?.state === 'done' ? satisfiedMaterials(item.materials, lic.licences).map(licenceMaterial) : [];
  const tongban = tongbanFor(journey, item);
  const now = deps.now?.() ?? new Date();
  const done = await submitDraft({ db: store.db, idHashSalt: store.idHashSalt, stationId: state.stationId, terminalId: state.terminalId }, id, now, materials, tongban ?? undefined);
  journey.draftId = null;
  return {
    applicationId: done.id,
    serviceCode: item.code,
    serviceName: item.name,
    submittedAt: done.submittedAt ?? now.toISOString(),
    offline: !state.online,
    documentId: null,
    documentPath: null,
    documentBytes: null,
    ...(done.tongban ? { tongban: done.tongban } : {}),
    formTitle: model.title,
    formSections: model.reviewRows(data).map((g) => ({
      title: g.step,
      fields: g.rows.map((r) => ({ label: r.label, value: r.value.slice(0, 2000), ...(r.kind === 'id-number' ? { mask: 'id' as const } : r.kind === 'phone' ? { mask: 'phone' as const } : {}) })),
    })),
  };
}
