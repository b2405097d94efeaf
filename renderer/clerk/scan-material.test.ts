import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttachmentPutInput, AttachmentRefOut } from '../../preload/contract/attachment-calls';
import { paintScene } from '../window-devices/document-camera/emulator';
import { grabFrame, openDocumentCamera } from '../window-devices/document-camera/driver';
import { DocumentCameraError, type RgbaImage } from '../window-devices/document-camera/crop';
import { initialMaterials, materialsOut, type MaterialsState } from './materials';
import { createScanFlow, loadScanSource, scanSourceOf, type ScanDeps } from './scan-material';
import type { MaterialRequirement } from '../../sync/protocol';
import { applicationDoc, exampleApplication } from '../../sync/protocol';

const items = [
  { code: 'idcard', name: '身份证', required: true, originals: 1, copies: 1 },
  { code: 'hukou', name: '户口簿', required: false, originals: 0, copies: 1 },
] as unknown as MaterialRequirement[];

const SHA = (n: number) => n.toString(16).padStart(64, '0');
const stream = { getTracks: () => [] } as unknown as MediaStream;
const video = {} as HTMLVideoElement;
/** The JPEG encoder needs a canvas (real one: e2e/document-camera*.spec.ts); here bytes that start like a JPEG. */
const encode = (img: RgbaImage) => Promise.resolve({ base64: btoa(`\xff\xd8\xff${img.width}x${img.height}`), bytes: 3 + String(img.width).length + 1 + String(img.height).length });
const scene = () => paintScene({ width: 400, height: 300, page: { width: 150, height: 212, angleDeg: 6 } });

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

function setup(over: Partial<ScanDeps> = {}) {
  const put = vi.fn(over.put ?? ((input: AttachmentPutInput): Promise<AttachmentRefOut> => Promise.resolve({ sha256: SHA(input.bytes.length), size: 1234, mimeType: 'image/jpeg', fileName: input.fileName! })));
  const stored: string[] = [];
  const stops = { n: 0 };
  const flow = createScanFlow({ kind: 'emulator' }, {
    emulator: () => ({ stream, stop: () => void stops.n++ }),
    grab: () => scene(),
    encode,
    onStored: (code) => stored.push(code),
    ...over,
    put,
  });
  const materials: MaterialsState = initialMaterials(items);
  return { flow, put, materials, stored, stops };
}

describe('scan source: what the checklist offers', () => {
  it('offers the configured camera, the emulator in demo mode, else nothing', () => {
    expect(scanSourceOf({ documentCamera: { driver: 'uvc', deviceLabel: 'Doc', width: 2592, height: 1944 } }, false).source).toEqual({ kind: 'camera', config: { driver: 'uvc', deviceLabel: 'Doc', width: 2592, height: 1944 } });
    expect(scanSourceOf({ documentCamera: { driver: 'uvc' } }, true).source).toEqual({ kind: 'camera', config: { driver: 'uvc' } });
    expect(scanSourceOf({}, true)).toEqual({ source: { kind: 'emulator' }, invalid: false });
    expect(scanSourceOf({}, false)).toEqual({ source: null, invalid: false });
  });

  it('treats a configuration that does not match the registry as not configured', async () => {
    for (const garbage of [
      { documentCamera: { driver: 'twain' } },
      { documentCamera: { driver: 'uvc', width: 100_000 } },
      { documentCamera: { driver: 'uvc', deviceLabel: '' } },
      { documentCamera: { driver: 'uvc', height: 1.5 } },
      { documentCamera: 'uvc' },
      { documentCamera: { driver: 'uvc' }, somethingElse: 1 },
      null,
      'documentCamera',
      [{ driver: 'uvc' }],
    ]) {
      expect(scanSourceOf(garbage, false), JSON.stringify(garbage)).toEqual({ source: null, invalid: true });
      expect(scanSourceOf(garbage, true).source).toEqual({ kind: 'emulator' });
    }
    expect(await loadScanSource(false, () => Promise.resolve({ documentCamera: { driver: 'twain' } }))).toBeNull();
    expect(await loadScanSource(false, () => Promise.reject(new Error('ROLE_FORBIDDEN')))).toBeNull();
    expect(await loadScanSource(true, () => Promise.reject(new Error('TIMEOUT')))).toEqual({ kind: 'emulator' });
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/does not match the registry[\s\S]*ROLE_FORBIDDEN[\s\S]*TIMEOUT/);
  });
});

