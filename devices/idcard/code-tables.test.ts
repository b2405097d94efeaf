import { describe, expect, it } from 'vitest';
import { NATIONS, nationName, sexFromCode, sexToCode } from './code-tables.js';
import { parseCardDate, parseValidTo } from './dates.js';

describe('sex codes', () => {
  it.each([
    ['0', 'unknown'],
    ['1', 'male'],
    ['2', 'female'],
    ['9', 'unspecified'],
  ] as const)('%s → %s and back', (code, sex) => {
    expect(sexFromCode(code)).toBe(sex);
    expect(sexToCode(sex)).toBe(code);
  });
  it('rejects other codes (not silently "female")', () => {
    expect(sexFromCode('3')).toBeNull();
    expect(sexFromCode('')).toBeNull();
  });
});

describe('民族 codes', () => {
  it('has 56 nations plus 97 and 98', () => {
    expect(Object.keys(NATIONS)).toHaveLength(58);
    for (let i = 1; i <= 56; i++) expect(nationName(String(i).padStart(2, '0'))).toBeTruthy();
  });
  it.each([
    ['01', '汉'], ['02', '蒙古'], ['05', '维吾尔'], ['22', '畲'], ['46', '德昂'], ['56', '基诺'], ['97', '其他'], ['98', '外国血统中国籍人士'],
  ])('%s → %s', (code, name) => expect(nationName(code)).toBe(name));
  it('unknown codes are null, not guessed', () => {
    expect(nationName('57')).toBeNull();
    expect(nationName('00')).toBeNull();
    expect(nationName('x')).toBeNull();
  });
});

describe('card dates', () => {
  it('YYYYMMDD → YYYY-MM-DD', () => {
    expect(parseCardDate('19900307')).toBe('1990-03-07');
    expect(parseCardDate('20000229')).toBe('2000-02-29');
  });
  it('rejects non-dates', () => {
    for (const bad of ['19900230', '19001301', '2023010', 'abcdefgh', '', '19000229', '00000000']) expect(parseCardDate(bad)).toBeNull();
  });
  it('valid-to: date or 长期', () => {
    expect(parseValidTo('20350601')).toBe('2035-06-01');
    expect(parseValidTo('长期')).toBe('long-term');
    expect(parseValidTo('长 期')).toBeNull();
  });
});
