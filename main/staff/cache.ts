/**
 * Main's cache of staff members who may sign in offline: the verifier and until when it may be
 * used, and the person's ID number and phone (stated on the 授权委托书 they sign as 受托人; see
 * main/documents/authorization.ts). Filled from online logins (`offlineValidUntil` from the
 * platform) and from main's own pull of the `staff` collection (valid `offlineDays` from the pull).
 * Kept in the SecretStore, encrypted at rest (safeStorage, or AES-256-GCM under a key in the OS
 * keyring; see ../sync/secrets.ts) because a short-PIN verifier can be brute-forced by whoever
 * holds it, and the ID numbers are personal data. None of it reaches the renderer.
 *
 * File format: `v: 2` (adds optional `idNumber`, `phone`). A `v: 1` file still loads: its entries
 * and lockouts are kept, and its pull checkpoint is dropped so the next roster pull fetches every
 * staff document again and learns the new fields.
 */
import { z } from 'zod';
import { mainlandPhone, pinVerifier, residentIdNumber, staffRole, type StaffDoc } from '../../sync/protocol';
import type { SecretStore } from '../sync/secrets';

export const CACHE_VERSION = 2 as const;

export const CachedStaff = z.object({
  id: z.string().max(128),
  name: z.string().max(100),
  role: staffRole,
  stations: z.array(z.string().max(64)),
  active: z.boolean(),
  verifier: pinVerifier.nullable(),
  offlineValidUntil: z.number(),
  idNumber: residentIdNumber.optional(),
  phone: mainlandPhone.optional(),
});
export type CachedStaff = z.infer<typeof CachedStaff>;

const Lockouts = z.record(z.string(), z.object({ failures: z.array(z.number()), lockedUntil: z.number().nullable() }));

const CacheFile = z.object({
  v: z.literal(CACHE_VERSION),
  staff: z.array(CachedStaff),
  /** Pull checkpoint of the `staff` collection. */
  checkpoint: z.unknown().nullable(),
  lockout: Lockouts,
});
export type CacheFile = z.infer<typeof CacheFile>;

/** The format before staff ID numbers and phones (entries without them). */
const CacheFileV1 = z.object({
  v: z.literal(1),
  staff: z.array(CachedStaff.omit({ idNumber: true, phone: true })),
  checkpoint: z.unknown().nullable(),
  lockout: Lockouts,
});

const NAME = 'staff-cache';

export const emptyCache = (): CacheFile => ({ v: CACHE_VERSION, staff: [], checkpoint: null, lockout: {} });

/** Parses a cache file of any known version into the current one; null when it is not one. */
export function parseCache(json: unknown): CacheFile | null {
  const current = CacheFile.safeParse(json);
  if (current.success) return current.data;
  const v1 = CacheFileV1.safeParse(json);
  // re-pull from the start: documents already pulled carry ID numbers and phones the v1 cache dropped
  if (v1.success) return { v: CACHE_VERSION, staff: v1.data.staff, checkpoint: null, lockout: v1.data.lockout };
  return null;
}

export async function readCache(store: SecretStore): Promise<CacheFile> {
  try {
    const raw = await store.read(NAME);
    if (!raw) return emptyCache();
    return parseCache(JSON.parse(raw.toString('utf8'))) ?? emptyCache();
  } catch {
    return emptyCache();
  }
}

export async function writeCache(store: SecretStore, cache: CacheFile): Promise<void> {
  await store.write(NAME, Buffer.from(JSON.stringify(cache), 'utf8'));
}

export function fromDoc(doc: StaffDoc, offlineValidUntil: number): CachedStaff {
  return {
    id: doc.id,
    name: doc.name,
    role: doc.role,
    stations: doc.stations,
    active: doc.active && !doc._deleted,
    verifier: doc.pinVerifier,
    offlineValidUntil,
    ...(doc.idNumber ? { idNumber: doc.idNumber } : {}),
    ...(doc.phone ? { phone: doc.phone } : {}),
  };
}

/** What the 授权委托书 states about its 受托人, from the cache; each absent when unknown. */
export interface AgentContact {
  idNumber?: string;
  phone?: string;
}

export function contactOf(cache: CacheFile, staffId: string): AgentContact {
  const s = cache.staff.find((x) => x.id === staffId);
  return { ...(s?.idNumber ? { idNumber: s.idNumber } : {}), ...(s?.phone ? { phone: s.phone } : {}) };
}