describe('scan flow: capture, turn, retake, attach', () => {
  it('captures a straightened still, turns it without a new frame, and attaches it as a camera scan', async () => {
    const grab = vi.fn(() => scene());
    const { flow, put, materials, stored, stops } = setup({ grab });
    materials.idcard!.files.push({ sha256: SHA(1), size: 10, mimeType: 'application/pdf', fileName: 'earlier.pdf' });
    await flow.open();
    expect(flow.state).toMatchObject({ phase: 'live', stream, error: null });
    await flow.capture(video);
    expect(flow.state.phase).toBe('captured');
    const first = flow.state.result!;
    expect(first.skewDegrees).toBeCloseTo(6, 0);
    expect(Math.abs(first.width - 150)).toBeLessThan(10);
    expect(Math.abs(first.height - 212)).toBeLessThan(12);
    await flow.turn();
    expect(flow.state.turns).toBe(1);
    expect([flow.state.result!.width, flow.state.result!.height]).toEqual([first.height, first.width]);
    expect(grab).toHaveBeenCalledTimes(1); // the same still, turned
    flow.retake();
    expect(flow.state).toMatchObject({ phase: 'live', result: null });
    await flow.capture(video);
    expect(grab).toHaveBeenCalledTimes(2);
    expect(flow.state.turns).toBe(1); // the turn is kept for the next still (the material lies the same way)

    const file = await flow.confirm(materials, 'idcard', '身份证/高拍仪.jpg');
    expect(put).toHaveBeenCalledTimes(1);
    expect(put.mock.calls[0]![0]).toMatchObject({ mimeType: 'image/jpeg', fileName: '身份证_高拍仪.jpg' });
    expect(atob(put.mock.calls[0]![0].bytes).startsWith('\xff\xd8\xff')).toBe(true);
    expect(file).toMatchObject({ source: 'document-camera', mimeType: 'image/jpeg' });
    expect(materials.idcard!.files.map((f) => f.fileName)).toEqual(['earlier.pdf', '身份证_高拍仪.jpg']);
    expect(materials.idcard).toMatchObject({ provided: true, origin: 'scan' });
    expect(stored).toEqual(['idcard']);
    expect(flow.state).toMatchObject({ phase: 'stored', stream: null, result: null });
    expect(stops.n).toBeGreaterThan(0); // the camera is let go

    // The application says which file came from the camera, and the protocol accepts it (old refs without `source` too).
    const out = materialsOut(items, materials);
    expect(out[0]!.attachments).toEqual([
      { sha256: SHA(1), size: 10, mimeType: 'application/pdf', fileName: 'earlier.pdf' },
      { sha256: file!.sha256, size: 1234, mimeType: 'image/jpeg', fileName: '身份证_高拍仪.jpg', source: 'document-camera' },
    ]);
    expect(applicationDoc.safeParse(exampleApplication({ materials: out })).error?.issues ?? []).toEqual([]);
    expect(applicationDoc.safeParse(exampleApplication({ materials: [{ ...out[0]!, attachments: [{ ...out[0]!.attachments[1]!, source: 'scanner' as never }] }] })).success).toBe(false);
    // and reading it back keeps the mark
    expect(initialMaterials(items, out).idcard!.files[1]).toMatchObject({ source: 'document-camera' });
  });

  it('a refused or missing camera says which; nothing is opened', async () => {
    const named = (name: string) => Object.assign(new Error(`${name} happened`), { name });
    for (const [name, code] of [['NotAllowedError', 'CAMERA_DENIED'], ['NotFoundError', 'CAMERA_MISSING'], ['NotReadableError', 'CAMERA_BUSY']] as const) {
      const media = { getUserMedia: () => Promise.reject(named(name)), enumerateDevices: () => Promise.resolve([]) } as unknown as MediaDevices;
      const flow = createScanFlow({ kind: 'camera', config: { driver: 'uvc', deviceLabel: 'Doc' } }, { put: () => Promise.reject(new Error('not called')), open: (c) => openDocumentCamera(c, media) });
      await flow.open();
      expect(flow.state).toMatchObject({ phase: 'closed', stream: null, error: { kind: 'camera', code } });
      await flow.capture(video); // nothing to capture from
      expect(flow.state.phase).toBe('closed');
    }
    const none = createScanFlow({ kind: 'camera', config: { driver: 'uvc' } }, { put: () => Promise.reject(new Error('not called')), open: (c) => openDocumentCamera(c, undefined) });
    await none.open();
    expect(none.state.error).toEqual({ kind: 'camera', code: 'CAMERA_UNSUPPORTED' });
  });

  it('refuses an oversized, empty, black or material-less frame and stays live to try again', async () => {
    const frames: (() => RgbaImage)[] = [];
    // The real grab refuses an oversized video before reading a pixel (no canvas needed).
    const { flow, materials, put } = setup({ grab: () => frames.shift()!() });
    await flow.open();
    for (const [w, h] of [[20_000, 100], [8000, 6000], [0, 480]] as const) {
      frames.push(() => grabFrame({ videoWidth: w, videoHeight: h } as HTMLVideoElement));
    }
    frames.push(() => paintScene({ width: 400, height: 300, mode: 'black' }));
    frames.push(() => paintScene({ width: 400, height: 300, mode: 'blank' }));
    frames.push(() => ({ width: 400, height: 300, data: new Uint8ClampedArray(17) }));
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      await flow.capture(video);
      expect(flow.state).toMatchObject({ phase: 'live', result: null });
      codes.push(flow.state.error!.code);
    }
    expect(codes).toEqual(['FRAME_TOO_LARGE', 'FRAME_TOO_LARGE', 'FRAME_EMPTY', 'FRAME_DARK', 'NO_DOCUMENT', 'FRAME_INVALID']);
    expect(await flow.confirm(materials, 'idcard', 'x.jpg')).toBeNull();
    expect(put).not.toHaveBeenCalled();
    expect(materials.idcard).toMatchObject({ files: [], provided: false });
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/\[document-camera\] FRAME_TOO_LARGE: frame 20000x100 exceeds the limits/);
  });

  it('a JPEG over the limit or a refused store loses nothing: the material keeps its files, the still stays', async () => {
    const big = setup({ encode: () => Promise.reject(new DocumentCameraError('IMAGE_TOO_LARGE', 'the JPEG exceeds 10485760 bytes even at quality 0.5')) });
    await big.flow.open();
    await big.flow.capture(video);
    expect(big.flow.state).toMatchObject({ phase: 'live', result: null, error: { kind: 'camera', code: 'IMAGE_TOO_LARGE' } });

    const refusal = Object.assign(new Error('INVALID_INPUT: the bytes are not a image/jpeg file'), { code: 'INVALID_INPUT' });
    const { flow, materials, put } = setup({ put: vi.fn(() => Promise.reject(refusal)) });
    materials.hukou = { ...materials.hukou!, origin: 'upload', provided: true, files: [{ sha256: SHA(7), size: 5, mimeType: 'image/png', fileName: 'a.png' }] };
    await flow.open();
    await flow.capture(video);
    expect(await flow.confirm(materials, 'hukou', 'b.jpg')).toBeNull();
    expect(put).toHaveBeenCalledTimes(1);
    expect(flow.state).toMatchObject({ phase: 'captured', error: { kind: 'store', code: 'INVALID_INPUT' } });
    expect(flow.state.result).not.toBeNull();
    expect(materials.hukou).toMatchObject({ origin: 'upload', provided: true, files: [{ fileName: 'a.png' }] });
    // a material that is already full is refused before anything is stored
    const full = setup();
    full.materials.idcard!.files = Array.from({ length: 20 }, (_, i) => ({ sha256: SHA(i + 100), size: 1, mimeType: 'image/png' as const }));
    await full.flow.open();
    await full.flow.capture(video);
    expect(await full.flow.confirm(full.materials, 'idcard', 'c.jpg')).toBeNull();
    expect(full.flow.state.error).toEqual({ kind: 'store', code: 'TOO_MANY_FILES' });
    expect(full.put).not.toHaveBeenCalled();
    expect(await full.flow.confirm(full.materials, 'no-such-material', 'c.jpg')).toBeNull();
  });

  it('closing while the camera opens lets the late camera go', async () => {
    let resolve: (s: MediaStream) => void = () => undefined;
    let stopped = 0;
    const late = { getTracks: () => [{ stop: () => void stopped++ }] } as unknown as MediaStream;
    const flow = createScanFlow({ kind: 'camera', config: { driver: 'uvc' } }, { put: () => Promise.reject(new Error('no')), open: () => new Promise((r) => (resolve = r)) });
    const opening = flow.open();
    expect(flow.state.phase).toBe('opening');
    flow.close();
    resolve(late);
    await opening;
    expect(flow.state).toMatchObject({ phase: 'closed', stream: null });
    expect(stopped).toBe(1);
  });
});
