/**
 * 电子印章 verification at the terminal (main/documents/feature.ts, format sync/protocol/seal.ts):
 * the clerk opens a sealed PDF or scans a document's verification QR, and main checks it offline
 * against the platform root key it kept from enrollment. Clerk work (signed-in staff); the answer
 * carries a stable `failure` code the page words in Chinese (i18n `seal.failure.*`) and an English
 * `reason` for logs.
 */
import { z } from 'zod';
import { call, type CallSpec } from './spec';
import { SEAL_MAX_FILE_BYTES, SEAL_MAX_QR_CHARS, sealVerification } from '../../sync/protocol/seal-format';

/** base64 of at most SEAL_MAX_FILE_BYTES bytes, plus one character so a longer file is refused by main with TOO_LARGE, not by the schema. */
const MAX_PDF_BASE64 = Math.ceil(SEAL_MAX_FILE_BYTES / 3) * 4 + 4;

export const SealVerifyInput = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('pdf'), pdfBase64: z.string().max(MAX_PDF_BASE64), fileName: z.string().max(255).optional() }),
  z.strictObject({ source: z.literal('qr'), qr: z.string().max(SEAL_MAX_QR_CHARS + 1) }),
]);
export type SealVerifyInput = z.infer<typeof SealVerifyInput>;

export const sealCalls = {
  /** Verifies a sealed document (PDF bytes, base64) or its verification QR text, offline. */
  'seal.verify': call({ input: SealVerifyInput, output: sealVerification, roles: ['clerk'], requiresStaff: true, timeoutMs: 30_000 }),
} as const satisfies Record<string, CallSpec>;
