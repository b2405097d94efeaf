/**
 * 高拍仪拍摄 of one material at the counter, as a plain workflow (the checklist's dialog,
 * components/ScanMaterialDialog.vue, only renders it): which camera the window may offer
 * (`devices.windowConfig`, checked again here; demo mode: the emulator), open it, grab a still, cut
 * it out and straighten it (renderer/window-devices/document-camera), turn it by quarter turns
 * without taking it again, retake, and on confirm store the JPEG through the SAME `attachments.put`
 * as a chosen file; its reference goes into the material's files with `source: 'document-camera'`.
 *
 * Nothing is lost on a failure: the material's other files stay, the still stays on screen until the
 * clerk retakes or closes. Errors keep a stable code (English message for logs); the dialog words
 * them per locale (`documentCamera.errors.*`, or the bridge's own words for `attachments.put`).
 */
import { errorLike } from '../i18n/errors';
import { windowDeviceConfigSchema } from '../../devices/protocol/registry';
import type { DocumentCameraErrorCode } from '../../devices/protocol/registry/document-camera';
import type { AttachmentPutInput, AttachmentRefOut } from '../../preload/contract/attachment-calls';
import { cropDocument, DocumentCameraError, type QuarterTurns, type RgbaImage } from '../window-devices/document-camera/crop';
import { encodeJpeg, grabFrame, openDocumentCamera, stopStream, type DocumentCameraConfig } from '../window-devices/document-camera/driver';
import { startEmulatedCamera } from '../window-devices/document-camera/emulator';
import { cleanName, MAX_FILES, takesFiles, type MaterialFile, type MaterialsState } from './materials';

/** Where the stills come from: the configured camera, or (demo mode only) the emulator. */
export type ScanSource = { kind: 'camera'; config: DocumentCameraConfig } | { kind: 'emulator' };

/**
 * What the checklist offers for `devices.windowConfig`'s answer: the camera when one is configured,
 * else the emulator in demo mode, else nothing (no 高拍仪拍摄 button). An answer that does not match
 * the registry's schema counts as not configured (`invalid` says so, for the log).
 */
export function scanSourceOf(windowConfig: unknown, demo: boolean): { source: ScanSource | null; invalid: boolean } {
  const parsed = windowDeviceConfigSchema.safeParse(windowConfig);
  const camera = parsed.success ? parsed.data.documentCamera : undefined;
  if (camera) return { source: { kind: 'camera', config: camera }, invalid: false };
  return { source: demo ? { kind: 'emulator' } : null, invalid: !parsed.success };
}

