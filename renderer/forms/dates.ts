/** Calendar dates of forms: parts, ranges and the reading for people (words: the caller's `t`) (the kiosk date picker, the renderer) (pure, no Date objects: no time zone can leak in). */

export interface YMD {
  year: number;
  month: number;
  day: number;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A real calendar date `YYYY-MM-DD` → its parts; null for anything else (2026-02-30, '', garbage). */
export function parseIsoDate(v: unknown): YMD | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

const key = (d: YMD) => d.year * 10000 + d.month * 100 + d.day;

/** The date, moved into [lo, hi] when outside it. */
export function clampDate(d: YMD, lo: YMD, hi: YMD): YMD {
  if (key(d) < key(lo)) return { ...lo };
  if (key(d) > key(hi)) return { ...hi };
  return { ...d };
}

/** `YYYY-MM-DD` as a resident reads it (`forms.date`: 1940年10月01日 in zh-CN); anything that is not a date stays as it is. */
export function formatDate(v: string, t: (key: string, params: Record<string, string>) => string): string {
  const d = parseIsoDate(v);
  return d ? t('forms.date', { year: String(d.year), month: String(d.month).padStart(2, '0'), day: String(d.day).padStart(2, '0') }) : v;
}
