// The electronic ID QR code (可信身份认证): its text, the platform's issue and redeem
// calls, the refusal codes with their Chinese text. Pure (zod and TypeScript, no Node built-ins):
// shared by the platform (sync/server/identity), main (sync/client/id-qr.ts) and the kiosk page.
//
// Wire form (what the phone app shows and the scanner types, ASCII only, ≤ 1024 characters):
//
//   TTID1.<claims: base64url of UTF-8 JSON>.<signature: base64url, 64 bytes Ed25519>
//
// The signature covers the ASCII bytes of `TTID1.<claims>`. The claims carry no personal data: the
// holder's identity stays on the issuing platform, found by the code's one-time id (`jti`) when a
// terminal redeems it, and is bound to the code by `hb` (a keyed MAC over jti, ID number and name
// that only the issuer can compute or check). A code is short-lived (`exp` − `iat` ≤ 300 s) and
// single use (the issuer stores every `jti` and refuses a second redemption).
import { z } from 'zod';
import { API_PREFIX } from './common';

export const ID_QR_PREFIX = 'TTID';
export const ID_QR_VERSION = 1;
/** Longest text a terminal sends for redemption (a real code is ≈ 250 characters). */
export const ID_QR_MAX_LENGTH = 1024;
/** Longest life of a code the reference issuer signs, and the default. */
export const ID_QR_MAX_TTL_SECONDS = 300;
export const ID_QR_DEFAULT_TTL_SECONDS = 90;

export const idQrPaths = {
  /** Admin token (the reference setup's stand-in for the province's phone app back end). */
  issue: `${API_PREFIX}/identity/qr/issue`,
  /** Terminal token: verify and use up a code; answers the holder's identity. */
  redeem: `${API_PREFIX}/identity/qr/redeem`,
} as const;

