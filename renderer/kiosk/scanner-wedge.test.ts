import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeResult } from './scanner-wedge';

/** Types `text` then Enter, one key every `gap` ms from `start`; returns the results. */
function type(d: WedgeDetector, text: string, gap: number, start = 1000, enterGap = gap): (WedgeResult | null)[] {
  const out: (WedgeResult | null)[] = [];
  let t = start;
  for (const ch of text) {
    out.push(d.key(ch, t));
    t += gap;
  }
  out.push(d.key('Enter', t - gap + enterGap));
  return out.filter((r) => r !== null);
}

const CODE = 'TTID1.eyJ2IjoxLCJpc3MiOiJyZWYtcGxhdGZvcm0ifQ.' + 'A'.repeat(86);

describe('WedgeDetector', () => {
  it('a scanner burst (a few ms a character) then Enter is one scan with the exact text', () => {
    const d = new WedgeDetector();
    expect(type(d, CODE, 4)).toEqual([{ kind: 'scan', text: CODE, durationMs: 4 * (CODE.length - 1) }]);
    expect(d.pending).toBe(0);
  });

  it('touch or hardware typing (≥ 60 ms a key) is never a scan, however long', () => {
    const d = new WedgeDetector();
    expect(type(d, 'TTID1.abcdefghijklmnop', 80)).toEqual([]);
    expect(type(d, '360121195203150026', 120)).toEqual([]);
  });

  it('a pause inside a burst starts a new one; a short burst or a slow Enter is dropped', () => {
    const d = new WedgeDetector();
    // 10 fast characters, a 300 ms pause, then the whole code fast: only the code is the scan.
    const r1 = [...'0123456789'].map((c, i) => d.key(c, i * 5));
    expect(r1.every((x) => x === null)).toBe(true);
    expect(type(d, CODE, 5, 400)).toEqual([{ kind: 'scan', text: CODE, durationMs: 5 * (CODE.length - 1) }]);
    expect(type(d, 'short', 3)).toEqual([]); // below minLength
    expect(type(d, CODE, 3, 5000, 500)).toEqual([]); // Enter long after the burst
    expect(d.key('Enter', 9000)).toBeNull(); // a stray Enter
  });

  it('Shift (capitals) is ignored; Tab or an arrow ends the burst without a scan', () => {
    const d = new WedgeDetector();
    let t = 0;
    for (const ch of 'TTID1.ABCdef') {
      d.key('Shift', t);
      d.key(ch, (t += 3));
    }
    expect(d.key('Enter', t + 3)).toEqual({ kind: 'scan', text: 'TTID1.ABCdef', durationMs: 33 });
    for (const ch of 'TTID1.ABCdef') d.key(ch, (t += 3));
    d.key('Tab', (t += 3));
    expect(d.key('Enter', t + 3)).toBeNull();
  });

  it('an overlong burst is reported as too long (nothing kept), and the next scan reads', () => {
    const d = new WedgeDetector({ maxLength: 100 });
    expect(type(d, 'x'.repeat(5000), 1)).toEqual([{ kind: 'too-long', length: 5000 }]);
    expect(type(d, CODE.slice(0, 90), 2, 100_000)).toEqual([{ kind: 'scan', text: CODE.slice(0, 90), durationMs: 178 }]);
  });

  it('non-ASCII characters (a scanner set to another keyboard layout) come through for the code check to refuse', () => {
    const d = new WedgeDetector();
    expect(type(d, 'TTID1.中文乱码乱码乱码', 2)).toEqual([{ kind: 'scan', text: 'TTID1.中文乱码乱码乱码', durationMs: 26 }]);
  });
});
