/** Inputs of the two print templates: pure zod, shared with the bridge contract (preload/contract/device-calls.ts). */
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

export const ticketDataSchema = z.object({
  stationName: text(40),
  ticketNumber: text(8),
  category: text(30),
  /** People ahead; null when unknown (a kiosk ticket issued while the station hub was down). */
  waitingCount: z.number().int().min(0).max(9999).nullable(),
  /** ISO 8601 date-time with offset. */
  issuedAt: z.iso.datetime({ offset: true }),
  /** Payload of the QR code (e.g. a URL to follow the queue or rate the service). */
  qrPayload: z.string().max(500).optional(),
  notice: z.string().max(120).optional(),
});
export type TicketData = z.infer<typeof ticketDataSchema>;

export const receiptDataSchema = z.object({
  stationName: text(40),
  serviceName: text(60),
  applicationId: text(64),
  /** 受理号, once the platform assigned one. */
  acceptanceNumber: z.string().max(64).optional(),
  applicantName: z.string().max(30).optional(),
  /** Full number; the template prints it masked (e.g. 3601**********1234). */
  applicantIdNumber: text(18),
  /** Name of the village assistant filing on the resident's behalf (帮代办). */
  agentName: z.string().max(30).optional(),
  /** Materials actually received (kiosk: none). */
  materials: z.array(z.object({ name: text(60), copies: z.number().int().min(1).max(99).optional() })).max(40),
  /** Materials the resident still has to bring (the case's required ones not received). */
  missingMaterials: z.array(z.object({ name: text(60), copies: z.number().int().min(1).max(99).optional() })).max(40).optional(),
  promisedWorkingDays: z.number().int().min(0).max(365),
  /** 承诺时限 as the service guide states it (e.g. `20个工作日`, `法定30日`); wins over `promisedWorkingDays`. */
  timeLimit: z.string().trim().min(1).max(60).optional(),
  acceptedAt: z.iso.datetime({ offset: true }),
  progressUrl: z.string().min(1).max(500),
  contactPhone: z.string().max(30).optional(),
});
export type ReceiptData = z.infer<typeof receiptDataSchema>;
