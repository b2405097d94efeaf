/** Card dates: `YYYYMMDD` → `YYYY-MM-DD`; the valid-to field may also hold `长期` (long-term). */
import { LONG_TERM_ON_CARD } from './code-tables.js';

export function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 1850 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

/** Parse `YYYYMMDD` into `YYYY-MM-DD`; null when malformed or not a calendar date. */
export function parseCardDate(raw: string): string | null {
  const s = raw.trim();
  if (!/^\d{8}$/.test(s)) return null;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  if (!isValidDate(y, m, d)) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** Valid-to: a date or `长期`. */
export function parseValidTo(raw: string): string | 'long-term' | null {
  const s = raw.trim();
  if (s === LONG_TERM_ON_CARD) return 'long-term';
  return parseCardDate(s);
}

/** Inverse of parseCardDate for the emulator: `YYYY-MM-DD` → `YYYYMMDD`. */
export function toCardDate(iso: string): string {
  return iso.replace(/-/g, '');
}
