import { describe, expect, it } from 'vitest';
import { cropDocument, DocumentCameraError, rotateQuarterTurns, type RgbaImage } from './crop';
import { paintScene } from './emulator';

const luma = (img: RgbaImage, x: number, y: number) => img.data[(y * img.width + x) * 4]!;
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentCameraError);
    expect((e as Error).message).toMatch(/^[\x20-\x7e]+$/); // English for the logs
    return (e as DocumentCameraError).code;
  }
  return 'NO ERROR';
};

describe('document camera image step', () => {
  it('finds a page turned 7° on a dark base, straightens it and cuts it out', () => {
    const r = cropDocument(paintScene({ width: 800, height: 600, page: { width: 300, height: 424, angleDeg: 7 } }));
    expect(r.cropped).toBe(true);
    expect(r.skewDegrees).toBeCloseTo(7, 0);
    expect(r.image.width).toBeGreaterThan(300 * 0.96);
    expect(r.image.width).toBeLessThan(300 * 1.04);
    expect(r.image.height).toBeGreaterThan(424 * 0.96);
    expect(r.image.height).toBeLessThan(424 * 1.04);
    // the corners are paper, not base: the crop is inside the page
    const { width: w, height: h } = r.image;
    for (const [x, y] of [[3, 3], [w - 4, 3], [3, h - 4], [w - 4, h - 4]] as const) expect(luma(r.image, x, y)).toBeGreaterThan(180);
    // the text lines stay horizontal after straightening: one row across a line is dark along its whole width
    const dark = Array.from({ length: h }, (_, y) => y).filter((y) => luma(r.image, Math.round(w * 0.3), y) < 150 && luma(r.image, Math.round(w * 0.7), y) < 150);
    expect(dark.length).toBeGreaterThan(20);
  });

  it('handles an off-centre page turned the other way, and a page at 80° as -10° plus a quarter turn', () => {
    const a = cropDocument(paintScene({ width: 900, height: 700, page: { width: 260, height: 368, angleDeg: -20, cx: 330, cy: 360 } }));
    expect(a.skewDegrees).toBeCloseTo(-20, 0);
    expect(a.image.height / a.image.width).toBeCloseTo(368 / 260, 1);
    const b = cropDocument(paintScene({ width: 900, height: 700, page: { width: 260, height: 368, angleDeg: 80 } }));
    expect(b.skewDegrees).toBeCloseTo(-10, 0);
    expect(b.image.width).toBeGreaterThan(b.image.height); // the page lies on its side: the caller turns it
    const turned = cropDocument(paintScene({ width: 900, height: 700, page: { width: 260, height: 368, angleDeg: 80 } }), { quarterTurns: 1 });
    expect([turned.image.width, turned.image.height]).toEqual([b.image.height, b.image.width]);
  });

  it('turns by quarter turns clockwise', () => {
    // 2×1 image: red, green
    const img: RgbaImage = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255]) };
    const q1 = rotateQuarterTurns(img, 1);
    expect([q1.width, q1.height]).toEqual([1, 2]);
    expect([...q1.data.slice(0, 4)]).toEqual([255, 0, 0, 255]); // red on top after a clockwise turn
    const q2 = rotateQuarterTurns(img, 2);
    expect([...q2.data.slice(0, 4)]).toEqual([0, 255, 0, 255]);
    const q3 = rotateQuarterTurns(img, 3);
    expect([...q3.data.slice(0, 4)]).toEqual([0, 255, 0, 255]);
  });

  it('returns a page that fills the frame uncropped, and scales big crops to at most 3508 px', () => {
    const full = cropDocument(paintScene({ width: 400, height: 300, page: { width: 420, height: 320 } }));
    expect(full.cropped).toBe(false);
    expect([full.image.width, full.image.height]).toEqual([400, 300]);
    const big = cropDocument(paintScene({ width: 4400, height: 4400, page: { width: 2600, height: 3700, angleDeg: 3 } }));
    expect(Math.max(big.image.width, big.image.height)).toBeLessThanOrEqual(3508);
    expect(big.image.height / big.image.width).toBeCloseTo(3700 / 2600, 1);
  }, 60_000);

  it('refuses garbage frames with a clear code', () => {
    expect(codeOf(() => cropDocument(paintScene({ width: 640, height: 480, mode: 'black' })))).toBe('FRAME_DARK');
    expect(codeOf(() => cropDocument({ width: 0, height: 0, data: new Uint8ClampedArray(0) }))).toBe('FRAME_EMPTY');
    expect(codeOf(() => cropDocument({ width: 640, height: 0, data: new Uint8ClampedArray(0) }))).toBe('FRAME_EMPTY');
    expect(codeOf(() => cropDocument({ width: 10, height: 10, data: new Uint8ClampedArray(400) }))).toBe('FRAME_EMPTY');
    // huge: refused on its size before any pixel is touched
    expect(codeOf(() => cropDocument({ width: 20_000, height: 20_000, data: new Uint8ClampedArray(0) }))).toBe('FRAME_TOO_LARGE');
    expect(codeOf(() => cropDocument({ width: 8000, height: 6000, data: new Uint8ClampedArray(0) }))).toBe('FRAME_TOO_LARGE');
    expect(codeOf(() => cropDocument({ width: 64, height: 64, data: new Uint8ClampedArray(100) }))).toBe('FRAME_INVALID');
    expect(codeOf(() => cropDocument({ width: 64.5, height: 64, data: new Uint8ClampedArray(0) }))).toBe('FRAME_INVALID');
    expect(codeOf(() => cropDocument({ width: -1, height: 64, data: new Uint8ClampedArray(0) }))).toBe('FRAME_INVALID');
    // no material: the base alone, a page too small to be one, a page as dark as the base
    expect(codeOf(() => cropDocument(paintScene({ width: 640, height: 480, mode: 'blank' })))).toBe('NO_DOCUMENT');
    expect(codeOf(() => cropDocument(paintScene({ width: 640, height: 480, page: { width: 60, height: 80 } })))).toBe('NO_DOCUMENT');
    expect(codeOf(() => cropDocument(paintScene({ width: 640, height: 480, pageLuma: 60 })))).toBe('NO_DOCUMENT');
  });
});
