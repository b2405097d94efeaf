/**
 * Framing of QR/barcode scanners on a serial port (RS-232, USB-CDC "virtual COM" mode), pure.
 *
 * What we support ("line mode", the factory default of most scanners' serial mode): each scan is the
 * code's characters as ASCII, followed by a terminator CR, LF or CR LF. Any run of CR and LF ends a
 * line; empty lines are ignored. A line may hold only printable ASCII (0x20–0x7E): anything else
 * (noise on the line, a wrong baud rate, a scanner set to GBK/UTF-8 output or to add STX/ETX or a
 * code-ID prefix) makes the whole line garbled; it is dropped at its terminator with `SCAN_GARBLED`.
 * A line longer than `maxLength` is dropped with `SCAN_TOO_LONG` (reported once, its bytes discarded
 * until the next terminator). Errors never carry the scanned text (it may be a credential).
 */

export const DEFAULT_MAX_SCAN_LENGTH = 4096;

/** A dropped scan: its code (the UI's words: `device.errors.<code>.any` in the renderer's catalogue, or the page's own) and an English message for logs. */
export type ScanError = { code: 'SCAN_GARBLED' | 'SCAN_TOO_LONG' | 'SCAN_INCOMPLETE'; message: string; params: { variant: 'any' } };
export type LineResult = { kind: 'scan'; text: string } | { kind: 'error'; error: ScanError };

export const SCAN_ERRORS = {
  garbled: (bad: number, length: number): ScanError => ({
    code: 'SCAN_GARBLED',
    message: `scanned line of ${length} bytes has ${bad} bytes outside printable ASCII (noise, wrong baud rate, or the scanner is not in plain ASCII line mode)`,
    params: { variant: 'any' },
  }),
  tooLong: (max: number): ScanError => ({
    code: 'SCAN_TOO_LONG',
    message: `scanned line longer than ${max} bytes; dropped`,
    params: { variant: 'any' },
  }),
  incomplete: (length: number, ms: number): ScanError => ({
    code: 'SCAN_INCOMPLETE',
    message: `${length} bytes without a line terminator for ${ms} ms; dropped (is the scanner set to add CR or LF?)`,
    params: { variant: 'any' },
  }),
};

const CR = 0x0d;
const LF = 0x0a;

export class LineDecoder {
  private buf: number[] = [];
  private bad = 0;
  private overflow = false;

  constructor(private readonly maxLength = DEFAULT_MAX_SCAN_LENGTH) {}

  /** Bytes held of an unfinished line. */
  get pending(): number {
    return this.overflow ? 1 : this.buf.length;
  }

  /** Feeds bytes; returns the lines (scans or errors) they completed, in order. */
  push(chunk: Uint8Array): LineResult[] {
    const out: LineResult[] = [];
    for (const b of chunk) {
      if (b === CR || b === LF) {
        const r = this.endLine();
        if (r) out.push(r);
        continue;
      }
      if (this.overflow) continue;
      if (this.buf.length >= this.maxLength) {
        this.overflow = true;
        this.buf = [];
        this.bad = 0;
        out.push({ kind: 'error', error: SCAN_ERRORS.tooLong(this.maxLength) });
        continue;
      }
      if (b < 0x20 || b > 0x7e) this.bad++;
      this.buf.push(b);
    }
    return out;
  }

  /** Drops an unfinished line (the session's quiet timer): the error, or null when nothing was held. */
  flushIncomplete(quietMs: number): LineResult | null {
    if (this.overflow) {
      this.overflow = false;
      return null;
    }
    if (this.buf.length === 0) return null;
    const n = this.buf.length;
    this.reset();
    return { kind: 'error', error: SCAN_ERRORS.incomplete(n, quietMs) };
  }

  reset(): void {
    this.buf = [];
    this.bad = 0;
    this.overflow = false;
  }

  private endLine(): LineResult | null {
    if (this.overflow) {
      this.overflow = false;
      return null;
    }
    if (this.buf.length === 0) return null;
    const bytes = this.buf;
    const bad = this.bad;
    this.reset();
    if (bad > 0) return { kind: 'error', error: SCAN_ERRORS.garbled(bad, bytes.length) };
    return { kind: 'scan', text: String.fromCharCode(...bytes) };
  }
}
