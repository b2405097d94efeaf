// Schemas of every replicated document. The platform validates every push with these; the terminal
// validates what it pulls. Unknown members are rejected (strict objects) so typos surface early.
import { z } from 'zod';
import { baseDocumentShape, docId, isoTimestamp, jsonObject, sha256Hex, shortText, stationId, uuidV7 } from './common';
import { applicationStatus } from './status';
import { idNumberChecksumOk, RESIDENT_ID_PATTERN } from './forms/validate';
import { isTimeZone } from './station-time';
import { applicationTongban, serviceItemTongban } from './tongban';

// ---------------------------------------------------------------- service_items (down)

export const materialRequirement = z.strictObject({
  code: docId,
  name: shortText(200).min(1),
  required: z.boolean(),
  /** Number of originals / copies to show (GB/T 39046 原件份数/复印件份数). */
  originals: z.int().min(0).max(99),
  copies: z.int().min(0).max(99),
  note: shortText(500).optional(),
  /** 电子证照: licence types that satisfy this material (any one of them; sync/protocol/e-licences.ts codes). */
  licenceTypes: z.array(docId).max(8).optional(),
});
export type MaterialRequirement = z.infer<typeof materialRequirement>;

/** GB/T 39046 A.1 事项类型代码 (01 行政许可, 05 行政给付, 07 行政确认, 10 其他, 20 公共服务). */
export const serviceItemType = z.enum(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '20']);

export const serviceItemDoc = z.strictObject({
  ...baseDocumentShape,
  /** 事项编码 (our catalog code, e.g. `MZ01`; integrators may use 实施编码). */
  code: docId,
  name: shortText(200).min(1),
  department: shortText(100).min(1),
  type: serviceItemType,
  /** 行使层级代码: 4 county, 5 township, 6 village. */
  level: z.enum(['1', '2', '3', '4', '5', '6', '7']),
  target: z.enum(['person', 'organization', 'both']),
  /** National theme codes (主题分类, e.g. `085`). */
  topics: z.array(shortText(10)).max(20),
  /** Life events (生命周期阶段), e.g. `出生`, `养老`. */
  lifeEvents: z.array(shortText(20)).max(20),
  materials: z.array(materialRequirement).max(50),
  formId: docId,
  formVersion: z.int().min(1),
  timeLimit: z.strictObject({
    legalDays: z.int().min(0).max(3650).nullable(),
    promisedDays: z.int().min(0).max(3650).nullable(),
    note: shortText(300).optional(),
  }),
  fee: z.strictObject({ charged: z.boolean(), note: shortText(300).optional() }),
  /** 可代办 (帮代办): yes / no / conditional / unknown (not verified in the source catalog). */
  proxyAllowed: z.enum(['yes', 'no', 'conditional', 'unknown']),
  /** 跨省通办 (kept equal to `tongban.scope === 'cross_province'`). */
  crossProvince: z.boolean(),
  /** 通办: the scope and the divisions that accept the item from elsewhere (sync/protocol/tongban.ts); absent = local only. */
  tongban: serviceItemTongban.optional(),
  /** Derived at seed time with pinyin-pro: full pinyin without tones, and initials (lowercase). */
  pinyin: shortText(600),
  initials: shortText(200),
  keywords: z.array(shortText(40)).max(30),
  guide: shortText(4000).optional(),
  sortOrder: z.int().min(0).max(1_000_000),
});
export type ServiceItemDoc = z.infer<typeof serviceItemDoc>;

// ---------------------------------------------------------------- form_schemas (down)

export const formSchemaDoc = z.strictObject({
  ...baseDocumentShape,
  /** `${formId}@${version}`. */
  formId: docId,
  version: z.int().min(1),
  title: shortText(200).min(1),
  /** JSON Schema draft-07. */
  jsonSchema: jsonObject,
  /** Simple UI schema (JSON Forms layout). */
  uiSchema: jsonObject,
  /** Optional layout of the printed form (A4); free-form for the PDF renderer. */
  pdfLayout: jsonObject.nullable(),
});
export type FormSchemaDoc = z.infer<typeof formSchemaDoc>;
export const formSchemaDocId = (formId: string, version: number): string => `${formId}@${version}`;

// ---------------------------------------------------------------- applications (up + status down)

export const idType = z.enum(['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent', 'other']);

/**
 * PII of the applicant as the terminal decides to send it. Every member is optional so a terminal
 * may send only what the platform needs; `applicantIdHash` on the application allows matching without it.
 */
