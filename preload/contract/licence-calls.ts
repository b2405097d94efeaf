/**
 * Bridge calls of 电子证照 (e-licences). After the resident's ID card and consent, the page asks main
 * to look up the resident's licences of the types the service's materials accept; main computes the
 * province ID hash of the holder itself (the ID number never leaves main), asks the platform
 * (POST /api/v1/e-licences/lookup with the consent), fetches each file, checks its SHA-256 and keeps
 * it as an encrypted attachment (main/sync/attachments.ts). The page gets attachment references to
 * put in the application's materials (origin `e_license`).
 *
 * Offline (or not enrolled yet): main answers `state: 'queued'` and runs the lookup as soon as the
 * platform answers again, then pushes `licences.ready`; `licences.result` reads the outcome.
 * Errors (`state: 'failed'`): `error.code` (REFUSED, BAD_FILE, STORE_FAILED: the page says `licence.failedBy.<code>`) + English `message`.
 * zod only (shared with the renderer).
 */
import { z } from 'zod';
import { call, type CallSpec } from './spec';
import { isoTimestamp, uuidV7 } from '../../sync/protocol/common';
import { licenceSummary, licenceTypeCode, MAX_LOOKUP_TYPES } from '../../sync/protocol/e-licences';
import { AttachmentRefOut } from './attachment-calls';

export const LicenceRequestId = uuidV7;

export const LicenceLookupInput = z
  .object({
    /** The page's idempotency key for this lookup (a retry with the same id answers the same lookup). */
    requestId: uuidV7,
    /** The holder's resident ID number (as read from the card); main hashes it and forgets it. */
    idNumber: z.string().regex(/^[1-9]\d{16}[\dX]$/, 'an 18-character resident ID number'),
    types: z.array(licenceTypeCode).min(1).max(MAX_LOOKUP_TYPES),
    consent: z.object({ at: isoTimestamp, applicationId: uuidV7.optional() }).strict(),
  })
  .strict();
export type LicenceLookupInput = z.input<typeof LicenceLookupInput>;

export const FoundLicence = licenceSummary.omit({ file: true }).extend({ attachment: AttachmentRefOut });
export type FoundLicence = z.infer<typeof FoundLicence>;

export const LicenceLookupResult = z.object({
  requestId: uuidV7,
  state: z.enum(['queued', 'running', 'done', 'failed']),
  licences: z.array(FoundLicence).max(MAX_LOOKUP_TYPES),
  missing: z.array(licenceTypeCode).max(MAX_LOOKUP_TYPES),
  /** Why it failed or waits (Chinese, for the resident or the assistant). */
  error: z.object({ code: z.string().max(64), message: z.string().max(300) }).nullable(),
});
export type LicenceLookupResult = z.infer<typeof LicenceLookupResult>;

const ROLES = ['kiosk', 'clerk'] as const;

export const licenceCalls = {
  /** Look up (or queue) the resident's licences; the clerk window needs a signed-in staff member. */
  'licences.lookup': call({ input: LicenceLookupInput, output: LicenceLookupResult, roles: ROLES, requiresStaff: true, timeoutMs: 60_000 }),
  /** The outcome of a lookup so far (e.g. after `licences.ready`); NOT_FOUND when main forgot it. */
  'licences.result': call({ input: z.object({ requestId: uuidV7 }).strict(), output: LicenceLookupResult, roles: ROLES, requiresStaff: true }),
  /** Forget a lookup (the resident left): a queued one never runs. */
  'licences.cancel': call({ input: z.object({ requestId: uuidV7 }).strict(), output: z.null(), roles: ROLES }),
} as const satisfies Record<string, CallSpec>;

export const licenceEvents = {
  /** A queued or running lookup finished (done or failed): read it with `licences.result`. */
  'licences.ready': z.object({ requestId: uuidV7, state: z.enum(['done', 'failed']) }),
} as const satisfies Record<string, z.ZodType>;

export const licenceEventRoles = { 'licences.ready': ROLES } as const;
