// Shared primitives of the sync protocol. Runs in Node and in the renderer: zod and pure TS only.
import { z } from 'zod';

/** Current protocol major version: every path lives under `/api/v1`. */
export const PROTOCOL_VERSION = 1 as const;
export const API_PREFIX = '/api/v1' as const;
export const SUPPORTED_API_VERSIONS = ['v1'] as const;

/** ISO-8601 timestamp with an offset (`2026-01-02T03:04:05.678Z`). Never used as a checkpoint. */
export const isoTimestamp = z.iso.datetime({ offset: true });

/** UUID version 7 (time-ordered); used as the idempotency key of terminal-created documents. */
export const UUIDV7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const uuidV7 = z.string().regex(UUIDV7_PATTERN, 'must be a lowercase UUIDv7');

/** Identifier of catalog-like documents: letters, digits and `._:@-`, at most 128 characters. */
export const docId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'must match [A-Za-z0-9._:@-]+');

/** A station (便民服务中心/站) id: the 9- or 12-digit division code, optionally with a suffix. */
export const stationId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must match [A-Za-z0-9_-]+');

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (SHA-256)');

/** Fields every replicated document carries (RxDB replication conventions). */
export const baseDocumentShape = {
  id: docId,
  _deleted: z.boolean(),
  /** Informational wall-clock time of the last change. Never a checkpoint: clocks lie. */
  updatedAt: isoTimestamp,
};

/** Short text that must never be abused as a blob. */
export const shortText = (max = 200) => z.string().max(max);

/** A JSON object with arbitrary members (form data, JSON Schema, UI schema). */
export const jsonObject = z.record(z.string(), z.unknown());

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A whole document crossing a boundary before its own schema checks it (a push row, a bridge
 * reply): a plain object, taken as it is. `jsonObject` copies every member, which costs a copy of
 * each document of a batch for nothing when the document's schema runs next.
 */
export const wholeObject = z.custom<Record<string, unknown>>(isPlainObject, { message: 'expected an object' });

/** Stable error codes of request-level errors (HTTP 4xx/5xx). */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNKNOWN_COLLECTION',
  'COLLECTION_READ_ONLY',
  'BATCH_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'API_VERSION_UNSUPPORTED',
  'CLIENT_UPGRADE_REQUIRED',
  'ENROLL_CODE_INVALID',
  // A second station hub for a station whose hub is not revoked (one hub per station).
  'STATION_HUB_EXISTS',
  'INVALID_CREDENTIALS',
  'TOO_MANY_ATTEMPTS',
  'ATTACHMENT_OFFSET_MISMATCH',
  'ATTACHMENT_HASH_MISMATCH',
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_INCOMPLETE',
  'ATTACHMENT_QUOTA_EXCEEDED',
  // A rate limit (per token or per address) was reached; header Retry-After says when to try again.
  'RATE_LIMITED',
  'INVALID_TRANSITION',
  'INTERNAL_ERROR',
  // The station queue (POST /queue/commands, /queue/lease; sync/protocol/queue.ts).
  'INVALID_COMMAND',
  'UNKNOWN_CATEGORY',
  'UNKNOWN_WINDOW',
  'TICKET_NOT_FOUND',
  'INVALID_TICKET_STATE',
  'RECALL_LIMIT',
  'NOT_YOUR_WINDOW',
  'COMMAND_REPLAYED_DIFFERENT',
  'QUEUE_FULL',
  // 电子印章 (sync/protocol/seal.ts): a seal key request whose proof or key is wrong; the seal authority unreachable (a station hub offline).
  'SEAL_REQUEST_INVALID',
  'SEAL_UNAVAILABLE',
  // The electronic ID QR code (POST /identity/qr/redeem; sync/protocol/id-qr.ts).
  'ID_QR_MALFORMED',
  'ID_QR_UNSUPPORTED_VERSION',
  'ID_QR_FORGED',
  'ID_QR_EXPIRED',
  'ID_QR_REPLAYED',
  'ID_QR_UNKNOWN',
  'ID_QR_UNAVAILABLE',
] as const;
export const errorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCode>;

/** Every non-2xx JSON response has this body. */
export const errorResponse = z.object({
  error: z.object({
    code: errorCode,
    message: z.string(),
    /** Optional machine-readable detail, e.g. zod issues `{path, message}`. */
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    supportedVersions: z.array(z.string()).optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

/** The `details` paths of a `STATION_HUB_EXISTS` refusal: the existing hub's id and enrollment time. */
export const STATION_HUB_DETAIL = { terminalId: 'stationHub.terminalId', enrolledAt: 'stationHub.enrolledAt' } as const;

/** Turns zod issues into `{path, message}` pairs (no values echoed, so no PII in errors). */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
