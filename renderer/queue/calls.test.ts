// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { exampleQueueTicket, type QueueTicketDoc } from '../../sync/protocol';
import { setLocale } from '../i18n';
import { ageOnStationDate, announcementText, callIntervalSec, estimatedWaitMinutes, newCalls, peopleAhead, windowNumber } from './calls';

const called = (number: string, window: string, at: string, recallCount = 0): QueueTicketDoc =>
  exampleQueueTicket({ number, window, status: 'called', calledAt: at, recallCount });

describe('newCalls', () => {
  it('remembers the calls on screen at start without announcing them, then announces each new call and each recall once, oldest first', () => {
    const seen = new Set<string>();
    const a = called('A001', '1', '2026-12-05T01:00:00.000Z');
    expect(newCalls([a], seen, true)).toEqual([]);
    expect(newCalls([a], seen, false)).toEqual([]);
    const b = called('A002', '2', '2026-12-05T01:01:00.000Z');
    const c = called('B001', '1', '2026-12-05T01:02:00.000Z');
    expect(newCalls([c, b, a], seen, false).map((t) => t.number)).toEqual(['A002', 'B001']);
    const again = { ...b, recallCount: 1 };
    expect(newCalls([again, c, a], seen, false).map((t) => `${t.number}/${t.recallCount}`)).toEqual(['A002/1']);
    expect(newCalls([again, c, a], seen, false)).toEqual([]);
  });

  it('ignores tickets that were never called and keeps its memory bounded', () => {
    const seen = new Set<string>();
    expect(newCalls([exampleQueueTicket()], seen, false)).toEqual([]);
    for (let i = 0; i < 300; i++) newCalls([called(`A${String(i).padStart(3, '0')}`, '1', new Date(Date.UTC(2026, 11, 5, 1, 0, i)).toISOString())], seen, false);
    expect(seen.size).toBeLessThanOrEqual(200);
  });
});

describe('announcementText', () => {
  const windows = [
    { id: '2', name: '2号窗口' },
    { id: 'vip', name: '综合受理窗口' },
  ];
  it('says the number and the window the way the hall hears it', () => {
    expect(announcementText('A012', '2', windows)).toBe('请 A012 号到 2 号窗口办理');
    expect(announcementText('A012', '02', windows)).toBe('请 A012 号到 2 号窗口办理');
    expect(announcementText('B003', 'vip', windows)).toBe('请 B003 号到综合受理窗口办理');
    expect(windowNumber('x', windows)).toEqual({ numeric: false, label: 'x' });
  });
  it('is spoken in Chinese when the screen is in English', () => {
    setLocale('en-US');
    try {
      expect(announcementText('A012', '2', windows)).toBe('请 A012 号到 2 号窗口办理');
      expect(announcementText('B003', 'vip', windows)).toBe('请 B003 号到综合受理窗口办理');
    } finally {
      setLocale('zh-CN');
    }
  });
});

describe('waiting estimates', () => {
  const at = (min: number, category = 'general') => ({ calledAt: new Date(Date.UTC(2026, 11, 5, 1, min)).toISOString(), category });
  it('uses the seconds between recent calls of the category, else of every window, bounded', () => {
    expect(callIntervalSec([at(0), at(4), at(8), at(1, 'social')], 'general')).toBe(240);
    expect(callIntervalSec([at(0), at(2, 'social')], 'civil')).toBe(120);
    expect(callIntervalSec([at(0)], 'general')).toBeNull();
    expect(callIntervalSec([at(0), at(0)], 'general')).toBe(30);
    expect(callIntervalSec([{ calledAt: null, category: 'general' }, at(0)], 'general')).toBeNull();
  });
  it('estimates minutes from people ahead, falling back to the mean wait, or says it does not know', () => {
    expect(estimatedWaitMinutes(0, null, null)).toBe(0);
    expect(estimatedWaitMinutes(3, 240, 999)).toBe(12);
    expect(estimatedWaitMinutes(1, 30, null)).toBe(1);
    expect(estimatedWaitMinutes(2, null, 600)).toBe(10);
    expect(estimatedWaitMinutes(2, null, null)).toBeNull();
  });
  it("counts people ahead in the ticket's own category line", () => {
    const line = [
      { id: 'a', category: 'general' },
      { id: 'b', category: 'social' },
      { id: 'c', category: 'general' },
    ];
    expect(peopleAhead(line, 'c', 'general')).toBe(1);
    expect(peopleAhead(line, 'b', 'social')).toBe(0);
    expect(peopleAhead(line, 'z', 'general')).toBeNull();
  });
});

describe('ageOnStationDate', () => {
  it('turns 70 at midnight in the station zone, whatever zone the machine runs in', () => {
    // 2026-12-04 16:30 UTC is already 2026-12-05 00:30 in Shanghai
    const now = new Date('2026-12-04T16:30:00.000Z');
    expect(ageOnStationDate('1956-12-05', now, 'Asia/Shanghai')).toBe(70);
    expect(ageOnStationDate('1956-12-05', now, 'UTC')).toBe(69);
    expect(ageOnStationDate('1956-12-04', now, 'UTC')).toBe(70);
    expect(ageOnStationDate(null, now, 'Asia/Shanghai')).toBeNull();
    expect(ageOnStationDate('1956-13', now, 'Asia/Shanghai')).toBeNull();
    expect(ageOnStationDate('2030-01-01', now, 'Asia/Shanghai')).toBeNull();
  });
});
