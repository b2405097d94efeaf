// 通办 fields: the RxDB schemas (renderer/db/schemas.ts) and the protocol (sync/protocol/documents.ts)
// agree, a service item and an application with `tongban` are stored and read back, and an older
// database (service_items v0, applications v2) migrates to the current versions.
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase } from 'rxdb';
import { applicationDoc, exampleApplication, serviceItemDoc, type ApplicationTongban, type ServiceItemTongban } from '../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { applicationSchema, serviceItemSchema, APPLICATION_LOCAL_ONLY } from './schemas';
import { applicationSchemaV2, serviceItemSchemaV0 } from './migrations';
import { createStorage } from './storage';
import { fakeCatalog } from './fixtures';
import { toLocal, toProtocol } from './modifiers';
import { memoryDb, TEST_PASSWORD, TEST_SALT } from './test-helpers';
import { createDraft } from './applications';

const open: TerminalDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

const TONGBAN_ITEM: ServiceItemTongban = {
  scope: 'cross_province',
  basis: 'household',
  divisions: [
    { code: '360121', name: '江西省南昌市南昌县' },
    { code: '440305', name: '广东省深圳市南山区' },
  ],
};
const CHOICE: ApplicationTongban = { scope: 'cross_province', divisionCode: '440305', divisionName: '广东省深圳市南山区' };

describe('通办 fields in the RxDB schemas and the protocol', () => {
  it('has exactly the protocol members in the RxDB schemas (service_items, applications)', () => {
    expect(Object.keys(serviceItemSchema.properties).sort()).toEqual(Object.keys(serviceItemDoc.shape).sort());
    const local = Object.keys(applicationSchema.properties).filter((k) => !(APPLICATION_LOCAL_ONLY as readonly string[]).includes(k));
    expect(local.sort()).toEqual(Object.keys(applicationDoc.shape).sort());
    // Both are optional objects on both sides (old documents have none).
    expect(serviceItemSchema.properties.tongban).toEqual({ type: 'object' });
    expect(applicationSchema.properties.tongban).toEqual({ type: 'object' });
    expect(serviceItemSchema.required).not.toContain('tongban');
    expect(applicationSchema.required).not.toContain('tongban');
    expect(serviceItemDoc.shape.tongban.safeParse(undefined).success).toBe(true);
    expect(applicationDoc.shape.tongban.safeParse(undefined).success).toBe(true);
  });

  it('stores an item and an application with tongban (schema-validated) and reads them back unchanged', async () => {
    const db = await memoryDb();
    open.push(db);
    const [item] = fakeCatalog(1, 1).items;
    const doc = { ...item!, crossProvince: true, tongban: TONGBAN_ITEM };
    expect(serviceItemDoc.safeParse(doc).success).toBe(true);
    await db.service_items.insert(doc);
    expect((await db.service_items.findOne(doc.id).exec())?.toMutableJSON().tongban).toEqual(TONGBAN_ITEM);

    const draft = await createDraft(db, { stationId: '360121201', serviceItemCode: doc.code, formId: doc.formId, formVersion: 1, channel: 'kiosk', applicant: null, tongban: CHOICE }, TEST_SALT);
    const stored = (await db.applications.findOne(draft.id).exec())!.toMutableJSON();
    expect(stored.tongban).toEqual(CHOICE);
    expect(applicationDoc.shape.tongban.safeParse(toProtocol('applications', stored as unknown as Record<string, unknown>).tongban).success).toBe(true);
    // A local application has no tongban member at all (the platform's copy has none either).
    const here = await createDraft(db, { stationId: '360121201', serviceItemCode: doc.code, formId: doc.formId, formVersion: 1, channel: 'kiosk', applicant: null }, TEST_SALT);
    expect('tongban' in (await db.applications.findOne(here.id).exec())!.toMutableJSON()).toBe(false);
  });

  it('refuses a malformed tongban in the protocol (what the platform and the pull check)', () => {
    const app = exampleApplication();
    for (const bad of [
      { scope: 'cross_province', divisionCode: '44030', divisionName: '南山区' },
      { scope: 'cross_province', divisionCode: '440305<script>', divisionName: '南山区' },
      { scope: 'nationwide', divisionCode: '440305', divisionName: '南山区' },
      { scope: 'province', divisionCode: '360121', divisionName: '' },
      { scope: 'province', divisionCode: '360121', divisionName: '南昌县', extra: 1 },
      { scope: 'province', divisionCode: '060121', divisionName: '南昌县' },
    ]) {
      expect(applicationDoc.safeParse({ ...app, tongban: bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('migrates service_items v0 and applications v2 to the current versions, keeping every document', async () => {
    const name = `tb${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ service_items: { schema: serviceItemSchemaV0 }, applications: { schema: applicationSchemaV2 } });
    const [item] = fakeCatalog(1, 1).items;
    await old.service_items!.insert(item!);
    const app = toLocal('applications', exampleApplication());
    await old.applications!.insert(app as never);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    expect((await db.service_items.findOne(item!.id).exec())?.name).toBe(item!.name);
    const migrated = await db.applications.findOne(app.id as string).exec();
    expect(migrated?.applicant?.name).toBe('测试人');
    expect(migrated?.toMutableJSON().tongban).toBeUndefined();
  });
});
