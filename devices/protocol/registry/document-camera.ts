/**
 * Registry entry: document camera (高拍仪). Most models are UVC video devices (no driver, no vendor
 * SDK: Linux uvcvideo, Windows usbvideo), so the window captures with getUserMedia and the driver runs
 * there: renderer/window-devices/document-camera/ (capture, auto-crop and deskew, JPEG). Vendor HTTP/serial
 * protocols differ per vendor and are not public; a model that needs one gets its own `driver` literal.
 */
import { z } from 'zod';
import { defineRole } from './entry.js';

export const documentCameraRoleSchema = z.object({
  driver: z.literal('uvc'),
  /** Prefer the video input whose label contains this text (e.g. `Document Camera`); default: the first. */
  deviceLabel: z.string().min(1).max(100).optional(),
  /** Requested capture size (the camera picks its nearest mode). */
  width: z.number().int().min(320).max(8000).optional(),
  height: z.number().int().min(240).max(8000).optional(),
});

export const documentCameraRole = defineRole({
  role: 'document-camera',
  configKey: 'documentCamera',
  configSchema: documentCameraRoleSchema,
  host: 'window',
  listing: 'when-configured',
  // getUserMedia in the clerk window (renderer/window-devices/document-camera); never audio.
  windowPermissions: [{ permission: 'media', mediaTypes: ['video'], windows: ['clerk'] }],
  notConfigured: { code: 'NOT_CONFIGURED' },
});

/** Limits of the capture step (renderer/window-devices/document-camera). */
export const DOCUMENT_CAMERA_LIMITS = {
  /** A frame is refused above this many pixels (a 40 MP still) or this side length. */
  maxFramePixels: 40_000_000,
  maxFrameSide: 10_000,
  /** Smallest frame worth reading. */
  minFrameSide: 32,
  /** The stored image's longest side (larger crops are scaled down). */
  maxOutputSide: 3508, // A4 at 300 dpi
  /** The stored JPEG: the bridge's attachment limit (preload/contract/attachment-calls.ts MAX_ATTACHMENT_BYTES). */
  maxOutputBytes: 10 * 1024 * 1024,
} as const;

/** Stable codes of the capture step's errors (English messages in logs, the page's words per locale). */
export const documentCameraErrorCodes = [
  'CAMERA_UNSUPPORTED',
  'CAMERA_MISSING',
  'CAMERA_DENIED',
  'CAMERA_BUSY',
  'FRAME_EMPTY',
  'FRAME_INVALID',
  'FRAME_TOO_LARGE',
  'FRAME_DARK',
  'NO_DOCUMENT',
  'IMAGE_TOO_LARGE',
] as const;
export type DocumentCameraErrorCode = (typeof documentCameraErrorCodes)[number];
