import { describe, expect, it } from 'vitest';
import { samStatus, samStatusParams, samStatusTable } from './status.js';
import { zhErrorWords } from '../testing/zh-words.js';

describe('SAM status codes', () => {
  const expected: [number, string][] = [
    [0x90, 'OK'], [0x91, 'NO_CONTENT'], [0x9f, 'CARD_FOUND'], [0x10, 'HOST_CHECKSUM_ERROR'], [0x11, 'HOST_LENGTH_ERROR'],
    [0x21, 'COMMAND_ERROR'], [0x23, 'UNAUTHORISED_OPERATION'], [0x24, 'UNRECOGNISED_ERROR'], [0x31, 'CARD_AUTH_SAM_FAILED'],
    [0x32, 'SAM_AUTH_CARD_FAILED'], [0x33, 'VERIFY_FAILED'], [0x40, 'UNKNOWN_CARD_TYPE'], [0x41, 'READ_FAILED'],
    [0x47, 'RANDOM_FAILED'], [0x60, 'SAM_SELF_TEST_FAILED'], [0x66, 'SAM_NOT_AUTHORISED'], [0x80, 'FIND_CARD_FAILED'],
    [0x81, 'SELECT_CARD_FAILED'],
  ];

  it.each(expected)('0x%s maps to %s with English and Chinese text', (sw3, code) => {
    const s = samStatus(sw3);
    expect(s.code).toBe(code);
    expect(s.description).toMatch(/[a-z]/);
    expect(zhErrorWords({ code: s.code, params: { variant: 'any', ...samStatusParams(s) } })).toMatch(/[\u4e00-\u9fff]/);
  });

  it('covers every documented code exactly once', () => {
    expect(samStatusTable.map((s) => s.sw3).sort()).toEqual(expected.map(([s]) => s).sort());
  });

  it('reports an unknown code clearly instead of hiding it', () => {
    const s = samStatus(0x55);
    expect(s.code).toBe('UNKNOWN_STATUS');
    expect(s.description).toContain('0x55');
    expect(samStatusParams(s)).toEqual({ sw3: '0x55' });
    expect(zhErrorWords({ code: s.code, params: { variant: 'any', ...samStatusParams(s) } })).toBe('阅读器返回未知状态（0x55）');
    expect(samStatusParams(samStatus(0xab))).toEqual({ sw3: '0xAB' });
  });
});
