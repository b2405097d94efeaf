/**
 * 电子印章 (electronic seals), format TTSEAL-1: what the platform (the seal authority in the reference
 * setup) issues, what a terminal embeds in the documents it generates, and the offline verification
 * every terminal and the platform CLI run. Pure (no Node, no DOM): SM2 signatures over SM3 digests
 * (GM/T 0003 / GM/T 0004) with `sm-crypto-v2`; canonical JSON (sorted keys) is what is signed.
 *
 * - The platform holds one SM2 **root key** (`platform_secrets` `seal-root-key`).
 * - Each terminal generates its own SM2 key pair; the private key never leaves main's secret store.
 *   It sends the public key with a proof of possession (`sealRequest`: its SM2 signature over the
 *   request text) at enrollment, and the platform answers a **seal certificate**: the station's seal
 *   (station id and name, seal name, validity) bound to that terminal's public key, signed by the root.
 *   A station with several terminals thus has one seal and several signing keys; revoking or losing a
 *   terminal never touches the others.
 * - A sealed PDF carries the seal drawn in red (vector, from the certificate's names) and a PDF
 *   signature dictionary (`/Filter /TT.SealSM2 /SubFilter /TTSEAL.1`) whose `/Contents` is the hex of
 *   a `SealSignature` (JSON) and whose `/ByteRange` covers every byte of the file except `/Contents`
 *   (ISO 32000-1 §12.8). The digest is SM3 over those bytes.
 * - A sealed document's verification QR (`TTSQ1:` + base64url JSON) carries the certificate, the
 *   document's key facts and an SM2 signature over them, so a scanner verifies paper offline too.
 *
 * Design notes and the relation to GB/T 38540: docs/ARCHITECTURE.md "电子印章".
 */
import type { z } from 'zod';
import { sm2, sm3 } from 'sm-crypto-v2';
import { canonicalJson } from './canonical';

import {
  SEAL_FORMAT,
  SEAL_QR_PREFIX,
  SEAL_MAX_FILE_BYTES,
  SEAL_MAX_QR_CHARS,
  sealSignature,
  sealQrPayload,
  type sealedDocumentInfo,
  type SealRequest,
  type SealCertificate,
  type SealSignature,
  type SealQrPayload,
  type SealVerification,
  type SealFailure,
} from './seal-format';

export * from './seal-format';

// ---------------------------------------------------------------- crypto

const utf8 = (s: string) => new TextEncoder().encode(s);
const without = <T extends Record<string, unknown>>(o: T, key: keyof T): Omit<T, typeof key> => {
  const c: Record<string, unknown> = { ...o };
  delete c[key as string];
  return c as Omit<T, typeof key>;
};

/** Whether a hex key is an uncompressed point on the SM2 curve. */
export function isSm2PublicKey(publicKey: string): boolean {
  try {
    return sm2.verifyPublicKey(publicKey);
  } catch {
    return false;
  }
}

/** SM3 of bytes (or UTF-8 text), hex. */
export function sm3Hex(data: Uint8Array | string): string {
  return sm3(typeof data === 'string' ? utf8(data) : data);
}

/** A new SM2 key pair (hex: public `04…` 130 digits, private 64 digits). */
export function newSm2KeyPair(): { publicKey: string; privateKey: string } {
  const k = sm2.generateKeyPairHex();
  return { publicKey: k.publicKey, privateKey: k.privateKey };
}

export function publicKeyOf(privateKey: string): string {
  return sm2.getPublicKeyFromPrivateKey(privateKey);
}

/** SM2 signature (GM/T 0003, with Z over the default user id 1234567812345678; e = SM3(Z‖M)), hex r‖s. */
export function sm2Sign(message: string, privateKey: string, publicKey?: string): string {
  return sm2.doSignature(utf8(message), privateKey, { hash: true, publicKey: publicKey ?? publicKeyOf(privateKey) });
}

export function sm2Verify(message: string, signature: string, publicKey: string): boolean {
  try {
    return /^[0-9a-f]{128}$/.test(signature) && sm2.doVerifySignature(utf8(message), signature, publicKey, { hash: true });
  } catch {
    return false;
  }
}

export const rootKeyId = (rootPublicKey: string): string => sm3Hex(rootPublicKey).slice(0, 16);

/** The text a terminal signs to prove it holds the key it asks a certificate for. */
export const sealRequestText = (publicKey: string): string => `TTSEAL-1 seal certificate request for ${publicKey}`;

export function makeSealRequest(privateKey: string): SealRequest {
  const publicKey = publicKeyOf(privateKey);
  return { publicKey, proof: sm2Sign(sealRequestText(publicKey), privateKey, publicKey) };
}

