import { describe, expect, it } from 'vitest';
import { checkCitizenIdNumber, checkForeign2017Number, checkForeign2023Number, gb11643CheckChar, maskIdNumber, mrzCheckDigit } from './id-number.js';

describe('GB 11643 check character', () => {
  it('computes the check character, including X', () => {
    expect(gb11643CheckChar('36010219900307123')).toBe('6');
    expect(gb11643CheckChar('11010519491231002')).toBe('X'); // the standard's own example
    expect(gb11643CheckChar('1234')).toBeNull();
  });

  it('accepts a valid number and reports each kind of invalid one', () => {
    expect(checkCitizenIdNumber('360102199003071236')).toEqual({ valid: true });
    expect(checkCitizenIdNumber('11010519491231002X')).toEqual({ valid: true });
    expect(checkCitizenIdNumber('360102199003071237')).toMatchObject({ valid: false, reason: 'check character mismatch' });
    expect(checkCitizenIdNumber('360102199013071236').valid).toBe(false); // month 13
    expect(checkCitizenIdNumber('36010219900307123').valid).toBe(false); // 17 chars
    expect(checkCitizenIdNumber('3601021990030712x6').valid).toBe(false);
    expect(checkCitizenIdNumber('').valid).toBe(false);
  });
});

describe('foreign permanent residence numbers', () => {
  it('7-3-1 check digit', () => {
    expect(mrzCheckDigit('CAN36018508121')).toBe(4);
    expect(mrzCheckDigit('a')).toBeNull();
  });

  it('2017 (15 chars)', () => {
    expect(checkForeign2017Number('CAN360185081214')).toEqual({ valid: true });
    expect(checkForeign2017Number('CAN360185081215')).toMatchObject({ valid: false, reason: 'check digit mismatch' });
    expect(checkForeign2017Number('CAN360185131214').valid).toBe(false); // month 13
    expect(checkForeign2017Number('C4N360185081214').valid).toBe(false);
  });

  it('2023 (18 chars starting with 9)', () => {
    expect(checkForeign2023Number('936840198508120113')).toEqual({ valid: true });
    expect(checkForeign2023Number('936840198508120114').valid).toBe(false);
    expect(checkForeign2023Number('360102199003071236').valid).toBe(false); // citizen number
  });
});

describe('masking', () => {
  it('keeps 4 + 4 characters', () => {
    expect(maskIdNumber('360102199003071234')).toBe('3601**********1234');
    expect(maskIdNumber('CAN360185081214')).toBe('CAN3*******1214');
    expect(maskIdNumber('1234')).toBe('****');
  });
});
