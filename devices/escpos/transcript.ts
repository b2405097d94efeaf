/**
 * ESC/POS stream → readable transcript (text with size/bold/alignment, QR payloads, images, cuts).
 * Used by the printer emulator and by tests that check what a template really sends.
 * Incremental: push chunks in any split; an incomplete command waits for more bytes.
 */
import { decodeGb18030 } from './encoding.js';

export type TranscriptItem =
  | { type: 'init' }
  | { type: 'text'; text: string; width: number; height: number; bold: boolean; align: 'left' | 'center' | 'right'; chinese: boolean }
  | { type: 'newline' }
  | { type: 'qr'; data: string; moduleSize: number; errorCorrection: string }
  | { type: 'image'; width: number; height: number; data: Buffer }
  | { type: 'cut'; partial: boolean; feedLines: number }
  | { type: 'status-query'; n: number }
  | { type: 'unknown'; hex: string };

type Parsed = { item?: TranscriptItem; next: number } | null;

export class EscPosDecoder {
  private buf = Buffer.alloc(0);
  private chinese = false;
  private width = 1;
  private height = 1;
  private bold = false;
  private align: 'left' | 'center' | 'right' = 'left';
  private qrSize = 3;
  private qrEc = 'M';
  private qrData: Buffer | null = null;
  /** Hard cap on a pending command (a raster image of 80 mm × 2400 dots ≈ 172 KB). */
  private static readonly MAX_PENDING = 1 << 20;

  constructor(private readonly onItem: (item: TranscriptItem) => void) {}

  push(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    let pos = 0;
    for (;;) {
      if (pos >= this.buf.length) break;
      const r = this.parse(pos);
      if (!r) break;
      if (r.item) this.onItem(r.item);
      pos = r.next;
    }
    this.buf = this.buf.subarray(pos);
    if (this.buf.length > EscPosDecoder.MAX_PENDING) {
      this.onItem({ type: 'unknown', hex: `dropped ${this.buf.length} bytes of an unterminated command` });
      this.buf = Buffer.alloc(0);
    }
  }

  private parse(p: number): Parsed {
    const b = this.buf;
    const at = (i: number) => b[p + i];
    const need = (n: number) => p + n <= b.length;
    const c = b[p]!;
    switch (c) {
      case 0x0a:
        return { item: { type: 'newline' }, next: p + 1 };
      case 0x0d:
      case 0x09:
        return { next: p + 1 };
      case 0x10: // DLE EOT n
        if (!need(3)) return null;
        if (at(1) === 0x04) return { item: { type: 'status-query', n: at(2)! }, next: p + 3 };
        return { item: { type: 'unknown', hex: '10' }, next: p + 1 };
      case 0x1b:
        return this.parseEsc(p);
      case 0x1d:
        return this.parseGs(p);
      case 0x1c:
        return this.parseFs(p);
    }
    if (c < 0x20) return { item: { type: 'unknown', hex: c.toString(16).padStart(2, '0') }, next: p + 1 };
    return this.parseText(p);
  }

  private parseText(p: number): Parsed {
    const b = this.buf;
    let i = p;
    while (i < b.length) {
      const c = b[i]!;
      if (c < 0x20) break;
      if (this.chinese && c >= 0x81 && c <= 0xfe) {
        if (i + 1 >= b.length) break;
        const c2 = b[i + 1]!;
        if (c2 >= 0x30 && c2 <= 0x39) {
          if (i + 3 >= b.length) break;
          i += 4;
        } else i += 2;
      } else i++;
    }
    if (i === p) return null; // incomplete multi-byte character
    const bytes = b.subarray(p, i);
    const text = this.chinese ? decodeGb18030(bytes) : bytes.toString('latin1');
    return {
      item: { type: 'text', text, width: this.width, height: this.height, bold: this.bold, align: this.align, chinese: this.chinese },
      next: i,
    };
  }

  private parseEsc(p: number): Parsed {
    const b = this.buf;
    if (p + 2 > b.length) return null;
    const op = b[p + 1]!;
    const arg = () => (p + 3 <= b.length ? b[p + 2]! : -1);
    switch (op) {
      case 0x40:
        this.chinese = false;
        this.width = 1;
        this.height = 1;
        this.bold = false;
        this.align = 'left';
        return { item: { type: 'init' }, next: p + 2 };
      case 0x32:
        return { next: p + 2 };
      case 0x45: {
        const n = arg();
        if (n < 0) return null;
        this.bold = (n & 1) === 1;
        return { next: p + 3 };
      }
      case 0x21: {
        const n = arg();
        if (n < 0) return null;
        this.bold = (n & 0x08) !== 0;
        this.height = n & 0x10 ? 2 : 1;
        this.width = n & 0x20 ? 2 : 1;
        return { next: p + 3 };
      }
      case 0x61: {
        const n = arg();
        if (n < 0) return null;
        this.align = n === 1 || n === 0x31 ? 'center' : n === 2 || n === 0x32 ? 'right' : 'left';
        return { next: p + 3 };
      }
      case 0x64: {
        const n = arg();
        if (n < 0) return null;
        return { item: n > 0 ? { type: 'newline' } : undefined, next: p + 3 };
      }
      case 0x2d:
      case 0x33:
      case 0x4d:
      case 0x74:
      case 0x47:
        return arg() < 0 ? null : { next: p + 3 };
      default:
        return { item: { type: 'unknown', hex: `1b${op.toString(16).padStart(2, '0')}` }, next: p + 2 };
    }
  }

