/**
 * Field encryption per application (renderer/db/field-encryption.ts): encrypt + decrypt of the
 * three encrypted members of an application (`applicant`, `agent`, `formData`), caches off, the
 * old way (crypto-js `encryptString`/`decryptString`: an MD5 key derivation per call) against the
 * new (AES-256-GCM on WebCrypto, the key derived once per database). Old and new alternate round by
 * round, so both see the same machine load.
 *   field-encryption-old-per-app    crypto-js, one application after the other
 *   field-encryption-new-per-app    WebCrypto, one application after the other (each call awaited)
 *   field-encryption-new-batch      WebCrypto, a batch of 100 applications at once (as rxdb's wrapper
 *                                   does for a bulk write or a query result), per application
 *   field-encryption-key-derivation the once-per-database HKDF (per open)
 *   field-encryption-base64url-decode  decoding one stored member's ciphertext (every decryption):
 *                                   the table decoder against the one before it (a regex check, two
 *                                   replaces and atob), alternated round by round, µs per call
 * Env: BENCH_APPS (1000 per round), BENCH_ROUNDS (7).
 * Run: node --import tsx bench/field-encryption.bench.ts
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { decryptString, encryptString } from 'rxdb/plugins/encryption-crypto-js';
import { exampleApplication } from '../sync/protocol/index';
import { toLocal } from '../renderer/db/modifiers';
import { CIPHER_PREFIX, deriveFieldKey, FieldCipher, fromBase64Url, toBase64Url } from '../renderer/db/field-encryption';
import { median, report } from './stats';

const APPS = Number(process.env.BENCH_APPS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PASSWORD = 'bench-password-0123456789abcdef0123456789';
const MEMBERS = ['applicant', 'agent', 'formData'] as const;

const apps = Array.from({ length: APPS }, (_, i) =>
  toLocal('applications', exampleApplication({ status: 'submitted', applicant: { name: `居民${i}`, idType: 'resident_id', idNumber: '360121195001011234', phone: '13800000000', address: '莲塘镇东街12号' }, agent: { kind: 'relative', name: `亲属${i}`, idNumber: '360121198001011111' } })),
) as Record<string, unknown>[];
const bytes = apps.reduce((n, a) => n + MEMBERS.reduce((m, k) => m + JSON.stringify(a[k]).length, 0), 0) / APPS;

const salt = globalThis.crypto.getRandomValues(new Uint8Array(32));
const kd: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  await deriveFieldKey(PASSWORD, salt);
  kd.push(performance.now() - t);
}
const key = await deriveFieldKey(PASSWORD, salt);

function oldRound(): number {
  const t = performance.now();
  for (const a of apps) {
    for (const k of MEMBERS) {
      const c = encryptString(JSON.stringify(a[k]), PASSWORD);
      JSON.parse(decryptString(c, PASSWORD));
    }
  }
  return (performance.now() - t) / APPS;
}

async function newRound(): Promise<number> {
  const cipher = new FieldCipher(PASSWORD, key, MEMBERS, 'id', 'applications', 0);
  const t = performance.now();
  for (const a of apps) await cipher.fromStorage(await cipher.toStorage(a));
  return (performance.now() - t) / APPS;
}

async function newBatchRound(): Promise<number> {
  const cipher = new FieldCipher(PASSWORD, key, MEMBERS, 'id', 'applications', 0);
  const t = performance.now();
  for (let i = 0; i < apps.length; i += 100) {
    const stored = await Promise.all(apps.slice(i, i + 100).map((a) => cipher.toStorage(a)));
    await Promise.all(stored.map((s) => cipher.fromStorage(s)));
  }
  return (performance.now() - t) / APPS;
}

// check once that the round trip is right
const check = new FieldCipher(PASSWORD, key, MEMBERS, 'id', 'applications', 0);
if (JSON.stringify(await check.fromStorage(await check.toStorage(apps[0]!))) !== JSON.stringify(apps[0])) throw new Error('round trip differs');

/** The decoder before the table one (f50722b's parent): the baseline of the base64url line. */
function atobDecode(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
// The ciphertexts of the members as stored (IV ‖ ciphertext ‖ tag, base64url, without the prefix).
const sealed = await Promise.all(apps.slice(0, 300).flatMap((a) => MEMBERS.map(async (k) => {
  const c = new FieldCipher(PASSWORD, key, MEMBERS, 'id', 'applications', 0);
  return (await c.encryptMember(String(a.id), k, a[k])).slice(CIPHER_PREFIX.length);
})));
for (const t of sealed) if (toBase64Url(fromBase64Url(t)!) !== t || toBase64Url(atobDecode(t)!) !== t) throw new Error('base64url decoders disagree');
function decodeRound(decode: (t: string) => Uint8Array | null): number {
  const t0 = performance.now();
  for (let r = 0; r < 20; r++) for (const t of sealed) decode(t);
  return ((performance.now() - t0) * 1000) / (20 * sealed.length);
}
const b64Old: number[] = [];
const b64New: number[] = [];

const old: number[] = [];
const neu: number[] = [];
const batch: number[] = [];
const loads: number[] = [];
oldRound();
await newRound();
for (let r = 0; r < ROUNDS; r++) {
  loads.push(loadavg()[0]!);
  old.push(oldRound());
  neu.push(await newRound());
  batch.push(await newBatchRound());
  b64Old.push(decodeRound(atobDecode));
  b64New.push(decodeRound(fromBase64Url));
}
const common = { unit: 'ms', apps: APPS, membersPerApp: MEMBERS.length, plainCharsPerApp: Math.round(bytes), loadavg: loads };
report({ name: 'field-encryption-old-per-app', ...common, median: median(old), samples: old });
report({ name: 'field-encryption-new-per-app', ...common, median: median(neu), samples: neu, speedup: median(old) / median(neu) });
report({ name: 'field-encryption-new-batch', ...common, median: median(batch), samples: batch, speedup: median(old) / median(batch) });
report({ name: 'field-encryption-key-derivation', unit: 'ms', median: median(kd), samples: kd });
report({ name: 'field-encryption-base64url-decode', unit: 'µs', median: median(b64New), samples: b64New, baseline: 'regex + replaces + atob', baselineMedian: median(b64Old), baselineSamples: b64Old, speedup: median(b64Old) / median(b64New), ciphertexts: sealed.length, meanChars: Math.round(sealed.reduce((n, t) => n + t.length, 0) / sealed.length) });
