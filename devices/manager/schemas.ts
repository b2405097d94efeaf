/**
 * zod schemas for everything that crosses the device manager's API: configuration in, statuses and
 * events out, print and display requests in. All outputs are plain JSON (the photo is base64).
 */
import { z } from 'zod';
import { idCardJsonSchema } from '../idcard/card-json.js';
import { receiptDataSchema, ticketDataSchema } from '../protocol/print-data.js';

export { idCardJsonSchema, receiptDataSchema, ticketDataSchema };
export type { IdCardJson } from '../idcard/card-json.js';
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

export const deviceManagerConfigSchema = z.object({
  idcard: idCardRoleSchema.optional(),
  receiptPrinter: receiptPrinterRoleSchema.optional(),
  windowDisplay: windowDisplayRoleSchema.optional(),
  evaluator: evaluatorRoleSchema.optional(),
  reconnect: z.object({ initialMs: z.number().int().min(50).max(60_000), maxMs: z.number().int().min(50).max(600_000) }).optional(),
});
export type DeviceManagerConfig = z.infer<typeof deviceManagerConfigSchema>;

export const deviceRoleSchema = z.enum(['idcard', 'receipt-printer', 'window-display', 'evaluator']);
export type DeviceRole = z.infer<typeof deviceRoleSchema>;

export const deviceStateSchema = z.enum(['connected', 'disconnected', 'error', 'not-configured']);
export type DeviceState = z.infer<typeof deviceStateSchema>;

export const deviceStatusSchema = z.object({
  role: deviceRoleSchema,
  state: deviceStateSchema,
  /** Chinese, for the UI. */
  message: z.string(),
  /** Stable code of the last problem, e.g. PAPER_OUT, TIMEOUT, NO_EVALUATOR_DEVICE. */
  code: z.string().optional(),
  /** English detail for logs (never personal data). */
  detail: z.string().optional(),
  /** e.g. `serial:/dev/ttyUSB0@115200`. */
  transport: z.string().optional(),
  since: z.iso.datetime(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

export const deviceErrorSchema = z.object({ code: z.string(), message: z.string(), userMessage: z.string() });
export type DeviceErrorJson = z.infer<typeof deviceErrorSchema>;

export const idCardEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('card'),
    card: idCardJsonSchema.extend({ photoBmp: z.base64().optional() }),
    at: z.iso.datetime(),
  }),
  z.object({ type: z.literal('removed'), at: z.iso.datetime() }),
  z.object({ type: z.literal('read-error'), error: deviceErrorSchema, at: z.iso.datetime() }),
]);
export type IdCardEvent = z.infer<typeof idCardEventSchema>;

export const printResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), jobId: z.string() }),
  z.object({ ok: z.literal(false), jobId: z.string(), queued: z.literal(true), error: deviceErrorSchema }),
]);
export type PrintResultJson = z.infer<typeof printResultSchema>;

export const pendingPrintSchema = z.object({
  jobId: z.string(),
  kind: z.enum(['ticket', 'receipt']),
  createdAt: z.iso.datetime(),
  attempts: z.number().int(),
  lastError: deviceErrorSchema.optional(),
});
export type PendingPrint = z.infer<typeof pendingPrintSchema>;

export const windowDisplayRequestSchema = z.object({
  text: z.string().trim().min(1).max(64),
  line: z.number().int().min(0).max(7).optional(),
  effect: z.enum(['static', 'scroll', 'blink']).optional(),
});
export type WindowDisplayRequest = z.infer<typeof windowDisplayRequestSchema>;

export const evaluationLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);

export const evaluationEventSchema = z.object({
  level: evaluationLevelSchema,
  label: z.string(),
  needsReason: z.boolean(),
  source: z.enum(['device', 'on-screen']),
  at: z.iso.datetime(),
});
export type EvaluationEvent = z.infer<typeof evaluationEventSchema>;

export const evaluationRequestSchema = z.object({
  prompt: z.string().max(64).optional(),
  timeoutSeconds: z.number().int().min(5).max(255).optional(),
});
export type EvaluationRequest = z.infer<typeof evaluationRequestSchema>;

export const evaluationModeSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('device') }),
  /** No evaluator device (or it is unreachable): the UI shows its own 1–5 buttons. */
  z.object({ mode: z.literal('on-screen'), code: z.string(), message: z.string() }),
]);
export type EvaluationMode = z.infer<typeof evaluationModeSchema>;
