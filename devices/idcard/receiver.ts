import { HEADER_SIZE, MAX_LENGTH, MIN_LENGTH, PREAMBLE, xorRange } from './frame.js';

export interface ReceiverEvents {
  /** A complete frame with a good checksum; `payload` excludes preamble, length and checksum. */
  frame(payload: Buffer): void;
  /** A frame-shaped run of bytes whose checksum did not match. */
  checksumError?(info: { length: number }): void;
  /** Bytes thrown away while hunting for a preamble. */
  discarded?(count: number): void;
}

/**
 * Receive state machine for SAM frames. Feed it raw bytes in any chunking; it finds preambles,
 * checks length and XOR, and resynchronises after garbage:
 *  - bytes before a preamble are discarded;
 *  - an impossible length (< 3 or > MAX_LENGTH) drops the first preamble byte and rescans;
 *  - a bad checksum drops the first preamble byte and rescans, so a real frame hidden inside the
 *    bytes a false header claimed is still found;
 *  - while a (possibly false) header waits for more bytes, a later complete frame with a good checksum
 *    wins at once, so a false header can never hold back a real frame.
 * Memory is bounded: at most HEADER_SIZE + MAX_LENGTH bytes are kept between pushes.
 * It never throws on input.
 */
export class FrameReceiver {
  private buf: Buffer = Buffer.alloc(4096);
  private start = 0;
  private end = 0;

  constructor(private readonly events: ReceiverEvents) {}

  /** Bytes currently buffered (for tests of the memory bound). */
  get buffered(): number {
    return this.end - this.start;
  }

  reset(): void {
    this.start = 0;
    this.end = 0;
  }

  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.drain();
  }

  private append(chunk: Uint8Array): void {
    const used = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      const need = used + chunk.length;
      if (need > this.buf.length || this.start === 0) {
        const next = Buffer.alloc(Math.max(need, this.buf.length * 2));
        this.buf.copy(next, 0, this.start, this.end);
        this.buf = next;
      } else {
        this.buf.copy(this.buf, 0, this.start, this.end);
      }
      this.start = 0;
      this.end = used;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Index of the next preamble at or after `from`, or -1. */
  private findPreamble(from: number): number {
    const b = this.buf;
    const last = this.end - PREAMBLE.length;
    for (let i = from; i <= last; i++) {
      if (b[i] === 0xaa && b[i + 1] === 0xaa && b[i + 2] === 0xaa && b[i + 3] === 0x96 && b[i + 4] === 0x69) return i;
    }
    return -1;
  }

  /** Length of a complete, checksum-valid frame at `at`, or 0. */
  private completeValidAt(at: number): number {
    if (at + HEADER_SIZE > this.end) return 0;
    const len = (this.buf[at + 5]! << 8) | this.buf[at + 6]!;
    if (len < MIN_LENGTH || len > MAX_LENGTH) return 0;
    const total = HEADER_SIZE + len;
    if (at + total > this.end) return 0;
    return xorRange(this.buf, at + 5, at + total - 1) === this.buf[at + total - 1] ? total : 0;
  }

  /**
   * Start of a later frame that begins inside [at, at+total) and is complete and valid; 'wait' when
   * such a candidate is still incomplete; 0 when there is none.
   */
  private innerFrame(at: number, total: number): number | 'wait' {
    let q = this.findPreamble(at + 1);
    while (q >= 0 && q < at + total) {
      if (q + HEADER_SIZE > this.end) return 'wait';
      const len = (this.buf[q + 5]! << 8) | this.buf[q + 6]!;
      if (len >= MIN_LENGTH && len <= MAX_LENGTH) {
        if (q + HEADER_SIZE + len > this.end) return 'wait';
        if (this.completeValidAt(q) > 0) return q;
      }
      q = this.findPreamble(q + 1);
    }
    return 0;
  }

  private discard(count: number): void {
    if (count <= 0) return;
    this.start += count;
    this.events.discarded?.(count);
  }

  private drain(): void {
    for (;;) {
      const p = this.findPreamble(this.start);
      if (p < 0) {
        // Keep a possible partial preamble at the tail.
        this.discard(Math.max(0, this.end - this.start - (PREAMBLE.length - 1)));
        break;
      }
      this.discard(p - this.start);
      if (this.end - this.start < HEADER_SIZE) break;
      const len = (this.buf[this.start + 5]! << 8) | this.buf[this.start + 6]!;
      if (len < MIN_LENGTH || len > MAX_LENGTH) {
        this.discard(1);
        continue;
      }
      const total = HEADER_SIZE + len;
      if (this.end - this.start < total) {
        // Incomplete. If a later complete valid frame is already here, the header was false.
        let q = this.findPreamble(this.start + 1);
        let found = -1;
        while (q >= 0) {
          if (this.completeValidAt(q) > 0) {
            found = q;
            break;
          }
          q = this.findPreamble(q + 1);
        }
        if (found < 0) break;
        this.discard(found - this.start);
        continue;
      }
      const chkAt = this.start + total - 1;
      if (xorRange(this.buf, this.start + 5, chkAt) !== this.buf[chkAt]) {
        this.events.checksumError?.({ length: len });
        this.discard(1);
        continue;
      }
      // A good checksum over a region that holds another preamble starting a good frame means the
      // outer "frame" is garbage that merely happened to XOR right (1 in 256): prefer the inner one.
      const inner = this.innerFrame(this.start, total);
      if (inner === 'wait') break;
      if (inner > 0) {
        this.discard(inner - this.start);
        continue;
      }
      // Copy out: the internal buffer is reused.
      const payload = Buffer.from(this.buf.subarray(this.start + HEADER_SIZE, chkAt));
      this.start += total;
      try {
        this.events.frame(payload);
      } catch {
        // A listener's failure must not break reception.
      }
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    // Shrink a buffer grown by one huge chunk.
    if (this.buf.length > 4 * (HEADER_SIZE + MAX_LENGTH) && this.end - this.start < HEADER_SIZE + MAX_LENGTH) {
      const next = Buffer.alloc(2 * (HEADER_SIZE + MAX_LENGTH));
      this.buf.copy(next, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      this.buf = next;
    }
  }
}
