/**
 * Keyboard-wedge scanners (USB HID keyboards) type what they read and press Enter. The kiosk has no
 * visible field for it: the identify page listens to key events on the window and tells a scanner's
 * burst from a person typing by timing (pure, tested in scanner-wedge.test.ts):
 *
 * - a scanner sends a character every 1–20 ms; a person, even a fast typist on a hardware keyboard,
 *   needs 60 ms and more between keys (and the kiosk's own on-screen keyboard sends no key events);
 * - a burst is printable characters with no pause over `breakMs` (default 1 s: a longer pause drops
 *   what came before); Enter ends it;
 * - it is a scan when it has at least `minLength` characters and at least 60 % of the pauses between
 *   its keys are at most `maxTypicalGapMs` (default 40 ms; the pauses' 60th percentile, the "typical
 *   gap"). Not the longest pause: a busy machine (or a USB hub) delivers some keys of a scan late, in
 *   clumps, and a stall must not turn a scan into "typing"; a person's typical gap stays far above it
 *   however fast they type (even with quick pairs of keys in between);
 * - a burst longer than `maxLength` is reported as too long at its Enter (its characters are not kept);
 * - modifier keys (the Shift a scanner presses for capitals) are ignored; other non-character keys
 *   (Tab, arrows…) end the burst without a scan.
 */

export interface WedgeOptions {
  /** Largest typical pause (60th percentile) between the keys of a scan (default 40 ms). */
  maxTypicalGapMs?: number;
  /** A longer pause between keys starts a new burst (default 1000 ms). */
  breakMs?: number;
  /** Shortest text taken for a scan (default 8). */
  minLength?: number;
  /** Longest text kept (default 4096). */
  maxLength?: number;
}

export type WedgeResult = { kind: 'scan'; text: string; durationMs: number; typicalGapMs: number } | { kind: 'too-long'; length: number };

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Unidentified', 'Dead', 'Process']);

/** The 60th percentile (nearest rank). */
const typical = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil(s.length * 0.6) - 1)]!;
};

export class WedgeDetector {
  private readonly maxTypicalGapMs: number;
  private readonly breakMs: number;
  private readonly minLength: number;
  private readonly maxLength: number;
  private chars: string[] = [];
  private gaps: number[] = [];
  private count = 0;
  private first = 0;
  private last = 0;

  constructor(options: WedgeOptions = {}) {
    this.maxTypicalGapMs = options.maxTypicalGapMs ?? 40;
    this.breakMs = options.breakMs ?? 1000;
    this.minLength = options.minLength ?? 8;
    this.maxLength = options.maxLength ?? 4096;
  }

  /** Characters of the burst in progress. */
  get pending(): number {
    return this.count;
  }

  /** One keydown (`KeyboardEvent.key`) at time `at` (ms); returns a result when it ended a scan. */
  key(key: string, at: number): WedgeResult | null {
    if (MODIFIERS.has(key)) return null;
    const inBurst = this.count > 0 && at - this.last <= this.breakMs;
    if (key === 'Enter') {
      const count = this.count;
      const text = this.chars.join('');
      const gaps = [...this.gaps, at - this.last];
      const duration = this.last - this.first;
      this.reset();
      if (!inBurst || count < this.minLength) return null;
      const typicalGapMs = typical(gaps);
      if (typicalGapMs > this.maxTypicalGapMs) return null;
      if (count > this.maxLength) return { kind: 'too-long', length: count };
      return { kind: 'scan', text, durationMs: duration, typicalGapMs };
    }
    if ([...key].length !== 1) {
      this.reset();
      return null;
    }
    if (!inBurst) {
      this.reset();
      this.first = at;
    } else if (this.gaps.length <= this.maxLength) this.gaps.push(at - this.last);
    this.count++;
    if (this.count <= this.maxLength) this.chars.push(key);
    else this.chars = [];
    this.last = at;
    return null;
  }

  reset(): void {
    this.chars = [];
    this.gaps = [];
    this.count = 0;
    this.first = 0;
    this.last = 0;
  }
}

/**
 * Listens on `target` (the window) while installed; calls `onResult` for every scan. Keys typed into
 * an editable field (the manual ID entry) are left alone. Returns the uninstall function.
 */
export function installWedgeCapture(target: Window, onResult: (r: WedgeResult) => void, options: WedgeOptions = {}): () => void {
  const detector = new WedgeDetector(options);
  const listener = (e: KeyboardEvent) => {
    const el = e.target as HTMLElement | null;
    if (el && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT')) return;
    if (e.isComposing) return;
    const r = detector.key(e.key, e.timeStamp || performance.now());
    if (r) {
      // The scanner's Enter must not also press the button that has the focus.
      e.preventDefault();
      onResult(r);
    }
  };
  target.addEventListener('keydown', listener, { capture: true });
  return () => target.removeEventListener('keydown', listener, { capture: true });
}
