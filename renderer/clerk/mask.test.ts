import { describe, expect, it } from 'vitest';
import { maskId, maskName, maskPhone } from './mask';

describe('masking', () => {
  it('keeps the first and last four of an ID number', () => {
    expect(maskId('36012119800101123X')).toBe('3601**********123X');
    expect(maskId('1234')).toBe('****');
    expect(maskId(null)).toBe('');
  });
  it('keeps the first character of a name and masks phones', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李')).toBe('*');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
