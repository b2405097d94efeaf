import { describe, expect, it } from 'vitest';
import { SamCommand } from './commands.js';
import { asCommand, asResponse, encodeCommand, encodeResponse, xorRange } from './frame.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');

describe('SAM framing', () => {
  it.each([
    ['reset', 'AA AA AA 96 69 00 03 10 FF EC'],
    ['status', 'AA AA AA 96 69 00 03 11 FF ED'],
    ['samId', 'AA AA AA 96 69 00 03 12 FF EE'],
    ['findCard', 'AA AA AA 96 69 00 03 20 01 22'],
    ['selectCard', 'AA AA AA 96 69 00 03 20 02 21'],
    ['readBase', 'AA AA AA 96 69 00 03 30 01 32'],
    ['readAdditionalAddress', 'AA AA AA 96 69 00 03 30 03 30'],
    ['readManagementNumber', 'AA AA AA 96 69 00 03 30 05 36'],
    ['readBaseWithFingerprint', 'AA AA AA 96 69 00 03 30 10 23'],
  ] as const)('%s encodes to the documented bytes', (name, bytes) => {
    const c = SamCommand[name];
    expect(hex(encodeCommand(c.cmd, c.para))).toBe(bytes);
  });

  it('encodes a command with data (set max RF bytes = 0x50)', () => {
    expect(hex(encodeCommand(0x61, 0xff, Buffer.from([0x50])))).toBe('AA AA AA 96 69 00 04 61 FF 50 CA');
  });

  it('encodes a response whose checksum covers length, SW and data', () => {
    const f = encodeResponse(0x90, Buffer.from([1, 2, 3]));
    expect(f.readUInt16BE(5)).toBe(3 + 3 + 1);
    expect(f[f.length - 1]).toBe(xorRange(f, 5, f.length - 1));
    expect(asResponse(f.subarray(7, -1))).toMatchObject({ sw1: 0, sw2: 0, sw3: 0x90 });
  });

  it('checksum covers the length high byte (1295-byte read-base frame, LEN 05 08)', () => {
    const f = encodeResponse(0x90, Buffer.alloc(1284));
    expect(f.length).toBe(1295);
    expect(hex(f.subarray(0, 10))).toBe('AA AA AA 96 69 05 08 00 00 90');
    expect(f[1294]).toBe(0x05 ^ 0x08 ^ 0x90);
  });

  it('rejects payload shapes that are too short', () => {
    expect(asCommand(Buffer.from([0x20]))).toBeNull();
    expect(asResponse(Buffer.from([0, 0]))).toBeNull();
  });

  it('refuses an oversized payload', () => {
    expect(() => encodeResponse(0x90, Buffer.alloc(0x0a00))).toThrow(RangeError);
  });
});
