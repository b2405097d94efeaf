/**
 * Protocol document ⇄ local document. Applications only: `applicantIdHash` is `null` on the wire
 * and `''` locally (indexed fields must be required strings), and the local-only members of
 * ./schemas.ts (`assistantId`, `newestFirst`) are derived on the way in and stripped on the way out.
 */
import type { CollectionName } from '../../sync/protocol';
import type { TerminalDatabase } from './database';
import { applicationLocalOnly, APPLICATION_LOCAL_ONLY } from './schemas';

type Doc = Record<string, unknown>;

export function toLocal(collection: CollectionName, doc: Doc): Doc {
  if (collection !== 'applications') return doc;
  return { ...doc, applicantIdHash: typeof doc.applicantIdHash === 'string' ? doc.applicantIdHash : '', ...applicationLocalOnly(doc) };
}

export function toProtocol(collection: CollectionName, doc: Doc): Doc {
  if (collection !== 'applications') return doc;
  const out: Doc = { ...doc };
  for (const f of APPLICATION_LOCAL_ONLY) delete out[f];
  if (out.applicantIdHash === '') out.applicantIdHash = null;
  return out;
}

type Findable = { find(): { exec(): Promise<{ toJSON(withMeta?: boolean): unknown }[]> } };

/**
 * Every document of a collection in protocol form, deleted ones included (with their RxDB meta
 * members), or none when the database did not open that collection. For checks that compare a
 * terminal's store with the platform's (the sync fuzzer, the e2e store page).
 */
export async function protocolDocuments(db: TerminalDatabase, collection: CollectionName): Promise<Doc[]> {
  const col = (db as unknown as Partial<Record<string, Findable>>)[collection];
  return col ? (await col.find().exec()).map((d) => toProtocol(collection, d.toJSON(true) as Doc)) : [];
}
