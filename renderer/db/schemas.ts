/**
 * JSON schemas of the terminal's RxDB collections (ARCHITECTURE.md "Data model").
 *
 * Eight replicated collections are derived from sync/protocol's zod documents (./derive-schema.ts:
 * same members, so the platform accepts what the terminal pushes) with a small overlay each for what
 * only the store knows; two local-only collections, `sync_quarantine` and `kiosk_drafts`, are written
 * here. 10 collections in all: the open-source tier keeps at most 13 open per process (rxdb 17.6).
 *
 * Local representation differs from the protocol for applications only (see ./modifiers.ts):
 * `applicantIdHash` is `''` instead of `null` so it can be indexed, and two local-only members are
 * derived from the document for the clerk's list (never replicated, stripped before a push):
 * `assistantId` (staff id of the assistant who filed it — it sits inside the encrypted `agent`
 * otherwise) and `newestFirst` (the creation time inverted, so "newest first" is an ascending index
 * walk that stops after one page instead of a sort of the whole range). Staff: the renderer never
 * holds the ID number and phone.
 *
 * Rules of RxDB's index storages (packed/memory, and Dexie, the migration source): indexed strings have `maxLength`, indexed numbers `minimum`,
 * `maximum`, `multipleOf`, and every indexed field is required. Encrypted fields (crypto-js) are
 * stored as ciphertext and can't be queried: lookups go through salted hashes instead.
 *
 * RxDB compares the schema of an existing store with this one on open: any change (in zod or here)
 * needs a `version` bump and a migration strategy in ./migrations.ts, then a refreshed
 * ./schema-snapshot.json (./schemas.test.ts says how).
 */
import type { RxJsonSchema } from 'rxdb';
import { STORED_SCHEMA_TITLES } from './schema-titles';
import type {
  ApplicationDoc,
  AuditEventDoc,
  EvaluationDoc,
  FormSchemaDoc,
  QueueTicketDoc,
  ServiceItemDoc,
  RefusalIssue,
  RefusalParams,
  RefusedField,
  RendererStaffDoc,
  StationConfigDoc,
} from '../../sync/protocol';
import {
  applicationDoc,
  auditEventDoc,
  evaluationDoc,
  formSchemaDoc,
  MAX_REFUSAL_ISSUES,
  MAX_REFUSAL_PARAMS,
  MAX_REFUSED_FIELDS,
  queueTicketDoc,
  serviceItemDoc,
  staffDoc,
  stationConfigDoc,
} from '../../sync/protocol';
import { storeSchemaFromZod } from './derive-schema';

/** Local application: `applicantIdHash` is '' when unknown (indexable), plus the local-only members. */
export type ApplicationLocal = Omit<ApplicationDoc, 'applicantIdHash'> & { applicantIdHash: string } & ApplicationLocalOnly;

/** Members of a local application that the protocol does not have (derived; stripped before a push). */
export interface ApplicationLocalOnly {
  /** Staff id of the assistant who filed it (`agent.staffId`, else the terminal actor in the history), or ''. */
  assistantId: string;
  /** `NEWEST_FIRST_MAX - createdAt (epoch ms)`, 13 digits: ascending order = newest first. */
  newestFirst: string;
}
export const APPLICATION_LOCAL_ONLY = ['assistantId', 'newestFirst'] as const satisfies readonly (keyof ApplicationLocalOnly)[];

const NEWEST_FIRST_MAX = 9_999_999_999_999;
/** The `newestFirst` key of an ISO time (an unparsable time sorts last). */
export function newestFirstKey(iso: string): string {
  const ms = Date.parse(iso);
  return String(NEWEST_FIRST_MAX - (Number.isFinite(ms) ? Math.min(Math.max(ms, 0), NEWEST_FIRST_MAX) : 0)).padStart(13, '0');
}

/** The local-only members of an application, derived from its replicated members. */
export function applicationLocalOnly(doc: { agent?: unknown; statusHistory?: unknown; createdAt?: unknown }): ApplicationLocalOnly {
  const agent = doc.agent as { staffId?: unknown } | null | undefined;
  const history = Array.isArray(doc.statusHistory) ? (doc.statusHistory as { by?: unknown; actor?: unknown }[]) : [];
  const actor = history.find((h) => h?.by === 'terminal' && typeof h.actor === 'string' && h.actor)?.actor;
  const staffId = typeof agent?.staffId === 'string' && agent.staffId ? agent.staffId : typeof actor === 'string' ? actor : '';
  return { assistantId: staffId.slice(0, 128), newestFirst: newestFirstKey(typeof doc.createdAt === 'string' ? doc.createdAt : '') };
}