export const applicant = z.strictObject({
  name: shortText(100).optional(),
  idType: idType.optional(),
  idNumber: shortText(40).optional(),
  phone: shortText(30).optional(),
  address: shortText(300).optional(),
  /** When the terminal encrypts PII end-to-end: an opaque envelope instead of the fields above. */
  encrypted: z.strictObject({ alg: shortText(40), keyId: shortText(100), ciphertext: z.string().max(20_000) }).optional(),
});
export type Applicant = z.infer<typeof applicant>;

/** 帮代办: the village assistant or relative who files on the applicant's behalf. */
export const agent = z.strictObject({
  kind: z.enum(['village_assistant', 'relative', 'other']),
  staffId: docId.optional(),
  name: shortText(100).optional(),
  idNumber: shortText(40).optional(),
  phone: shortText(30).optional(),
  relation: shortText(40).optional(),
});

/** 授权委托书 (Civil Code art. 165): scope, term, signed letter. */
export const authorization = z.strictObject({
  scope: z.array(z.enum(['submit', 'sign_forms', 'collect_result', 'supplement'])).min(1).max(4),
  reason: shortText(300).optional(),
  validFrom: z.iso.date(),
  validUntil: z.iso.date().nullable(),
  subDelegation: z.boolean(),
  /** SHA-256 of the scanned/signed letter uploaded as an attachment. */
  letterSha256: sha256Hex.optional(),
  signedAt: isoTimestamp,
});

/** Where an attached file came from (`attachmentRef.source`). */
export const ATTACHMENT_SOURCES = ['file', 'document-camera'] as const;
export type AttachmentSource = (typeof ATTACHMENT_SOURCES)[number];

export const attachmentRef = z.strictObject({
  sha256: sha256Hex,
  size: z.int().min(0),
  mimeType: shortText(100),
  fileName: shortText(200).optional(),
  /**
   * How the file came: `document-camera` = captured at the counter with the 高拍仪 (cut out and
   * straightened, renderer/window-devices/document-camera), `file` = a file chosen from disk.
   * Absent (every reference written before it existed, and e-licence files) reads as `file`.
   */
  source: z.enum(ATTACHMENT_SOURCES).optional(),
});
export type AttachmentRef = z.infer<typeof attachmentRef>;

export const providedMaterial = z.strictObject({
  code: docId,
  name: shortText(200),
  provided: z.boolean(),
  origin: z.enum(['upload', 'scan', 'paper', 'e_license']),
  attachments: z.array(attachmentRef).max(20),
  note: shortText(300).optional(),
  /** origin `e_license`: the licence that satisfied it (platform library id and type code). */
  licence: z.strictObject({ id: shortText(100).min(1), typeCode: docId }).optional(),
});

export const statusHistoryEntry = z.strictObject({
  status: applicationStatus,
  at: isoTimestamp,
  by: z.enum(['terminal', 'platform']),
  /** Staff id or back-office operator id; never a resident's name. */
  actor: shortText(100).optional(),
  note: shortText(1000).optional(),
});
export type StatusHistoryEntry = z.infer<typeof statusHistoryEntry>;

export const decision = z.strictObject({
  outcome: z.enum(['approved', 'rejected']),
  reason: shortText(2000).optional(),
  decidedAt: isoTimestamp,
  decidedBy: shortText(100),
});

/**
 * A form field as the shared validator names it (`FieldError.path`, sync/protocol/forms/validate.ts):
 * property names joined by dots, array items by their index (`idNumber`, `members.0.name`). Form keys
 * are plain identifiers, so anything else (spaces, quotes, HTML, JSON Pointer, Chinese titles) is refused.
 */
export const FORM_FIELD_PATH_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.(?:[A-Za-z_][A-Za-z0-9_-]*|\d{1,4}))*$/;
export const formFieldPath = z.string().min(1).max(200).regex(FORM_FIELD_PATH_PATTERN, 'must be a form field path like idNumber or members.0.name');

/** At most this many fields travel with one FORM_INVALID refusal (the platform sends at most 20 issues). */
export const MAX_REFUSED_FIELDS = 20;
/** A JSON Schema keyword as the validator reports it (`pattern`, `required`, `format`…); '' = unknown. */
export const REFUSED_KEYWORD_PATTERN = /^(?:[A-Za-z][A-Za-z0-9:_-]{0,39})?$/;
/**
 * A form field the platform refused (`FORM_INVALID`): the validator's path and the JSON Schema
 * keyword ('' when unknown). The transport builds these from the platform's `issues`
 * (sync/client/refused-fields.ts); the bridge contract and the quarantine carry them.
 */
