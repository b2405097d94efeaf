/**
 * The station's clock: every date a person reads, prints or signs, and every "today", is in the
 * station's time zone (IANA name, default Asia/Shanghai), whatever zone the machine runs in (CI and
 * many terminals run in UTC). Pure Intl, no Node built-ins: shared by main, the platform and the
 * renderer.
 */
export const DEFAULT_STATION_TIME_ZONE = 'Asia/Shanghai';

/** Is `tz` an IANA time zone this runtime knows? */
export function isTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface StationClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

const toDate = (instant: Date | string | number): Date => (instant instanceof Date ? instant : new Date(instant));

/** The wall-clock fields of `instant` in the station's zone. Throws on an invalid instant or zone. */
export function stationClock(instant: Date | string | number, tz: string = DEFAULT_STATION_TIME_ZONE): StationClockParts {
  const d = toDate(instant);
  if (Number.isNaN(d.getTime())) throw new RangeError(`invalid instant: ${String(instant)}`);
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(d)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD` of `instant` in the station's zone (the station's "today" when `instant` is now). */
export function stationDate(instant: Date | string | number, tz: string = DEFAULT_STATION_TIME_ZONE): string {
  const c = stationClock(instant, tz);
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
}

/** `YYYY-MM-DD HH:mm` in the station's zone. */
export function stationDateTime(instant: Date | string | number, tz: string = DEFAULT_STATION_TIME_ZONE): string {
  const c = stationClock(instant, tz);
  return `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}`;
}

// The documents' Chinese date formats (`YYYY年MM月DD日`) live with the templates (main/documents/templates.ts).

/**
 * The instant of a station wall-clock time: `day` (`YYYY-MM-DD`) at `hh:mm:ss.ms` in `tz`. Throws on
 * a malformed day. Used for day ranges ("today's cases", the daily summary) in the station's zone.
 */
export function stationInstant(day: string, tz: string = DEFAULT_STATION_TIME_ZONE, h = 0, mi = 0, s = 0, ms = 0): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, mi, s, ms);
  // Two rounds settle the offset also next to a DST change.
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const c = stationClock(t, tz);
    const seen = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, new Date(t).getUTCMilliseconds());
    t += wall - seen;
  }
  return new Date(t);
}

/** ISO instant of 00:00:00.000 of `day` in the station's zone. */
export const stationDayStart = (day: string, tz: string = DEFAULT_STATION_TIME_ZONE): string => stationInstant(day, tz).toISOString();
/** ISO instant of 23:59:59.999 of `day` in the station's zone. */
export const stationDayEnd = (day: string, tz: string = DEFAULT_STATION_TIME_ZONE): string => stationInstant(day, tz, 23, 59, 59, 999).toISOString();

/** `YYYY-MM-DD` `days` calendar days after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
