import { describe, expect, it } from 'vitest';
import { BusCommand, BusReceiver, decodeText, encodeBusFrame, showTextData, type BusFrame } from './protocol.js';

describe('TST-BUS/1 framing', () => {
  it('encodes start byte, address, command, big-endian length, GB2312 text and XOR checksum', () => {
    const f = encodeBusFrame({ address: 3, command: BusCommand.showText, data: showTextData('请A012号', 0, 'static') });
    expect(f.subarray(0, 5).toString('hex')).toBe('a50301000a');
    expect(f.subarray(5, 7).toString('hex')).toBe('0000');
    expect(decodeText(f.subarray(7, -1))).toBe('请A012号');
    let x = 0;
    for (const b of f.subarray(1, -1)) x ^= b;
    expect(f[f.length - 1]).toBe(x);
  });

  it('rejects oversize data and bad addresses', () => {
    expect(() => encodeBusFrame({ address: 1, command: 1, data: Buffer.alloc(513) })).toThrow(RangeError);
    expect(() => encodeBusFrame({ address: 255, command: 1, data: Buffer.alloc(0) })).toThrow(RangeError);
  });

  it('receiver resynchronises after garbage and bad checksums; random input never throws', () => {
    const frames: BusFrame[] = [];
    let bad = 0;
    const r = new BusReceiver((f) => frames.push(f), () => bad++);
    const good = encodeBusFrame({ address: 1, command: BusCommand.evaluationResult, data: Buffer.from([4]) });
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
    r.push(Buffer.concat([Buffer.from([0xa5, 0xff, 0xff, 0x99]), corrupt, Buffer.from([1, 2, 3]), good.subarray(0, 3)]));
    r.push(good.subarray(3));
    expect(frames).toEqual([{ address: 1, command: BusCommand.evaluationResult, data: Buffer.from([4]) }]);
    expect(bad).toBeGreaterThan(0);
    let s = 1;
    for (let i = 0; i < 5000; i++) {
      const chunk = Buffer.alloc(40).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24));
      expect(() => r.push(chunk)).not.toThrow();
    }
  });
});