export const refusedField = z.object({ path: formFieldPath, keyword: z.string().max(40).regex(REFUSED_KEYWORD_PATTERN) }).strict();
export type RefusedField = z.infer<typeof refusedField>;
export const refusedFieldList = z.array(refusedField).max(MAX_REFUSED_FIELDS);

/**
 * The parameters of a refusal's words (the terminal's catalogue, `refusal.<code>`): a few named
 * strings and numbers the sentence needs, e.g. a form id, a reason code, a division code, a count,
 * a field's title. Never personal values. Bounded: at most MAX_REFUSAL_PARAMS members, names like
 * identifiers, strings of at most REFUSAL_PARAM_MAX_CHARS characters.
 */
export const MAX_REFUSAL_PARAMS = 8;
export const REFUSAL_PARAM_MAX_CHARS = 200;
export const REFUSAL_PARAM_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
export const refusalParams = z
  .record(z.string().regex(REFUSAL_PARAM_NAME_PATTERN), z.union([z.string().max(REFUSAL_PARAM_MAX_CHARS), z.number().finite()]))
  .refine((o) => Object.keys(o).length <= MAX_REFUSAL_PARAMS, `at most ${MAX_REFUSAL_PARAMS} parameters`);
export type RefusalParams = Record<string, string | number>;
/** A form problem as the terminal words it: the validator's `code` (`forms.issue.<code>`) and its parameters. */
export const REFUSAL_ISSUE_CODE_PATTERN = /^[A-Za-z]{1,40}$/;
export const refusalIssue = z.object({ code: z.string().regex(REFUSAL_ISSUE_CODE_PATTERN), params: refusalParams }).strict();
export type RefusalIssue = z.infer<typeof refusalIssue>;
/** At most this many problems are worded with one FORM_INVALID refusal (the platform sends at most 20 issues). */
export const MAX_REFUSAL_ISSUES = 20;
export const refusalIssueList = z.array(refusalIssue).max(MAX_REFUSAL_ISSUES);

/** Bounds of a 补正 request's flags (a service item has at most 50 materials). */
export const SUPPLEMENT_LIMITS = { reasons: 20, fields: 30, materials: 50 } as const;

export const supplementRequest = z.strictObject({
  reasons: z.array(shortText(500).min(1)).min(1).max(SUPPLEMENT_LIMITS.reasons),
  requestedAt: isoTimestamp,
  dueDate: z.iso.date().nullable(),
  /** Form fields to correct (optional; records written before flags existed have none). */
  fields: z.array(formFieldPath).max(SUPPLEMENT_LIMITS.fields).optional(),
  /** Material codes of the application's service item to provide again (optional, as `fields`). */
  materials: z.array(docId).max(SUPPLEMENT_LIMITS.materials).optional(),
});
export type SupplementRequest = z.infer<typeof supplementRequest>;

export const applicationDoc = z.strictObject({
  ...baseDocumentShape,
  id: uuidV7,
  stationId,
  /** Terminal that created it (set by the terminal; informational). */
  terminalId: docId.optional(),
  serviceItemCode: docId,
  formId: docId,
  formVersion: z.int().min(1),
  channel: z.enum(['kiosk', 'counter', 'field']),
  applicant: applicant.nullable(),
  /** Salted SHA-256 of the applicant's ID number (hex), to match cases without shipping the number. */
  applicantIdHash: sha256Hex.nullable(),
  agent: agent.nullable(),
  authorization: authorization.nullable(),
  formData: jsonObject,
  materials: z.array(providedMaterial).max(50),
  /** 通办: the division chosen to handle it when filed away from there (terminal-owned; absent = here). */
  tongban: applicationTongban.optional(),
  status: applicationStatus,
  /** 受理号: platform-owned. */
  acceptanceNo: shortText(64).nullable(),
  /** Platform-owned. */
  supplement: supplementRequest.nullable(),
  /** Platform-owned. */
  decision: decision.nullable(),
  statusHistory: z.array(statusHistoryEntry).max(200),
  createdAt: isoTimestamp,
  submittedAt: isoTimestamp.nullable(),
});
export type ApplicationDoc = z.infer<typeof applicationDoc>;

/** Fields only the platform may set or change. */
export const PLATFORM_OWNED_APPLICATION_FIELDS = ['acceptanceNo', 'supplement', 'decision'] as const;

// ---------------------------------------------------------------- queue_tickets (up, station)

