/**
 * Schema migrations, one strategy per version step and collection (RxDB migration-schema plugin).
 * `MIGRATIONS[collection][n]` turns a document of version n-1 into version n. Every earlier schema
 * is kept here so the tests can create an old database and migrate it.
 *
 * Note: replication checkpoints are not migrated with the schema; the platform accepts any old
 * checkpoint (it is just a sequence number), so a migrated collection resumes where it was.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { applicationSchema, type LocalCollectionName } from './schemas';

/** applications v0 (first release): `applicantIdHash` was nullable and therefore not indexed. */
export const applicationSchemaV0 = (() => {
  const props: Record<string, unknown> = { ...applicationSchema.properties, applicantIdHash: { type: ['string', 'null'], maxLength: 64 } };
  return {
    ...applicationSchema,
    version: 0,
    properties: props,
    required: applicationSchema.required.filter((f) => f !== 'applicantIdHash'),
    indexes: [['status', 'updatedAt'], 'createdAt'],
  } as unknown as RxJsonSchema<Record<string, unknown>>;
})();

export const MIGRATIONS: Partial<Record<LocalCollectionName, MigrationStrategies>> = {
  applications: {
    // v0 → v1: index "my applications by ID number" — null hash becomes '' (indexed fields are required).
    1: (doc: Record<string, unknown>) => ({ ...doc, applicantIdHash: typeof doc.applicantIdHash === 'string' ? doc.applicantIdHash : '' }),
  },
};

/** Earlier schemas per collection and version, for migration tests. */
export const EARLIER_SCHEMAS: Partial<Record<LocalCollectionName, RxJsonSchema<Record<string, unknown>>[]>> = {
  applications: [applicationSchemaV0],
};
