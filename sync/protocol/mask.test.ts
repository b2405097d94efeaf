import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './mask';

describe('masking (one rule set for screen, paper and logs)', () => {
  it('keeps the first and last four of an ID number; short numbers keep less', () => {
    expect(maskIdNumber('360121199001011234')).toBe('3601**********1234');
    expect(maskIdNumber(' 36012119800101123X ')).toBe('3601**********123X');
    expect(maskIdNumber('36012119900101123X')).toBe('3601**********123X');
    expect(maskIdNumber('CAN360185081214')).toBe('CAN3*******1214');
    expect(maskIdNumber('12345678')).toBe('1******8');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskIdNumber('')).toBe('');
    expect(maskIdNumber(null)).toBe('');
    expect(maskIdNumber(undefined)).toBe('');
  });
  it('masks phones and names', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone(null)).toBe('');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('李')).toBe('*');
    expect(maskName(null)).toBe('');
  });
});
