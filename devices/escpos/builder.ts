/**
 * ESC/POS byte builder for Chinese receipt printers. Byte facts: ../../../shared/specs/escpos-cn.md.
 * - `FS &` is sent before any Chinese text whenever the builder cannot be sure Chinese mode is on
 *   (after init, after `FS .`): Chinese mode is printer state and may have been cancelled.
 * - Text is GB18030 (iconv-lite). Characters the printer's font lacks (outside GBK by default) are
 *   printed as a raster image when a rasterizer is given, else sent as GB18030 and listed in `warnings`.
 */
import { encodeGb18030, printerHasGlyph, type PrinterCharset } from './encoding.js';
import { rasterCommand, type Bitmap, type GlyphRasterizer } from './raster.js';

export type Align = 'left' | 'center' | 'right';
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface BuilderOptions {
  /** Font the printer has built in. */
  printerCharset?: PrinterCharset;
  /** Draws characters the printer lacks; without one they are sent as GB18030 and warned about. */
  rasterizer?: GlyphRasterizer;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;

export class EscPosBuilder {
  private readonly parts: Buffer[] = [];
  private chineseMode = false;
  private width = 1;
  private height = 1;
  /** Characters sent without a glyph check passing (no rasterizer). */
  readonly warnings: string[] = [];

  constructor(private readonly options: BuilderOptions = {}) {}

  raw(bytes: Uint8Array | number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  /** ESC @ — resets modes; Chinese mode is then unknown, so FS & is sent again before Chinese text. */
  init(): this {
    this.chineseMode = false;
    this.width = 1;
    this.height = 1;
    return this.raw([ESC, 0x40]);
  }

  /** FS & / FS . */
  chinese(on: boolean): this {
    this.chineseMode = on;
    return this.raw(on ? [FS, 0x26] : [FS, 0x2e]);
  }

  /** GS ! n — width and height multipliers 1..8. */
  size(width: number, height = width): this {
    const w = Math.min(8, Math.max(1, Math.round(width)));
    const h = Math.min(8, Math.max(1, Math.round(height)));
    this.width = w;
    this.height = h;
    return this.raw([GS, 0x21, ((w - 1) << 4) | (h - 1)]);
  }

  /** ESC E n */
  bold(on = true): this {
    return this.raw([ESC, 0x45, on ? 1 : 0]);
  }

  /** ESC a n */
  align(align: Align): this {
    return this.raw([ESC, 0x61, align === 'left' ? 0 : align === 'center' ? 1 : 2]);
  }

  /** Text without a line feed. */
  text(text: string): this {
    const charset = this.options.printerCharset ?? 'gbk';
    let run = '';
    const flush = () => {
      if (!run) return;
      if (!this.chineseMode && /[^\x20-\x7e]/u.test(run)) this.chinese(true);
      this.parts.push(encodeGb18030(run));
      run = '';
    };
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x20 && ch !== '\n') continue; // never let text inject control bytes
      if (ch === '\n') {
        flush();
        this.raw([0x0a]);
        continue;
      }
      if (printerHasGlyph(ch, charset)) {
        run += ch;
        continue;
      }
      if (this.options.rasterizer) {
        flush();
        this.glyphImage(ch);
      } else {
        this.warnings.push(`U+${cp.toString(16).toUpperCase()} is not in the printer font (${charset}); sent as GB18030`);
        run += ch;
      }
    }
    flush();
    return this;
  }

  /**
   * Text and a line feed. A line holding a character the printer's font lacks is printed whole as one
   * raster image (GS v 0 is only reliable at the start of a line), keeping its column layout.
   */
  line(text = ''): this {
    const charset = this.options.printerCharset ?? 'gbk';
    const clean = [...text].filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x20).join('');
    if (this.options.rasterizer && [...clean].some((ch) => !printerHasGlyph(ch, charset))) {
      return this.image(this.options.rasterizer.render(clean, 24 * this.height));
    }
    return this.text(text).raw([0x0a]);
  }

  feed(lines = 1): this {
    return this.raw([ESC, 0x64, Math.min(255, Math.max(0, lines))]);
  }

  /** A rule across the paper. */
  rule(columns = 48, char = '-'): this {
    return this.line(char.repeat(columns));
  }

  /**
   * One glyph as a raster image in the middle of a line (text() without a line feed). Printers that only
   * accept GS v 0 at the start of a line may misplace it: prefer line(), which renders the whole line.
   */
  private glyphImage(ch: string): void {
    const bmp = this.options.rasterizer!.render(ch, 24 * this.height);
    this.image(bmp);
  }

  /** GS v 0 raster image. */
  image(bmp: Bitmap): this {
    return this.raw(rasterCommand(bmp));
  }

  /** QR code via GS ( k (model 2). */
  qr(data: string, options: { moduleSize?: number; errorCorrection?: QrErrorCorrection } = {}): this {
    const bytes = Buffer.from(data, 'utf8');
    if (bytes.length > 7089) throw new RangeError('QR payload too long');
    const size = Math.min(16, Math.max(1, options.moduleSize ?? 6));
    const ec = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 }[options.errorCorrection ?? 'M'];
    const storeLen = bytes.length + 3;
    return this.raw([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00])
      .raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, size])
      .raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, ec])
      .raw([GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30])
      .raw(bytes)
      .raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
  }

  /** GS V 65/66 n — feed n lines, then full or partial cut. */
  cut(options: { partial?: boolean; feedLines?: number } = {}): this {
    return this.raw([GS, 0x56, options.partial ? 0x42 : 0x41, Math.min(255, options.feedLines ?? 3)]);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
