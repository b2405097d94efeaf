/**
 * The document camera's image step, pure (no DOM): from one RGBA frame of a material lying on the
 * camera's base, find the material and return it cut out and straightened.
 *
 * What it does, exactly:
 * 1. Checks the frame: integer size ≥ 32 px a side, ≤ 10,000 px a side and ≤ 40 MP, RGBA data of
 *    exactly width × height × 4 bytes; a frame with almost no light (mean luma < 16, spread < 8) is
 *    FRAME_DARK (lens cap, lamp off, a camera that sends black).
 * 2. Splits page from background by luma with Otsu's threshold. The material must be lighter than
 *    the base (高拍仪 bases are dark or coloured): if the two classes' mean lumas differ by less
 *    than 40 levels, or the light part covers < 4% of the frame, it is NO_DOCUMENT. If ≥ 90% of each
 *    of the four frame borders is light, the material fills the frame: nothing to crop, the frame is
 *    returned as it is (scaled down to the output limit, turned).
 * 3. Skew: the light region's orientation from its second central moments (the principal axis of a
 *    rectangle lies along a side), reduced to the nearest axis (|angle| ≤ 45°).
 * 4. Bounds in the straightened frame: the 0.5th and 99.5th percentiles of the light pixels'
 *    rotated coordinates (so specks and shadows at the edge do not stretch the crop).
 * 5. Resamples that rectangle (bilinear) into an upright image, scaled down so its longest side is
 *    ≤ 3,508 px (A4 at 300 dpi), then turns it by the caller's quarter turns (0, 90, 180, 270°
 *    clockwise: the page cannot know which way up text is).
 * It does not correct perspective (a 高拍仪 looks straight down) nor find a dark page on a light base.
 */
import { DOCUMENT_CAMERA_LIMITS, type DocumentCameraErrorCode } from '../../../devices/protocol/registry/document-camera';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes a pixel. */
  data: Uint8ClampedArray<ArrayBuffer>;
}

export type QuarterTurns = 0 | 1 | 2 | 3;

export interface CropResult {
  image: RgbaImage;
  /** The skew that was corrected, degrees (positive: the page was turned clockwise). */
  skewDegrees: number;
  /** False when the material filled the frame (returned uncropped). */
  cropped: boolean;
}

/** A capture step error: a stable code and an English message (for logs); the page words it per locale. */
export class DocumentCameraError extends Error {
  constructor(
    readonly code: DocumentCameraErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentCameraError';
  }
}

const L = DOCUMENT_CAMERA_LIMITS;

/** Step 1: a frame the rest can trust (throws DocumentCameraError). */
export function checkFrame(frame: RgbaImage): void {
  const { width, height } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) throw new DocumentCameraError('FRAME_INVALID', `frame size ${String(width)}x${String(height)} is not a pair of whole numbers`);
  if (width === 0 || height === 0) throw new DocumentCameraError('FRAME_EMPTY', `the camera delivered an empty frame (${width}x${height})`);
  if (width > L.maxFrameSide || height > L.maxFrameSide || width * height > L.maxFramePixels) throw new DocumentCameraError('FRAME_TOO_LARGE', `frame ${width}x${height} exceeds ${L.maxFrameSide} px a side or ${L.maxFramePixels} pixels`);
  if (width < L.minFrameSide || height < L.minFrameSide) throw new DocumentCameraError('FRAME_EMPTY', `frame ${width}x${height} is smaller than ${L.minFrameSide} px a side`);
  if (!(frame.data instanceof Uint8ClampedArray) || frame.data.length !== width * height * 4) throw new DocumentCameraError('FRAME_INVALID', `frame data has ${frame.data?.length ?? 0} bytes, expected ${width * height * 4}`);
}

