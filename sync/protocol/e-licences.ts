// 电子证照 (e-licences): the licence types a service item's material can be satisfied by, and the
// terminal ⇄ platform messages of a licence lookup (POST /api/v1/e-licences/lookup, GET
// /api/v1/e-licences/:id/file). zod and pure TS only: shared by the platform, main and the renderer.
import { z } from 'zod';
import { docId, isoTimestamp, sha256Hex, shortText, uuidV7 } from './common';

/**
 * The licence types the reference platform knows. Codes are ours (pinyin initials of the name); an
 * integrator's adapter maps them to the province's catalogue codes (sync/server/e-licences/adapter.ts).
 * Their names (the `typeName` of a lookup) are the platform's: sync/server/e-licences/render.ts.
 */
export const LICENCE_TYPE_CODES = ['JMSFZ', 'HKB', 'JHZ', 'CSYXZM', 'CJRZ', 'SBK', 'BDCQZS', 'YYZZ'] as const;
export type LicenceTypeCode = (typeof LICENCE_TYPE_CODES)[number];
export const licenceTypeCode = z.enum(LICENCE_TYPE_CODES);
export const isLicenceTypeCode = (v: unknown): v is LicenceTypeCode => typeof v === 'string' && (LICENCE_TYPE_CODES as readonly string[]).includes(v);

/** A licence file is at most this large (the rendered image or PDF the platform hands out). */
export const MAX_LICENCE_FILE_BYTES = 4 * 1024 * 1024;
export const LICENCE_FILE_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export const licenceFileType = z.enum(LICENCE_FILE_TYPES);
/** At most this many licence types in one lookup (a service item has few materials). */
export const MAX_LOOKUP_TYPES = LICENCE_TYPE_CODES.length;
/** A lookup's consent lets the same terminal fetch the files for this long. */
export const CONSENT_VALID_MS = 2 * 3_600_000;

/** The resident's consent, as the terminal recorded it (kiosk: the resident tapped 同意; counter: the assistant confirmed it). */
export const licenceConsent = z.strictObject({
  given: z.literal(true, 'the resident must consent to the lookup (consent.given = true)'),
  at: isoTimestamp,
  channel: z.enum(['kiosk', 'counter', 'field']),
  /** The staff member who asked at a counter. */
  staffId: docId.optional(),
  /** The application the licences are for, when it exists already. */
  applicationId: uuidV7.optional(),
});
export type LicenceConsent = z.infer<typeof licenceConsent>;

/**
 * A lookup: the holder by the province ID hash (`applicantIdHash`, sync/server/id-hash.ts), never the
 * ID number; the types as plain strings so an unknown one gets a clear refusal naming it.
 */
export const licenceLookupRequest = z.strictObject({
  holderIdHash: sha256Hex,
  types: z.array(z.string().max(40)).min(1, 'name at least one licence type').max(MAX_LOOKUP_TYPES, `at most ${MAX_LOOKUP_TYPES} licence types per lookup`),
  consent: licenceConsent,
});
export type LicenceLookupRequest = z.infer<typeof licenceLookupRequest>;

const day = z.iso.date();

/** One licence as a terminal sees it: the number masked, the file by hash (fetch it with its id). */
export const licenceSummary = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'a licence id like L-… (letters, digits, ._:-)'),
  typeCode: licenceTypeCode,
  typeName: shortText(50),
  /** 证照编号, masked except its first and last characters. */
  numberMasked: shortText(80),
  issuer: shortText(100).min(1),
  validFrom: day,
  /** null = 长期有效. */
  validUntil: day.nullable(),
  file: z.strictObject({ sha256: sha256Hex, size: z.int().min(1).max(MAX_LICENCE_FILE_BYTES), mimeType: licenceFileType }),
});
export type LicenceSummary = z.infer<typeof licenceSummary>;

export const licenceLookupResponse = z.strictObject({
  consentId: uuidV7,
  licences: z.array(licenceSummary).max(100),
  /** Asked-for types the holder has no valid licence of. */
  missing: z.array(licenceTypeCode).max(MAX_LOOKUP_TYPES),
});
export type LicenceLookupResponse = z.infer<typeof licenceLookupResponse>;

/**
 * A licence as the library keeps it (what an adapter returns; the platform validates every record
 * before it reaches a terminal). `number` is the full 证照编号; terminals get it masked.
 */
export const licenceRecord = z.strictObject({
  id: licenceSummary.shape.id,
  typeCode: licenceTypeCode,
  holderIdHash: sha256Hex,
  number: z.string().min(1).max(64).regex(/^[A-Za-z0-9\u4e00-\u9fff（）()-]+$/, 'a licence number of letters, digits, Chinese characters, brackets and -'),
  issuer: shortText(100).min(1),
  validFrom: day,
  validUntil: day.nullable(),
  file: licenceSummary.shape.file,
});
export type LicenceRecord = z.infer<typeof licenceRecord>;

/**
 * A licence imported into the reference library (`PUT /api/v1/admin/e-licences`, admin token): the
 * holder's ID number is hashed on arrival and never stored; the file travels base64.
 */
export const licenceImport = z.strictObject({
  id: licenceSummary.shape.id,
  typeCode: z.string().max(40),
  holderIdNumber: z.string().max(18).regex(/^[1-9]\d{16}[\dX]$/, 'an 18-character resident ID number'),
  number: licenceRecord.shape.number,
  issuer: licenceRecord.shape.issuer,
  validFrom: day,
  validUntil: day.nullable(),
  file: z.strictObject({
    mimeType: licenceFileType,
    base64: z.base64('file.base64 must be base64').min(8, 'the file is empty'),
  }),
});
export type LicenceImport = z.infer<typeof licenceImport>;

/** 证照编号 for a terminal: first 2 and last 2 characters (≤ 4 characters: all masked). */
export function maskLicenceNumber(n: string): string {
  const chars = [...n];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
}

/** Is the licence valid on `today` (YYYY-MM-DD in the station's zone)? */
export const licenceValidOn = (l: { validFrom: string; validUntil: string | null }, today: string): boolean => l.validFrom <= today && (l.validUntil === null || l.validUntil >= today);

/** 用证率 row: materials satisfied by an e-licence over all materials of the filed applications. */
export const licenceUsageRow = z.strictObject({
  stationId: z.string(),
  stationName: z.string().nullable(),
  serviceItemCode: z.string(),
  serviceName: z.string().nullable(),
  applications: z.int().min(0),
  materials: z.int().min(0),
  byLicence: z.int().min(0),
  /** byLicence / materials, 0…1 (0 when no materials). */
  rate: z.number().min(0).max(1),
});
export type LicenceUsageRow = z.infer<typeof licenceUsageRow>;
export const licenceUsage = z.strictObject({
  rows: z.array(licenceUsageRow),
  byStation: z.array(licenceUsageRow.omit({ serviceItemCode: true, serviceName: true })),
  total: z.strictObject({ applications: z.int(), materials: z.int(), byLicence: z.int(), rate: z.number() }),
});
export type LicenceUsage = z.infer<typeof licenceUsage>;
