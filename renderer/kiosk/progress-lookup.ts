/**
 * 进度查询's lookups as a plain module (the page renders): the resident's applications by ID card
 * (salted hashes, every salt the station used) or one application by the receipt's QR code, followed
 * live as sync brings their status down; drafts are never shown; which of them were rated already.
 */
import type { TerminalDatabase } from '../db/database';
import type { ApplicationLocal } from '../db/schemas';
import { applicationsByIdNumber, lookupHashes } from '../db/applications';
import { toLocal } from '../db/modifiers';
import type { ApplicationLookup, TerminalReplication } from '../db/replication';
import { parseProgressCode } from '../../sync/protocol/progress-code';
import { log } from '../shared/log';

export type ProgressQuery = { kind: 'card'; idNumber: string } | { kind: 'code'; text: string };

export interface ProgressStore {
  db: TerminalDatabase;
  lookupSalts: string | readonly string[];
  /**
   * The window's replication, to fetch older cases on demand when nothing is found here (the
   * terminal pulled only a recent window of the station's history); absent or null = local only.
   */
  replication?: () => TerminalReplication | null;
}

/** Asks the platform for what the query names when this terminal has none of it; answers them as stored locally. */
async function fetchOlder(store: ProgressStore, query: ApplicationLookup): Promise<ApplicationLocal[]> {
  const r = store.replication?.();
  if (!r) return [];
  try {
    return (await r.lookupOlder(query)).map((d) => toLocal('applications', d) as unknown as ApplicationLocal);
  } catch (e) {
    log('warn', 'progress.lookup-older-failed', { code: String((e as { code?: unknown }).code ?? 'UNKNOWN').slice(0, 64) });
    return [];
  }
}

/** Stops following. */
export type StopWatching = () => void;

const shown = (apps: readonly ApplicationLocal[]): ApplicationLocal[] => apps.filter((a) => a.status !== 'draft');

/**
 * Finds the applications the query names and calls `onResults` with them now and on every change
 * (newest first, drafts left out). A QR code that is not one of ours gives an empty list at once.
 */
export async function watchProgress(store: ProgressStore, query: ProgressQuery, onResults: (apps: ApplicationLocal[]) => void): Promise<StopWatching> {
  let stopped = false;
  let sub: { unsubscribe(): void } | null = null;
  /**
   * Shows `ids` (newest first) as stored here, following their changes; a case fetched from the
   * platform (`fetched`) is shown as answered until its stored copy arrives.
   */
  const follow = (ids: readonly string[], fetched: readonly ApplicationLocal[] = []) => {
    sub?.unsubscribe();
    const answered = new Map(fetched.map((a) => [a.id, a]));
    sub = store.db.applications.find({ selector: { id: { $in: [...ids] } } }).$.subscribe((docs) => {
      const here = new Map(docs.map((d) => [String(d.id), d.toMutableJSON() as ApplicationLocal]));
      onResults(shown(ids.map((id) => here.get(id) ?? answered.get(id)).filter((a): a is ApplicationLocal => a !== undefined)));
    });
  };
  const stop = () => {
    stopped = true;
    sub?.unsubscribe();
  };

  if (query.kind === 'code') {
    const id = parseProgressCode(query.text);
    if (!id) {
      onResults([]);
      return () => undefined;
    }
    follow([id]);
    if (!(await store.db.applications.findOne(id).exec())) {
      void fetchOlder(store, { id }).then((fetched) => {
        if (!stopped && fetched.length) follow([id], fetched);
      });
    }
    return stop;
  }
  const found = await applicationsByIdNumber(store.db, store.lookupSalts, query.idNumber);
  onResults(shown(found));
  follow(found.map((a) => a.id));
  if (found.length === 0) {
    const hashes = await lookupHashes(store.lookupSalts, query.idNumber);
    void fetchOlder(store, { applicantIdHashes: hashes }).then((fetched) => {
      if (stopped || !fetched.length) return;
      const newest = [...fetched].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
      follow(newest.map((a) => a.id), newest);
    });
  }
  return stop;
}

/** The ids among these applications that have a stored evaluation (one rating per application). */
export async function ratedApplicationIds(db: TerminalDatabase, applicationIds: readonly string[]): Promise<Set<string>> {
  if (!applicationIds.length) return new Set();
  const evs = await db.evaluations.find({ selector: { applicationId: { $in: [...applicationIds] } } }).exec();
  return new Set(evs.map((e) => String(e.applicationId)));
}
