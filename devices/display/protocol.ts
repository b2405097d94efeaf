/**
 * Our generic framed serial protocol for window LED strips and key-type evaluators ("TST-BUS/1").
 * No public standard exists (../../../shared/specs/queue-and-evaluation.md), so controllers are either
 * flashed/configured to speak this, or get their own driver behind the same interfaces.
 *
 *   STX 0xA5 | ADDR (1) | CMD (1) | LEN (2, big-endian) | DATA (LEN bytes) | CHK (1)
 *   CHK = XOR of ADDR, CMD, LEN and DATA bytes.  LEN ≤ 512.  Text is GB2312 (GBK-compatible) bytes.
 *   ADDR 0x00 = broadcast (never answered), 0x01–0xFE = device address.
 * Every addressed host command is answered by ACK = CMD | 0x80 with DATA = [result]
 * (0 ok, 1 unsupported command, 2 bad data, 3 text too long).
 */
import iconv from 'iconv-lite';

export const STX = 0xa5;
export const MAX_DATA = 512;
export const BROADCAST = 0x00;

export const BusCommand = {
  showText: 0x01,
  clear: 0x02,
  brightness: 0x03,
  ping: 0x10,
  evaluationRequest: 0x20,
  evaluationCancel: 0x21,
  /** device → host */
  evaluationResult: 0x30,
  /** device → host */
  evaluationTimeout: 0x31,
} as const;

export const ACK_FLAG = 0x80;
export const AckResult = { ok: 0, unsupported: 1, badData: 2, textTooLong: 3 } as const;

export interface BusFrame {
  address: number;
  command: number;
  data: Buffer;
}

export function encodeBusFrame(f: BusFrame): Buffer {
  if (f.data.length > MAX_DATA) throw new RangeError(`bus frame data too long: ${f.data.length} > ${MAX_DATA}`);
  if (f.address < 0 || f.address > 0xfe) throw new RangeError(`bad bus address ${f.address}`);
  const out = Buffer.alloc(6 + f.data.length);
  out[0] = STX;
  out[1] = f.address;
  out[2] = f.command;
  out.writeUInt16BE(f.data.length, 3);
  f.data.copy(out, 5);
  let x = 0;
  for (let i = 1; i < out.length - 1; i++) x ^= out[i]!;
  out[out.length - 1] = x;
  return out;
}

export function encodeText(text: string): Buffer {
  return iconv.encode(text, 'gb2312');
}

export function decodeText(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'gb2312');
}

/** Show text: DATA = line (0-based) | effect (0 static, 1 scroll, 2 blink) | GB2312 text. */
export function showTextData(text: string, line = 0, effect: 'static' | 'scroll' | 'blink' = 'static'): Buffer {
  return Buffer.concat([Buffer.from([line, { static: 0, scroll: 1, blink: 2 }[effect]]), encodeText(text)]);
}

/** Scanning receiver with resynchronisation, same approach as the SAM receiver; never throws on input. */
export class BusReceiver {
  private buf = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (f: BusFrame) => void,
    private readonly onBadFrame?: () => void,
  ) {}

  push(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    let p = 0;
    while (p < this.buf.length) {
      if (this.buf[p] !== STX) {
        p++;
        continue;
      }
      if (p + 5 > this.buf.length) break;
      const len = this.buf.readUInt16BE(p + 3);
      if (len > MAX_DATA) {
        p++;
        continue;
      }
      const end = p + 6 + len;
      if (end > this.buf.length) break;
      let x = 0;
      for (let i = p + 1; i < end - 1; i++) x ^= this.buf[i]!;
      if (x !== this.buf[end - 1]) {
        this.onBadFrame?.();
        p++;
        continue;
      }
      const frame = { address: this.buf[p + 1]!, command: this.buf[p + 2]!, data: Buffer.from(this.buf.subarray(p + 5, end - 1)) };
      p = end;
      try {
        this.onFrame(frame);
      } catch {
        // keep receiving
      }
    }
    this.buf = Buffer.from(this.buf.subarray(p));
  }
}
