import { describe, expect, it } from 'vitest';
import { DeviceError, toDeviceError } from './errors.js';
import { deviceErrorSchema } from './protocol/device-events.js';
import { zhErrorWords } from './testing/zh-words.js';

describe('DeviceError', () => {
  it('carries a code, an English message and the params of its words (always a variant), never words', () => {
    const e = new DeviceError('TIMEOUT', 'no reply to status within 2000 ms', { params: { device: 'idcard' } });
    expect(e.toJSON()).toEqual({ code: 'TIMEOUT', message: 'no reply to status within 2000 ms', params: { device: 'idcard', variant: 'any' } });
    expect(deviceErrorSchema.parse(e.toJSON())).toEqual(e.toJSON());
    expect(zhErrorWords(e)).toBe('身份证阅读器无响应，请检查连接');
    expect(new DeviceError('OPEN_FAILED', 'x', { variant: 'tcp' }).params).toEqual({ variant: 'tcp' });
    // A `variant` in params does not override the option.
    expect(new DeviceError('OPEN_FAILED', 'x', { variant: 'hid', params: { variant: 'tcp' } }).params.variant).toBe('hid');
  });

  it('withMessage keeps the words and the code, with a new English message', () => {
    const e = new DeviceError('PAPER_OUT', 'printer is out of paper', { variant: 'late' }).withMessage('self-check: printer is out of paper');
    expect(e).toMatchObject({ code: 'PAPER_OUT', message: 'self-check: printer is out of paper', params: { variant: 'late' } });
    expect(zhErrorWords(e)).toBe('打印机缺纸，请装纸后重试（本张可能未打印完整）');
  });

  it('toDeviceError: anything thrown becomes a link error with the generic words, its text kept for logs', () => {
    for (const thrown of [new Error('EIO'), 'EIO', 42, null, undefined, { weird: true }]) {
      const e = toDeviceError(thrown, 'PRINT_FAILED');
      expect(e.code).toBe('PRINT_FAILED');
      expect(deviceErrorSchema.safeParse(e.toJSON()).success).toBe(true);
      expect(zhErrorWords(e)).toBe('设备通信异常，请检查设备连接');
    }
    const kept = new DeviceError('NO_CARD', 'x');
    expect(toDeviceError(kept)).toBe(kept);
  });
});
