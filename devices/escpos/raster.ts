/**
 * Raster images (GS v 0) and a small glyph rasterizer for characters the printer's font lacks.
 * Glyph outlines come from a TrueType font through fontkit (Noto Sans SC, OFL); outlines are flattened
 * and filled with the non-zero winding rule.
 */
import { createRequire } from 'node:module';

/** 1 bit per pixel, rows padded to whole bytes, MSB = leftmost, 1 = black. */
export interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

export function bitmapBytesPerRow(width: number): number {
  return Math.ceil(width / 8);
}

export function createBitmap(width: number, height: number): Bitmap {
  return { width, height, data: new Uint8Array(bitmapBytesPerRow(width) * height) };
}

export function setPixel(bmp: Bitmap, x: number, y: number): void {
  if (x < 0 || y < 0 || x >= bmp.width || y >= bmp.height) return;
  const i = y * bitmapBytesPerRow(bmp.width) + (x >> 3);
  bmp.data[i] = bmp.data[i]! | (0x80 >> (x & 7));
}

export function getPixel(bmp: Bitmap, x: number, y: number): boolean {
  return ((bmp.data[y * bitmapBytesPerRow(bmp.width) + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) !== 0;
}

/** Place bitmaps side by side (top-aligned). */
export function concatHorizontal(parts: Bitmap[]): Bitmap {
  const width = parts.reduce((w, p) => w + p.width, 0);
  const height = Math.max(0, ...parts.map((p) => p.height));
  const out = createBitmap(width, height);
  let x0 = 0;
  for (const p of parts) {
    for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) if (getPixel(p, x, y)) setPixel(out, x0 + x, y);
    x0 += p.width;
  }
  return out;
}

/** `GS v 0 m xL xH yL yH d1...dk` (m = 0 normal). */
export function rasterCommand(bmp: Bitmap): Buffer {
  const bpr = bitmapBytesPerRow(bmp.width);
  const head = Buffer.from([0x1d, 0x76, 0x30, 0x00, bpr & 0xff, bpr >> 8, bmp.height & 0xff, bmp.height >> 8]);
  return Buffer.concat([head, Buffer.from(bmp.data)]);
}

/** Draws text the printer cannot print. */
export interface GlyphRasterizer {
  render(text: string, heightPx: number): Bitmap;
}

interface FontkitPathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
  args: number[];
}
interface FontkitGlyph {
  advanceWidth: number;
  path: { commands: FontkitPathCommand[] };
}
interface FontkitFont {
  unitsPerEm: number;
  ascent: number;
  descent: number;
  hasGlyphForCodePoint(cp: number): boolean;
  glyphForCodePoint(cp: number): FontkitGlyph;
}

type Point = [number, number];

function flatten(commands: FontkitPathCommand[]): Point[][] {
  const contours: Point[][] = [];
  let cur: Point[] = [];
  let last: Point = [0, 0];
  const STEPS = 8;
  for (const c of commands) {
    const a = c.args;
    if (c.command === 'moveTo') {
      if (cur.length) contours.push(cur);
      last = [a[0]!, a[1]!];
      cur = [last];
    } else if (c.command === 'lineTo') {
      last = [a[0]!, a[1]!];
      cur.push(last);
    } else if (c.command === 'quadraticCurveTo') {
      const [x0, y0] = last;
      for (let i = 1; i <= STEPS; i++) {
        const t = i / STEPS;
        const u = 1 - t;
        cur.push([u * u * x0 + 2 * u * t * a[0]! + t * t * a[2]!, u * u * y0 + 2 * u * t * a[1]! + t * t * a[3]!]);
      }
      last = [a[2]!, a[3]!];
    } else if (c.command === 'bezierCurveTo') {
      const [x0, y0] = last;
      for (let i = 1; i <= STEPS; i++) {
        const t = i / STEPS;
        const u = 1 - t;
        cur.push([
          u * u * u * x0 + 3 * u * u * t * a[0]! + 3 * u * t * t * a[2]! + t * t * t * a[4]!,
          u * u * u * y0 + 3 * u * u * t * a[1]! + 3 * u * t * t * a[3]! + t * t * t * a[5]!,
        ]);
      }
      last = [a[4]!, a[5]!];
    } else if (cur.length) {
      contours.push(cur);
      cur = [];
    }
  }
  if (cur.length) contours.push(cur);
  return contours;
}

