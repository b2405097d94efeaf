// The machine runs in UTC at 23:30 on 4 December: the station (Asia/Shanghai) is at 07:30 on 5 December.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dayEndIso, dayStartIso, fmtDateTime, fmtTime, setSyncedZone, setZoneOverride, stationDayFromToday, stationTimeZone, stationToday } from './station-zone';
import { withDefaultDates } from '../forms/defaults';
import { authorizationLetter, completionSlip, terminationSlip } from '../clerk/letters';
import { dayEnd, dayStart } from '../clerk/cases/query';

const NOW = new Date('2026-12-04T23:30:00.000Z');

describe('station zone in the renderer (TZ=UTC, 23:30 UTC)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    setZoneOverride(null);
    setSyncedZone([]);
  });
  afterEach(() => vi.useRealTimers());

  it('the machine says 4 December, the station says 5 December', () => {
    expect(process.env.TZ).toBe('UTC');
    expect(new Date().getDate()).toBe(4);
    expect(stationToday()).toBe('2026-12-05');
    expect(stationDayFromToday(-1)).toBe('2026-12-04');
    expect(fmtDateTime(NOW.toISOString())).toBe('2026-12-05 07:30');
    expect(fmtTime(NOW)).toBe('07:30');
    expect(fmtDateTime('')).toBe('');
    expect(fmtDateTime('garbage')).toBe('garbage');
  });

  it('station_config decides the zone, the configuration override wins, garbage is ignored', () => {
    setSyncedZone([{ stationId: 'S', timeZone: 'UTC' }]);
    expect(stationTimeZone()).toBe('UTC');
    expect(stationToday()).toBe('2026-12-04');
    setZoneOverride('Asia/Shanghai');
    expect(stationToday()).toBe('2026-12-05');
    setZoneOverride('Mars/Base');
    setSyncedZone([{ stationId: 'S', timeZone: 'Not/AZone' }]);
    expect(stationTimeZone()).toBe('Asia/Shanghai');
  });

  it('申请日期 defaults to the station day, not yesterday', () => {
    const model = { controls: [{ key: 'applyDate' }, { key: 'name' }] } as Parameters<typeof withDefaultDates>[0];
    expect(withDefaultDates(model, {})).toEqual({ applyDate: '2026-12-05' });
    expect(withDefaultDates(model, { applyDate: '2026-11-30' })).toEqual({ applyDate: '2026-11-30' });
    expect(withDefaultDates({ controls: [] } as unknown as Parameters<typeof withDefaultDates>[0], {})).toEqual({});
  });

  it('the clerk list day filter and the daily summary cover the station day', () => {
    expect(dayStart('2026-12-05')).toBe('2026-12-04T16:00:00.000Z');
    expect(dayEnd('2026-12-05')).toBe('2026-12-05T15:59:59.999Z');
    expect(dayStartIso('2026-12-05')).toBe(dayStart('2026-12-05'));
    expect(dayEndIso('2026-12-05')).toBe(dayEnd('2026-12-05'));
  });

  it('委托书 签署时间, 办结单 回交时间 and 终止单 终止时间 are station times', () => {
    const texts = (spec: { blocks: unknown[] }) => JSON.stringify(spec.blocks);
    const letter = authorizationLetter({
      applicationId: 'a', stationName: '站', serviceName: '事项', principal: { name: '张三', idNumber: '360121195001010021' }, agent: { name: '李四', relation: '代办员' },
      scope: ['submit'], validFrom: stationToday(), validUntil: null, subDelegation: false, signedAt: NOW.toISOString(), timeZone: stationTimeZone(), signaturePng: 'AA==',
    });
    expect(texts(letter)).toContain('签署时间：2026-12-05 07:30');
    expect(texts(letter)).toContain('2026-12-05 至 事项办结');
    const base = { applicationId: 'a', stationName: '站', serviceName: '事项', resident: { name: '张三', idNumber: '360121195001010021' }, agentName: '李四', signaturePng: 'AA==' };
    expect(texts(completionSlip({ ...base, acceptanceNo: null, outcome: 'approved', handedOverAt: NOW.toISOString() }))).toContain('2026-12-05 07:30');
    expect(texts(terminationSlip({ ...base, reason: 'x', at: NOW.toISOString(), timeZone: 'UTC' }))).toContain('2026-12-04 23:30');
  });
});
