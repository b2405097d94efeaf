/**
 * Schema migrations, one strategy per version step and collection (RxDB migration-schema plugin).
 * `MIGRATIONS[collection][n]` turns a document of version n-1 into version n. Every earlier schema
 * is kept here so the tests can create an old database and migrate it.
 *
 * Note: replication checkpoints are not migrated with the schema; the platform accepts any old
 * checkpoint (it is just a sequence number), so a migrated collection resumes where it was.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { applicationLocalOnly, applicationSchema, APPLICATION_LOCAL_ONLY, type LocalCollectionName } from './schemas';

type AnySchema = RxJsonSchema<Record<string, unknown>>;

/** applications v1: indexed ID hash; no local-only members yet (list by createdAt, sorted in memory). */
export const applicationSchemaV1 = (() => {
  const props: Record<string, unknown> = { ...applicationSchema.properties };
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

export const MIGRATIONS: Partial<Record<LocalCollectionName, MigrationStrategies>> = {
  applications: {
    // v0 → v1: index "my applications by ID number" — null hash becomes '' (indexed fields are required).
    1: (doc: Record<string, unknown>) => ({ ...doc, applicantIdHash: typeof doc.applicantIdHash === 'string' ? doc.applicantIdHash : '' }),
    // v1 → v2: the clerk's list — local-only `assistantId` and `newestFirst`, derived from the
    // document (the strategy sees it decrypted; the derived members are not PII and stay plain).
    2: (doc: Record<string, unknown>) => ({ ...doc, ...applicationLocalOnly(doc) }),
  },
};

/** Earlier schemas per collection and version, for migration tests. */
export const EARLIER_SCHEMAS: Partial<Record<LocalCollectionName, AnySchema[]>> = {
  applications: [applicationSchemaV0, applicationSchemaV1],
};
