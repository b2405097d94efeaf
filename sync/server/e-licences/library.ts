// The reference platform's licence library (电子证照库): licences in the platform database (migration
// 019), holders by the province ID hash, one file (PDF or image) per licence. It implements the
// adapter interface (adapter.ts) and takes imports (admin API, demo seed) with the checks of
// `checkLicenceImport`.
import { createHash } from 'node:crypto';
import {
  isLicenceTypeCode,
  licenceImport,
  MAX_LICENCE_FILE_BYTES,
  type LicenceImport,
  type LicenceRecord,
  type LicenceTypeCode,
} from '../../protocol/e-licences';
import { issuesOf } from '../../protocol/index';
import type { Queryable } from '../db/driver';
import { applicantLookupHash, provinceLookupSalt } from '../id-hash';
import type { LicenceService } from './adapter';

/** The first bytes each licence file type starts with. */
const MAGIC: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
};
export const startsLike = (bytes: Uint8Array, mimeType: string): boolean => {
  const m = MAGIC[mimeType];
  return !!m && bytes.length >= m.length && m.every((b, i) => bytes[i] === b);
};

/** Why an import was refused: English, with the field it concerns. */
export class LicenceImportError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'LicenceImportError';
  }
}

/** Checks an import (shape, known type, dates, file size and type) and returns the record to store with its bytes. */
export function checkLicenceImport(input: unknown, provinceKeyHex: string): { record: LicenceRecord; bytes: Buffer } {
  const r = licenceImport.safeParse(input);
  if (!r.success) {
    const issues = issuesOf(r.error);
    const tooLarge = issues.some((i) => i.path === 'file.base64' && /too big|at most/i.test(i.message));
    throw new LicenceImportError(`invalid licence: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`, issues, tooLarge);
  }
  const v: LicenceImport = r.data;
  if (!isLicenceTypeCode(v.typeCode)) {
    throw new LicenceImportError(`unknown licence type "${v.typeCode.slice(0, 40)}"`, [{ path: 'typeCode', message: 'unknown licence type' }]);
  }
  if (v.validUntil !== null && v.validUntil < v.validFrom) {
    throw new LicenceImportError('validUntil is before validFrom', [{ path: 'validUntil', message: 'before validFrom' }]);
  }
  // Size before decoding: a 100 MB base64 string is refused without allocating its bytes.
  if (Math.floor((v.file.base64.length * 3) / 4) > MAX_LICENCE_FILE_BYTES + 2) {
    throw new LicenceImportError(`the licence file exceeds ${MAX_LICENCE_FILE_BYTES} bytes`, [{ path: 'file.base64', message: `at most ${MAX_LICENCE_FILE_BYTES} bytes` }], true);
  }
  const bytes = Buffer.from(v.file.base64, 'base64');
  if (bytes.length > MAX_LICENCE_FILE_BYTES) {
    throw new LicenceImportError(`the licence file exceeds ${MAX_LICENCE_FILE_BYTES} bytes`, [{ path: 'file.base64', message: `at most ${MAX_LICENCE_FILE_BYTES} bytes` }], true);
  }
  if (!startsLike(bytes, v.file.mimeType)) {
    throw new LicenceImportError(`the file is not a ${v.file.mimeType} file`, [{ path: 'file.base64', message: `not a ${v.file.mimeType} file` }]);
  }
  const record: LicenceRecord = {
    id: v.id,
    typeCode: v.typeCode,
    // The ID number is hashed here and dropped: the library never stores it.
    holderIdHash: applicantLookupHash(provinceLookupSalt(provinceKeyHex), v.holderIdNumber),
    number: v.number,
    issuer: v.issuer,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    file: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, mimeType: v.file.mimeType },
  };
  return { record, bytes };
}

interface Row {
  id: string;
  type_code: string;
  holder_id_hash: string;
  number: string;
  issuer: string;
  valid_from: string | Date;
  valid_until: string | Date | null;
  file_sha256: string;
  file_mime: string;
  file_size: number | string;
}

/** A `date` column as YYYY-MM-DD (node-postgres gives a local-midnight Date; PGlite a string or Date). */
function dateOf(v: string | Date): string {
  if (typeof v === 'string') return v.slice(0, 10);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.getFullYear()}-${p(v.getMonth() + 1)}-${p(v.getDate())}`;
}

const toRecord = (r: Row): LicenceRecord => ({
  id: r.id,
  typeCode: r.type_code as LicenceTypeCode,
  holderIdHash: r.holder_id_hash,
  number: r.number,
  issuer: r.issuer,
  validFrom: dateOf(r.valid_from),
  validUntil: r.valid_until === null ? null : dateOf(r.valid_until),
  file: { sha256: r.file_sha256, size: Number(r.file_size), mimeType: r.file_mime as LicenceRecord['file']['mimeType'] },
});

const COLUMNS = 'id, type_code, holder_id_hash, number, issuer, valid_from::text AS valid_from, valid_until::text AS valid_until, file_sha256, file_mime, file_size';

export class LicenceLibrary implements LicenceService {
  readonly kind = 'library';
  constructor(private readonly db: Queryable) {}

  async lookup(holderIdHash: string, types: readonly LicenceTypeCode[]): Promise<unknown[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM e_licences WHERE holder_id_hash = $1 AND type_code = ANY($2::text[]) ORDER BY type_code, valid_from DESC, id`, [holderIdHash, [...types]]);
    return rows.map(toRecord);
  }

  async file(id: string): Promise<{ record: unknown; bytes: Uint8Array } | null> {
    const rows = await this.db.query<Row & { file_bytes: Uint8Array }>(`SELECT ${COLUMNS}, file_bytes FROM e_licences WHERE id = $1`, [id]);
    const r = rows[0];
    return r ? { record: toRecord(r), bytes: new Uint8Array(r.file_bytes) } : null;
  }

  /** Adds or replaces a licence (by id). */
  async put(record: LicenceRecord, bytes: Uint8Array): Promise<void> {
    await this.db.query(
      `INSERT INTO e_licences (id, type_code, holder_id_hash, number, issuer, valid_from, valid_until, file_sha256, file_mime, file_size, file_bytes)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET type_code = EXCLUDED.type_code, holder_id_hash = EXCLUDED.holder_id_hash, number = EXCLUDED.number,
         issuer = EXCLUDED.issuer, valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until, file_sha256 = EXCLUDED.file_sha256,
         file_mime = EXCLUDED.file_mime, file_size = EXCLUDED.file_size, file_bytes = EXCLUDED.file_bytes, updated_at = now()`,
      [record.id, record.typeCode, record.holderIdHash, record.number, record.issuer, record.validFrom, record.validUntil, record.file.sha256, record.file.mimeType, record.file.size, Buffer.from(bytes)],
    );
  }

  async count(): Promise<number> {
    return Number((await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM e_licences'))[0]?.n ?? 0);
  }
}
