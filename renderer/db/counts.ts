/**
 * Counts over the applications without decrypting them: RxDB cannot group, so this reads the stored
 * documents of a `createdAt` range from the storage layer below the field encryption and takes two
 * plain members of each (`serviceItemCode`, `status`); the encrypted members stay ciphertext. Used
 * by the clerk's daily summary and the kiosk's popularity ranking. (How RxDB 17 encrypts and queries:
 * renderer/clerk/cases/query.ts.)
 */
import { normalizeMangoQuery, prepareQuery, type MangoQuery, type RxJsonSchema } from 'rxdb';
import type { TerminalDatabase } from './database';
import { applicationFact, factsOf, summaryRowsOf, type SummaryRow } from '../stats/aggregate';

export type { SummaryRow } from '../stats/aggregate';

interface StorageLayer {
  schema: RxJsonSchema<Record<string, unknown>>;
  query(q: unknown): Promise<{ documents: Record<string, unknown>[] }>;
  /** Set by RxDB's storage wrappers (plugin-helpers `wrapRxStorageInstance`): the layer below. */
  originalStorageInstance?: StorageLayer;
}

/**
 * The storage layer of a collection below its field encryption: documents as stored, encrypted
 * members still ciphertext. Throws if the storage chain has no such layer (never falls back to
 * decrypting).
 */
export function storedLayer(collection: TerminalDatabase[keyof TerminalDatabase['collections']]): StorageLayer {
  let layer = (collection as unknown as { internalStorageInstance?: StorageLayer }).internalStorageInstance;
  while (layer?.schema.encrypted?.length && layer.originalStorageInstance) layer = layer.originalStorageInstance;
  if (!layer || layer.schema.encrypted?.length) throw new Error('summary: no storage layer below the field encryption');
  return layer;
}

/**
 * The stored documents of a collection matching a Mango selector, read below the field encryption
 * (encrypted members stay ciphertext; nothing is decrypted), in the order given. `_deleted: false`
 * is added. Used for counts only: callers read plain members.
 */
export async function storedDocuments(collection: TerminalDatabase[keyof TerminalDatabase['collections']], selector: Record<string, unknown>, sort: Record<string, 'asc' | 'desc'>[], index?: string[]): Promise<Record<string, unknown>[]> {
  const layer = storedLayer(collection);
  const mango: MangoQuery<Record<string, unknown>> = { selector: { _deleted: { $eq: false }, ...selector }, sort, ...(index ? { index } : {}) };
  const { documents } = await layer.query(prepareQuery(layer.schema, normalizeMangoQuery(layer.schema, mango) as never));
  return documents;
}

/** A `createdAt`-style range selector (omit either end for an open end). */
export const rangeSelector = (field: string, fromIso?: string, toIso?: string): Record<string, unknown> => {
  const r: Record<string, string> = {};
  if (fromIso) r.$gte = fromIso;
  if (toIso) r.$lte = toIso;
  return Object.keys(r).length ? { [field]: r } : {};
};

/** The stored applications created in [fromIso, toIso] (ISO times; omit either for an open end), by the `createdAt` index. */
export const storedApplications = (db: TerminalDatabase, fromIso?: string, toIso?: string): Promise<Record<string, unknown>[]> => storedDocuments(db.applications, rangeSelector('createdAt', fromIso, toIso), [{ createdAt: 'asc' }]);

/**
 * Counts by service item and status of the applications created in [fromIso, toIso] (ISO times;
 * omit either for an open end). Reads `serviceItemCode` and `status` of the stored documents in
 * the `createdAt` range; decrypts nothing. Counted by the one aggregation module the station
 * dashboard uses too (renderer/stats/aggregate.ts); a document it cannot read is left out.
 */
export async function summaryCounts(db: TerminalDatabase, fromIso?: string, toIso?: string): Promise<SummaryRow[]> {
  return summaryRowsOf(factsOf(await storedApplications(db, fromIso, toIso), applicationFact).facts);
}