export function checkSealRequest(r: SealRequest): boolean {
  return isSm2PublicKey(r.publicKey) && sm2Verify(sealRequestText(r.publicKey), r.proof, r.publicKey);
}

/** The platform side: signs a certificate with the root key. */
export function issueSealCertificate(
  fields: Omit<SealCertificate, 'version' | 'rootKeyId' | 'signature'>,
  rootPrivateKey: string,
): SealCertificate {
  const rootPublicKey = publicKeyOf(rootPrivateKey);
  const body = { version: 1 as const, ...fields, rootKeyId: rootKeyId(rootPublicKey) };
  return { ...body, signature: sm2Sign(canonicalJson(body), rootPrivateKey, rootPublicKey) };
}

export function certificateSignedBy(cert: SealCertificate, rootPublicKey: string): boolean {
  return cert.rootKeyId === rootKeyId(rootPublicKey) && sm2Verify(canonicalJson(without(cert, 'signature')), cert.signature, rootPublicKey);
}

export function signSealSignature(body: Omit<SealSignature, 'signature'>, privateKey: string): SealSignature {
  return { ...body, signature: sm2Sign(canonicalJson(body), privateKey, body.certificate.publicKey) };
}

export function signSealQr(body: Omit<SealQrPayload, 'signature'>, privateKey: string): string {
  const payload: SealQrPayload = { ...body, signature: sm2Sign(canonicalJson(body), privateKey, body.certificate.publicKey) };
  return encodeSealQr(payload);
}

const hexToB64 = (h: string): string => base64url(Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16)));
const b64ToHex = (b: unknown): unknown => (typeof b === 'string' ? [...fromBase64url(b)].map((x) => x.toString(16).padStart(2, '0')).join('') : b);

/**
 * The QR text: `TTSQ1:` + base64url of a JSON array (positions instead of member names, binary
 * values as base64url instead of hex) — a smaller code for the same signed payload.
 */
export function encodeSealQr(p: SealQrPayload): string {
  const c = p.certificate;
  const d = p.document;
  const compact = [
    1,
    [c.serial, c.rootKeyId, c.stationId, c.stationName, c.sealName, c.terminalId, hexToB64(c.publicKey), c.notBefore, c.notAfter, hexToB64(c.signature)].map((v, i) => (i < 2 ? hexToB64(v) : v)),
    [d.kind, d.id, d.title, d.stationId],
    p.signedAt,
    p.facts,
    hexToB64(p.signature),
  ];
  return SEAL_QR_PREFIX + base64url(utf8(JSON.stringify(compact)));
}

/** The payload object of a QR text (throws on anything malformed; zod checks the shape after). */
function decodeSealQr(s: string): unknown {
  const a: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(s.slice(SEAL_QR_PREFIX.length))));
  if (!Array.isArray(a) || a[0] !== 1 || a.length !== 6 || !Array.isArray(a[1]) || a[1].length !== 10 || !Array.isArray(a[2]) || a[2].length !== 4) throw new Error('not a TTSQ1 array');
  const c = a[1] as unknown[];
  const d = a[2] as unknown[];
  return {
    certificate: {
      version: 1,
      serial: b64ToHex(c[0]),
      rootKeyId: b64ToHex(c[1]),
      stationId: c[2],
      stationName: c[3],
      sealName: c[4],
      terminalId: c[5],
      publicKey: b64ToHex(c[6]),
      notBefore: c[7],
      notAfter: c[8],
      signature: b64ToHex(c[9]),
    },
    document: { kind: d[0], id: d[1], title: d[2], stationId: d[3] },
    signedAt: a[3],
    facts: a[4],
    signature: b64ToHex(a[5]),
  };
}

// ---------------------------------------------------------------- verification

export interface VerifyOptions {
  /** The platform root public key this verifier trusts (from enrollment, or the platform's database). */
  rootPublicKey: string | null;
  /** When set, the document must come from this station. */
  expectStationId?: string;
}

type Partial_ = Pick<SealVerification, 'station' | 'sealName' | 'terminalId' | 'signedAt' | 'document' | 'certificate' | 'facts'>;
const EMPTY: Partial_ = { station: null, sealName: null, terminalId: null, signedAt: null, document: null, certificate: null, facts: [] };

function result(source: 'pdf' | 'qr', checks: SealVerification['checks'], info: Partial_, failure: SealFailure | null, reason: string): SealVerification {
  return { ok: failure === null, failure, reason, source, checks, ...info };
}

