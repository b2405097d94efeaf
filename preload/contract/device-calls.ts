/**
 * Bridge calls and events of the devices: ID card reader, receipt printer, window LED display
 * and 好差评 evaluator. Main runs the device manager (devices/manager); pages see statuses and
 * events and ask for prints, never a port.
 *
 * Every shape comes from devices/protocol (pure zod, like sync/protocol), the same definitions the
 * device manager uses. Card events carry no fingerprint and no raw WLT photo (the bridge form of
 * the card drops them): the renderer never needs them.
 */
import { z } from 'zod';
import { call, NoInput, type CallSpec } from './spec';
import { receiptDataSchema, ticketDataSchema } from '../../devices/protocol/print-data';
import {
  bridgeIdCardEventSchema,
  bridgeIdCardSchema,
  deviceErrorSchema,
  deviceHistoryEntrySchema,
  deviceRoleSchema,
  deviceStatusSchema,
  evaluationEventSchema,
  evaluationLevelSchema,
  evaluationModeSchema,
  evaluationRequestSchema,
  pendingPrintSchema,
  printResultSchema,
  windowDisplayRequestSchema,
} from '../../devices/protocol/device-events';
import { announceRequestSchema, announceResultSchema } from '../../devices/protocol/speech';
import { qrScanEventSchema } from '../../devices/protocol/qr-scan';
import { windowDeviceConfigSchema } from '../../devices/protocol/registry';

/** Device statuses and events: the device layer's own pure schemas (devices/protocol). */
export const DeviceRole = deviceRoleSchema;
export const DeviceStatus = deviceStatusSchema;
export type DeviceStatus = z.infer<typeof DeviceStatus>;
export const DeviceErrorJson = deviceErrorSchema;
export type DeviceErrorJson = z.infer<typeof DeviceErrorJson>;
export const DeviceHistoryEntry = deviceHistoryEntrySchema;
export type DeviceHistoryEntry = z.infer<typeof DeviceHistoryEntry>;
/** A time range for the status history: ISO instants, `from` ≤ `to`. */
export const DeviceHistoryQuery = z
  .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((q) => Date.parse(q.from) <= Date.parse(q.to), { message: 'from must not be after to', path: ['from'] });

/** What the reader read, as windows get it (no raw photo, no fingerprints; memory only, never logged). */
export const IdCard = bridgeIdCardSchema;
export type IdCard = z.infer<typeof IdCard>;
export const IdCardEvent = bridgeIdCardEventSchema;
export type IdCardEvent = z.infer<typeof IdCardEvent>;

/** Print data: the device layer's own pure schemas (devices/protocol), shared as sync/protocol is. */
export const TicketData = ticketDataSchema;
export const ReceiptData = receiptDataSchema;
export const PrintResult = printResultSchema;
export type PrintResult = z.infer<typeof PrintResult>;
export const PendingPrint = pendingPrintSchema;

export const EvaluationLevel = evaluationLevelSchema;
export const EvaluationEvent = evaluationEventSchema;

const COUNTER_ROLES = ['kiosk', 'clerk'] as const;
/** Counter work: at the clerk window only with an active staff session (the kiosk has no sign-in). */
const COUNTER_WORK = { roles: COUNTER_ROLES, requiresStaff: true } as const;

export const deviceCalls = {
  /** Status of every device role (always four entries). */
  'devices.status': call({ input: NoInput, output: z.array(DeviceStatus) }),
  'devices.printTicket': call({ input: TicketData, output: PrintResult, ...COUNTER_WORK, timeoutMs: 30_000 }),
  'devices.printReceipt': call({ input: ReceiptData, output: PrintResult, ...COUNTER_WORK, timeoutMs: 30_000 }),
  /** Prints kept because the printer failed (paper out, offline…); retry or cancel them. */
  'devices.pendingPrints': call({ input: NoInput, output: z.array(PendingPrint), ...COUNTER_WORK }),
  'devices.retryPrints': call({ input: z.object({ jobId: z.string().max(100).optional() }).strict(), output: z.array(PrintResult), ...COUNTER_WORK, timeoutMs: 60_000 }),
  'devices.cancelPrint': call({ input: z.object({ jobId: z.string().max(100) }).strict(), output: z.boolean(), ...COUNTER_WORK }),
  /** Text on the window's LED strip (e.g. 请 A012 号到 2 号窗口). */
  'devices.showOnWindowDisplay': call({
    input: windowDisplayRequestSchema.strict(),
    output: z.null(),
    ...COUNTER_WORK,
    // 叫号 to a window is counter work (permissions.ts).
    requiresCapability: 'queue.call',
  }),
  /**
   * Say a short plain text (叫号: 请 A012 号到 2 号窗口办理) through main's offline speech engine, for
   * pages without a Chinese Web Speech voice (renderer/kiosk/voice.ts tries Web Speech first). Queued,
   * one at a time; NO_SPEECH_ENGINE when the machine has none (devices.status, role `speech`, says so).
   * At the clerk window it is 叫号 work (queue.call); kiosk and display pages need no staff.
   */
  'devices.announce': call({ input: announceRequestSchema.strict(), output: announceResultSchema, roles: ['kiosk', 'clerk', 'display'], requiresCapability: 'queue.call' }),
  /** Ask the evaluator for a rating; `on-screen` when there is no evaluator device. */
  'devices.requestEvaluation': call({
    input: evaluationRequestSchema.strict().optional(),
    output: evaluationModeSchema,
    ...COUNTER_WORK,
  }),
  /** A rating given on the screen's own 1–5 buttons (same event as the device's). */
  'devices.submitOnScreenEvaluation': call({ input: z.object({ level: EvaluationLevel }).strict(), output: EvaluationEvent, ...COUNTER_WORK }),
  /**
   * The devices' status changes in a time range, oldest first (at most 2,000; kept 90 days across
   * restarts): the station dashboard's device history. No personal data.
   */
  'devices.statusHistory': call({ input: DeviceHistoryQuery, output: z.array(DeviceHistoryEntry).max(2000), roles: ['clerk'], requiresStaff: true, requiresCapability: 'dashboard.view' }),
  /**
   * The configuration of the devices whose driver runs in the window (registry entries with `host:
   * 'window'`, e.g. the document camera's label and size), checked by main; a key is absent when its
   * role is not configured (or its configuration is invalid). Nothing secret.
   */
  'devices.windowConfig': call({ input: NoInput, output: windowDeviceConfigSchema, roles: ['clerk'] }),
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
  /** A serial QR scanner's scan or framing error (devices/scanner); the text may be a one-time ID credential. */
  'devices.qrScan': qrScanEventSchema,
} as const satisfies Record<string, z.ZodType>;

/** Events a clerk window gets only while a staff member is signed in and unlocked (main's staff feature gates them). */
export const deviceEventsRequiringStaff = ['devices.idcard'] as const;

/** Events that carry personal data go only to windows whose role needs them. */
export const deviceEventRoles = {
  'devices.idcard': COUNTER_ROLES,
  'devices.evaluation': COUNTER_ROLES,
  'devices.qrScan': ['kiosk'],
} as const;
