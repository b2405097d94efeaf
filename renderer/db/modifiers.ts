/**
 * Protocol document ⇄ local document. Applications only: `applicantIdHash` is `null` on the wire
 * and `''` locally (indexed fields must be required strings), and the local-only members of
 * ./schemas.ts (`assistantId`, `newestFirst`) are derived on the way in and stripped on the way out.
 */
import type { CollectionName } from '../../sync/protocol';
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
