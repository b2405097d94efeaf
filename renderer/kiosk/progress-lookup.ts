/**
 * 进度查询's lookups as a plain module (the page renders): the resident's applications by ID card
 * (salted hashes, every salt the station used) or one application by the receipt's QR code, followed
 * live as sync brings their status down; drafts are never shown; which of them were rated already.
 */
import type { TerminalDatabase } from '../db/database';
import type { ApplicationLocal } from '../db/schemas';
import { applicationsByIdNumber } from '../db/applications';
import { parseProgressCode } from '../../sync/protocol/progress-code';

export type ProgressQuery = { kind: 'card'; idNumber: string } | { kind: 'code'; text: string };

export interface ProgressStore {
  db: TerminalDatabase;
  lookupSalts: string | readonly string[];
}

/** Stops following. */
export type StopWatching = () => void;

const shown = (apps: readonly ApplicationLocal[]): ApplicationLocal[] => apps.filter((a) => a.status !== 'draft');

/**
 * Finds the applications the query names and calls `onResults` with them now and on every change
 * (newest first, drafts left out). A QR code that is not one of ours gives an empty list at once.
 */
export async function watchProgress(store: ProgressStore, query: ProgressQuery, onResults: (apps: ApplicationLocal[]) => void): Promise<StopWatching> {
  if (query.kind === 'code') {
    const id = parseProgressCode(query.text);
    if (!id) {
      onResults([]);
      return () => undefined;
    }
    const sub = store.db.applications.find({ selector: { id }, sort: [{ createdAt: 'desc' }], limit: 20 }).$.subscribe((docs) => onResults(shown(docs.map((d) => d.toMutableJSON() as ApplicationLocal))));
    return () => sub.unsubscribe();
  }
  const found = await applicationsByIdNumber(store.db, store.lookupSalts, query.idNumber);
  onResults(shown(found));
  const byNewest = new Map(found.map((a, i) => [a.id, i]));
  const sub = store.db.applications.find({ selector: { id: { $in: found.map((a) => a.id) } } }).$.subscribe((docs) => {
    const apps = docs.map((d) => d.toMutableJSON() as ApplicationLocal).sort((a, b) => (byNewest.get(a.id) ?? 0) - (byNewest.get(b.id) ?? 0));
    onResults(shown(apps));
  });
  return () => sub.unsubscribe();
}

/** The ids among these applications that have a stored evaluation (one rating per application). */
export async function ratedApplicationIds(db: TerminalDatabase, applicationIds: readonly string[]): Promise<Set<string>> {
  if (!applicationIds.length) return new Set();
  const evs = await db.evaluations.find({ selector: { applicationId: { $in: [...applicationIds] } } }).exec();
  return new Set(evs.map((e) => String(e.applicationId)));
}
