import { describe, expect, it } from 'vitest';
import { elderlyStep } from './elderly-offer';

describe('elderlyStep (identify page)', () => {
  const old = { age: 82, expired: false };
  it('offers 长者模式 to an older resident only while it is off', () => {
    expect(elderlyStep(old, { answered: false, elderlyOn: false })).toBe('offer');
    expect(elderlyStep(old, { answered: false, elderlyOn: true })).toBe('priority-only');
  });
  it('asks nothing once answered, for younger residents, expired cards or no card', () => {
    expect(elderlyStep(old, { answered: true, elderlyOn: false })).toBe('none');
    expect(elderlyStep({ age: 69, expired: false }, { answered: false, elderlyOn: false })).toBe('none');
    expect(elderlyStep({ age: null, expired: false }, { answered: false, elderlyOn: false })).toBe('none');
    expect(elderlyStep({ age: 90, expired: true }, { answered: false, elderlyOn: false })).toBe('none');
    expect(elderlyStep(null, { answered: false, elderlyOn: true })).toBe('none');
  });
});
