/**
 * 补正 and the correction of a FORM_INVALID refusal as a plain module (the editor component
 * renders and calls it): open the application with its catalog entry, form and open refusal; check
 * an edit before it is saved (validator, required materials, what changed); save it.
 *
 * - `supplement`: the platform asked for 补正 (`supplement_required`); saving writes the form and
 *   materials and resubmits (`saveCorrection` → `resubmitted`).
 * - `form_invalid`: the platform refused the submission with `FORM_INVALID` (quarantined); saving
 *   writes the correction into the quarantined copy and sends it again. An unchanged correction is
 *   refused here: it would only be refused again.
 *
 * `saveCorrection` looks at the status at save time (a refused resubmission may have fallen back to
 * `supplement_required` meanwhile), so the outcome, not the mode, says what happened.
 */
import { canonicalJson, type ApplicationDoc, type MaterialRequirement, type RefusedField } from '../../../sync/protocol';
import type { TerminalDatabase } from '../../db/database';
import type { ApplicationLocal } from '../../db/schemas';
import { saveCorrection } from '../../db/applications';
import { openFormRefusal, refusalText, refusedFieldsOf } from '../../db/quarantine';
import type { FormData, FormModel } from '../../forms/model';
import { formKey, formModelOf, serviceItem } from '../catalog';
import { initialMaterials, materialsOut, missingRequired, type MaterialsState } from '../materials';

export type CorrectionMode = 'supplement' | 'form_invalid';

export interface Correction {
  application: ApplicationLocal;
  /** The materials the service asks for; without the catalog entry the application's own list (nothing required). */
  items: MaterialRequirement[];
  /** The checklist to edit, from what the application has. */
  materials: MaterialsState;
  /** The checklist as loaded, in `materials[]` form: what "unchanged" means. */
  baseline: ApplicationDoc['materials'];
  /** The form data as loaded (a copy): what "unchanged" means. */
  original: FormData;
  /** The fields an open FORM_INVALID refusal names (in either mode). */
  refused: RefusedField[];
  /** The platform's own Chinese words for the refusal, when it sent them. */
  refusedWords: string | null;
  /** `formId@version` of the application's form. */
  formKey: string;
  /** null when the form is not synced or not supported (the editor says so and offers no form). */
  model: FormModel | null;
}

export type CorrectionCheck =
  | { kind: 'form-errors'; count: number }
  | { kind: 'materials-missing'; names: string[] }
  | { kind: 'unchanged' }
  | {
      kind: 'ready';
      formData: FormData;
      /** The checklist in `materials[]` form, only when a material changed. */
      materials?: ApplicationDoc['materials'];
      /** Keys of the changed fields and codes of the changed materials (for the audit: never values). */
      changedFields: string[];
      changedMaterials: string[];
    };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** Equal as stored (canonical JSON; missing and null are the same). */
export const sameValue = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);
/** The value at a dotted path of the form data. */
export const valueAt = (d: FormData, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), d);

/** Opens an application for correction; throws `NOT_FOUND` when this terminal does not have it. */
export async function openCorrection(db: TerminalDatabase, applicationId: string): Promise<Correction> {
  const doc = await db.applications.findOne(applicationId).exec();
  if (!doc) throw new Error('NOT_FOUND');
  const application = doc.toMutableJSON();
  const item = await serviceItem(db, application.serviceItemCode);
  const items = item?.materials ?? application.materials.map((m) => ({ code: m.code, name: m.name, required: false, originals: 0, copies: 0 }));
  const materials = initialMaterials(items, application.materials);
  // A FORM_INVALID refusal also counts in `supplement` mode: a refused resubmission falls back to
  // supplement_required when the platform's state is pulled after the refusal.
  const q = await openFormRefusal(db, application.id);
  let model: FormModel | null;
  try {
    model = await formModelOf(db, application.formId, application.formVersion);
  } catch {
    model = null;
  }
  return {
    application,
    items,
    materials,
    baseline: materialsOut(items, materials),
    original: clone(application.formData),
    refused: q ? refusedFieldsOf(q) : [],
    refusedWords: q ? refusalText(q) : null,
    formKey: formKey(application.formId, application.formVersion),
    model,
  };
}

/** The fields to flag: the platform's 补正 fields (supplement mode) and the refused ones, once each. */
export function flaggedFields(c: Pick<Correction, 'application' | 'refused'> | null, mode: CorrectionMode): string[] {
  if (!c) return [];
  return [...new Set([...(mode === 'supplement' ? (c.application.supplement?.fields ?? []) : []), ...c.refused.map((f) => f.path)])];
}

/** Checks an edit before saving: the validator's findings, the required materials, and (correcting a refusal) that something changed. */
export function checkCorrection(c: Pick<Correction, 'application' | 'items' | 'baseline' | 'original'>, model: FormModel, mode: CorrectionMode, data: FormData, materials: MaterialsState): CorrectionCheck {
  const errors = model.errors(data);
  if (errors.length) return { kind: 'form-errors', count: errors.length };
  const missing = missingRequired(c.items, materials);
  if (c.application.materials.length && missing.length) return { kind: 'materials-missing', names: missing };
  const formData = model.clean(data);
  const changedFields = [...new Set([...Object.keys(formData), ...Object.keys(c.original)])].filter((k) => !sameValue(formData[k], c.original[k])).sort();
  const out = materialsOut(c.items, materials);
  const changedMaterials = out.filter((o) => !sameValue(o, c.baseline.find((b) => b.code === o.code))).map((o) => o.code);
  if (mode === 'form_invalid' && !changedFields.length && !changedMaterials.length) return { kind: 'unchanged' };
  return { kind: 'ready', formData, ...(changedMaterials.length ? { materials: out } : {}), changedFields, changedMaterials };
}

/** Saves a checked edit: resubmitted (after 补正) or resent (a corrected refusal). */
export async function saveCheckedCorrection(store: { db: TerminalDatabase; idHashSalt: string }, applicationId: string, ready: Extract<CorrectionCheck, { kind: 'ready' }>): Promise<{ doc: ApplicationLocal; outcome: 'resubmitted' | 'resent' }> {
  return saveCorrection(store.db, applicationId, { formData: ready.formData, ...(ready.materials ? { materials: ready.materials } : {}) }, store.idHashSalt);
}
