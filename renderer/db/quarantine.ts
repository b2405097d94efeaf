/**
 * Quarantine: documents the platform refused (or local edits the platform's state overrode) are
 * kept here with the platform's reason — a full copy, encrypted at rest — so they are never lost,
 * never block the other documents, and can be shown, edited and sent again.
 */
import { TERMINAL_EDITABLE_STATUSES, type ApplicationStatus, type CollectionName, type RefusedField } from '../../sync/protocol';
import { TERMINAL_OWNED_APPLICATION_FIELDS } from '../../sync/client/ownership';
import { sanitizeRefusalIssues, sanitizeRefusalParams, sanitizeRefusedFields } from '../../sync/client/refused-fields';
import { log } from '../shared/log';
import { i18n } from '../i18n';
import { refusalText as wordsOfRefusal } from '../i18n/refusal';
import type { Words } from '../forms/issues';
import type { TerminalDatabase } from './database';
import { toLocal } from './modifiers';
import type { QuarantineDoc } from './schemas';

export const quarantineKey = (collection: string, id: string): string => `${collection}:${id}`;

export interface QuarantineEntry {
  collection: CollectionName;
  docId: string;
  code: string;
  message: string;
  /** The refused document, protocol form. */
  doc: Record<string, unknown>;
  /**
   * `FORM_INVALID`: the refused form fields as the bridge delivered them (`SyncRejection.fields`).
   * Checked again here (it crossed the bridge): malformed entries are dropped, the entry is kept.
   */
  fields?: unknown;
  /** The parameters of the refusal's words (`SyncRejection.params`); checked again here like `fields`. */
  params?: unknown;
  /** `FORM_INVALID`: what is wrong, problem by problem (`SyncRejection.issues`); checked again here like `fields`. */
  issues?: unknown;
}

/**
 * Records (or refreshes) a quarantine entry. Awaited before the push handler returns. A new refusal
 * replaces the fields of the previous one. Never fails for bad `fields`: they are dropped (logged
 * as a count) and the refused document is kept.
 */
export async function quarantine(db: TerminalDatabase, e: QuarantineEntry, now = Date.now()): Promise<void> {
  const key = quarantineKey(e.collection, e.docId);
  const prev = await db.sync_quarantine.findOne(key).exec();
  const { fields, dropped } = sanitizeRefusedFields(e.fields);
  const { params, dropped: droppedParams } = sanitizeRefusalParams(e.params);
  const { issues, dropped: droppedIssues } = sanitizeRefusalIssues(e.issues);
  if (dropped) log('warn', 'sync.quarantine-fields-dropped', { collection: e.collection, code: e.code.slice(0, 64), dropped });
  if (droppedParams + droppedIssues) log('warn', 'sync.quarantine-params-dropped', { collection: e.collection, code: e.code.slice(0, 64), dropped: droppedParams + droppedIssues });
  await db.sync_quarantine.upsert({
    key,
    targetCollection: e.collection,
    docId: e.docId.slice(0, 128),
    code: e.code.slice(0, 64),
    message: e.message.slice(0, 2000),
    fields,
    ...(Object.keys(params).length ? { params } : {}),
    ...(issues.length ? { issues } : {}),
    at: now,
    attempts: prev?.attempts ?? 0,
    doc: e.doc,
    state: 'open',
  });
}

/** The platform accepted the document: its quarantine entry (if any) is done. */
export async function releaseAccepted(db: TerminalDatabase, collection: CollectionName, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const keys = ids.map((id) => quarantineKey(collection, id));
  const found = await db.sync_quarantine.findByIds(keys).exec();
  const done = [...found.values()].filter((q) => q.state === 'retrying' && q.code !== 'LOCAL_OVERRIDDEN').map((q) => q.key);
  if (done.length) await db.sync_quarantine.bulkRemove(done);
}

export async function listQuarantine(db: TerminalDatabase): Promise<QuarantineDoc[]> {
  const docs = await db.sync_quarantine.find({ sort: [{ at: 'desc' }] }).exec();
  return docs.map((d) => d.toMutableJSON());
}

/** Replace the stored copy with an edited one (the clerk corrected the refused document). */
export async function editQuarantined(db: TerminalDatabase, key: string, doc: Record<string, unknown>): Promise<void> {
  const q = await db.sync_quarantine.findOne(key).exec();
  if (!q) throw new Error('no such quarantine entry');
  if (doc.id !== q.docId) throw new Error('the document id cannot change');
  await q.incrementalPatch({ doc });
}

