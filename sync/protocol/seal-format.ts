/**
 * 电子印章 format TTSEAL-1: the schemas only (zod, no crypto), so the API schemas (api.ts) and the
 * renderer can name them without loading SM2. The crypto and the verification: ./seal.ts.
 */
import { z } from 'zod';

export const SEAL_FORMAT = 'TTSEAL-1';
export const SEAL_QR_PREFIX = 'TTSQ1:';
/** PDF names of the signature dictionary. */
export const SEAL_PDF_FILTER = 'TT.SealSM2';
export const SEAL_PDF_SUBFILTER = 'TTSEAL.1';
/** The largest file the verifier reads (a sealed receipt is ≈ 40 KB). */
export const SEAL_MAX_FILE_BYTES = 8 * 1024 * 1024;
/** The largest QR text the verifier reads. */
export const SEAL_MAX_QR_CHARS = 4000;

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const iso = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().min(1).max(max);

/** An SM2 public key, uncompressed (`04` ‖ x ‖ y, hex); whether it is on the curve is checked where it is used (`isSm2PublicKey`). */
export const sm2PublicKey = z.string().regex(/^04[0-9a-f]{128}$/);

/** What a terminal sends to get a seal certificate: its public key and the proof it holds the private key. */
export const sealRequest = z.strictObject({
  publicKey: sm2PublicKey,
  /** SM2 signature (hex r‖s) by that key over `sealRequestText(publicKey)`. */
  proof: hex(128),
});
export type SealRequest = z.infer<typeof sealRequest>;

/** The seal certificate: the station's seal bound to one terminal's signing key, signed by the platform root. */
export const sealCertificate = z.strictObject({
  version: z.literal(1),
  serial: hex(32),
  /** The first 16 hex digits of SM3(root public key): which root signed it. */
  rootKeyId: hex(16),
  stationId: text(64),
  stationName: text(100),
  /** The seal's name as drawn on documents, e.g. `某某镇便民服务中心`. */
  sealName: text(60),
  terminalId: text(64),
  publicKey: sm2PublicKey,
  notBefore: iso,
  notAfter: iso,
  /** The root's SM2 signature (hex r‖s) over the canonical JSON of every other member. */
  signature: hex(128),
});
export type SealCertificate = z.infer<typeof sealCertificate>;

/** What the platform hands to a terminal with its certificate. */
export const sealIssue = z.strictObject({ certificate: sealCertificate, rootPublicKey: sm2PublicKey });
export type SealIssue = z.infer<typeof sealIssue>;

/** The document a seal signature covers (facts the verifier shows). */
export const sealedDocumentInfo = z.strictObject({
  kind: text(40),
  id: text(120),
  title: text(200),
  /** The station the document says issued it; must be the certificate's. */
  stationId: text(64),
});

/** The `/Contents` of a sealed PDF (JSON). */
export const sealSignature = z.strictObject({
  format: z.literal(SEAL_FORMAT),
  certificate: sealCertificate,
  document: sealedDocumentInfo,
  signedAt: iso,
  byteRange: z.tuple([z.int().min(0), z.int().min(0), z.int().min(0), z.int().min(0)]),
  /** SM3 of the bytes `byteRange` covers, hex. */
  digest: hex(64),
  /** The terminal key's SM2 signature over the canonical JSON of every other member. */
  signature: hex(128),
});
export type SealSignature = z.infer<typeof sealSignature>;

/** The verification QR's content (after `TTSQ1:` and base64url). */
export const sealQrPayload = z.strictObject({
  certificate: sealCertificate,
  document: sealedDocumentInfo,
  signedAt: iso,
  /** The printed facts a person compares with the paper (label, value), masked as printed. */
  facts: z.array(z.tuple([z.string().max(40), z.string().max(60)])).max(6),
  signature: hex(128),
});
export type SealQrPayload = z.infer<typeof sealQrPayload>;

/** `GET /api/v1/seal/root` (public): `{ rootPublicKey }`, the key every seal certificate of this platform chains to. */
export const SEAL_ROOT_PATH = '/api/v1/seal/root';
export const sealRootResponse = z.object({ rootPublicKey: sm2PublicKey.nullable() });

/** `POST /api/v1/terminals/seal`: a (new) seal certificate for the calling terminal's key. */
export const SEAL_CERTIFICATE_PATH = '/api/v1/terminals/seal';
export const sealCertificateRequest = z.strictObject({
  request: sealRequest,
  /** Only from a station hub, forwarding the request of one of its hall's terminals: that terminal's id. */
  forTerminal: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});
export type SealCertificateRequest = z.infer<typeof sealCertificateRequest>;

// ---------------------------------------------------------------- verification result

export type SealCheck = 'format' | 'digest' | 'signature' | 'chain' | 'validity' | 'station';

/** Why verification failed (stable codes; the UI has a message for each). */
export const SEAL_FAILURES = [
  'NOT_PDF',
  'TOO_LARGE',
  'NOT_SEALED',
  'STRUCTURE_INVALID',
  'SEAL_DATA_INVALID',
  'QR_INVALID',
  'DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'CERT_UNTRUSTED',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'STATION_MISMATCH',
  'NO_TRUST_ROOT',
] as const;
export type SealFailure = (typeof SEAL_FAILURES)[number];

export const sealVerification = z.object({
  ok: z.boolean(),
  /** null when ok. */
  failure: z.enum(SEAL_FAILURES).nullable(),
  /** English, for logs and the CLI. */
  reason: z.string(),
  source: z.enum(['pdf', 'qr']),
  /** Each check in order, as far as verification got. */
  checks: z.array(z.object({ check: z.enum(['format', 'digest', 'signature', 'chain', 'validity', 'station']), ok: z.boolean() })),
  station: z.object({ id: z.string(), name: z.string() }).nullable(),
  sealName: z.string().nullable(),
  terminalId: z.string().nullable(),
  signedAt: z.string().nullable(),
  document: z.object({ kind: z.string(), id: z.string(), title: z.string() }).nullable(),
  certificate: z.object({ serial: z.string(), notBefore: z.string(), notAfter: z.string() }).nullable(),
  facts: z.array(z.tuple([z.string(), z.string()])),
});
export type SealVerification = z.infer<typeof sealVerification>;
