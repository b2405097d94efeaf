/**
 * What the device layer says to the rest of the app: statuses, errors, card reads, print results,
 * ratings. Pure zod (no Node code), shared by the device manager (devices/manager/schemas.ts) and the
 * bridge contract (preload/contract/device-calls.ts), like print-data.ts and sync/protocol: one
 * definition, so the two cannot drift.
 */
import { z } from 'zod';
import { statusRoles } from './registry/index.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
/** Timestamps: UTC `Z` or with an offset. */
const isoDateTime = z.iso.datetime({ offset: true });

/** Every registered device role (devices/protocol/registry) plus `speech`, main's offline speech engine (devices/speech), not a port. */
export const deviceRoleSchema = z.enum(statusRoles);
export type DeviceRole = z.infer<typeof deviceRoleSchema>;

export const deviceStateSchema = z.enum(['connected', 'disconnected', 'error', 'not-configured']);
export type DeviceState = z.infer<typeof deviceStateSchema>;

/**
 * Names and numbers for the UI's words (renderer/i18n: `device.status.<say>`, `device.errors.<code>.<variant>`),
 * never words: `device` holds a role code, `variant` picks one text of an error code. At most 8.
 */
export const deviceParamsSchema = z
  .record(z.string().regex(/^[a-z][A-Za-z0-9]{0,31}$/), z.union([z.string().max(200), z.number().finite()]))
  .refine((p) => Object.keys(p).length <= 8, 'at most 8 params');
export type DeviceParams = z.infer<typeof deviceParamsSchema>;

/** A status word's code: `device.status.<say>` in the renderer's catalogue, else the error words of `code`. */
const sayCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/);

export const deviceStatusSchema = z.object({
  role: deviceRoleSchema,
  state: deviceStateSchema,
  /** What the UI says (the renderer's words for it, with `params`). */
  say: sayCode,
  params: deviceParamsSchema.optional(),
  /** Stable code of the last problem, e.g. PAPER_OUT, TIMEOUT, NO_EVALUATOR_DEVICE. */
  code: z.string().optional(),
  /** English detail for logs (never personal data). */
  detail: z.string().optional(),
  /** e.g. `serial:/dev/ttyUSB0@115200`. */
  transport: z.string().optional(),
  since: isoDateTime,
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** One change of a device's state or problem code (main/devices/status-history.ts; the station dashboard). */
export const deviceHistoryEntrySchema = z.strictObject({
  role: deviceRoleSchema,
  state: deviceStateSchema,
  /** What the UI says, as in the status (entries written before 2026-12 have `message`, Chinese, instead). */
  say: sayCode.optional(),
  params: deviceParamsSchema.optional(),
  message: z.string().max(200).optional(),
  code: z.string().max(64).optional(),
  at: isoDateTime,
});
export type DeviceHistoryEntry = z.infer<typeof deviceHistoryEntrySchema>;

/** A device error as it travels: code, English message for logs, and the params of its words (see deviceParamsSchema). */
export const deviceErrorSchema = z.object({ code: z.string().max(64), message: z.string(), params: deviceParamsSchema.optional() });
export type DeviceErrorJson = z.infer<typeof deviceErrorSchema>;

export const cardTypeSchema = z.enum(['resident', 'foreign-2017', 'foreign-2023', 'hmt-residence']);
export const sexSchema = z.enum(['male', 'female', 'unknown', 'unspecified']);

/** The JSON a card read produces (CLI stdout, manager `card` events): everything on the card. */
export const idCardJsonSchema = z.object({
  cardType: cardTypeSchema,
  name: z.string(),
  englishName: z.string().optional(),
  sex: sexSchema,
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
  cardVersion: z.string().optional(),
  acceptingAuthorityCode: z.string().optional(),
  renewalCount: z.string().optional(),
  previousNumberLink: z.string().optional(),
  photoWlt: z.base64(),
  fingerprints: z.base64().optional(),
  warnings: z.array(z.string()),
});
export type IdCardJson = z.infer<typeof idCardJsonSchema>;

/**
 * A card read as windows get it (personal data: memory only, never logged): no raw WLT photo, no
 * fingerprints, no card-management fields; the decoded photo where a licensed WLT decoder is
 * installed. Parsing a full read with it drops the rest.
 */
export const bridgeIdCardSchema = idCardJsonSchema
  .omit({ photoWlt: true, fingerprints: true, cardVersion: true, acceptingAuthorityCode: true, renewalCount: true, previousNumberLink: true })
  .extend({ photoBmp: z.base64().optional() });
export type BridgeIdCard = z.infer<typeof bridgeIdCardSchema>;

const cardEvents = <C extends z.ZodType>(card: C) =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('card'), card, at: isoDateTime }),
    z.object({ type: z.literal('removed'), at: isoDateTime }),
    z.object({ type: z.literal('read-error'), error: deviceErrorSchema, at: isoDateTime }),
  ]);

/** The manager's card events (whole read). */
export const idCardEventSchema = cardEvents(idCardJsonSchema.extend({ photoBmp: z.base64().optional() }));
export type IdCardEvent = z.infer<typeof idCardEventSchema>;
/** The same events as windows get them. */
export const bridgeIdCardEventSchema = cardEvents(bridgeIdCardSchema);
export type BridgeIdCardEvent = z.infer<typeof bridgeIdCardEventSchema>;

export const printResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), jobId: z.string() }),
  z.object({ ok: z.literal(false), jobId: z.string(), queued: z.literal(true), error: deviceErrorSchema }),
]);
export type PrintResultJson = z.infer<typeof printResultSchema>;

export const pendingPrintSchema = z.object({
  jobId: z.string(),
  kind: z.enum(['ticket', 'receipt']),
  createdAt: isoDateTime,
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
  needsReason: z.boolean(),
  source: z.enum(['device', 'on-screen']),
  at: isoDateTime,
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
  z.object({ mode: z.literal('on-screen'), code: z.string(), params: deviceParamsSchema.optional() }),
]);
export type EvaluationMode = z.infer<typeof evaluationModeSchema>;
