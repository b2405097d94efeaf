import { describe, expect, it } from 'vitest';
import { createRxDatabase, createRxSchema, type RxJsonSchema } from 'rxdb';
import { defaultHashSha256 } from 'rxdb/plugins/utils';
import { z } from 'zod';
import { applicationDoc, exampleApplication, exampleQueueTicket, serviceItemDoc, staffDoc } from '../../sync/protocol';
import { ALL_SCHEMAS } from './schemas';
import { EARLIER_SCHEMAS } from './migrations';
import { storeSchemaFromZod, type StoreOverlay } from './derive-schema';
import frozenSchemas from './schema-snapshot.json';
import { openTerminalDatabase } from './database';
import { toLocal } from './modifiers';
import { createStorage } from './storage';
import { TEST_PASSWORD } from './test-helpers';

/**
 * The store's schemas as terminals have them on disk. RxDB refuses to open a collection whose
 * schema differs from the stored one at the same version (DB6), so a derived schema must equal this
 * snapshot. To change a schema on purpose: bump its `version`, add the migration strategy in
 * ./migrations.ts and the old schema to EARLIER_SCHEMAS, then record it with
 * `npx tsx scripts/schema-snapshot.ts` (it refuses a changed schema whose version did not move).
 */
type AnySchema = RxJsonSchema<Record<string, unknown>>;
interface Snapshot {
  current: Record<string, AnySchema>;
  earlier: Record<string, AnySchema[]>;
}
const snapshot = frozenSchemas as unknown as Snapshot;
const now: Snapshot = JSON.parse(JSON.stringify({ current: ALL_SCHEMAS, earlier: EARLIER_SCHEMAS })) as Snapshot;

/** The schema hash RxDB stores and compares on open (after its defaults and key sorting). */
const rxHash = (schema: AnySchema) => createRxSchema(schema, defaultHashSha256, false).hash;

describe('store schemas derived from the protocol', () => {
  it.each(Object.keys(snapshot.current))('%s is the schema terminals have on disk (same JSON, same RxDB hash)', async (name) => {
    const derived = now.current[name];
    const frozen = snapshot.current[name]!;
    expect(derived, `${name} is missing`).toBeDefined();
    expect(derived!.version, `${name}: a new version needs npx tsx scripts/schema-snapshot.ts (see the comment above)`).toBe(frozen.version);
    expect(derived, `${name} changed at version ${frozen.version}: bump the version and add a migration`).toStrictEqual(frozen);
    expect(await rxHash(ALL_SCHEMAS[name as keyof typeof ALL_SCHEMAS] as unknown as AnySchema)).toBe(await rxHash(frozen));
  });

  it('a store created with the snapshot schemas opens with the derived ones, documents (and encrypted PII) intact', async () => {
    const name = `frozen${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    const defs = Object.fromEntries(Object.entries(snapshot.current).map(([c, schema]) => [c, { schema }]));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous collections from JSON
    await old.addCollections(defs as any);
    const app = toLocal('applications', exampleApplication());
    const ticket = exampleQueueTicket();
    await old.applications!.insert(app);
    await old.queue_tickets!.insert(ticket);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    try {
      expect((await db.applications.findOne(app.id as string).exec())?.applicant?.name).toBe('测试人');
      expect((await db.queue_tickets.findOne(ticket.id).exec())?.number).toBe(ticket.number);
    } finally {
      await db.close();
    }
  });

  it('keeps the earlier versions the migration tests open', () => {
    expect(Object.keys(now.current).sort()).toEqual(Object.keys(snapshot.current).sort());
    expect(now.earlier).toStrictEqual(snapshot.earlier);
  });

  it('follows zod: a new protocol member appears in the store schema, an enum value longer than its bound is refused', () => {
    const overlay: StoreOverlay = { title: 't', version: 0, required: ['id'], maxLength: { type: 2, level: 1, target: 20, proxyAllowed: 20 }, maximum: { formVersion: 1_000_000 } };
    const wider = serviceItemDoc.extend({ extra: z.string().max(7).nullable() });
    expect(storeSchemaFromZod('service_items', wider, overlay).properties.extra).toEqual({ type: ['string', 'null'], maxLength: 7 });
    const longer = serviceItemDoc.extend({ type: z.enum(['01', '100']) });
    expect(() => storeSchemaFromZod('service_items', longer, overlay)).toThrow(/service_items: member type: enum value "100" is longer than maxLength 2/);
  });

  it('refuses an overlay that contradicts the protocol, naming the collection and member', () => {
    const base: StoreOverlay = { title: 't', version: 0, required: ['id'], maxLength: { type: 2, level: 1, target: 20, proxyAllowed: 20 }, maximum: { formVersion: 1_000_000 } };
    const cases: [StoreOverlay, RegExp][] = [
      [{ ...base, maxLength: { ...base.maxLength, type: undefined as unknown as number } }, /member type: a string needs a bound/],
      [{ ...base, maxLength: { ...base.maxLength, name: 50 } }, /member name: maxLength 50 given, but the protocol already bounds it \(200\)/],
      [{ ...base, maximum: { formVersion: Number.MAX_SAFE_INTEGER + 2 } }, /member formVersion: maximum .* is wider than the protocol's/],
      [{ ...base, maximum: { ...base.maximum, sortOrder: 1_000_000 } }, /member sortOrder: maximum 1000000 repeats the protocol's/],
      [{ ...base, maximum: { ...base.maximum, name: 3 } }, /member name: maximum given for a member that is not an integer/],
      [{ ...base, required: ['id', 'guide'] }, /member guide: required by the store but optional in the protocol/],
      [{ ...base, required: ['id', 'nothing'] }, /member nothing: required but not a member/],
      [{ ...base, omit: ['nothing'] }, /member nothing: omitted but not in the protocol/],
      [{ ...base, notNull: ['name'] }, /member name: listed as notNull but not nullable/],
      [{ ...base, localOnly: { name: { type: 'string', maxLength: 1 } } }, /member name: local-only but also in the protocol/],
    ];
    for (const [overlay, error] of cases) {
      const clean = { ...overlay, maxLength: Object.fromEntries(Object.entries(overlay.maxLength ?? {}).filter(([, v]) => v !== undefined)) };
      expect(() => storeSchemaFromZod('service_items', serviceItemDoc, clean), String(error)).toThrow(error);
    }
    expect(() => storeSchemaFromZod('x', z.strictObject({ id: z.string().max(3), n: z.number() }), { title: 't', version: 0, required: ['id'] })).toThrow(/store schema of x: member n: type "number" is not supported/);
    expect(() => storeSchemaFromZod('x', z.strictObject({ id: z.union([z.string().max(3), z.int().min(0).max(1)]) }), { title: 't', version: 0, required: ['id'] })).toThrow(/member id: anyOf other than "T or null"/);
  });

  it('derives the local representation: staff without ID number and phone, applications with a non-null hash and local-only members', () => {
    expect(Object.keys(ALL_SCHEMAS.staff.properties)).not.toContain('idNumber');
    expect(Object.keys(staffDoc.shape)).toContain('idNumber');
    expect(ALL_SCHEMAS.applications.properties.applicantIdHash).toEqual({ type: 'string', maxLength: 64 });
    expect(Object.keys(ALL_SCHEMAS.applications.properties).sort()).toEqual([...Object.keys(applicationDoc.shape), 'assistantId', 'newestFirst'].sort());
  });
});