export interface QuarantineDoc {
  /** `${collection}:${docId}` */
  key: string;
  targetCollection: string;
  docId: string;
  /** The platform's rejection code (or the terminal's own: TOO_LARGE, LOCAL_OVERRIDDEN). */
  code: string;
  /** The platform's reason, as it said it (for people; may end with the field list). */
  message: string;
  /**
   * `FORM_INVALID`: the refused form fields (validated paths and keywords, ≤ 20, each path once),
   * carried structurally from the platform's `issues`; empty for other refusals. Not PII (form keys).
   */
  fields: RefusedField[];
  /**
   * The parameters of the refusal's words (`refusal.<code>` in the catalogue), as the platform sent
   * them (sanitized). Absent from entries of platforms before `params` and from entries stored
   * before v2: those show their `message` as it is.
   */
  params?: RefusalParams;
  /** `FORM_INVALID`: what is wrong, problem by problem (validator code and params, ≤ 20); absent as `params`. */
  issues?: RefusalIssue[];
  /** Epoch ms when quarantined (local clock; display only). */
  at: number;
  /** How many times it was retried. */
  attempts: number;
  /** A copy of the refused document (encrypted at rest): never lost, editable, retryable. */
  doc: Record<string, unknown>;
  /** `open` = needs attention; `retrying` = sent again, waiting for the platform's answer. */
  state: 'open' | 'retrying';
}

/**
 * A kiosk draft (local only, never synced): the form a resident is filling, saved after every step
 * so it survives a restart, found again only by the salted hash of the same ID number, removed on
 * submit (it becomes an application then) or on idle reset unless the resident chose 保存草稿.
 * Half-filled forms never leave the kiosk.
 */
export interface KioskDraftDoc {
  id: string;
  createdAt: string;
  updatedAt: string;
  stationId: string;
  terminalId: string | null;
  serviceItemCode: string;
  formId: string;
  formVersion: number;
  applicantIdHash: string;
  /** PII: encrypted at rest. */
  applicant: ApplicationDoc['applicant'];
  /** PII: encrypted at rest. */
  formData: Record<string, unknown>;
}

const str = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const iso = { type: 'string', maxLength: 40 } as const;
const strOrNull = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const obj = { type: 'object' } as const;
const objOrNull = { type: ['object', 'null'] } as const;
const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum, multipleOf: 1 }) as const;

// The replicated collections: members from the protocol's zod documents (./derive-schema.ts), plus
// what only the store knows. `maxLength` here bounds strings the protocol states as an enum or a
// pattern (indexed strings need one); `maximum` narrows integers the protocol leaves open.

export const serviceItemSchema = storeSchemaFromZod<ServiceItemDoc>('service_items', serviceItemDoc, {
  title: STORED_SCHEMA_TITLES.service_items,
  version: 1,
  required: ['id', 'updatedAt', 'code', 'name', 'department', 'formId', 'formVersion', 'sortOrder', 'initials', 'level'],
  // Catalog list (sorted), by department, by pinyin initials (search box), by level.
  indexes: ['sortOrder', ['department', 'sortOrder'], 'initials', ['level', 'sortOrder'], 'code'],
  maxLength: { type: 2, level: 1, target: 20, proxyAllowed: 20 },
  maximum: { formVersion: 1_000_000 },
});

export const formSchemaSchema = storeSchemaFromZod<FormSchemaDoc>('form_schemas', formSchemaDoc, {
  title: 'form schema',
  version: 0,
  required: ['id', 'updatedAt', 'formId', 'version', 'title', 'jsonSchema', 'uiSchema'],
  indexes: [['formId', 'version']],
  maximum: { version: 1_000_000 },
});

export const applicationSchema = storeSchemaFromZod<ApplicationLocal>('applications', applicationDoc, {
  title: STORED_SCHEMA_TITLES.applications,
  version: 3,
  required: ['id', 'updatedAt', 'stationId', 'serviceItemCode', 'formId', 'formVersion', 'channel', 'applicantIdHash', 'status', 'createdAt', 'statusHistory', 'formData', 'materials', 'assistantId', 'newestFirst'],
  // PII (applicant, the 代办人, the form's fields incl. name, ID number, phone, address, bank account).
  encrypted: ['applicant', 'agent', 'formData'],
  // Work queues by status; the day (summary) by creation time; "my applications" by ID hash; by channel.
  // The clerk's list, newest first, one page per index walk: unfiltered, by status, by item, by assistant.
  indexes: [
    ['status', 'updatedAt'],
    'createdAt',
    ['applicantIdHash', 'createdAt'],
    ['channel', 'createdAt'],
    'newestFirst',
    ['status', 'newestFirst'],
    ['serviceItemCode', 'newestFirst'],
    ['assistantId', 'newestFirst'],
  ],
  maxLength: { channel: 10, status: 24 },
  maximum: { formVersion: 1_000_000 },
  // The salted ID hash is '' when unknown (indexed), not null.
  notNull: ['applicantIdHash'],
  localOnly: {
    /** Staff id of the assistant, or ''. Not PII of the resident. */
    assistantId: str(128),
    /** Inverted creation time, ascending = newest first. */
    newestFirst: str(13),
  },
});