export const queueTicketDoc = z.strictObject({
  ...baseDocumentShape,
  id: uuidV7,
  stationId,
  /** Display number, e.g. `A012`. */
  number: z.string().regex(/^[A-Z]{1,2}\d{3,4}$/, 'like A012'),
  category: shortText(20).min(1),
  priority: z.enum(['normal', 'elderly', 'disabled', 'military', 'appointment']),
  status: z.enum(['waiting', 'called', 'serving', 'done', 'skipped', 'cancelled']),
  issuedAt: isoTimestamp,
  calledAt: isoTimestamp.nullable(),
  servedAt: isoTimestamp.nullable(),
  finishedAt: isoTimestamp.nullable(),
  window: shortText(20).nullable(),
  staffId: docId.nullable(),
  serviceItemCode: docId.nullable(),
  applicationId: uuidV7.nullable(),
  recallCount: z.int().min(0).max(99),
  /** The category the ticket was transferred from (optional: tickets written before the queue service have none). */
  transferredFrom: shortText(20).nullable().optional(),
  /** The window a transfer reserved the ticket for: only that window calls it. */
  reservedWindow: shortText(20).nullable().optional(),
  /** Issued offline by a kiosk from a number block it leased (`POST /queue/lease`). */
  leased: z.boolean().optional(),
});
export type QueueTicketDoc = z.infer<typeof queueTicketDoc>;

// ---------------------------------------------------------------- evaluations (up; 好差评)

export const evaluationDoc = z
  .strictObject({
    ...baseDocumentShape,
    id: uuidV7,
    stationId,
    /** 5 非常满意 … 1 非常不满意 (note: GB/T 39046 codes run the other way). */
    level: z.int().min(1).max(5),
    indicators: z.array(shortText(40)).max(20),
    /** Required (non-empty) when the level is 1 or 2 (差评). */
    reasons: z.array(shortText(40)).max(20),
    comment: shortText(500).nullable(),
    channel: z.enum(['kiosk', 'counter_device', 'field']),
    applicationId: uuidV7.nullable(),
    ticketId: uuidV7.nullable(),
    staffId: docId.nullable(),
    serviceItemCode: docId.nullable(),
    createdAt: isoTimestamp,
  })
  .refine((e) => e.level > 2 || e.reasons.length > 0, { message: 'reasons are required when the level is 1 or 2', path: ['reasons'] });
export type EvaluationDoc = z.infer<typeof evaluationDoc>;

// ---------------------------------------------------------------- audit_events (up, append-only)

export const auditEventDoc = z.strictObject({
  ...baseDocumentShape,
  id: uuidV7,
  stationId,
  terminalId: docId.nullable(),
  actor: z.strictObject({ type: z.enum(['staff', 'resident', 'system', 'terminal']), id: shortText(100).nullable() }),
  /** Dotted action name, e.g. `application.submit`. No PII in any member. */
  action: z.string().regex(/^[a-z][a-z0-9_.-]{0,79}$/, 'lowercase dotted name'),
  target: z.strictObject({ type: shortText(40), id: shortText(128) }).nullable(),
  at: isoTimestamp,
  /** Per-terminal hash chain: hash = SHA-256(prevHash + canonical event), hex. */
  prevHash: sha256Hex.nullable(),
  hash: sha256Hex,
  details: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])),
});
export type AuditEventDoc = z.infer<typeof auditEventDoc>;

// ---------------------------------------------------------------- staff (down)

/** Offline PIN verifier: scrypt(pin, salt, keyLength, {N, r, p}); salt and hash base64. */
export const pinVerifier = z.strictObject({
  algorithm: z.literal('scrypt'),
  salt: z.base64().max(100),
  hash: z.base64().max(200),
  N: z.int().min(1024).max(1 << 20),
  r: z.int().min(1).max(32),
  p: z.int().min(1).max(16),
  keyLength: z.int().min(16).max(64),
});
export type PinVerifier = z.infer<typeof pinVerifier>;

export const staffRole = z.enum(['clerk', 'counter', 'field', 'supervisor', 'admin']);

/**
 * 18-character resident ID number (GB 11643-1999): the structure the forms use (area code, birth
 * date 18xx–20xx, sequence) and the check digit, `X` uppercase.
 */
export const STAFF_ID_NUMBER_PATTERN = new RegExp(RESIDENT_ID_PATTERN);
export const residentIdNumber = z
  .string()
  .max(18)
  .regex(STAFF_ID_NUMBER_PATTERN, 'must be an 18-character resident ID number (17 digits and a digit or uppercase X)')
  .refine(idNumberChecksumOk, 'check digit does not match (GB 11643)');

/** Mainland mobile (`13812345678`) or landline with area code (`0791-86123456`, extension `-123`). */
export const STAFF_PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?)$/;
export const mainlandPhone = z
  .string()
  .max(20)
  .regex(STAFF_PHONE_PATTERN, 'must be a mainland mobile number (11 digits, 1[3-9]…) or a landline with area code (0791-86123456)');

