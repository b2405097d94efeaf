import { describe, expect, it } from 'vitest';
import { isTimeZone, stationClock, stationDate, stationDateTime, stationDateTimeZh, stationDateZh } from './station-time';

describe('station time', () => {
  // 23:30 UTC on 4 December is 07:30 on 5 December in Jiangxi (UTC+8, no DST).
  const lateUtc = '2026-12-04T23:30:00.000Z';

  it('reads the wall clock in the station zone, not the machine zone', () => {
    expect(stationDate(lateUtc)).toBe('2026-12-05');
    expect(stationDateTime(lateUtc)).toBe('2026-12-05 07:30');
    expect(stationDateZh(lateUtc)).toBe('2026年12月05日');
    expect(stationDateTimeZh(lateUtc)).toBe('2026年12月05日 07:30');
    expect(stationClock(lateUtc)).toEqual({ year: 2026, month: 12, day: 5, hour: 7, minute: 30, second: 0 });
  });

  it('honours another zone', () => {
    expect(stationDate(lateUtc, 'UTC')).toBe('2026-12-04');
    expect(stationDateTime('2026-12-05T00:00:00Z', 'Asia/Urumqi')).toBe('2026-12-05 06:00');
  });

  it('midnight in the station is the day boundary', () => {
    expect(stationDate('2026-12-04T15:59:59.999Z')).toBe('2026-12-04');
    expect(stationDate('2026-12-04T16:00:00.000Z')).toBe('2026-12-05');
    expect(stationClock('2026-12-04T16:00:00.000Z').hour).toBe(0);
  });

  it('refuses garbage', () => {
    expect(() => stationDate('not a date')).toThrow(RangeError);
    expect(() => stationDate(lateUtc, 'Mars/Olympus')).toThrow();
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
