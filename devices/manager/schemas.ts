/**
 * zod schemas for everything that crosses the device manager's API: configuration in, statuses and
 * events out, print and display requests in. All outputs are plain JSON (the photo is base64).
 */
import { idCardJsonSchema } from '../protocol/device-events.js';
import { receiptDataSchema, ticketDataSchema } from '../protocol/print-data.js';

export { idCardJsonSchema, receiptDataSchema, ticketDataSchema };
export type { IdCardJson } from '../protocol/device-events.js';
export { qrScanEventSchema, type QrScanEvent } from '../protocol/qr-scan.js';
export type { ReceiptData, TicketData } from '../protocol/print-data.js';

// Role and transport configurations: the device registry (devices/protocol/registry), one entry per role.
export {
  deviceManagerConfigSchema,
  deviceRegistry,
  evaluatorRoleSchema,
  idCardRoleSchema,
  qrScannerRoleSchema,
  receiptPrinterRoleSchema,
  serialTransportSchema,
  transportConfigSchema,
  windowDisplayRoleSchema,
  type DeviceManagerConfig,
  type MainRole,
  type RoleConfig,
  type TransportConfigInput,
} from '../protocol/registry/index.js';

// Statuses, events, print results and ratings: the pure shapes in devices/protocol (shared with the bridge).
export {
  deviceErrorSchema,
  deviceParamsSchema,
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
  DeviceParams,
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
