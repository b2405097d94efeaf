/**
 * Protocol document ⇄ local document. The only difference: `applications.applicantIdHash` is
 * `null` on the wire and `''` locally (indexed fields must be required strings).
 */
import type { CollectionName } from '../../sync/protocol';

type Doc = Record<string, unknown>;

export function toLocal(collection: CollectionName, doc: Doc): Doc {
  if (collection === 'applications' && (doc.applicantIdHash === null || doc.applicantIdHash === undefined)) return { ...doc, applicantIdHash: '' };
  return doc;
}

export function toProtocol(collection: CollectionName, doc: Doc): Doc {
  if (collection === 'applications' && doc.applicantIdHash === '') return { ...doc, applicantIdHash: null };
  return doc;
}
