/**
 * The applicant ID lookup hash across terminals. `applicantIdHash` is the salted SHA-256 of the ID
 * number (`hashIdNumber`), salted with a key main derives from the province's key the platform hands
 * out at enrollment: the same resident gives the same hash at every terminal of the province, so the
 * kiosk's 进度查询 finds a counter-filed case and the counter's search by ID finds kiosk applications.
 * No plain ID number is ever indexed; without the key the hash cannot be tested against ID numbers.
 *
 * Migration (a hash cannot be inverted, so it is re-derived from the ID number each document holds,
 * encrypted at rest): when the key changes (first start after the upgrade; a terminal that got the
 * province key after it first opened its database), `rederiveIdHashes` rewrites
 * - every kiosk draft (local only), and
 * - every application the terminal still owns (`draft`, `supplement_required`, and `submitted` not yet
 *   acknowledged: the platform answers a `submitted` push with `synced`), which then replicates with
 *   the new hash.
 * Applications the platform already owns keep their old hash (the platform refuses a terminal's change
 * of them); this terminal still finds its own old ones, because lookups also try its legacy salt
 * (`lookupSalts`). Old applications another terminal filed before the upgrade are found there, or by
 * name / 受理号 / 办件编号 here.
 */
import type { TerminalDatabase } from './database';
import { hashIdNumber } from './applications';

/** Statuses whose `applicantIdHash` this terminal may still rewrite (the platform has not taken the application). */
export const REHASHABLE_STATUSES = ['draft', 'supplement_required', 'submitted'] as const;

export interface IdHashKeys {
  idHashSalt: string;
  idHashKeyId?: string | undefined;
  legacyIdHashSalt?: string | undefined;
}

/** Salts a lookup tries: the current one first, then the legacy per-terminal one when it differs. */
export const lookupSalts = (k: IdHashKeys): string[] => [k.idHashSalt, ...(k.legacyIdHashSalt && k.legacyIdHashSalt !== k.idHashSalt ? [k.legacyIdHashSalt] : [])];

/** Where the id of the key the stored hashes were made with is remembered (per database). */
export interface KeyMarker {
  get(): string | null;
  set(keyId: string): void;
}

export function localStorageMarker(database: string): KeyMarker {
  const k = `township.idHashKeyId:${database}`;
  return {
    get: () => {
      try {
        return globalThis.localStorage?.getItem(k) ?? null;
      } catch {
        return null;
      }
    },
    set: (v) => {
      try {
        globalThis.localStorage?.setItem(k, v);
      } catch {
        // private mode or full storage: the pass runs again on the next start (idempotent)
      }
    },
  };
}

const idNumberOf = (applicant: unknown): string | null => {
  const n = (applicant as { idNumber?: unknown } | null | undefined)?.idNumber;
  return typeof n === 'string' && n.trim() ? n : null;
};

/** Re-derives stored hashes under the current key when it changed since the last pass. Idempotent. */
export async function rederiveIdHashes(db: TerminalDatabase, keys: IdHashKeys, marker: KeyMarker): Promise<{ applications: number; drafts: number; skipped: boolean }> {
  if (!keys.idHashKeyId || marker.get() === keys.idHashKeyId) return { applications: 0, drafts: 0, skipped: true };
  let applications = 0;
  let drafts = 0;
  if (db.kiosk_drafts) {
    for (const d of await db.kiosk_drafts.find().exec()) {
      const id = idNumberOf(d.applicant);
      if (!id) continue;
      const h = await hashIdNumber(keys.idHashSalt, id);
      if (h === d.applicantIdHash) continue;
      await d.incrementalPatch({ applicantIdHash: h });
      drafts++;
    }
  }
  if (db.applications) {
    for (const d of await db.applications.find({ selector: { status: { $in: [...REHASHABLE_STATUSES] } } }).exec()) {
      const id = idNumberOf(d.applicant);
      if (!id) continue;
      const h = await hashIdNumber(keys.idHashSalt, id);
      if (h === d.applicantIdHash) continue;
      await d.incrementalModify((x) => ({ ...x, applicantIdHash: h }));
      applications++;
    }
  }
  marker.set(keys.idHashKeyId);
  return { applications, drafts, skipped: false };
}
