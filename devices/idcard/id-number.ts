/**
 * Check rules for the identity numbers found on the four card layouts.
 * - GB 11643-1999 (18 chars, resident card, HMT residence permit, 2023 foreign card): MOD 11-2.
 * - Foreign permanent residence number, 2017 version (15 chars): 3 letters (ISO alpha-3) + 4 digits
 *   region + YYMMDD + sex digit + check digit by the 7-3-1 machine-readable-passport method.
 * - 2023 foreign number (18 chars): `9` + 2-digit province + 3-digit ISO numeric nationality +
 *   YYYYMMDD + 2-digit sequence + sex digit + GB 11643 check character.
 * Source: ../../../shared/specs/id-card-sam.md, "ID number checksums".
 */
import { gb11643CheckChar } from '../../sync/protocol/id-type.js';
import { isValidDate } from './dates.js';

/** GB 11643 check character for the first 17 digits, or null if they are not 17 digits. */
export { gb11643CheckChar } from '../../sync/protocol/id-type.js';

export interface IdNumberCheck {
  valid: boolean;
  /** English reason when invalid (never contains the number itself). */
  reason?: string;
}

/** An 18-character GB 11643 number of the given shape: birth date in positions 7-14, MOD 11-2 check character. */
function checkGb11643Number(id: string, shape: RegExp, shapeReason: string): IdNumberCheck {
  if (!shape.test(id)) return { valid: false, reason: shapeReason };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (!isValidDate(y, m, d)) return { valid: false, reason: 'birth date in positions 7-14 is not a date' };
  if (gb11643CheckChar(id.slice(0, 17)) !== id[17]) return { valid: false, reason: 'check character mismatch' };
  return { valid: true };
}

/** Full check of an 18-character citizen number: shape, birth date, check character. */
export const checkCitizenIdNumber = (id: string): IdNumberCheck => checkGb11643Number(id, /^\d{17}[\dX]$/, 'not 17 digits followed by a digit or X');

/** 7-3-1 check digit (ICAO 9303): digits as values, letters A=10..Z=35, `<` = 0. */
export function mrzCheckDigit(s: string): number | null {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    let v: number;
    if (c >= '0' && c <= '9') v = c.charCodeAt(0) - 48;
    else if (c >= 'A' && c <= 'Z') v = c.charCodeAt(0) - 55;
    else if (c === '<') v = 0;
    else return null;
    sum += v * weights[i % 3]!;
  }
  return sum % 10;
}

/** 2017 foreign permanent residence number (15 chars). */
export function checkForeign2017Number(id: string): IdNumberCheck {
  if (!/^[A-Z]{3}\d{12}$/.test(id)) return { valid: false, reason: 'not 3 letters followed by 12 digits' };
  const yy = Number(id.slice(7, 9));
  const mm = Number(id.slice(9, 11));
  const dd = Number(id.slice(11, 13));
  // Two-digit year: either century gives the same month/day validity except for 29 February.
  if (!isValidDate(2000 + yy, mm, dd) && !isValidDate(1900 + yy, mm, dd)) {
    return { valid: false, reason: 'birth date in positions 8-13 is not a date' };
  }
  if (mrzCheckDigit(id.slice(0, 14)) !== Number(id[14])) return { valid: false, reason: 'check digit mismatch' };
  return { valid: true };
}

/** 2023 foreign permanent residence number (18 chars, starts with 9). */
export const checkForeign2023Number = (id: string): IdNumberCheck => checkGb11643Number(id, /^9\d{16}[\dX]$/, 'not 9 followed by 16 digits and a digit or X');

/** Masking for paper and screen: the one rule set in sync/protocol/mask.ts (`3601**********1234`). */
export { maskIdNumber } from '../../sync/protocol/mask.js';