/** Non-zero winding scanline fill of polygons given in pixel space (y down). */
function fill(bmp: Bitmap, contours: Point[][], x0: number): void {
  for (let y = 0; y < bmp.height; y++) {
    const sy = y + 0.5;
    const xs: { x: number; dir: number }[] = [];
    for (const poly of contours) {
      for (let i = 0; i < poly.length; i++) {
        const [ax, ay] = poly[i]!;
        const [bx, by] = poly[(i + 1) % poly.length]!;
        if (ay === by) continue;
        if ((sy >= ay && sy < by) || (sy >= by && sy < ay)) {
          xs.push({ x: ax + ((sy - ay) * (bx - ax)) / (by - ay), dir: by > ay ? 1 : -1 });
        }
      }
    }
    xs.sort((p, q) => p.x - q.x);
    let winding = 0;
    for (let i = 0; i < xs.length - 1; i++) {
      winding += xs[i]!.dir;
      if (winding !== 0) {
        for (let x = Math.round(xs[i]!.x); x < Math.round(xs[i + 1]!.x); x++) setPixel(bmp, x0 + x, y);
      }
    }
  }
}

/** Tofu box for a character no font has. */
function drawBox(bmp: Bitmap, x0: number, w: number): void {
  const h = bmp.height;
  for (let x = 2; x < w - 2; x++) {
    setPixel(bmp, x0 + x, 2);
    setPixel(bmp, x0 + x, h - 3);
  }
  for (let y = 2; y < h - 2; y++) {
    setPixel(bmp, x0 + 2, y);
    setPixel(bmp, x0 + w - 3, y);
  }
}

const requireHere = createRequire(import.meta.url);
const DEFAULT_FONT = '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf';

export class FontGlyphRasterizer implements GlyphRasterizer {
  private font: FontkitFont | null | undefined;
  private fallbacks: FontkitFont[] | undefined;
  /** Characters no font covered (drawn as boxes), for diagnostics. */
  readonly missing = new Set<string>();

  /**
   * `fontPath`: the main font (default: Noto Sans SC from the npm package, development only: a
   * packaged app passes the shipped file). `fallbackPaths`: fonts tried, in order, for characters the
   * main font lacks (rare characters in names, CJK Ext B+); unreadable ones are skipped.
   */
  constructor(
    private readonly fontPath?: string,
    private readonly fallbackPaths: readonly string[] = [],
  ) {}

  private load(): FontkitFont | null {
    if (this.font !== undefined) return this.font;
    try {
      const fontkit = requireHere('fontkit') as { openSync(path: string): FontkitFont };
      this.font = fontkit.openSync(this.fontPath ?? requireHere.resolve(DEFAULT_FONT));
    } catch {
      this.font = null;
    }
    return this.font;
  }

  /** The first font that has `cp`: the main one, then the fallbacks (opened on first need). */
  private fontFor(cp: number): FontkitFont | null {
    const main = this.load();
    if (main?.hasGlyphForCodePoint(cp)) return main;
    if (!this.fallbackPaths.length) return null;
    if (!this.fallbacks) {
      const fontkit = requireHere('fontkit') as { openSync(path: string): FontkitFont };
      this.fallbacks = [];
      for (const p of this.fallbackPaths) {
        try {
          this.fallbacks.push(fontkit.openSync(p));
        } catch {
          // skipped: a missing fallback only means boxes for the characters only it has
        }
      }
    }
    return this.fallbacks.find((f) => f.hasGlyphForCodePoint(cp)) ?? null;
  }

  /**
   * Render like the printer's own font: ASCII in half-width cells (12×24 at 24 px), everything else in
   * full-width cells, so a rendered line keeps the column layout of printed text.
   */
  render(text: string, heightPx: number): Bitmap {
    const chars = [...text];
    const cellOf = (ch: string) => ((ch.codePointAt(0) ?? 0) < 0x80 ? Math.round(heightPx / 2) : heightPx);
    const bmp = createBitmap(Math.max(1, chars.reduce((w, ch) => w + cellOf(ch), 0)), heightPx);
    let x0 = 0;
    for (const ch of chars) {
      const cell = cellOf(ch);
      const cp = ch.codePointAt(0)!;
      if (ch === ' ') {
        x0 += cell;
        continue;
      }
      const font = this.fontFor(cp);
      if (!font) {
        this.missing.add(ch);
        drawBox(bmp, x0, cell);
        x0 += cell;
        continue;
      }
      const scale = heightPx / (font.ascent - font.descent);
      const glyph = font.glyphForCodePoint(cp);
      const xOff = (cell - glyph.advanceWidth * scale) / 2;
      const contours = flatten(glyph.path.commands).map((poly) => poly.map(([x, y]): Point => [x * scale + xOff, (font.ascent - y) * scale]));
      fill(bmp, contours, x0);
      x0 += cell;
    }
    return bmp;
  }
}
