/**
 * Bridge calls of the attachment store (signed 委托书 PDFs, scanned materials).
 *
 * The renderer hands main the bytes (base64: the same on both bridges — the browser host's bridge
 * speaks JSON text frames, where a Uint8Array would not survive) or the id of a document main
 * rendered itself. Main hashes the bytes (SHA-256; it never trusts a hash from the page), keeps them
 * encrypted at rest and uploads them to the platform (resumable) whenever it can. The answer is
 * the protocol's `attachmentRef` for the application (`authorization.letterSha256`,
 * `materials[].attachments`). zod only: shared with the sandboxed renderer.
 */
import { z } from 'zod';
import { call, NoInput, type CallSpec } from './spec';

/** Largest attachment accepted from a page, bytes (the platform allows more; the bridge is the limit). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export const ATTACHMENT_MIME_TYPES = ['image/png', 'image/jpeg', 'application/pdf'] as const;
export const AttachmentMimeType = z.enum(ATTACHMENT_MIME_TYPES);
export type AttachmentMimeType = z.infer<typeof AttachmentMimeType>;

/** The first bytes each allowed type must start with. */
export const MAGIC_BYTES: Record<AttachmentMimeType, readonly number[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
};

/** Do these bytes start like the declared type? */
export function hasMagic(bytes: Uint8Array, mimeType: AttachmentMimeType): boolean {
  const magic = MAGIC_BYTES[mimeType];
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Decoded size of a (valid, padded) base64 string. */
export const base64Size = (b64: string): number => (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

/** A file name for people (no paths, no control characters); it travels with the reference. */
export const AttachmentFileName = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'a file name without paths or control characters');

export const AttachmentPutInput = z
  .object({
    /** The bytes, base64 (standard alphabet, padded). */
    bytes: z
      .base64('bytes must be base64')
      .min(8, 'the file is empty')
      .max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4, `at most ${MAX_ATTACHMENT_BYTES} bytes`),
    mimeType: AttachmentMimeType,
    fileName: AttachmentFileName.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (base64Size(v.bytes) > MAX_ATTACHMENT_BYTES) ctx.addIssue({ code: 'custom', path: ['bytes'], message: `at most ${MAX_ATTACHMENT_BYTES} bytes` });
    let head: Uint8Array;
    try {
      head = Uint8Array.from(atob(v.bytes.slice(0, 16)), (c) => c.charCodeAt(0));
    } catch {
      return; // z.base64 already reported it
    }
    if (!hasMagic(head, v.mimeType)) ctx.addIssue({ code: 'custom', path: ['bytes'], message: `the bytes are not a ${v.mimeType} file` });
  });
export type AttachmentPutInput = z.input<typeof AttachmentPutInput>;

/** What an application stores (sync/protocol `attachmentRef`). */
export const AttachmentRefOut = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(0),
  mimeType: AttachmentMimeType,
  fileName: z.string().max(200).optional(),
});
export type AttachmentRefOut = z.infer<typeof AttachmentRefOut>;

/** Counts for the sync page (no names, no hashes). */
export const AttachmentStatus = z.object({
  /** Stored locally, not yet confirmed complete by the platform (includes `failed`). */
  pending: z.int().min(0),
  /** Of `pending`: the last upload attempt failed (retried automatically with backoff). */
  failed: z.int().min(0),
  /** Bytes still to upload (approximate: stored size). */
  pendingBytes: z.int().min(0),
  /** Uploads the platform confirmed since main started. */
  uploaded: z.int().min(0),
  /** An upload is running now. */
  active: z.boolean(),
  /** The latest problem, null when the last attempt went through: the renderer says the code (`message` is English, for logs). */
  error: z.object({ code: z.string().max(64), message: z.string().max(500), at: z.string().max(40) }).nullable(),
  lastUploadAt: z.number().nullable(),
});
export type AttachmentStatus = z.infer<typeof AttachmentStatus>;

const CLERK = ['clerk'] as const;
/** Storing a resident's documents is clerk work: main needs an active staff session (spec.ts). */
const CLERK_WORK = { roles: CLERK, requiresStaff: true } as const;

export const attachmentCalls = {
  /**
   * Store bytes as an attachment: main hashes, encrypts at rest and queues the upload. Errors:
   * NOT_SIGNED_IN / STAFF_LOCKED (no active staff session), INVALID_INPUT (size, type, bytes that do
   * not match the type), ATTACHMENT_STORE_FAILED.
   */
  'attachments.put': call({ input: AttachmentPutInput, output: AttachmentRefOut, ...CLERK_WORK, timeoutMs: 60_000 }),
  /**
   * Store a PDF main rendered (`documents.render` → `documentId`, e.g. the signed 委托书) as an
   * attachment, without the bytes crossing the bridge. Errors: NOT_FOUND, ATTACHMENT_TYPE_MISMATCH.
   */
  'attachments.putDocument': call({
    input: z.object({ documentId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/), fileName: AttachmentFileName.optional() }).strict(),
    output: AttachmentRefOut,
    ...CLERK_WORK,
    timeoutMs: 60_000,
  }),
  /** Pending / failed uploads (also pushed as `attachments.state`); counts only, so no session needed. */
  'attachments.status': call({ input: NoInput, output: AttachmentStatus, roles: CLERK }),
} as const satisfies Record<string, CallSpec>;

export const attachmentEvents = {
  /** The attachment queue changed (counts only). */
  'attachments.state': AttachmentStatus,
} as const satisfies Record<string, z.ZodType>;

export const attachmentEventRoles = { 'attachments.state': CLERK } as const;
