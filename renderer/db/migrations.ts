/**
 * Schema migrations, one strategy per version step and collection (RxDB migration-schema plugin).
 * `MIGRATIONS[collection][n]` turns a document of version n-1 into version n. Every earlier schema
 * is kept here so the tests can create an old database and migrate it.
 *
 * Note: replication checkpoints are not migrated with the schema; the platform accepts any old
 * checkpoint (it is just a sequence number), so a migrated collection resumes where it was.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { FORM_FIELD_PATH_PATTERN, MAX_REFUSED_FIELDS, type RefusedField } from '../../sync/protocol';
import { sanitizeRefusedFields } from '../../sync/client/refused-fields';
import { applicationLocalOnly, applicationSchema, APPLICATION_LOCAL_ONLY, quarantineSchema, queueTicketSchema, serviceItemSchema, stationConfigSchema, type LocalCollectionName } from './schemas';

type AnySchema = RxJsonSchema<Record<string, unknown>>;

/** applications v2: no `tongban` (通办 division). */
export const applicationSchemaV2 = (() => {
  const { tongban: _t, ...props } = applicationSchema.properties;
  return { ...applicationSchema, version: 2, properties: props } as unknown as AnySchema;
})();

/** service_items v0: no `tongban`. */
export const serviceItemSchemaV0 = (() => {
  const { tongban: _t, ...props } = serviceItemSchema.properties;
  return { ...serviceItemSchema, version: 0, properties: props } as unknown as AnySchema;
})();

/** applications v1: indexed ID hash; no local-only members yet (list by createdAt, sorted in memory). */
export const applicationSchemaV1 = (() => {
  const props: Record<string, unknown> = { ...(applicationSchemaV2.properties as Record<string, unknown>) };
  for (const f of APPLICATION_LOCAL_ONLY) delete props[f];
  return {
    ...applicationSchema,
    version: 1,
    properties: props,
    required: applicationSchema.required.filter((f) => !(APPLICATION_LOCAL_ONLY as readonly string[]).includes(f)),
    indexes: [['status', 'updatedAt'], 'createdAt', ['applicantIdHash', 'createdAt'], ['serviceItemCode', 'createdAt'], ['channel', 'createdAt']],
  } as unknown as AnySchema;
})();

/** applications v0 (first release): `applicantIdHash` was nullable and therefore not indexed. */
export const applicationSchemaV0 = (() => {
  const props: Record<string, unknown> = { ...applicationSchemaV1.properties, applicantIdHash: { type: ['string', 'null'], maxLength: 64 } };
  return {
    ...applicationSchemaV1,
    version: 0,
    properties: props,
    required: (applicationSchemaV1.required as string[]).filter((f) => f !== 'applicantIdHash'),
    indexes: [['status', 'updatedAt'], 'createdAt'],
  } as unknown as AnySchema;
})();

/** station_config v1: no `queuePolicy`. */
export const stationConfigSchemaV1 = (() => {
  const { queuePolicy: _qp, ...props } = stationConfigSchema.properties;
  return { ...stationConfigSchema, version: 1, properties: props } as unknown as AnySchema;
})();

/** station_config v0: no `timeZone` (nor `queuePolicy`). */
export const stationConfigSchemaV0 = (() => {
  const { timeZone: _tz, queuePolicy: _qp, ...props } = stationConfigSchema.properties;
  return { ...stationConfigSchema, version: 0, properties: props } as unknown as AnySchema;
})();

/** queue_tickets v0: no `transferredFrom`, `reservedWindow`, `leased` (the platform's queue adds them). */
export const queueTicketSchemaV0 = (() => {
  const { transferredFrom: _t, reservedWindow: _r, leased: _l, ...props } = queueTicketSchema.properties;
  return { ...queueTicketSchema, version: 0, properties: props } as unknown as AnySchema;
})();

/** sync_quarantine v1: no `params` nor `issues`; the refusal's words were stored in `message` (Chinese from the platform). */
export const quarantineSchemaV1 = (() => {
  const { params: _p, issues: _i, ...props } = quarantineSchema.properties;
  return { ...quarantineSchema, version: 1, properties: props } as unknown as AnySchema;
})();

/** sync_quarantine v0: no `fields`; a FORM_INVALID refusal's fields were only in the reason text. */
export const quarantineSchemaV0 = (() => {
  const { fields: _f, ...props } = quarantineSchemaV1.properties as Record<string, unknown>;
  return {
    ...quarantineSchemaV1,
    version: 0,
    properties: props,
    required: (quarantineSchemaV1.required as string[]).filter((f) => f !== 'fields'),
  } as unknown as AnySchema;
})();

