/**
 * Titles of stored RxDB schemas that carry Chinese. They are not UI words: RxDB hashes the whole
 * schema, title included, and compares that hash with the one kept in an existing store when it
 * opens (a mismatch refuses to open, error DB6, unless the version is bumped with a migration). So
 * these strings stay byte for byte as the stores on terminals were created with; ./schemas.test.ts
 * checks them against ./schema-snapshot.json. Exempt from `terminal/no-han-literal` for that reason
 * (scripts/eslint-rules/han-literal-scope.mjs). Change one only with a version bump in ./schemas.ts
 * and a migration strategy in ./migrations.ts.
 */
export const STORED_SCHEMA_TITLES = {
  service_items: 'service item (事项)',
  applications: 'application (申请)',
  queue_tickets: 'queue ticket (排队号)',
  evaluations: 'evaluation (好差评)',
} as const;
