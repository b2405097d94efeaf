/** The serial scanner's line framing, without ports: terminators, chunking, garbage, overlong lines. */
import { describe, expect, it } from 'vitest';
import { LineDecoder, type LineResult } from './line-framing.js';
import { zhErrorWords } from '../testing/zh-words.js';

const feed = (d: LineDecoder, ...chunks: (string | number[])[]): LineResult[] => chunks.flatMap((c) => d.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : Uint8Array.from(c)));
const texts = (rs: LineResult[]) => rs.map((r) => (r.kind === 'scan' ? r.text : `!${r.error.code}`));

describe('LineDecoder', () => {
  it('ends a line at CR, LF or CR LF, ignores empty lines, and joins chunks split anywhere', () => {
    const d = new LineDecoder();
    expect(texts(feed(d, 'TTID1.abc\r\n', 'second\r', 'third\n', '\r\n\r\n', 'fo', 'ur', 'th\r', '\nfifth\n'))).toEqual(['TTID1.abc', 'second', 'third', 'fourth', 'fifth']);
    expect(d.pending).toBe(0);
  });

  it('byte by byte gives the same lines', () => {
    const d = new LineDecoder();
    const bytes = Buffer.from('TTID1.x-y_z.sig\r\nhttps://example.org/a?b=1\n', 'latin1');
    const out: LineResult[] = [];
    for (const b of bytes) out.push(...d.push(Uint8Array.of(b)));
    expect(texts(out)).toEqual(['TTID1.x-y_z.sig', 'https://example.org/a?b=1']);
  });

  it('a line with bytes outside printable ASCII is dropped whole as garbled; the next line reads', () => {
    const d = new LineDecoder();
    const r = feed(d, [0x54, 0x54, 0x00, 0xff, 0x1b, 0x49], '\r\n', 'good\r\n', Array.from('中文', (c) => c.charCodeAt(0) & 0xff), '\n');
    expect(texts(r)).toEqual(['!SCAN_GARBLED', 'good', '!SCAN_GARBLED']);
    const e = r[0]!;
    expect(e.kind === 'error' && e.error.message).toMatch(/6 bytes has 3 bytes outside printable ASCII/);
    expect(e.kind === 'error' && zhErrorWords(e.error)).toMatch(/乱码/);
  });

  it('a line over the limit is reported once, skipped to its terminator, and nothing after it is lost', () => {
    const d = new LineDecoder(64);
    const r = feed(d, 'A'.repeat(50), 'B'.repeat(50), 'C'.repeat(500), '\r\n', 'after\r\n');
    expect(texts(r)).toEqual(['!SCAN_TOO_LONG', 'after']);
    expect(r[0]!.kind === 'error' && r[0]!.error.message).toBe('scanned line longer than 64 bytes; dropped');
    // exactly at the limit is fine
    expect(texts(feed(d, 'x'.repeat(64), '\n'))).toEqual(['x'.repeat(64)]);
  });

  it('an unfinished line is dropped as incomplete by the quiet timer, never glued to the next scan', () => {
    const d = new LineDecoder();
    expect(feed(d, 'TTID1.half')).toEqual([]);
    const r = d.flushIncomplete(300)!;
    expect(r.kind === 'error' && r.error.code).toBe('SCAN_INCOMPLETE');
    expect(r.kind === 'error' && r.error.message).toMatch(/10 bytes without a line terminator for 300 ms/);
    expect(texts(feed(d, 'whole\r\n'))).toEqual(['whole']);
    expect(d.flushIncomplete(300)).toBeNull();
  });

  it('random bytes never throw and every result is a bounded scan of printable ASCII or an error', () => {
    let seed = 17;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const d = new LineDecoder(256);
    for (let i = 0; i < 2000; i++) {
      const chunk = Uint8Array.from({ length: 1 + (rnd() % 40) }, rnd);
      for (const r of d.push(chunk)) {
        if (r.kind === 'scan') {
          expect(r.text.length).toBeLessThanOrEqual(256);
          expect(r.text).toMatch(/^[\x20-\x7e]+$/);
        } else expect(['SCAN_GARBLED', 'SCAN_TOO_LONG']).toContain(r.error.code);
      }
    }
  });
});
