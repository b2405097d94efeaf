import { describe, expect, it } from 'vitest';
import { addDays, isTimeZone, stationClock, stationDate, stationDateTime, stationDayEnd, stationDayStart } from './station-time';

describe('station time', () => {
  // 23:30 UTC on 4 December is 07:30 on 5 December in Jiangxi (UTC+8, no DST).
  const lateUtc = '2026-12-04T23:30:00.000Z';

  it('reads the wall clock in the station zone, not the machine zone', () => {
    expect(stationDate(lateUtc)).toBe('2026-12-05');
    expect(stationDateTime(lateUtc)).toBe('2026-12-05 07:30');
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

  it('day ranges are the station day, whatever the machine zone', () => {
    expect(stationDayStart('2026-12-05')).toBe('2026-12-04T16:00:00.000Z');
    expect(stationDayEnd('2026-12-05')).toBe('2026-12-05T15:59:59.999Z');
    expect(stationDayStart('2026-12-05', 'UTC')).toBe('2026-12-05T00:00:00.000Z');
    // across a DST change (London goes to summer time on 29 March 2026)
    expect(stationDayStart('2026-03-30', 'Europe/London')).toBe('2026-03-29T23:00:00.000Z');
    expect(() => stationDayStart('5.12.2026')).toThrow(RangeError);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
