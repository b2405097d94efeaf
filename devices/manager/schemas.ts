/**
 * zod schemas for everything that crosses the device manager's API: configuration in, statuses and
 * events out, print and display requests in. All outputs are plain JSON (the photo is base64).
 */
import { z } from 'zod';
import { idCardJsonSchema } from '../protocol/device-events.js';
import { receiptDataSchema, ticketDataSchema } from '../protocol/print-data.js';

export { idCardJsonSchema, receiptDataSchema, ticketDataSchema };
export type { IdCardJson } from '../protocol/device-events.js';
export { qrScanEventSchema, type QrScanEvent } from '../protocol/qr-scan.js';
export type { ReceiptData, TicketData } from '../protocol/print-data.js';

const usbId = z.number().int().min(0).max(0xffff);

export const serialTransportSchema = z.object({
  kind: z.literal('serial'),
  /** Device path, or `auto` (ID card reader only): probe serial ports with the SAM status command. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().optional(),
  /** Ports to try when path is `auto`; default: the OS list plus /dev/ttyUSB* and /dev/ttyACM*. */
  probeCandidates: z.array(z.string().min(1)).optional(),
});
export const transportConfigSchema = z.discriminatedUnion('kind', [
  serialTransportSchema,
  z.object({ kind: z.literal('tcp'), host: z.string().min(1), port: z.number().int().min(1).max(65535).optional() }),
  z.object({ kind: z.literal('usb-lp'), path: z.string().min(1) }),
  z.object({ kind: z.literal('usb-bulk'), vendorId: usbId, productId: usbId, interfaceNumber: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal('hid'), vendorId: usbId, productId: usbId, path: z.string().optional(), reportSize: z.number().int().min(8).max(1024).optional() }),
]);
export type TransportConfigInput = z.infer<typeof transportConfigSchema>;

export const idCardRoleSchema = z.object({
  driver: z.literal('sam'),
  transport: transportConfigSchema,
  /** ≥ 300 ms (reader vendors' advice). */
  pollIntervalMs: z.number().int().min(300).max(60_000).optional(),
  /** Read 30 10 (base + fingerprint) instead of 30 01. */
  withFingerprint: z.boolean().optional(),
  commandTimeoutMs: z.number().int().min(100).max(30_000).optional(),
});

export const receiptPrinterRoleSchema = z.object({
  driver: z.literal('escpos'),
  transport: transportConfigSchema,
  /** Built-in font of the printer; characters outside it print as raster images. */
  printerCharset: z.enum(['gbk', 'gb18030']).optional(),
  /** False for write-only links (status then unknown). */
  bidirectional: z.boolean().optional(),
  /** How often to read DLE EOT status while idle (0 = never). */
  statusPollMs: z.number().int().min(0).max(600_000).optional(),
});

export const windowDisplayRoleSchema = z.object({
  driver: z.literal('tst-bus-led'),
  transport: transportConfigSchema,
  address: z.number().int().min(1).max(254).optional(),
});

export const evaluatorRoleSchema = z.object({
  driver: z.literal('tst-bus-keypad'),
  transport: transportConfigSchema,
  address: z.number().int().min(1).max(254).optional(),
});

/** A QR scanner on a serial port in line mode (devices/scanner/line-framing.ts); keyboard-wedge scanners need no configuration. */
export const qrScannerRoleSchema = z.object({
  driver: z.literal('serial-line'),
  transport: serialTransportSchema,
  /** Longest line accepted (default 4096). */
  maxLength: z.number().int().min(16).max(4096).optional(),
  /** An unfinished line is dropped after this many ms without bytes (default 300). */
  quietMs: z.number().int().min(20).max(5000).optional(),
});

export const deviceManagerConfigSchema = z.object({
  idcard: idCardRoleSchema.optional(),
  receiptPrinter: receiptPrinterRoleSchema.optional(),
  windowDisplay: windowDisplayRoleSchema.optional(),
  evaluator: evaluatorRoleSchema.optional(),
  qrScanner: qrScannerRoleSchema.optional(),
  reconnect: z.object({ initialMs: z.number().int().min(50).max(60_000), maxMs: z.number().int().min(50).max(600_000) }).optional(),
});
export type DeviceManagerConfig = z.infer<typeof deviceManagerConfigSchema>;

// Statuses, events, print results and ratings: the pure shapes in devices/protocol (shared with the bridge).
export {
  deviceErrorSchema,
  deviceRoleSchema,
  deviceStateSchema,
  deviceStatusSchema,
  evaluationEventSchema,
  evaluationLevelSchema,
  evaluationModeSchema,
  evaluationRequestSchema,
  idCardEventSchema,
  pendingPrintSchema,
  printResultSchema,
  windowDisplayRequestSchema,
} from '../protocol/device-events.js';
export type {
  DeviceErrorJson,
  DeviceRole,
  DeviceState,
  DeviceStatus,
  EvaluationEvent,
  EvaluationMode,
  EvaluationRequest,
  IdCardEvent,
  PendingPrint,
  PrintResultJson,
  WindowDisplayRequest,
} from '../protocol/device-events.js';