/** The checks common to a PDF and a QR once the signed data is parsed: signature, chain, validity, station. */
function checkSigned(
  source: 'pdf' | 'qr',
  checks: SealVerification['checks'],
  signed: { certificate: SealCertificate; document: z.infer<typeof sealedDocumentInfo>; signedAt: string; signature: string },
  message: string,
  info: Partial_,
  o: VerifyOptions,
): SealVerification {
  const c = signed.certificate;
  if (!sm2Verify(message, signed.signature, c.publicKey)) {
    checks.push({ check: 'signature', ok: false });
    return result(source, checks, info, 'SIGNATURE_INVALID', 'the SM2 signature does not match the seal certificate’s key (the seal data was changed, or another key signed it)');
  }
  checks.push({ check: 'signature', ok: true });
  if (!o.rootPublicKey) return result(source, checks, info, 'NO_TRUST_ROOT', 'this verifier has no platform root key (enroll the terminal, or give the platform’s root public key)');
  if (!certificateSignedBy(c, o.rootPublicKey)) {
    checks.push({ check: 'chain', ok: false });
    return result(source, checks, info, 'CERT_UNTRUSTED', `the seal certificate ${c.serial} was not issued by the trusted platform root`);
  }
  checks.push({ check: 'chain', ok: true });
  const at = Date.parse(signed.signedAt);
  if (at > Date.parse(c.notAfter)) {
    checks.push({ check: 'validity', ok: false });
    return result(source, checks, info, 'CERT_EXPIRED', `the seal certificate expired at ${c.notAfter}, before the document was signed (${signed.signedAt})`);
  }
  if (at < Date.parse(c.notBefore)) {
    checks.push({ check: 'validity', ok: false });
    return result(source, checks, info, 'CERT_NOT_YET_VALID', `the seal certificate is valid from ${c.notBefore}, after the document was signed (${signed.signedAt})`);
  }
  checks.push({ check: 'validity', ok: true });
  if (signed.document.stationId !== c.stationId || (o.expectStationId !== undefined && o.expectStationId !== c.stationId)) {
    checks.push({ check: 'station', ok: false });
    const claimed = o.expectStationId !== undefined && o.expectStationId !== c.stationId ? o.expectStationId : signed.document.stationId;
    return result(source, checks, info, 'STATION_MISMATCH', `the seal certificate belongs to station ${c.stationId} (${c.stationName}), the document is of station ${claimed}`);
  }
  checks.push({ check: 'station', ok: true });
  return result(source, checks, info, null, `valid seal of ${c.stationName} (${c.stationId}), signed ${signed.signedAt} by terminal ${c.terminalId}`);
}

function infoOf(s: { certificate: SealCertificate; document: z.infer<typeof sealedDocumentInfo>; signedAt: string }, facts: [string, string][] = []): Partial_ {
  const c = s.certificate;
  return {
    station: { id: c.stationId, name: c.stationName },
    sealName: c.sealName,
    terminalId: c.terminalId,
    signedAt: s.signedAt,
    document: { kind: s.document.kind, id: s.document.id, title: s.document.title },
    certificate: { serial: c.serial, notBefore: c.notBefore, notAfter: c.notAfter },
    facts,
  };
}

const latin1 = (b: Uint8Array, from = 0, to = b.length): string => {
  let s = '';
  for (let i = from; i < to; i += 8192) s += String.fromCharCode(...b.subarray(i, Math.min(to, i + 8192)));
  return s;
};

/** Where the signature dictionary's `/ByteRange` and `/Contents` are in a file (the last one). */
export function findSealPlaceholder(pdf: Uint8Array): { byteRange: [number, number, number, number] | null; at: number } {
  const tail = latin1(pdf);
  const at = tail.lastIndexOf('/ByteRange');
  if (at < 0) return { byteRange: null, at: -1 };
  const m = /^\/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]/.exec(tail.slice(at, at + 120));
  if (!m) return { byteRange: null, at };
  return { byteRange: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])], at };
}

/** SM3 over the two ranges of a byte range. */
export function byteRangeDigest(pdf: Uint8Array, br: readonly [number, number, number, number]): string {
  const joined = new Uint8Array(br[1] + br[3]);
  joined.set(pdf.subarray(br[0], br[0] + br[1]), 0);
  joined.set(pdf.subarray(br[2], br[2] + br[3]), br[1]);
  return sm3Hex(joined);
}