/** Ask main for the window devices' configuration; a failed call counts as not configured. */
export async function loadScanSource(demo: boolean, fetchConfig: () => Promise<unknown>): Promise<ScanSource | null> {
  let answer: unknown = {};
  try {
    answer = await fetchConfig();
  } catch (e) {
    console.warn(`[document-camera] devices.windowConfig failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { source, invalid } = scanSourceOf(answer, demo);
  if (invalid) console.warn('[document-camera] devices.windowConfig answered a configuration that does not match the registry; treated as not configured');
  return source;
}

/** The error of a step: a camera/image code, or the bridge's (attachments.put) code and words. */
export type ScanError = { kind: 'camera'; code: DocumentCameraErrorCode } | { kind: 'store'; code: string; params?: Record<string, string | number>; userMessage?: string };

export type ScanPhase = 'closed' | 'opening' | 'live' | 'processing' | 'captured' | 'storing' | 'stored';

export interface ScanState {
  phase: ScanPhase;
  /** The live picture (shown in a <video>), while open. */
  stream: MediaStream | null;
  /** The cut-out still, while captured. */
  result: { url: string; width: number; height: number; skewDegrees: number; cropped: boolean; jpegBytes: number } | null;
  turns: QuarterTurns;
  error: ScanError | null;
  /** The stored reference, after confirm. */
  stored: MaterialFile | null;
}

export interface ScanDeps {
  /** Attach bytes (the bridge's `attachments.put`). */
  put: (input: AttachmentPutInput) => Promise<AttachmentRefOut>;
  /** Wrap the state (the dialog passes Vue's `reactive`); default: as is. */
  wrap?: <T extends object>(state: T) => T;
  open?: (config: DocumentCameraConfig) => Promise<MediaStream>;
  emulator?: () => { stream: MediaStream; stop(): void };
  grab?: (video: HTMLVideoElement) => RgbaImage;
  encode?: (img: RgbaImage) => Promise<{ base64: string; bytes: number }>;
  /** Record the attachment (the audit trail); never blocks or fails the flow. */
  onStored?: (code: string, file: MaterialFile) => void;
}

const asError = (e: unknown): ScanError => {
  if (e instanceof DocumentCameraError) return { kind: 'camera', code: e.code };
  const b = errorLike(e);
  if (b) return { kind: 'store', ...b };
  return { kind: 'camera', code: 'FRAME_INVALID' };
};

export function createScanFlow(source: ScanSource, deps: ScanDeps) {
  const wrap = deps.wrap ?? (<T extends object>(s: T) => s);
  const state = wrap<ScanState>({ phase: 'closed', stream: null, result: null, turns: 0, error: null, stored: null });
  let stopLive: (() => void) | null = null;
  /** The grabbed frame (kept out of the state: a large array, never made reactive). */
  let frame: RgbaImage | null = null;
  let jpeg: string | null = null;
  /** Bumped by close(): a late answer of an earlier step is dropped. */
  let generation = 0;

  const fail = (e: unknown): void => {
    state.error = asError(e);
    console.warn(`[document-camera] ${state.error.code}: ${e instanceof Error ? e.message : String(e)}`);
  };

  function close(): void {
    generation++;
    stopLive?.();
    stopLive = null;
    state.stream = null;
    frame = null;
    jpeg = null;
    state.result = null;
    state.phase = 'closed';
  }

  async function open(): Promise<void> {
    close();
    const mine = generation;
    state.error = null;
    state.stored = null;
    state.turns = 0;
    state.phase = 'opening';
    try {
      let stream: MediaStream;
      if (source.kind === 'emulator') {
        const cam = (deps.emulator ?? startEmulatedCamera)();
        stream = cam.stream;
        stopLive = () => cam.stop();
      } else {
        stream = await (deps.open ?? openDocumentCamera)(source.config);
        stopLive = () => stopStream(stream);
      }
      if (mine !== generation) return stopLive();
      state.stream = stream;
      state.phase = 'live';
    } catch (e) {
      if (mine !== generation) return;
      state.phase = 'closed';
      fail(e);
    }
  }

  /** Cut out, straighten, turn and encode the kept frame. */
  async function render(): Promise<void> {
    if (!frame) return;
    const mine = generation;
    const crop = cropDocument(frame, { quarterTurns: state.turns });
    const out = await (deps.encode ?? encodeJpeg)(crop.image);
    if (mine !== generation) return;
    jpeg = out.base64;
    state.result = { url: `data:image/jpeg;base64,${out.base64}`, width: crop.image.width, height: crop.image.height, skewDegrees: crop.skewDegrees, cropped: crop.cropped, jpegBytes: out.bytes };
  }

  async function capture(video: HTMLVideoElement | null): Promise<void> {
    if (state.phase !== 'live' || !video) return;
    state.error = null;
    state.phase = 'processing';
    try {
      frame = (deps.grab ?? grabFrame)(video);
      await render();
      state.phase = 'captured';
    } catch (e) {
      frame = null;
      state.result = null;
      state.phase = 'live';
      fail(e);
    }
  }

  /** A quarter turn to the right, of the same still (not a new one). */
  async function turn(): Promise<void> {
    if (state.phase !== 'captured') return;
    const before = state.turns;
    state.turns = ((state.turns + 1) % 4) as QuarterTurns;
    state.phase = 'processing';
    try {
      await render();
    } catch (e) {
      state.turns = before;
      fail(e);
    }
    state.phase = 'captured';
  }

  function retake(): void {
    if (state.phase !== 'captured') return;
    frame = null;
    jpeg = null;
    state.result = null;
    state.error = null;
    state.phase = 'live';
  }

  /**
   * Store the still through `attachments.put` and add it to the material's files (origin 扫描件 if
   * the material was not taking files). On failure the material is as it was and the still stays.
   */
  async function confirm(materials: MaterialsState, code: string, fileName: string): Promise<MaterialFile | null> {
    const s = materials[code];
    if (state.phase !== 'captured' || !jpeg || !s) return null;
    if (s.files.length >= MAX_FILES) {
      state.error = { kind: 'store', code: 'TOO_MANY_FILES' };
      return null;
    }
    state.error = null;
    state.phase = 'storing';
    try {
      const ref = await deps.put({ bytes: jpeg, mimeType: 'image/jpeg', fileName: cleanName(fileName) });
      const file: MaterialFile = { ...ref, source: 'document-camera' };
      if (!s.files.some((f) => f.sha256 === ref.sha256)) s.files.push(file);
      s.provided = true;
      if (!takesFiles(s.origin)) s.origin = 'scan';
      state.stored = file;
      deps.onStored?.(code, file);
      close();
      state.phase = 'stored';
      return file;
    } catch (e) {
      state.phase = 'captured';
      fail(e);
      return null;
    }
  }

  return { state, open, capture, turn, retake, confirm, close };
}
export type ScanFlow = ReturnType<typeof createScanFlow>;