const b64url = (bytes: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`), `expected ${bytes} bytes in base64url`);

/** The signed claims. Strict: an unknown member is a malformed code. */
export const idQrClaims = z.strictObject({
  v: z.literal(ID_QR_VERSION),
  /** Issuer name, e.g. `ref-platform`. */
  iss: z.string().regex(/^[a-z0-9.-]{1,40}$/),
  /** Key id: which of the issuer's keys signed (base64url, 8 bytes of the public key's SHA-256). */
  kid: b64url(8),
  /** One-time id (16 random bytes). */
  jti: b64url(16),
  /** Issued at, Unix seconds. */
  iat: z.int().min(1_600_000_000).max(4_000_000_000),
  /** Expires at, Unix seconds. */
  exp: z.int().min(1_600_000_000).max(4_000_000_000),
  /** Holder binding: HMAC-SHA256(issuer key, jti ‖ ID number ‖ name), first 16 bytes. */
  hb: b64url(16),
});
export type IdQrClaims = z.infer<typeof idQrClaims>;

/**
 * The platform's refusals of a code. They cross to the kiosk as the bridge error code alone: the
 * kiosk says each in its own words (renderer catalogue `kiosk.idQr.errors.<code>`, zh-CN and en-US).
 */
export const ID_QR_REFUSAL_CODES = ['ID_QR_MALFORMED', 'ID_QR_UNSUPPORTED_VERSION', 'ID_QR_FORGED', 'ID_QR_EXPIRED', 'ID_QR_REPLAYED', 'ID_QR_UNKNOWN'] as const;
export type IdQrRefusalCode = (typeof ID_QR_REFUSAL_CODES)[number];

/** HTTP status of each refusal (never 401/410: those mean "bad terminal token" / "upgrade" to the transport). */
export const ID_QR_HTTP_STATUS: Record<IdQrRefusalCode, number> = {
  ID_QR_MALFORMED: 400,
  ID_QR_UNSUPPORTED_VERSION: 400,
  ID_QR_FORGED: 422,
  ID_QR_EXPIRED: 422,
  ID_QR_REPLAYED: 409,
  ID_QR_UNKNOWN: 422,
};

export const isIdQrRefusalCode = (code: unknown): code is IdQrRefusalCode => typeof code === 'string' && (ID_QR_REFUSAL_CODES as readonly string[]).includes(code);

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url → bytes, or null when it is not base64url (pure: no Buffer). */
export function base64UrlToBytes(text: string): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type ParsedIdQr =
  | { ok: true; claims: IdQrClaims; signedText: string; signature: Uint8Array }
  | { ok: false; code: 'ID_QR_MALFORMED' | 'ID_QR_UNSUPPORTED_VERSION'; reason: string };

/**
 * Splits and checks the text of a scanned code (shape only: the signature, expiry and single use are
 * the issuer's to check). `reason` is English, for logs and APIs; it never quotes the input.
 */
export function parseIdQr(text: unknown): ParsedIdQr {
  const bad = (reason: string): ParsedIdQr => ({ ok: false, code: 'ID_QR_MALFORMED', reason });
  if (typeof text !== 'string') return bad('the code is not text');
  if (text.length === 0) return bad('the code is empty');
  if (text.length > ID_QR_MAX_LENGTH) return bad(`the code is ${text.length} characters long; an ID QR code has at most ${ID_QR_MAX_LENGTH}`);
  const m = /^TTID(\d{1,3})\./.exec(text);
  if (!m) return bad('the code does not start with TTID<version>. (not an electronic ID QR code)');
  if (Number(m[1]) !== ID_QR_VERSION) return { ok: false, code: 'ID_QR_UNSUPPORTED_VERSION', reason: `version ${Number(m[1])} is not supported; this terminal reads version ${ID_QR_VERSION}` };
  const parts = text.split('.');
  if (parts.length !== 3) return bad(`the code has ${parts.length} dot-separated parts; expected 3 (TTID1.<claims>.<signature>)`);
  const [, claimsText, sigText] = parts as [string, string, string];
  const claimBytes = base64UrlToBytes(claimsText);
  if (!claimBytes || claimBytes.length === 0) return bad('the claims part is not base64url');
  const signature = base64UrlToBytes(sigText);
  if (!signature) return bad('the signature part is not base64url');
  if (signature.length !== 64) return bad(`the signature is ${signature.length} bytes; expected 64`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(claimBytes));
  } catch {
    return bad('the claims are not UTF-8 JSON');
  }
  if (json && typeof json === 'object' && 'v' in json && (json as { v: unknown }).v !== ID_QR_VERSION) {
    return { ok: false, code: 'ID_QR_UNSUPPORTED_VERSION', reason: `claims version ${JSON.stringify((json as { v: unknown }).v).slice(0, 20)} is not supported` };
  }
  const r = idQrClaims.safeParse(json);
  if (!r.success) return bad(`the claims do not match the ID QR schema (${r.error.issues.map((i) => i.path.join('.') || '(root)').slice(0, 5).join(', ')})`);
  if (r.data.exp <= r.data.iat || r.data.exp - r.data.iat > ID_QR_MAX_TTL_SECONDS) return bad(`the code's lifetime (${r.data.exp - r.data.iat} s) is outside 1–${ID_QR_MAX_TTL_SECONDS} s`);
  return { ok: true, claims: r.data, signedText: `${parts[0]}.${claimsText}`, signature };
}

// ---------------------------------------------------------------- the platform's calls

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** The holder's identity: the fields a card read gives the kiosk (name, number, sex, birth date, address). */
export const idQrHolder = z.strictObject({
  name: z.string().trim().min(1).max(60),
  /** 18-character resident ID number (GB 11643). */
  idNumber: z.string().regex(/^\d{17}[\dX]$/, 'expected an 18-character resident ID number'),
  sex: z.enum(['male', 'female', 'unknown']),
  nation: z.string().max(20).optional(),
  birthDate: isoDay,
  address: z.string().max(120).optional(),
  /** The ID card's validity end, when the issuer knows it. */
  validTo: z.union([isoDay, z.literal('long-term')]).optional(),
});
export type IdQrHolder = z.infer<typeof idQrHolder>;

export const idQrIssueRequest = z.strictObject({
  holder: idQrHolder,
  ttlSeconds: z.int().min(10).max(ID_QR_MAX_TTL_SECONDS).optional(),
});
export type IdQrIssueRequest = z.infer<typeof idQrIssueRequest>;

export const idQrIssueResponse = z.strictObject({ code: z.string().max(ID_QR_MAX_LENGTH), expiresAt: z.iso.datetime() });
export type IdQrIssueResponse = z.infer<typeof idQrIssueResponse>;

/** The body of a redemption: the text as scanned (checked by `parseIdQr` on the platform, not here, so garbage gets its own reason). */
export const idQrRedeemRequest = z.strictObject({ code: z.string() });

export const idQrRedeemResponse = z.strictObject({
  holder: idQrHolder,
  issuer: z.string().max(40),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type IdQrRedeemResponse = z.infer<typeof idQrRedeemResponse>;