  private parseFs(p: number): Parsed {
    const b = this.buf;
    if (p + 2 > b.length) return null;
    const op = b[p + 1]!;
    if (op === 0x26) {
      this.chinese = true;
      return { next: p + 2 };
    }
    if (op === 0x2e) {
      this.chinese = false;
      return { next: p + 2 };
    }
    if (op === 0x21 || op === 0x2d) return p + 3 <= b.length ? { next: p + 3 } : null;
    return { item: { type: 'unknown', hex: `1c${op.toString(16).padStart(2, '0')}` }, next: p + 2 };
  }

  private parseGs(p: number): Parsed {
    const b = this.buf;
    if (p + 2 > b.length) return null;
    const op = b[p + 1]!;
    switch (op) {
      case 0x21: {
        if (p + 3 > b.length) return null;
        const n = b[p + 2]!;
        this.width = (n >> 4) + 1;
        this.height = (n & 0x0f) + 1;
        return { next: p + 3 };
      }
      case 0x56: {
        if (p + 3 > b.length) return null;
        const m = b[p + 2]!;
        if (m === 0x41 || m === 0x42) {
          if (p + 4 > b.length) return null;
          return { item: { type: 'cut', partial: m === 0x42, feedLines: b[p + 3]! }, next: p + 4 };
        }
        return { item: { type: 'cut', partial: m === 1 || m === 0x31, feedLines: 0 }, next: p + 3 };
      }
      case 0x76: {
        if (p + 8 > b.length) return null;
        if (b[p + 2] !== 0x30) return { item: { type: 'unknown', hex: '1d76' }, next: p + 2 };
        const bpr = b[p + 4]! | (b[p + 5]! << 8);
        const h = b[p + 6]! | (b[p + 7]! << 8);
        const end = p + 8 + bpr * h;
        if (end > b.length) return null;
        return { item: { type: 'image', width: bpr * 8, height: h, data: Buffer.from(b.subarray(p + 8, end)) }, next: end };
      }
      case 0x28: {
        if (p + 5 > b.length) return null;
        const len = b[p + 3]! | (b[p + 4]! << 8);
        const end = p + 5 + len;
        if (end > b.length) return null;
        if (b[p + 2] !== 0x6b) return { next: end };
        return { item: this.qrFunction(b.subarray(p + 5, end)), next: end };
      }
      default:
        return { item: { type: 'unknown', hex: `1d${op.toString(16).padStart(2, '0')}` }, next: p + 2 };
    }
  }

  private qrFunction(body: Buffer): TranscriptItem | undefined {
    if (body[0] !== 0x31) return undefined;
    const fn = body[1];
    if (fn === 0x43) this.qrSize = body[2] ?? 3;
    else if (fn === 0x45) this.qrEc = { 0x30: 'L', 0x31: 'M', 0x32: 'Q', 0x33: 'H' }[body[2] ?? 0x31] ?? '?';
    else if (fn === 0x50) this.qrData = Buffer.from(body.subarray(3));
    else if (fn === 0x51) {
      const data = this.qrData;
      this.qrData = null;
      if (!data) return { type: 'unknown', hex: 'qr print without stored data' };
      return { type: 'qr', data: data.toString('utf8'), moduleSize: this.qrSize, errorCorrection: this.qrEc };
    }
    return undefined;
  }
}

/** Decode a whole stream at once. */
export function decodeEscPos(bytes: Uint8Array): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  new EscPosDecoder((i) => items.push(i)).push(bytes);
  return items;
}

/** Printed lines as plain text (each raster image as a line ▣, QR codes as [QR data], cuts as ✂). */
export function transcriptLines(items: TranscriptItem[]): string[] {
  const lines: string[] = [];
  let cur = '';
  const end = () => {
    lines.push(cur);
    cur = '';
  };
  for (const it of items) {
    if (it.type === 'text') cur += it.text;
    else if (it.type === 'newline') end();
    else if (it.type === 'image') {
      // GS v 0 prints as its own band
      if (cur) end();
      lines.push('▣');
    }
    else if (it.type === 'qr') {
      if (cur) end();
      lines.push(`[QR ${it.data}]`);
    } else if (it.type === 'cut') {
      if (cur) end();
      lines.push(it.partial ? '[partial cut]' : '[cut]');
    }
  }
  if (cur) end();
  return lines;
}
