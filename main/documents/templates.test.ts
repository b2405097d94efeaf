import { describe, expect, it } from 'vitest';
import { stationDateTimeZh, stationDateZh } from './templates';

// The documents' Chinese dates (moved here from sync/protocol/station-time.ts with their assertions).
describe('document dates', () => {
  // 23:30 UTC on 4 December is 07:30 on 5 December in Jiangxi (UTC+8, no DST).
  const lateUtc = '2026-12-04T23:30:00.000Z';

  it('read the wall clock in the station zone, not the machine zone', () => {
    expect(stationDateZh(lateUtc)).toBe('2026年12月05日');
    expect(stationDateTimeZh(lateUtc)).toBe('2026年12月05日 07:30');
    expect(stationDateZh(lateUtc, 'UTC')).toBe('2026年12月04日');
    expect(stationDateTimeZh('2026-12-05T00:00:00Z', 'Asia/Urumqi')).toBe('2026年12月05日 06:00');
  });

  it('refuse garbage', () => {
    expect(() => stationDateZh('not a date')).toThrow(RangeError);
    expect(() => stationDateTimeZh(lateUtc, 'Mars/Olympus')).toThrow();
  });
});
