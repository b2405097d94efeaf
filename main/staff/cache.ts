/**
 * Main's cache of staff members who may sign in offline: the verifier and until when it may be
 * used. Filled from online logins (`offlineValidUntil` from the platform) and from main's own pull
 * of the `staff` collection (valid `offlineDays` from the pull). Kept in the SecretStore (Electron:
 * safeStorage; browser host: a 0600 file) because a short-PIN verifier can be brute-forced by
 * whoever holds it.
 */
import { z } from 'zod';
import { pinVerifier, staffRole, type StaffDoc } from '../../sync/protocol';
import type { SecretStore } from '../sync/secrets';

export const CachedStaff = z.object({
  id: z.string().max(128),
  name: z.string().max(100),
  role: staffRole,
  stations: z.array(z.string().max(64)),
  active: z.boolean(),
  verifier: pinVerifier.nullable(),
  offlineValidUntil: z.number(),
});
export type CachedStaff = z.infer<typeof CachedStaff>;

const CacheFile = z.object({
  v: z.literal(1),
  staff: z.array(CachedStaff),
  /** Pull checkpoint of the `staff` collection. */
  checkpoint: z.unknown().nullable(),
  lockout: z.record(z.string(), z.object({ failures: z.array(z.number()), lockedUntil: z.number().nullable() })),
});
export type CacheFile = z.infer<typeof CacheFile>;

const NAME = 'staff-cache';

export const emptyCache = (): CacheFile => ({ v: 1, staff: [], checkpoint: null, lockout: {} });

export async function readCache(store: SecretStore): Promise<CacheFile> {
  try {
    const raw = await store.read(NAME);
    if (!raw) return emptyCache();
    const parsed = CacheFile.safeParse(JSON.parse(raw.toString('utf8')));
    return parsed.success ? parsed.data : emptyCache();
  } catch {
    return emptyCache();
  }
}

export async function writeCache(store: SecretStore, cache: CacheFile): Promise<void> {
  await store.write(NAME, Buffer.from(JSON.stringify(cache), 'utf8'));
}

export function fromDoc(doc: StaffDoc, offlineValidUntil: number): CachedStaff {
  return { id: doc.id, name: doc.name, role: doc.role, stations: doc.stations, active: doc.active && !doc._deleted, verifier: doc.pinVerifier, offlineValidUntil };
}
