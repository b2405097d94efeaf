/**
 * Bridge calls and events of the devices: ID card reader, receipt printer, window LED display
 * and 好差评 evaluator. Main runs the device manager (devices/manager); pages see statuses and
 * events and ask for prints, never a port.
 *
 * Print data comes from devices/protocol (pure zod, like sync/protocol). The other shapes mirror
 * devices/manager/schemas.ts for what crosses the bridge (that module pulls in Node-side driver
 * code, and the card payload deliberately leaves out the raw photo and fingerprints). main/devices/feature.test.ts
 * checks that real device-manager payloads pass them. Card events carry no fingerprint and no
 * raw WLT photo: the renderer never needs them.
 */
import { z } from 'zod';
import { call, NoInput, type CallSpec } from './spec';
import { receiptDataSchema, ticketDataSchema } from '../../devices/protocol/print-data';

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const DeviceRole = z.enum(['idcard', 'receipt-printer', 'window-display', 'evaluator']);
export const DeviceStatus = z.object({
  role: DeviceRole,
  state: z.enum(['connected', 'disconnected', 'error', 'not-configured']),
  /** Chinese, for people. */
  message: z.string(),
  code: z.string().optional(),
  detail: z.string().optional(),
  transport: z.string().optional(),
  since: isoDateTime,
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const DeviceErrorJson = z.object({ code: z.string(), message: z.string(), userMessage: z.string() });

/** What the reader read, as the renderer gets it (personal data: memory only, never logged). */
export const IdCard = z.object({
  cardType: z.enum(['resident', 'foreign-2017', 'foreign-2023', 'hmt-residence']),
  name: z.string(),
  englishName: z.string().optional(),
  sex: z.enum(['male', 'female', 'unknown', 'unspecified']),
  nationCode: z.string().optional(),
  nation: z.string().nullable().optional(),
  nationality: z.string().optional(),
  birthDate: isoDate.nullable(),
  address: z.string().optional(),
  idNumber: z.string(),
  idNumberValid: z.boolean(),
  issuingAuthority: z.string().optional(),
  validFrom: isoDate.nullable(),
  validTo: z.union([isoDate, z.literal('long-term')]).nullable(),
  passNumber: z.string().optional(),
  issueCount: z.string().optional(),
  /** Decoded photo where a licensed WLT decoder is installed. */
  photoBmp: z.base64().optional(),
  warnings: z.array(z.string()),
});
export type IdCard = z.infer<typeof IdCard>;

export const IdCardEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('card'), card: IdCard, at: isoDateTime }),
  z.object({ type: z.literal('removed'), at: isoDateTime }),
  z.object({ type: z.literal('read-error'), error: DeviceErrorJson, at: isoDateTime }),
]);
export type IdCardEvent = z.infer<typeof IdCardEvent>;

/** Print data: the device layer's own pure schemas (devices/protocol), shared as sync/protocol is. */
export const TicketData = ticketDataSchema;
export const ReceiptData = receiptDataSchema;

export const PrintResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), jobId: z.string() }),
  z.object({ ok: z.literal(false), jobId: z.string(), queued: z.literal(true), error: DeviceErrorJson }),
]);
export type PrintResult = z.infer<typeof PrintResult>;

export const PendingPrint = z.object({
  jobId: z.string(),
  kind: z.enum(['ticket', 'receipt']),
  createdAt: isoDateTime,
  attempts: z.number().int(),
  lastError: DeviceErrorJson.optional(),
});

export const EvaluationLevel = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);
export const EvaluationEvent = z.object({
  level: EvaluationLevel,
  label: z.string(),
  needsReason: z.boolean(),
  source: z.enum(['device', 'on-screen']),
  at: isoDateTime,
});

const COUNTER_ROLES = ['kiosk', 'clerk'] as const;

export const deviceCalls = {
  /** Status of every device role (always four entries). */
  'devices.status': call({ input: NoInput, output: z.array(DeviceStatus) }),
  'devices.printTicket': call({ input: TicketData, output: PrintResult, roles: COUNTER_ROLES, timeoutMs: 30_000 }),
  'devices.printReceipt': call({ input: ReceiptData, output: PrintResult, roles: COUNTER_ROLES, timeoutMs: 30_000 }),
  /** Prints kept because the printer failed (paper out, offline…); retry or cancel them. */
  'devices.pendingPrints': call({ input: NoInput, output: z.array(PendingPrint), roles: COUNTER_ROLES }),
  'devices.retryPrints': call({ input: z.object({ jobId: z.string().max(100).optional() }).strict(), output: z.array(PrintResult), roles: COUNTER_ROLES, timeoutMs: 60_000 }),
  'devices.cancelPrint': call({ input: z.object({ jobId: z.string().max(100) }).strict(), output: z.boolean(), roles: COUNTER_ROLES }),
  /** Text on the window's LED strip (e.g. 请 A012 号到 2 号窗口). */
  'devices.showOnWindowDisplay': call({
    input: z.object({ text: z.string().trim().min(1).max(64), line: z.number().int().min(0).max(7).optional(), effect: z.enum(['static', 'scroll', 'blink']).optional() }).strict(),
    output: z.null(),
    roles: COUNTER_ROLES,
  }),
  /** Ask the evaluator for a rating; `on-screen` when there is no evaluator device. */
  'devices.requestEvaluation': call({
    input: z.object({ prompt: z.string().max(64).optional(), timeoutSeconds: z.number().int().min(5).max(255).optional() }).strict().optional(),
    output: z.discriminatedUnion('mode', [z.object({ mode: z.literal('device') }), z.object({ mode: z.literal('on-screen'), code: z.string(), message: z.string() })]),
    roles: COUNTER_ROLES,
  }),
  /** A rating given on the screen's own 1–5 buttons (same event as the device's). */
  'devices.submitOnScreenEvaluation': call({ input: z.object({ level: EvaluationLevel }).strict(), output: EvaluationEvent, roles: COUNTER_ROLES }),
  /** Demo mode only: put a sample card on the emulated reader (resident, resident-long-term, foreign-2017, foreign-2023, hmt-residence). */
  'devices.demo.presentCard': call({ input: z.object({ card: z.string().regex(/^[a-z0-9-]{1,40}$/) }).strict(), output: z.null() }),
  'devices.demo.removeCard': call({ input: NoInput, output: z.null() }),
  /** Demo mode only: set the emulated printer's condition (e.g. paper out) to try the error paths. */
  'devices.demo.setPrinter': call({ input: z.object({ paperOut: z.boolean().optional(), coverOpen: z.boolean().optional(), online: z.boolean().optional() }).strict(), output: z.null() }),
  /** Demo mode only: the emulated printer's decoded output, one string per printed line, newest job last. */
  'devices.demo.printerTranscript': call({ input: NoInput, output: z.object({ jobs: z.array(z.array(z.string())) }) }),
} as const satisfies Record<string, CallSpec>;

export const deviceEvents = {
  'devices.status': DeviceStatus,
  'devices.idcard': IdCardEvent,
  'devices.evaluation': EvaluationEvent,
} as const satisfies Record<string, z.ZodType>;

/** Events that carry personal data go only to windows whose role needs them. */
export const deviceEventRoles = {
  'devices.idcard': COUNTER_ROLES,
  'devices.evaluation': COUNTER_ROLES,
} as const;
