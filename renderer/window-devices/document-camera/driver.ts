/**
 * Window-side driver of the document camera (高拍仪, registry entry devices/protocol/registry/
 * document-camera.ts): opens a UVC camera with getUserMedia, grabs a still, runs the image step
 * (crop.ts) and encodes a JPEG in the form `attachments.put` takes. Errors are DocumentCameraError
 * with a stable code and an English message; the page words them per locale.
 */
import { DOCUMENT_CAMERA_LIMITS } from '../../../devices/protocol/registry/document-camera';
import type { z } from 'zod';
import type { documentCameraRoleSchema } from '../../../devices/protocol/registry/document-camera';
import { cropDocument, DocumentCameraError, type CropResult, type QuarterTurns, type RgbaImage } from './crop';

export type DocumentCameraConfig = z.infer<typeof documentCameraRoleSchema>;

/** getUserMedia's refusals as stable codes. */
export function cameraErrorOf(err: unknown): DocumentCameraError {
  if (err instanceof DocumentCameraError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const message = String((err as { message?: unknown } | null)?.message ?? err);
  if (name === 'NotAllowedError' || name === 'SecurityError') return new DocumentCameraError('CAMERA_DENIED', `camera access was refused (${String(name)}: ${message})`);
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new DocumentCameraError('CAMERA_MISSING', `no matching camera (${String(name)}: ${message})`);
  if (name === 'NotReadableError' || name === 'AbortError') return new DocumentCameraError('CAMERA_BUSY', `the camera could not be started (${String(name)}: ${message})`);
  return new DocumentCameraError('CAMERA_MISSING', `the camera could not be opened (${String(name)}: ${message})`);
}

/** Open the configured camera (the one whose label contains `deviceLabel`, else the first video input). */
export async function openDocumentCamera(config: DocumentCameraConfig, media: MediaDevices | undefined = globalThis.navigator?.mediaDevices): Promise<MediaStream> {
  if (!media?.getUserMedia) throw new DocumentCameraError('CAMERA_UNSUPPORTED', 'this window has no getUserMedia (no secure context or no media support)');
  const size = { ...(config.width ? { width: { ideal: config.width } } : {}), ...(config.height ? { height: { ideal: config.height } } : {}) };
  const label = config.deviceLabel;
  const videoInputs = async () => (await media.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  try {
    let deviceId: string | undefined;
    if (label) {
      const inputs = await videoInputs();
      if (inputs.length > 0 && inputs.every((d) => !d.label)) {
        // Labels stay hidden until the page may use a camera: open the default one, then look again
        // and keep it if it is the configured one (else switch to that).
        const first = await media.getUserMedia({ audio: false, video: { ...size } });
        const match = (await videoInputs()).find((d) => d.label.includes(label));
        const current = first.getVideoTracks()[0]?.getSettings().deviceId;
        if (!match || match.deviceId === current) return first;
        stopStream(first);
        deviceId = match.deviceId;
      } else deviceId = inputs.find((d) => d.label.includes(label))?.deviceId;
    }
    return await media.getUserMedia({ audio: false, video: { ...size, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
  } catch (err) {
    throw cameraErrorOf(err);
  }
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** The video's current frame as RGBA (checked by the image step). */
export function grabFrame(video: HTMLVideoElement): RgbaImage {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) throw new DocumentCameraError('FRAME_EMPTY', `the camera delivered an empty frame (${width}x${height})`);
  if (width > DOCUMENT_CAMERA_LIMITS.maxFrameSide || height > DOCUMENT_CAMERA_LIMITS.maxFrameSide || width * height > DOCUMENT_CAMERA_LIMITS.maxFramePixels) {
    throw new DocumentCameraError('FRAME_TOO_LARGE', `frame ${width}x${height} exceeds the limits`);
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  if (!g) throw new DocumentCameraError('CAMERA_UNSUPPORTED', 'no 2D canvas in this window');
  g.drawImage(video, 0, 0);
  const d = g.getImageData(0, 0, width, height);
  return { width, height, data: d.data };
}

/** An image as JPEG bytes (base64, the form of `attachments.put`), within the attachment size limit. */
export async function encodeJpeg(img: RgbaImage): Promise<{ base64: string; bytes: number }> {
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const g = canvas.getContext('2d');
  if (!g) throw new DocumentCameraError('CAMERA_UNSUPPORTED', 'no 2D canvas in this window');
  g.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  for (const quality of [0.85, 0.7, 0.5]) {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (!blob) break;
    if (blob.size <= DOCUMENT_CAMERA_LIMITS.maxOutputBytes) {
      const buf = new Uint8Array(await blob.arrayBuffer());
      let bin = '';
      for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      return { base64: btoa(bin), bytes: buf.length };
    }
  }
  throw new DocumentCameraError('IMAGE_TOO_LARGE', `the JPEG exceeds ${DOCUMENT_CAMERA_LIMITS.maxOutputBytes} bytes even at quality 0.5`);
}

export interface CapturedMaterial extends CropResult {
  /** `attachments.put` input: `{ bytes, mimeType, fileName }`. */
  attachment: { bytes: string; mimeType: 'image/jpeg'; fileName: string };
  jpegBytes: number;
}

/** Grab, crop, straighten, turn and encode one still of a material. */
export async function captureMaterial(video: HTMLVideoElement, options: { quarterTurns?: QuarterTurns; fileName?: string } = {}): Promise<CapturedMaterial> {
  const crop = cropDocument(grabFrame(video), { quarterTurns: options.quarterTurns ?? 0 });
  const jpeg = await encodeJpeg(crop.image);
  return { ...crop, jpegBytes: jpeg.bytes, attachment: { bytes: jpeg.base64, mimeType: 'image/jpeg', fileName: options.fileName ?? 'material.jpg' } };
}
