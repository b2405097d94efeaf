import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeResult } from './scanner-wedge';

/** Types `text` then Enter, keys `gap(i)` ms apart from `start`; returns the results. */
function type(d: WedgeDetector, text: string, gap: number | ((i: number) => number), start = 1000, enterGap?: number): (WedgeResult | null)[] {
  const g = typeof gap === 'number' ? () => gap : gap;
  const out: (WedgeResult | null)[] = [];
  let t = start;
  [...text].forEach((ch, i) => {
    if (i > 0) t += g(i);
    out.push(d.key(ch, t));
  });
  out.push(d.key('Enter', t + (enterGap ?? g(text.length))));
  return out.filter((r) => r !== null);
}

const CODE = 'TTID1.eyJ2IjoxLCJpc3MiOiJyZWYtcGxhdGZvcm0ifQ.' + 'A'.repeat(86);

describe('WedgeDetector', () => {
  it('a scanner burst (a few ms a character) then Enter is one scan with the exact text', () => {
    const d = new WedgeDetector();
    expect(type(d, CODE, 4)).toEqual([{ kind: 'scan', text: CODE, durationMs: 4 * (CODE.length - 1), typicalGapMs: 4 }]);
    expect(d.pending).toBe(0);
  });

  it('a scan delivered in clumps by a busy machine (stalls up to 1 s, a fifth of the keys late) is still a scan', () => {
    const d = new WedgeDetector();
    const jitter = (i: number) => (i % 50 === 0 ? 900 : i % 5 === 0 ? 150 : 3);
    const r = type(d, CODE, jitter);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ kind: 'scan', text: CODE, typicalGapMs: 3 });
  });

  it('typing (60–300 ms a key, however long, with fast pairs in between) is never a scan', () => {
    const d = new WedgeDetector();
    expect(type(d, 'TTID1.abcdefghijklmnop', 80)).toEqual([]);
    expect(type(d, '360121195203150026', 120)).toEqual([]);
    expect(type(d, CODE, 60)).toEqual([]);
    // a quick typist: every other pair of keys 20 ms apart, the rest 110 ms
    expect(type(d, CODE, (i) => (i % 2 ? 20 : 110))).toEqual([]);
  });

  it('a pause over a second starts a new burst; a short burst or a late Enter is dropped', () => {
    const d = new WedgeDetector();
    // 10 fast characters, a 1.5 s pause, then the whole code fast: only the code is the scan.
    const r1 = [...'0123456789'].map((c, i) => d.key(c, i * 5));
    expect(r1.every((x) => x === null)).toBe(true);
    expect(type(d, CODE, 5, 1600)).toEqual([{ kind: 'scan', text: CODE, durationMs: 5 * (CODE.length - 1), typicalGapMs: 5 }]);
    expect(type(d, 'short', 3)).toEqual([]); // below minLength
    expect(type(d, CODE, 3, 5000, 1500)).toEqual([]); // Enter long after the burst
    expect(d.key('Enter', 90_000)).toBeNull(); // a stray Enter
  });

  it('Shift (capitals) is ignored; Tab or an arrow ends the burst without a scan', () => {
    const d = new WedgeDetector();
    let t = 0;
    for (const ch of 'TTID1.ABCdef') {
      d.key('Shift', t);
      d.key(ch, (t += 3));
    }
    expect(d.key('Enter', t + 3)).toEqual({ kind: 'scan', text: 'TTID1.ABCdef', durationMs: 33, typicalGapMs: 3 });
    for (const ch of 'TTID1.ABCdef') d.key(ch, (t += 3));
    d.key('Tab', (t += 3));
    expect(d.key('Enter', t + 3)).toBeNull();
  });

  it('an overlong burst is reported as too long (nothing kept), and the next scan reads', () => {
    const d = new WedgeDetector({ maxLength: 100 });
    expect(type(d, 'x'.repeat(5000), 1)).toEqual([{ kind: 'too-long', length: 5000 }]);
    expect(type(d, CODE.slice(0, 90), 2, 100_000)).toEqual([{ kind: 'scan', text: CODE.slice(0, 90), durationMs: 178, typicalGapMs: 2 }]);
  });

  it('non-ASCII characters (a scanner set to another keyboard layout) come through for the code check to refuse', () => {
    const d = new WedgeDetector();
    expect(type(d, 'TTID1.中文乱码乱码乱码', 2)).toEqual([{ kind: 'scan', text: 'TTID1.中文乱码乱码乱码', durationMs: 26, typicalGapMs: 2 }]);
  });
});
