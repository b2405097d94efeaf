/**
 * The applicant's `idType` from what the card reader says (or, typed by hand, from the number).
 * 港澳台居民居住证 (the reader's `hmt-residence`) carry 18-digit numbers starting 810000 (Hong Kong),
 * 820000 (Macao) or 830000 (Taiwan): they are not 居民身份证 and must not be stored as `resident_id`.
 * Foreigners' permanent residence cards (2017 and 2023 forms) are `foreign_permanent`.
 */
import type { Applicant } from './documents';

type IdType = NonNullable<Applicant['idType']>;

/** From the number alone (manual entry): HMT residence permits by their prefix, else a resident ID. */
export function idTypeOfNumber(idNumber: string): IdType {
  const n = idNumber.trim();
  if (/^8[12]0000\d{11}[\dXx]$/.test(n)) return 'hk_macao_permit';
  if (/^830000\d{11}[\dXx]$/.test(n)) return 'taiwan_permit';
  return 'resident_id';
}

/** From the card type the reader reports (plus the number for HMT permits, which share one card type). */
export function idTypeOfCard(cardType: string | null | undefined, idNumber: string): IdType {
  switch (cardType) {
    case 'resident':
      return 'resident_id';
    case 'hmt-residence':
      return /^830000/.test(idNumber.trim()) ? 'taiwan_permit' : 'hk_macao_permit';
    case 'foreign-2017':
    case 'foreign-2023':
      return 'foreign_permanent';
    default:
      return idTypeOfNumber(idNumber);
  }
}

const GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHARS = '10X98765432';

/**
 * GB 11643-1999 check character (MOD 11-2) of the first 17 digits of an 18-character number
 * (resident card, HMT residence permit, 2023 foreign card), or null if they are not 17 digits.
 * The one implementation: the card reader's checks and the forms validator both use it.
 */
export function gb11643CheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * GB11643_WEIGHTS[i]!;
  return GB11643_CHARS[sum % 11]!;
}