function lumaOf(frame: RgbaImage): Uint8Array {
  const n = frame.width * frame.height;
  const y = new Uint8Array(n);
  const d = frame.data;
  for (let i = 0, p = 0; i < n; i++, p += 4) y[i] = (d[p]! * 77 + d[p + 1]! * 150 + d[p + 2]! * 29) >> 8;
  return y;
}

/** Otsu's threshold and the two class means. */
function otsu(hist: Float64Array, total: number): { t: number; lowMean: number; highMean: number } {
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let out = { t: 128, lowMean: 0, highMean: 0 };
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      out = { t, lowMean: mB, highMean: mF };
    }
  }
  return out;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/** Rotate by quarter turns clockwise. */
export function rotateQuarterTurns(img: RgbaImage, turns: QuarterTurns): RgbaImage {
  if (turns === 0) return img;
  const { width: w, height: h, data } = img;
  const ow = turns === 2 ? w : h;
  const oh = turns === 2 ? h : w;
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let nx: number, ny: number;
      if (turns === 1) [nx, ny] = [h - 1 - y, x];
      else if (turns === 2) [nx, ny] = [w - 1 - x, h - 1 - y];
      else [nx, ny] = [y, w - 1 - x];
      const s = (y * w + x) * 4;
      const o = (ny * ow + nx) * 4;
      out[o] = data[s]!;
      out[o + 1] = data[s + 1]!;
      out[o + 2] = data[s + 2]!;
      out[o + 3] = data[s + 3]!;
    }
  }
  return { width: ow, height: oh, data: out };
}

/** Find the material in the frame, straighten and cut it out (see the header for the exact steps). */
export function cropDocument(frame: RgbaImage, options: { quarterTurns?: QuarterTurns } = {}): CropResult {
  checkFrame(frame);
  const { width: w, height: h } = frame;
  const n = w * h;
  const y = lumaOf(frame);
  const hist = new Float64Array(256);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    hist[v]!++;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const spread = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  if (mean < 16 && spread < 8) throw new DocumentCameraError('FRAME_DARK', `the frame is black (mean luma ${mean.toFixed(1)}, spread ${spread.toFixed(1)})`);

  const { t, lowMean, highMean } = otsu(hist, n);
  if (highMean - lowMean < 40) throw new DocumentCameraError('NO_DOCUMENT', `no material stands out from the base (luma classes ${lowMean.toFixed(0)} and ${highMean.toFixed(0)})`);
  let count = 0;
  let mx = 0;
  let my = 0;
  for (let yy = 0, i = 0; yy < h; yy++) {
    for (let x = 0; x < w; x++, i++) {
      if (y[i]! > t) {
        count++;
        mx += x;
        my += yy;
      }
    }
  }
  const turns = options.quarterTurns ?? 0;
  if (count < 0.04 * n) throw new DocumentCameraError('NO_DOCUMENT', `the light region covers ${((100 * count) / n).toFixed(1)}% of the frame (at least 4% expected)`);
  if (fillsFrame(y, w, h, t)) return { image: rotateQuarterTurns(scaleDown({ width: w, height: h, data: frame.data }), turns), skewDegrees: 0, cropped: false };
  mx /= count;
  my /= count;

  // Orientation of the light region (second central moments).
  let m20 = 0;
  let m02 = 0;
  let m11 = 0;
  for (let yy = 0, i = 0; yy < h; yy++) {
    for (let x = 0; x < w; x++, i++) {
      if (y[i]! > t) {
        const dx = x - mx;
        const dy = yy - my;
        m20 += dx * dx;
        m02 += dy * dy;
        m11 += dx * dy;
      }
    }
  }
  let theta = 0.5 * Math.atan2(2 * m11, m20 - m02);
  // Nearest axis: a page turned by 80° is a page turned by -10° and a quarter turn.
  while (theta > Math.PI / 4) theta -= Math.PI / 2;
  while (theta < -Math.PI / 4) theta += Math.PI / 2;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);

  // Bounds in the straightened frame: robust percentiles of the rotated coordinates.
  const us = new Float64Array(count);
  const vs = new Float64Array(count);
  for (let yy = 0, i = 0, k = 0; yy < h; yy++) {
    for (let x = 0; x < w; x++, i++) {
      if (y[i]! > t) {
        const dx = x - mx;
        const dy = yy - my;
        us[k] = dx * cos + dy * sin;
        vs[k++] = -dx * sin + dy * cos;
      }
    }
  }
  us.sort();
  vs.sort();
  const u0 = percentile(us, 0.005);
  const u1 = percentile(us, 0.995);
  const v0 = percentile(vs, 0.005);
  const v1 = percentile(vs, 0.995);
  const cw = Math.max(1, Math.round(u1 - u0 + 1));
  const ch = Math.max(1, Math.round(v1 - v0 + 1));
  const scale = Math.min(1, L.maxOutputSide / Math.max(cw, ch));
  const ow = Math.max(1, Math.round(cw * scale));
  const oh = Math.max(1, Math.round(ch * scale));
  const out = new Uint8ClampedArray(ow * oh * 4);
  const d = frame.data;
  for (let j = 0; j < oh; j++) {
    const v = v0 + (j + 0.5) / scale - 0.5;
    for (let i = 0; i < ow; i++) {
      const u = u0 + (i + 0.5) / scale - 0.5;
      const sx = mx + u * cos - v * sin;
      const sy = my + u * sin + v * cos;
      sampleBilinear(d, w, h, sx, sy, out, (j * ow + i) * 4);
    }
  }
  return { image: rotateQuarterTurns({ width: ow, height: oh, data: out }, turns), skewDegrees: (theta * 180) / Math.PI, cropped: true };
}