/**
 * Sends a quarantined document again: its copy (possibly edited) is written back into its
 * collection — for applications only the fields the terminal owns, over the current local state —
 * which makes the replication push it. The entry stays (`retrying`) until the platform accepts.
 */
export async function retryQuarantined(db: TerminalDatabase, key: string, now = new Date()): Promise<void> {
  const q = await db.sync_quarantine.findOne(key).exec();
  if (!q) throw new Error('no such quarantine entry');
  const collection = q.targetCollection as CollectionName;
  const copy = toLocal(collection, q.toMutableJSON().doc);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the collection is chosen at run time
  const coll = (db as any)[collection] as TerminalDatabase['applications'];
  const current = await coll.findOne(q.docId).exec();
  let next: Record<string, unknown>;
  if (collection === 'applications' && current) {
    next = current.toMutableJSON() as unknown as Record<string, unknown>;
    for (const f of TERMINAL_OWNED_APPLICATION_FIELDS) if (copy[f] !== undefined) next[f] = copy[f];
    const cur = next as { status: ApplicationStatus; statusHistory: unknown[] };
    const wanted = copy as { status: string; statusHistory: { by: string }[] };
    if (TERMINAL_EDITABLE_STATUSES.includes(cur.status) && wanted.status !== cur.status) {
      next.status = wanted.status;
      next.statusHistory = [...cur.statusHistory, ...wanted.statusHistory.filter((h) => h.by === 'terminal').slice(-1)];
      next.submittedAt = (copy.submittedAt as string | null) ?? null;
    }
  } else {
    next = { ...copy };
  }
  next.updatedAt = now.toISOString();
  delete next._rev;
  delete next._meta;
  delete next._attachments;
  await q.incrementalPatch({ state: 'retrying', attempts: q.attempts + 1 });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await coll.upsert(next as any);
}

/** The clerk decides the refused copy is not needed (e.g. the case was filed again). */
export async function dismissQuarantined(db: TerminalDatabase, key: string): Promise<void> {
  const q = await db.sync_quarantine.findOne(key).exec();
  await q?.remove();
}

/**
 * The fields of a `FORM_INVALID` refusal, as stored with it (`fields`, carried from the platform's
 * `issues` by the transport and the bridge; derived once from the old reason text by the v0 → v1
 * migration). Checked again on the way out, so a damaged entry shows no fields rather than breaking.
 */
export const refusedFieldsOf = (q: Pick<QuarantineDoc, 'fields'>): RefusedField[] => sanitizeRefusedFields(q.fields).fields;

/** The catalogue in the UI language (i18n.global follows it). */
const uiWords: Words = { t: (k, p) => i18n.global.t(k, p), te: (k) => i18n.global.te(k) };

/**
 * The platform's words of a refusal for people, in the UI language (renderer/i18n/refusal.ts): the
 * catalogue's sentence from the refusal's code and parameters, else an earlier platform's Chinese
 * text without the field list, else null (an English log line is not shown as its words).
 */
export function refusalText(q: Pick<QuarantineDoc, 'code' | 'message' | 'params' | 'issues'>, words: Words = uiWords): string | null {
  return wordsOfRefusal(q, words);
}

/** The open `FORM_INVALID` refusal of an application (its quarantine entry), if there is one. */
export async function openFormRefusal(db: TerminalDatabase, id: string): Promise<QuarantineDoc | null> {
  const q = await db.sync_quarantine.findOne(quarantineKey('applications', id)).exec();
  return q && q.code === 'FORM_INVALID' && q.state === 'open' ? q.toMutableJSON() : null;
}

/**
 * The application is being sent again by other means (resubmitted after 补正): its open refusal
 * waits for the platform's answer like a retried one (`retrying`: released on acceptance, reopened
 * with the new copy on a new refusal). Other refusals (e.g. LOCAL_OVERRIDDEN) are left alone.
 */
export async function supersedeRefusal(db: TerminalDatabase, id: string): Promise<void> {
  const q = await db.sync_quarantine.findOne(quarantineKey('applications', id)).exec();
  if (q && q.state === 'open' && q.code !== 'LOCAL_OVERRIDDEN') await q.incrementalPatch({ state: 'retrying' });
}