const FIELDS_SUFFIX = /（字段：([^（）]{1,4000})）$/;
const LOG_MARK = 'do not match the form: ';

/**
 * The fields of a v0 `FORM_INVALID` entry, read once from its reason text (the only place where
 * they were): the transport's `（字段：a、b）` suffix after the platform's Chinese words, or else the
 * English log format `… do not match the form: path (keyword), …`. Only well-formed form paths are
 * kept (at most 20, each once); anything else in the text is ignored. Used by the migration only —
 * since v1 the fields travel and are stored structurally.
 */
export function legacyRefusedFields(message: unknown): RefusedField[] {
  if (typeof message !== 'string') return [];
  const found: { path: string; keyword: string }[] = [];
  const zh = FIELDS_SUFFIX.exec(message);
  if (zh) for (const p of zh[1]!.split('、')) found.push({ path: p.trim(), keyword: '' });
  const at = message.indexOf(LOG_MARK);
  if (!zh && at >= 0) {
    for (const part of message.slice(at + LOG_MARK.length, at + 4000).split(', ')) {
      const m = /^(\S{1,200}) \(([a-zA-Z:-]{1,40})\)$/.exec(part.trim());
      if (m && FORM_FIELD_PATH_PATTERN.test(m[1]!)) found.push({ path: m[1]!, keyword: m[2]! });
    }
  }
  return sanitizeRefusedFields(found.slice(0, 10 * MAX_REFUSED_FIELDS)).fields;
}

export const MIGRATIONS: Partial<Record<LocalCollectionName, MigrationStrategies>> = {
  applications: {
    // v0 → v1: index "my applications by ID number" — null hash becomes '' (indexed fields are required).
    1: (doc: Record<string, unknown>) => ({ ...doc, applicantIdHash: typeof doc.applicantIdHash === 'string' ? doc.applicantIdHash : '' }),
    // v1 → v2: the clerk's list — local-only `assistantId` and `newestFirst`, derived from the
    // document (the strategy sees it decrypted; the derived members are not PII and stay plain).
    2: (doc: Record<string, unknown>) => ({ ...doc, ...applicationLocalOnly(doc) }),
    // v2 → v3: optional `tongban` (the division chosen for 通办); earlier applications are handled where filed.
    3: (doc: Record<string, unknown>) => doc,
  },
  service_items: {
    // v0 → v1: optional `tongban` (scope, basis, accepting divisions); the next pull brings it.
    1: (doc: Record<string, unknown>) => doc,
  },
  station_config: {
    // v0 → v1: optional `timeZone` (IANA) of the station; absent means Asia/Shanghai.
    1: (doc: Record<string, unknown>) => doc,
    // v1 → v2: optional `queuePolicy` ({priorityRatio?, maxRecall?}); absent means the defaults.
    2: (doc: Record<string, unknown>) => doc,
  },
  queue_tickets: {
    // v0 → v1: optional `transferredFrom`, `reservedWindow`, `leased`; old tickets have none.
    1: (doc: Record<string, unknown>) => doc,
  },
  sync_quarantine: {
    // v0 → v1: the refused fields as data — derived once from the reason text of FORM_INVALID
    // entries; every other entry gets none. The reason text and the refused copy stay as they were.
    1: (doc: Record<string, unknown>) => ({ ...doc, fields: doc.code === 'FORM_INVALID' ? legacyRefusedFields(doc.message) : [] }),
    // v1 → v2: optional `params` and `issues`, the parameters of the refusal's words (the catalogue
    // words them). Earlier entries have none and keep showing their `message` (the platform's
    // Chinese, with the field list the transport appended then) as they did.
    2: (doc: Record<string, unknown>) => doc,
  },
};

/** Earlier schemas per collection and version, for migration tests. */
export const EARLIER_SCHEMAS: Partial<Record<LocalCollectionName, AnySchema[]>> = {
  applications: [applicationSchemaV0, applicationSchemaV1, applicationSchemaV2],
  service_items: [serviceItemSchemaV0],
  sync_quarantine: [quarantineSchemaV0, quarantineSchemaV1],
  station_config: [stationConfigSchemaV0, stationConfigSchemaV1],
  queue_tickets: [queueTicketSchemaV0],
};