export const queueTicketSchema = storeSchemaFromZod<QueueTicketDoc>('queue_tickets', queueTicketDoc, {
  title: STORED_SCHEMA_TITLES.queue_tickets,
  version: 1,
  required: ['id', 'updatedAt', 'stationId', 'number', 'category', 'priority', 'status', 'issuedAt', 'recallCount'],
  // Waiting line (by status, in issue order), per category, the day's list.
  indexes: [['status', 'issuedAt'], ['category', 'status', 'issuedAt'], 'issuedAt'],
  maxLength: { number: 8, priority: 20, status: 12 },
});

export const evaluationSchema = storeSchemaFromZod<EvaluationDoc>('evaluations', evaluationDoc, {
  title: STORED_SCHEMA_TITLES.evaluations,
  version: 0,
  required: ['id', 'updatedAt', 'stationId', 'level', 'createdAt', 'channel'],
  indexes: ['createdAt', ['level', 'createdAt']],
  maxLength: { channel: 20 },
});

export const auditEventSchema = storeSchemaFromZod<AuditEventDoc>('audit_events', auditEventDoc, {
  title: 'audit event',
  version: 0,
  required: ['id', 'updatedAt', 'stationId', 'actor', 'action', 'at', 'hash', 'details'],
  indexes: ['at', ['action', 'at']],
  maxLength: { action: 80 },
});

export const staffSchema = storeSchemaFromZod<RendererStaffDoc>('staff', staffDoc, {
  title: 'staff',
  version: 0,
  required: ['id', 'updatedAt', 'name', 'role', 'stations', 'active'],
  indexes: [['role', 'name']],
  maxLength: { role: 20 },
  // The ID number and phone stay in main's staff cache (RendererStaffDoc).
  omit: ['idNumber', 'phone'],
});

export const stationConfigSchema = storeSchemaFromZod<StationConfigDoc>('station_config', stationConfigDoc, {
  title: 'station config',
  version: 2,
  required: ['id', 'updatedAt', 'stationId', 'name', 'retentionDays'],
  maxLength: { divisionCode: 12, level: 10 },
});

export const quarantineSchema = {
  title: 'sync quarantine (local only)',
  version: 2,
  primaryKey: 'key',
  type: 'object',
  additionalProperties: false,
  properties: {
    key: str(200),
    targetCollection: str(40),
    docId: str(128),
    code: str(64),
    message: str(2000),
    fields: {
      type: 'array',
      maxItems: MAX_REFUSED_FIELDS,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { path: str(200), keyword: str(40) },
        required: ['path', 'keyword'],
      },
    },
    params: { type: 'object', maxProperties: MAX_REFUSAL_PARAMS },
    issues: {
      type: 'array',
      maxItems: MAX_REFUSAL_ISSUES,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { code: str(40), params: { type: 'object', maxProperties: MAX_REFUSAL_PARAMS } },
        required: ['code', 'params'],
      },
    },
    at: int(0, 9_999_999_999_999),
    attempts: int(0, 1_000_000),
    doc: obj,
    state: str(10),
  },
  required: ['key', 'targetCollection', 'docId', 'code', 'message', 'fields', 'at', 'attempts', 'doc', 'state'],
  encrypted: ['doc'],
  indexes: [['targetCollection', 'at'], 'at'],
} as const satisfies RxJsonSchema<QuarantineDoc>;

export const kioskDraftSchema = {
  title: 'kiosk drafts (local only, never synced)',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: str(64),
    createdAt: iso,
    updatedAt: iso,
    stationId: str(40),
    terminalId: strOrNull(64),
    serviceItemCode: str(64),
    formId: str(128),
    formVersion: int(0, 1_000_000),
    applicantIdHash: str(64),
    applicant: objOrNull,
    formData: obj,
  },
  required: ['id', 'createdAt', 'updatedAt', 'stationId', 'terminalId', 'serviceItemCode', 'formId', 'formVersion', 'applicantIdHash', 'applicant', 'formData'],
  encrypted: ['applicant', 'formData'],
  indexes: ['applicantIdHash', 'updatedAt'],
} as const satisfies RxJsonSchema<KioskDraftDoc>;

export const SYNCED_SCHEMAS = {
  service_items: serviceItemSchema,
  form_schemas: formSchemaSchema,
  applications: applicationSchema,
  queue_tickets: queueTicketSchema,
  evaluations: evaluationSchema,
  audit_events: auditEventSchema,
  staff: staffSchema,
  station_config: stationConfigSchema,
} as const;

export const ALL_SCHEMAS = { ...SYNCED_SCHEMAS, sync_quarantine: quarantineSchema, kiosk_drafts: kioskDraftSchema } as const;
/** Collections that never replicate. */
export const LOCAL_ONLY_COLLECTIONS: readonly string[] = ['sync_quarantine', 'kiosk_drafts'];
export type LocalCollectionName = keyof typeof ALL_SCHEMAS;
