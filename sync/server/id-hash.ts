// The applicant ID lookup hash as every terminal of the province computes it (main/sync/keys.ts
// derives the salt from the province key; renderer/db/applications.ts hashes): the platform holds the
// province key and the ID numbers, so it can state the hash itself. It does, for what it stores: an
// application pushed with another salt (a terminal that never got the province key, a station hub
// that handed out its own) and applications stored before there was one key (per-terminal salts) are
// rewritten to the province hash, so the kiosk's 进度查询 and the counter's search by ID find every
// case of a resident, wherever it was filed. id-hash.test.ts checks it equals the terminals' hash.
import { createHash, createHmac } from 'node:crypto';

/** The salt the terminals' renderers hash with, from the province key (hex). */
export function provinceLookupSalt(provinceKeyHex: string): string {
  return createHmac('sha256', Buffer.from(provinceKeyHex, 'hex')).update('applicant-id-hash-v2').digest('hex');
}

/** SHA-256 of `salt:ID` (trimmed, upper case), hex: the `applicantIdHash` of an application. */
export function applicantLookupHash(salt: string, idNumber: string): string {
  return createHash('sha256').update(`${salt}:${idNumber.trim().toUpperCase()}`, 'utf8').digest('hex');
}

/** The plain ID number an application carries, if any (not an end-to-end encrypted applicant). */
export function plainIdNumber(doc: Record<string, unknown>): string | null {
  const a = doc.applicant as { idNumber?: unknown; encrypted?: unknown } | null | undefined;
  return a && typeof a.idNumber === 'string' && a.idNumber.trim() ? a.idNumber : null;
}

/** Statuses whose hash the terminal still rewrites itself (renderer/db/id-hash.ts REHASHABLE_STATUSES). */
export const TERMINAL_HASHED_STATUSES: ReadonlySet<string> = new Set(['draft', 'supplement_required', 'submitted']);
