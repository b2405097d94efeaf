/**
 * Counts over the applications without decrypting them: RxDB cannot group, so this reads the stored
 * documents of a `createdAt` range from the storage layer below the field encryption and takes two
 * plain members of each (`serviceItemCode`, `status`); the encrypted members stay ciphertext. Used
 * by the clerk's daily summary and the kiosk's popularity ranking. (How RxDB 17 encrypts and queries:
 * renderer/clerk/cases/query.ts.)
 */
import { normalizeMangoQuery, prepareQuery, type MangoQuery, type RxJsonSchema } from 'rxdb';
import type { TerminalDatabase } from './database';

export interface SummaryRow {
  service: string;
  status: string;
  count: number;
}

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
export function storedLayer(collection: TerminalDatabase['applications']): StorageLayer {
  let layer = (collection as unknown as { internalStorageInstance?: StorageLayer }).internalStorageInstance;
  while (layer?.schema.encrypted?.length && layer.originalStorageInstance) layer = layer.originalStorageInstance;
  if (!layer || layer.schema.encrypted?.length) throw new Error('summary: no storage layer below the field encryption');
  return layer;
}

/**
 * Counts by service item and status of the applications created in [fromIso, toIso] (ISO times;
 * omit either for an open end). Reads `serviceItemCode` and `status` of the stored documents in
 * the `createdAt` range; decrypts nothing.
 */
export async function summaryCounts(db: TerminalDatabase, fromIso?: string, toIso?: string): Promise<SummaryRow[]> {
  const layer = storedLayer(db.applications);
  const createdAt: Record<string, string> = {};
  if (fromIso) createdAt.$gte = fromIso;
  if (toIso) createdAt.$lte = toIso;
  const mango: MangoQuery<Record<string, unknown>> = {
    selector: { _deleted: { $eq: false }, ...(Object.keys(createdAt).length ? { createdAt } : {}) },
    sort: [{ createdAt: 'asc' }],
  };
  // the query planner picks the createdAt index (range + order)
  const { documents } = await layer.query(prepareQuery(layer.schema, normalizeMangoQuery(layer.schema, mango) as never));
  const counts = new Map<string, Map<string, number>>();
  for (const d of documents) {
    const service = String(d.serviceItemCode);
    const byStatus = counts.get(service) ?? new Map<string, number>();
    counts.set(service, byStatus);
    const status = String(d.status);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const rows: SummaryRow[] = [];
  for (const [service, byStatus] of counts) for (const [status, count] of byStatus) rows.push({ service, status, count });
  return rows.sort((a, b) => a.service.localeCompare(b.service) || a.status.localeCompare(b.status));
}
