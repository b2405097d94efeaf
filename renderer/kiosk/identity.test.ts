import { describe, expect, it } from 'vitest';
import { ageOn, birthDateFromId, cardProblem, identityFromCard, identityFromManual } from './identity';
import { maskIdNumber } from '../../sync/protocol/mask';
import type { IdCard } from '../../preload/contract/device-calls';

const card = (over: Partial<IdCard> = {}): IdCard => ({
  cardType: 'resident', name: '张三', sex: 'male', birthDate: '1950-03-01', idNumber: '360121195003011234', idNumberValid: true,
  validFrom: '2015-01-01', validTo: 'long-term', warnings: [], ...over,
});

describe('kiosk identity', () => {
  const now = new Date(2026, 10, 29);
  it('masks, computes the age and offers elderly mode from 70', () => {
    const id = identityFromCard(card(), now);
    expect(id.maskedId).toBe('3601**********1234');
    expect(id.age).toBe(76);
    expect(id.expired).toBe(false);
    expect(ageOn('1956-11-30', now)).toBe(69);
    expect(ageOn('1956-11-29', now)).toBe(70);
  });
  it('flags expired cards', () => {
    expect(identityFromCard(card({ validTo: '2026-11-28' }), now).expired).toBe(true);
    expect(identityFromCard(card({ validTo: '2026-11-29' }), now).expired).toBe(false);
  });
  it('derives the birth date for manual entry', () => {
    expect(birthDateFromId('36012119500301123x')).toBe('1950-03-01');
    expect(identityFromManual(' 李四 ', '36012119500301123x', now)).toMatchObject({ name: '李四', idNumber: '36012119500301123X', age: 76, verified: false });
    expect(maskIdNumber('AB12')).toBe('****');
  });
  it('maps reader problems to plain words', () => {
    expect(cardProblem('TIMEOUT').titleKey).toBe('kiosk.identify.errors.reader');
    expect(cardProblem('READ_FAILED').titleKey).toBe('kiosk.identify.errors.unreadable');
  });
});

describe('age and expiry on the station day (TZ=UTC, 23:30 UTC = 07:30 next morning in Jiangxi)', () => {
  it('the 70th birthday is today at the station, though the machine is still on yesterday', () => {
    const now = new Date('2026-12-04T23:30:00.000Z');
    expect(ageOn('1956-12-05', now)).toBe(70);
    expect(ageOn('1956-12-06', now)).toBe(69);
  });
});