export const staffDoc = z.strictObject({
  ...baseDocumentShape,
  name: shortText(100).min(1),
  role: staffRole,
  /** Stations this person works at; the doc syncs to each of them. */
  stations: z.array(stationId).min(1).max(50),
  active: z.boolean(),
  pinVerifier: pinVerifier.nullable(),
  /**
   * The person's resident ID number and phone, stated on the 授权委托书 they sign as 受托人. Main keeps
   * them in its staff cache (secret store); the terminal's renderer never receives them.
   */
  idNumber: residentIdNumber.optional(),
  phone: mainlandPhone.optional(),
});
export type StaffDoc = z.infer<typeof staffDoc>;
/** A staff document as a terminal's renderer holds it: main removes the ID number and phone (main/sync/feature.ts). */
export type RendererStaffDoc = Omit<StaffDoc, 'idNumber' | 'phone'>;

// ---------------------------------------------------------------- station_config (down)

export const stationConfigDoc = z.strictObject({
  ...baseDocumentShape,
  stationId,
  name: shortText(100).min(1),
  /** 12-digit statistical division code of the township/village. */
  divisionCode: z.string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, '6, 9 or 12 digits'),
  level: z.enum(['township', 'village']),
  windows: z.array(z.strictObject({ id: shortText(20).min(1), name: shortText(50), categories: z.array(shortText(20)).max(20) })).max(50),
  queueCategories: z
    .array(z.strictObject({ code: shortText(20).min(1), name: shortText(50), prefix: z.string().regex(/^[A-Z]{1,2}$/) }))
    .max(20),
  kioskContent: z.strictObject({ welcome: shortText(200), notices: z.array(shortText(500)).max(20) }),
  retentionDays: z.int().min(1).max(3650),
  /** IANA time zone of the station (dates people read, "today", queue days); absent = Asia/Shanghai. */
  timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai').optional(),
  /**
   * The queue's policy (sync/protocol/queue.ts): at most `priorityRatio` priority tickets are called in
   * a row at a window while an ordinary one waits [2]; a ticket is recalled at most `maxRecall` times [3].
   */
  queuePolicy: z
    .strictObject({ priorityRatio: z.int().min(1).max(10).optional(), maxRecall: z.int().min(0).max(10).optional() })
    .optional(),
});
export type StationConfigDoc = z.infer<typeof stationConfigDoc>;

// ---------------------------------------------------------------- collections

export const COLLECTIONS = [
  'service_items',
  'form_schemas',
  'applications',
  'queue_tickets',
  'evaluations',
  'audit_events',
  'staff',
  'station_config',
] as const;
export const collectionName = z.enum(COLLECTIONS);
export type CollectionName = z.infer<typeof collectionName>;

export const documentSchemas = {
  service_items: serviceItemDoc,
  form_schemas: formSchemaDoc,
  applications: applicationDoc,
  queue_tickets: queueTicketDoc,
  evaluations: evaluationDoc,
  audit_events: auditEventDoc,
  staff: staffDoc,
  station_config: stationConfigDoc,
} as const;

export interface DocumentTypes {
  service_items: ServiceItemDoc;
  form_schemas: FormSchemaDoc;
  applications: ApplicationDoc;
  queue_tickets: QueueTicketDoc;
  evaluations: EvaluationDoc;
  audit_events: AuditEventDoc;
  staff: StaffDoc;
  station_config: StationConfigDoc;
}
export type AnyDocument = DocumentTypes[CollectionName];

/** How each collection flows and who may write it. */
export const COLLECTION_POLICY: Readonly<
  Record<CollectionName, { direction: 'down' | 'up' | 'both'; scope: 'global' | 'station'; terminalWrites: 'none' | 'rules' | 'free' | 'append_only' }>
> = {
  service_items: { direction: 'down', scope: 'global', terminalWrites: 'none' },
  form_schemas: { direction: 'down', scope: 'global', terminalWrites: 'none' },
  applications: { direction: 'both', scope: 'station', terminalWrites: 'rules' },
  // Issued and changed by the platform's queue (POST /queue/commands); a terminal pushes only tickets it issued from a lease.
  queue_tickets: { direction: 'both', scope: 'station', terminalWrites: 'rules' },
  evaluations: { direction: 'up', scope: 'station', terminalWrites: 'append_only' },
  audit_events: { direction: 'up', scope: 'station', terminalWrites: 'append_only' },
  staff: { direction: 'down', scope: 'station', terminalWrites: 'none' },
  station_config: { direction: 'down', scope: 'station', terminalWrites: 'none' },
};