/** Verifies a sealed PDF offline: structure, digest, signature, certificate chain, validity at signing time, station. */
export function verifySealedPdf(pdf: Uint8Array, o: VerifyOptions): SealVerification {
  const checks: SealVerification['checks'] = [];
  const fail = (f: SealFailure, reason: string, info: Partial_ = EMPTY) => {
    checks.push({ check: 'format', ok: false });
    return result('pdf', checks, info, f, reason);
  };
  if (pdf.length > SEAL_MAX_FILE_BYTES) return fail('TOO_LARGE', `the file is larger than ${SEAL_MAX_FILE_BYTES} bytes, the most the verifier reads (a sealed document is far smaller)`);
  if (pdf.length < 8 || latin1(pdf, 0, 5) !== '%PDF-') return fail('NOT_PDF', 'the file is not a PDF (it does not start with %PDF-)');
  const { byteRange: br, at } = findSealPlaceholder(pdf);
  if (at < 0) return fail('NOT_SEALED', 'the PDF carries no electronic seal (no signature dictionary)');
  if (!br) return fail('STRUCTURE_INVALID', 'the seal’s /ByteRange is damaged');
  const [a, b, c, d] = br;
  if (a !== 0 || b <= 0 || c <= b + 1 || c + d !== pdf.length || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) {
    return fail('STRUCTURE_INVALID', c + d !== pdf.length ? `the file is ${pdf.length} bytes but the seal covers ${c + d}: it is incomplete or was changed after sealing` : 'the seal’s /ByteRange does not frame its /Contents');
  }
  const hexText = latin1(pdf, b + 1, c - 1);
  if (!/^[0-9a-fA-F]*$/.test(hexText) || hexText.length % 2) return fail('SEAL_DATA_INVALID', 'the seal’s /Contents is not a hex string (the seal data was changed)');
  const trimmed = hexText.replace(/(00)+$/, '');
  let parsed: SealSignature;
  try {
    const bytes = new Uint8Array(trimmed.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(trimmed.slice(2 * i, 2 * i + 2), 16);
    const r = sealSignature.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    if (!r.success) return fail('SEAL_DATA_INVALID', `the seal data is not a ${SEAL_FORMAT} signature (${r.error.issues[0]?.path.join('.') ?? '?'}: ${r.error.issues[0]?.message ?? ''})`);
    parsed = r.data;
  } catch {
    return fail('SEAL_DATA_INVALID', 'the seal data is unreadable (the seal was changed)');
  }
  const info = infoOf(parsed);
  if (parsed.byteRange.some((x, i) => x !== br[i])) return fail('STRUCTURE_INVALID', 'the signed byte range differs from the file’s /ByteRange', info);
  checks.push({ check: 'format', ok: true });
  if (byteRangeDigest(pdf, br) !== parsed.digest) {
    checks.push({ check: 'digest', ok: false });
    return result('pdf', checks, info, 'DIGEST_MISMATCH', 'the SM3 digest of the document does not match the sealed digest: the document was changed after sealing');
  }
  checks.push({ check: 'digest', ok: true });
  return checkSigned('pdf', checks, parsed, canonicalJson(without(parsed, 'signature')), info, o);
}

/** Verifies a scanned verification QR offline (the facts it carries are what the paper must show). */
export function verifySealQr(qr: string, o: VerifyOptions): SealVerification {
  const checks: SealVerification['checks'] = [];
  const bad = (reason: string) => {
    checks.push({ check: 'format', ok: false });
    return result('qr', checks, EMPTY, 'QR_INVALID', reason);
  };
  const s = qr.trim();
  if (s.length > SEAL_MAX_QR_CHARS) return bad(`the QR text is ${s.length} characters; a seal QR has at most ${SEAL_MAX_QR_CHARS}`);
  if (!s.startsWith(SEAL_QR_PREFIX)) return bad(`not a seal verification QR (it does not start with ${SEAL_QR_PREFIX})`);
  let payload: SealQrPayload;
  try {
    const r = sealQrPayload.safeParse(decodeSealQr(s));
    if (!r.success) return bad(`the QR’s seal data is incomplete (${r.error.issues[0]?.path.join('.') ?? '?'})`);
    payload = r.data;
  } catch {
    return bad('the QR’s seal data is unreadable (damaged or cut off)');
  }
  checks.push({ check: 'format', ok: true });
  return checkSigned('qr', checks, payload, canonicalJson(without(payload, 'signature')), infoOf(payload, payload.facts), o);
}

// ---------------------------------------------------------------- base64url (no Buffer: also runs in the renderer)

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '') + (i + 2 < bytes.length ? B64[n & 63]! : '');
  }
  return out;
}

export function fromBase64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) throw new Error('not base64url');
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 4) {
    const v = [0, 1, 2, 3].map((j) => (i + j < s.length ? B64.indexOf(s[i + j]!) : -1));
    const n = (v[0]! << 18) | (v[1]! << 12) | (Math.max(v[2]!, 0) << 6) | Math.max(v[3]!, 0);
    out.push((n >> 16) & 255);
    if (v[2]! >= 0) out.push((n >> 8) & 255);
    if (v[3]! >= 0) out.push(n & 255);
  }
  return new Uint8Array(out);
}
