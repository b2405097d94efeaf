/**
 * Keyboard-wedge scanners (USB HID keyboards) type what they read and press Enter. The kiosk has no
 * visible field for it: the identify page listens to key events on the window and tells a scanner's
 * burst from a person typing by timing (pure, tested in scanner-wedge.test.ts):
 *
 * - a burst is printable characters each at most `maxGapMs` after the previous one (scanners send a
 *   character every 1–20 ms; people, even fast typists on a hardware keyboard, take 60 ms and more);
 *   a slower character starts a new burst, so typing is never mistaken for a scan;
 * - Enter ends it: a burst of at least `minLength` characters whose Enter also came within
 *   `maxGapMs` is a scan; anything shorter or slower is dropped (typing, a stray Enter);
 * - a burst longer than `maxLength` is reported as too long at its Enter (its characters are not kept);
 * - modifier keys (the Shift a scanner presses for capitals) are ignored; other non-character keys
 *   (Tab, arrows…) end the burst without a scan.
 */

export interface WedgeOptions {
  /** Longest pause between two characters of one scan (default 50 ms). */
  maxGapMs?: number;
  /** Shortest text taken for a scan (default 8). */
  minLength?: number;
  /** Longest text kept (default 4096). */
  maxLength?: number;
}

export type WedgeResult = { kind: 'scan'; text: string; durationMs: number } | { kind: 'too-long'; length: number };

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Unidentified', 'Dead', 'Process']);

export class WedgeDetector {
  private readonly maxGapMs: number;
  private readonly minLength: number;
  private readonly maxLength: number;
  private chars: string[] = [];
  private count = 0;
  private first = 0;
  private last = 0;

  constructor(options: WedgeOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? 50;
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
    const inBurst = this.count > 0 && at - this.last <= this.maxGapMs;
    if (key === 'Enter') {
      const count = this.count;
      const text = this.chars.join('');
      const duration = this.last - this.first;
      this.reset();
      if (!inBurst || count < this.minLength) return null;
      if (count > this.maxLength) return { kind: 'too-long', length: count };
      return { kind: 'scan', text, durationMs: duration };
    }
    if ([...key].length !== 1) {
      this.reset();
      return null;
    }
    if (!inBurst) {
      this.reset();
      this.first = at;
    }
    this.count++;
    if (this.count <= this.maxLength) this.chars.push(key);
    else this.chars = [];
    this.last = at;
    return null;
  }

  reset(): void {
    this.chars = [];
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
