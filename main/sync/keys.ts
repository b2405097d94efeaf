/**
 * The terminal's database master key: 32 random bytes made on first run, kept by main in its
 * SecretStore. The renderer never sees it: `store.key` hands out a password derived per database
 * name (HMAC-SHA256), plus the salt of the ID-number lookup hashes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SecretStore } from './secrets';

const MASTER = 'db-master-key';

export async function loadOrCreateMasterKey(store: SecretStore): Promise<Buffer> {
  const existing = await store.read(MASTER);
  if (existing && existing.length === 32) return existing;
  if (existing) throw new Error('the stored database key is damaged; refusing to replace it (local data would become unreadable)');
  const key = randomBytes(32);
  await store.write(MASTER, key);
  return key;
}

export function derivePassword(master: Buffer, database: string): string {
  return createHmac('sha256', master).update(`rxdb-password:${database}`).digest('base64url');
}

export function deriveIdHashSalt(master: Buffer): string {
  return createHmac('sha256', master).update('applicant-id-hash-salt').digest('hex');
}

/**
 * The lookup-hash key handed to the renderer when the province's key is known: derived (HMAC) from
 * it, so the province key itself stays in main. Every terminal of the province derives the same.
 */
export function deriveProvinceIdHashKey(provinceKey: Buffer): string {
  return createHmac('sha256', provinceKey).update('applicant-id-hash-v2').digest('hex');
}

/** A short public fingerprint of a lookup key (to notice that it changed), not usable to hash. */
export function idHashKeyId(key: string): string {
  return createHmac('sha256', Buffer.from(key, 'hex')).update('key-id').digest('hex').slice(0, 16);
}