/** Is ≥ 90% of every border of the frame light (the material runs off every edge)? */
function fillsFrame(y: Uint8Array, w: number, h: number, t: number): boolean {
  let top = 0;
  let bottom = 0;
  let left = 0;
  let right = 0;
  for (let x = 0; x < w; x++) {
    if (y[x]! > t) top++;
    if (y[(h - 1) * w + x]! > t) bottom++;
  }
  for (let r = 0; r < h; r++) {
    if (y[r * w]! > t) left++;
    if (y[r * w + w - 1]! > t) right++;
  }
  return top >= 0.9 * w && bottom >= 0.9 * w && left >= 0.9 * h && right >= 0.9 * h;
}

function sampleBilinear(d: Uint8ClampedArray, w: number, h: number, x: number, y: number, out: Uint8ClampedArray, o: number): void {
  const cx = Math.min(w - 1, Math.max(0, x));
  const cy = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const a = (y0 * w + x0) * 4;
  const b = (y0 * w + x1) * 4;
  const c = (y1 * w + x0) * 4;
  const e = (y1 * w + x1) * 4;
  for (let ch = 0; ch < 4; ch++) {
    const top = d[a + ch]! * (1 - fx) + d[b + ch]! * fx;
    const bottom = d[c + ch]! * (1 - fx) + d[e + ch]! * fx;
    out[o + ch] = top * (1 - fy) + bottom * fy;
  }
}

/** Scale an image down (box-free bilinear) so its longest side is within the output limit. */
function scaleDown(img: RgbaImage): RgbaImage {
  const scale = Math.min(1, L.maxOutputSide / Math.max(img.width, img.height));
  if (scale === 1) return { width: img.width, height: img.height, data: new Uint8ClampedArray(img.data) };
  const ow = Math.max(1, Math.round(img.width * scale));
  const oh = Math.max(1, Math.round(img.height * scale));
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let j = 0; j < oh; j++) for (let i = 0; i < ow; i++) sampleBilinear(img.data, img.width, img.height, (i + 0.5) / scale - 0.5, (j + 0.5) / scale - 0.5, out, (j * ow + i) * 4);
  return { width: ow, height: oh, data: out };
}
