/**
 * Document camera emulator: a material (a light page with dark text lines) lying turned on a dark
 * base, as a 高拍仪 sees it. `paintScene` is pure (tests feed it to the image step); in a window,
 * `startEmulatedCamera` paints it on a canvas and returns the canvas's MediaStream, which the page
 * shows and captures exactly like a camera's (no camera permission needed: demo mode and tests).
 */
import type { RgbaImage } from './crop';

export interface SceneOptions {
  width: number;
  height: number;
  /** The page: size in px, turn in degrees (clockwise), centre (default: the frame's centre). */
  page?: { width: number; height: number; angleDeg?: number; cx?: number; cy?: number };
  /** `document` (default), `black` (lens cap), `blank` (the base only, no material). */
  mode?: 'document' | 'black' | 'blank';
  baseLuma?: number;
  pageLuma?: number;
}

/** Paint a frame: dark base, light turned page, text lines on the page (dark stripes). */
export function paintScene(o: SceneOptions): RgbaImage {
  const { width: w, height: h } = o;
  const data = new Uint8ClampedArray(w * h * 4);
  const base = o.mode === 'black' ? 0 : (o.baseLuma ?? 45);
  const paper = o.pageLuma ?? 235;
  const page = o.page ?? { width: Math.round(w * 0.45), height: Math.round(w * 0.45 * 1.414) };
  const a = ((page.angleDeg ?? 0) * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = page.cx ?? w / 2;
  const cy = page.cy ?? h / 2;
  const margin = page.width * 0.1;
  const lineH = Math.max(3, Math.round(page.height / 30));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = base;
      if (o.mode !== 'black') {
        // noise on the base, as a sensor has
        v = Math.max(0, Math.min(255, base + (((x * 7919 + y * 104729) % 17) - 8)));
      }
      if (!o.mode || o.mode === 'document') {
        const dx = x - cx;
        const dy = y - cy;
        const u = dx * cos + dy * sin + page.width / 2;
        const t = -dx * sin + dy * cos + page.height / 2;
        if (u >= 0 && u < page.width && t >= 0 && t < page.height) {
          const line = Math.floor(t / lineH);
          const inText = u > margin && u < page.width - margin && line >= 3 && line % 2 === 1 && line < 26;
          v = inText ? Math.round(paper * 0.4) : paper;
        }
      }
      const p = (y * w + x) * 4;
      data[p] = v;
      data[p + 1] = v;
      data[p + 2] = o.mode === 'document' || !o.mode ? Math.min(255, v + 4) : v;
      data[p + 3] = 255;
    }
  }
  return { width: w, height: h, data };
}

export interface EmulatedCamera {
  stream: MediaStream;
  /** Change what the camera sees (e.g. a black frame). */
  show(scene: SceneOptions): void;
  stop(): void;
}

/** A MediaStream showing the painted scene, like a camera's (Chromium: canvas.captureStream). */
export function startEmulatedCamera(scene: SceneOptions = { width: 1280, height: 960, page: { width: 560, height: 792, angleDeg: 7 } }): EmulatedCamera {
  const canvas = document.createElement('canvas');
  const paint = (s: SceneOptions) => {
    canvas.width = s.width;
    canvas.height = s.height;
    const img = paintScene(s);
    canvas.getContext('2d')!.putImageData(new ImageData(img.data, img.width, img.height), 0, 0);
  };
  paint(scene);
  const stream = canvas.captureStream(5);
  return {
    stream,
    show: paint,
    stop: () => stream.getTracks().forEach((t) => t.stop()),
  };
}
