// PIN verifiers of staff members (scrypt): made by the platform when a PIN is set, checked online at
// login here and offline on the terminal with the cached verifier.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { PinVerifier } from '../../protocol/index';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

export async function makePinVerifier(pin: string): Promise<PinVerifier> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, keyLength: SCRYPT.keyLength };
}

export async function verifyPin(pin: string, v: PinVerifier): Promise<boolean> {
  const expected = Buffer.from(v.hash, 'base64');
  const got = await scrypt(pin, Buffer.from(v.salt, 'base64'), v.keyLength, { N: v.N, r: v.r, p: v.p, maxmem: 256 * 1024 * 1024 });
  return got.length === expected.length && timingSafeEqual(got, expected);
}
