/**
 * Offline PIN check (sync/README §7): scrypt(pin, salt, keyLength, {N, r, p}) == hash, compared in
 * constant time. Runs in main (node:crypto); the page never sees a verifier.
 */
import { scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PinVerifier } from '../../sync/protocol';

/** Largest scrypt memory we agree to spend on one check (a hostile verifier must not exhaust RAM). */
export const MAX_SCRYPT_MEM = 256 * 1024 * 1024;

const scrypt = (pin: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(pin, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));

export async function verifyPin(pin: string, v: PinVerifier): Promise<boolean> {
  const need = 128 * v.N * v.r * (v.p + 1) + 1024 * 1024;
  if (need > MAX_SCRYPT_MEM) throw new Error('pin verifier parameters are too expensive');
  const expected = Buffer.from(v.hash, 'base64');
  const got = await scrypt(pin, Buffer.from(v.salt, 'base64'), v.keyLength, { N: v.N, r: v.r, p: v.p, maxmem: need });
  return got.length === expected.length && timingSafeEqual(got, expected);
}
