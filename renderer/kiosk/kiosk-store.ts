/**
 * The kiosk window's terminal store (RxDB, renderer/db) and its catalog view: service items, form
 * schemas by `formId@version`, the search index with popularity at this station. One per window.
 */
import { windowStore as kioskStore } from '../stores/terminal-store';
import { buildSearchIndex, type SearchIndex } from '../catalog/search';
import type { FormSchemaDoc, ServiceItemDoc } from '../../sync/protocol';
import type { TerminalDatabase } from '../db/database';
import { summaryCounts, type SummaryRow } from '../db/counts';
import { createPopularityCache } from './popularity';

/** The kiosk window's terminal store: the window's one store (renderer/stores/terminal-store). */
export { kioskStore };

export interface KioskCatalog {
  items: ServiceItemDoc[];
  byCode: Map<string, ServiceItemDoc>;
  index: SearchIndex<ServiceItemDoc>;
  form(item: ServiceItemDoc): Promise<FormSchemaDoc | null>;
}

/** How long a loaded catalog is used before it is read again (popularity has its own, longer cache). */
export const CATALOG_FRESH_MS = 15_000;

export interface CatalogLoaderDeps {
  store: () => Promise<{ db: TerminalDatabase }>;
  /** Counts of the stored applications by service and status (default: renderer/db/counts.ts). */
  counts?: (db: TerminalDatabase) => Promise<readonly SummaryRow[]>;
  /** Clock in ms (tests inject one). */
  now?: () => number;
}

export interface CatalogLoader {
  /** The catalog as this terminal has it (synced down); read again at most every 15 s, or when forced. */
  load(force?: boolean): Promise<KioskCatalog>;
  /** This kiosk filed an application: the next load counts popularity again and rebuilds the index. */
  applicationFiled(): void;
}

export function createCatalogLoader(deps: CatalogLoaderDeps): CatalogLoader {
  const now = deps.now ?? Date.now;
  const counts = deps.counts ?? summaryCounts;
  // Popularity: applications filed at this terminal per service (local data only), counted from the
  // stored documents without decrypting any of them; recounted at most every 10 minutes and after a
  // submission here (kiosk/popularity.ts), not on every catalog read.
  const popularity = createPopularityCache(async () => counts((await deps.store()).db), { now });
  let cached: { at: number; catalog: KioskCatalog } | null = null;
  let filed = 0;

  return {
    async load(force = false) {
      if (!force && cached && now() - cached.at < CATALOG_FRESH_MS && cached.catalog.items.length > 0) return cached.catalog;
      const seen = filed;
      const store = await deps.store();
      const docs = await store.db.service_items.find().exec();
      const items = docs.map((d) => d.toMutableJSON() as ServiceItemDoc).sort((a, b) => a.sortOrder - b.sortOrder);
      const catalog: KioskCatalog = {
        items,
        byCode: new Map(items.map((i) => [i.code, i])),
        index: buildSearchIndex(items, { popularity: await popularity.get() }),
        async form(item) {
          const doc = await store.db.form_schemas.findOne(`${item.formId}@${item.formVersion}`).exec();
          return doc ? (doc.toMutableJSON() as FormSchemaDoc) : null;
        },
      };
      // an application filed while this load ran: do not keep a catalog that may rank without it
      if (seen === filed) cached = { at: now(), catalog };
      return catalog;
    },
    applicationFiled() {
      filed++;
      popularity.invalidate();
      cached = null;
    },
  };
}

const kioskCatalog = createCatalogLoader({ store: kioskStore });

/** The catalog as this terminal has it (synced down); rebuilt at most every 15 s. */
export function loadCatalog(force = false): Promise<KioskCatalog> {
  return kioskCatalog.load(force);
}

/** Call after this kiosk filed an application, so that its own submission counts in the ranking. */
export function noteApplicationFiled(): void {
  kioskCatalog.applicationFiled();
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
