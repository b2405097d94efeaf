/**
 * The kiosk window's terminal store (RxDB, renderer/db) and its catalog view: service items, form
 * schemas by `formId@version`, the search index with popularity at this station. One per window.
 */
import { windowStore as kioskStore } from '../stores/terminal-store';
import { buildSearchIndex, type SearchIndex } from '../catalog/search';
import type { FormSchemaDoc, ServiceItemDoc } from '../../sync/protocol';
import { summaryCounts } from '../db/counts';

/** The kiosk window's terminal store: the window's one store (renderer/stores/terminal-store). */
export { kioskStore };

export interface KioskCatalog {
  items: ServiceItemDoc[];
  byCode: Map<string, ServiceItemDoc>;
  index: SearchIndex<ServiceItemDoc>;
  form(item: ServiceItemDoc): Promise<FormSchemaDoc | null>;
}

let cached: { at: number; catalog: KioskCatalog } | null = null;
const FRESH_MS = 15_000;

/** The catalog as this terminal has it (synced down); rebuilt at most every 15 s. */
export async function loadCatalog(force = false): Promise<KioskCatalog> {
  if (!force && cached && Date.now() - cached.at < FRESH_MS && cached.catalog.items.length > 0) return cached.catalog;
  const store = await kioskStore();
  const docs = await store.db.service_items.find().exec();
  const items = docs.map((d) => d.toMutableJSON() as ServiceItemDoc).sort((a, b) => a.sortOrder - b.sortOrder);
  // Popularity: applications filed at this terminal per service (local data only), counted from the
  // stored documents without decrypting any of them (renderer/db/counts.ts).
  const popularity = new Map<string, number>();
  for (const row of await summaryCounts(store.db).catch(() => [])) {
    if (row.status !== 'draft') popularity.set(row.service, (popularity.get(row.service) ?? 0) + row.count);
  }
  const catalog: KioskCatalog = {
    items,
    byCode: new Map(items.map((i) => [i.code, i])),
    index: buildSearchIndex(items, { popularity }),
    async form(item) {
      const doc = await store.db.form_schemas.findOne(`${item.formId}@${item.formVersion}`).exec();
      return doc ? (doc.toMutableJSON() as FormSchemaDoc) : null;
    },
  };
  cached = { at: Date.now(), catalog };
  return catalog;
}

/** Discards a kiosk draft (idle reset without 保存草稿); see drafts.ts. */
export async function discardKioskDraft(draftId: string): Promise<void> {
  const { discardDraft } = await import('./drafts');
  await discardDraft(await kioskStore(), draftId);
}

/** Removes kept drafts nobody came back for (older than DRAFT_MAX_AGE_DAYS); run when the kiosk opens. */
export async function expireKioskDrafts(): Promise<number> {
  const { expireDrafts } = await import('./drafts');
  return expireDrafts((await kioskStore()).db);
}
