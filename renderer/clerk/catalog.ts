/**
 * The clerk's reads of the synced catalog, written once for every clerk screen: the service items
 * (新建代办's picker, the 办件列表's names and filter) and the form of an item (新建代办, 补正).
 */
import type { FormSchemaDoc, ServiceItemDoc } from '../../sync/protocol';
import type { TerminalDatabase } from '../db/database';
import { FormModel, type UiElement } from '../forms/model';
import type { JsonSchema } from '../forms/validate';

/** Every service item synced so far, by code. */
export async function serviceItems(db: Pick<TerminalDatabase, 'service_items'>): Promise<ServiceItemDoc[]> {
  const docs = await db.service_items.find({ sort: [{ code: 'asc' }] }).exec();
  return docs.map((d) => d.toMutableJSON() as ServiceItemDoc);
}

/** One service item, or null when the catalog does not have it (yet). */
export async function serviceItem(db: Pick<TerminalDatabase, 'service_items'>, code: string): Promise<ServiceItemDoc | null> {
  return ((await db.service_items.findOne(code).exec())?.toMutableJSON() as ServiceItemDoc | undefined) ?? null;
}

/** The `formId@version` key of a form. */
export const formKey = (formId: string, formVersion: number): string => `${formId}@${formVersion}`;

/**
 * The form model of a form version; null when the form has not been synced. Throws when the form
 * uses a schema the renderer does not support (FormModel refuses it at creation).
 */
export async function formModelOf(db: Pick<TerminalDatabase, 'form_schemas'>, formId: string, formVersion: number): Promise<FormModel | null> {
  const doc = await db.form_schemas.findOne(formKey(formId, formVersion)).exec();
  if (!doc) return null;
  const f = doc.toMutableJSON() as FormSchemaDoc;
  return new FormModel(f.title, f.jsonSchema as JsonSchema, f.uiSchema as unknown as UiElement);
}
