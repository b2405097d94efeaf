import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { exampleApplication, exampleAuditEvent, exampleEvaluation, exampleQueueTicket, COLLECTIONS } from '../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { ALL_SCHEMAS, SYNCED_SCHEMAS } from './schemas';
import { EARLIER_SCHEMAS, MIGRATIONS, applicationSchemaV0, applicationSchemaV1 } from './migrations';
import { createStorage } from './storage';
import { toLocal, toProtocol } from './modifiers';
import { applicationDoc, uuidv7 } from '../../sync/protocol';
import { newestFirstKey } from './schemas';
import { memoryDb, TEST_PASSWORD, TEST_SALT } from './test-helpers';
import { applicationsByIdNumber, createDraft, hashIdNumber, submitApplication, updateForm } from './applications';
import { fakeCatalog, fakeStation } from './fixtures';

const open: TerminalDatabase[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
const fresh = async () => {
  const db = await memoryDb();
  open.push(db);
  return db;
};

describe('collections and schemas', () => {
  it('has one collection per protocol collection plus quarantine, within the free tier', () => {
    expect(Object.keys(SYNCED_SCHEMAS).sort()).toEqual([...COLLECTIONS].sort());
    expect(Object.keys(ALL_SCHEMAS).length).toBeLessThanOrEqual(12);
  });

  it('follows the Dexie index rules: indexed fields are required, strings bounded, numbers ranged', () => {
    for (const [name, schema] of Object.entries(ALL_SCHEMAS)) {
      const s = schema as unknown as RxJsonSchema<Record<string, unknown>>;
      for (const idx of s.indexes ?? []) {
        for (const field of Array.isArray(idx) ? idx : [idx]) {
          const def = (s.properties as Record<string, { type: unknown; maxLength?: number; minimum?: number; maximum?: number; multipleOf?: number }>)[field]!;
          expect(s.required, `${name}.${field} required`).toContain(field);
          if (def.type === 'string') expect(def.maxLength, `${name}.${field} maxLength`).toBeGreaterThan(0);
          else {
            expect(def.type, `${name}.${field} type`).toMatch(/integer|number/);
            expect([def.minimum, def.maximum, def.multipleOf].every((v) => typeof v === 'number'), `${name}.${field} range`).toBe(true);
          }
        }
      }
    }
  });

  it('stores every kind of protocol document (schema-validated) and a catalog', async () => {
    const db = await fresh();
    const { items, forms } = fakeCatalog(50, 5);
    await db.service_items.bulkInsert(items);
    await db.form_schemas.bulkInsert(forms);
    await db.station_config.insert(fakeStation());
    await db.applications.insert(toLocal('applications', exampleApplication()) as never);
    await db.queue_tickets.insert(exampleQueueTicket());
    await db.evaluations.insert(exampleEvaluation());
    await db.audit_events.insert(exampleAuditEvent());
    expect(await db.service_items.count().exec()).toBe(items.length);
    const byDept = await db.service_items.find({ selector: { department: items[0]!.department }, sort: [{ sortOrder: 'asc' }] }).exec();
    expect(byDept.length).toBeGreaterThan(0);
  });

  it('refuses a document that breaks the schema (validation in tests)', async () => {
    const db = await fresh();
    await expect(db.queue_tickets.insert({ ...exampleQueueTicket(), recallCount: -1 })).rejects.toThrow();
    await expect(db.applications.insert({ ...toLocal('applications', exampleApplication()), unknownField: 1 } as never)).rejects.toThrow();
  });

  it('encrypts PII fields at rest and finds applications by the salted ID hash', async () => {
    const db = await fresh();
    const draft = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter', applicant: { name: '张三', idNumber: '36012119500101123X', phone: '13800000000', address: '南新乡' }, formData: { applicantName: '张三', idNumber: '36012119500101123X' } }, TEST_SALT);
    const found = await applicationsByIdNumber(db, TEST_SALT, '36012119500101123x');
    expect(found.map((a) => a.id)).toEqual([draft.id]);
    expect(draft.applicantIdHash).toBe(await hashIdNumber(TEST_SALT, '36012119500101123X'));
    await updateForm(db, draft.id, { formData: { applicantName: '李四' } }, TEST_SALT);
    await submitApplication(db, draft.id);
    const after = await db.applications.findOne(draft.id).exec();
    expect(after?.status).toBe('submitted');
    expect(after?.statusHistory.map((h) => h.status)).toEqual(['draft', 'submitted']);
    await expect(updateForm(db, draft.id, { formData: {} }, TEST_SALT)).rejects.toThrow(/submitted/);
  });

  it('a draft can take an id chosen before it exists (the 委托书 prints it first); a second draft with it is refused', async () => {
    const db = await fresh();
    const id = uuidv7();
    const input = { id, stationId: '360121201', serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter' as const, applicant: null };
    expect((await createDraft(db, input, TEST_SALT)).id).toBe(id);
    await expect(createDraft(db, input, TEST_SALT)).rejects.toThrow();
    await expect(createDraft(db, { ...input, id: 'not-a-uuid' }, TEST_SALT)).rejects.toThrow();
  });

  it('refuses to open with a wrong password (encrypted data stays unreadable)', async () => {
    const name = `pw${Date.now()}`;
    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false });
    await db.applications.insert(toLocal('applications', exampleApplication()) as never);
    await db.close();
    await expect(openTerminalDatabase({ name, password: 'another-password-123456', storage: { kind: 'memory' }, multiInstance: false })).rejects.toThrow();
  });
});

describe('encryption at rest in IndexedDB (Dexie on fake-indexeddb)', () => {
  it('stores applicant, agent and form data as ciphertext in the raw object store', async () => {
    const { indexedDB, IDBKeyRange } = await import('fake-indexeddb');
    const db = await openTerminalDatabase({ name: `enc${Date.now()}`, password: TEST_PASSWORD, storage: { kind: 'dexie', indexedDB, IDBKeyRange }, multiInstance: false });
    open.push(db);
    const draft = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter', applicant: { name: '王五', idNumber: '360121195001019876', phone: '13912345678', address: '莲塘镇' }, agent: { kind: 'relative', name: '赵六', idNumber: '360121198001011111' }, formData: { applicantName: '王五', bankAccount: '6222020200112233445' } }, TEST_SALT);
    const dump: string[] = [];
    for (const info of await indexedDB.databases()) {
      const raw = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of Array.from(raw.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const r = raw.transaction(store, 'readonly').objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        dump.push(JSON.stringify(all));
      }
      raw.close();
    }
    const text = dump.join('\n');
    expect(text).toContain(draft.id); // the document is there...
    for (const secret of ['王五', '360121195001019876', '13912345678', '莲塘镇', '赵六', '360121198001011111', '6222020200112233445']) {
      expect(text, secret).not.toContain(secret); // ...its PII is not
    }
    // and it reads back decrypted
    expect((await db.applications.findOne(draft.id).exec())?.applicant?.name).toBe('王五');
  });
});

describe('migrations', () => {
  it('has a strategy for every version step of every collection', () => {
    for (const [name, schema] of Object.entries(ALL_SCHEMAS)) {
      for (let v = 1; v <= schema.version; v++) expect(MIGRATIONS[name as keyof typeof MIGRATIONS]?.[v], `${name} v${v}`).toBeTypeOf('function');
      expect((EARLIER_SCHEMAS[name as keyof typeof EARLIER_SCHEMAS] ?? []).length, `${name} earlier schemas`).toBe(schema.version);
    }
  });

  it('migrates applications from v0 (nullable ID hash) to the current version', async () => {
    const name = `mig${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ applications: { schema: applicationSchemaV0 } });
    const a = exampleApplication();
    const b = exampleApplication({ applicantIdHash: 'b'.repeat(64) });
    await old.applications!.bulkInsert([a, b] as never[]);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const docs = await db.applications.find({ sort: [{ createdAt: 'asc' }] }).exec();
    expect(docs.map((d) => d.applicantIdHash).sort()).toEqual(['', 'b'.repeat(64)]);
    // PII survived the migration (decrypted with the same password).
    expect(docs.find((d) => d.id === a.id)?.applicant?.name).toBe('测试人');
    const byHash = await db.applications.find({ selector: { applicantIdHash: 'b'.repeat(64) } }).exec();
    expect(byHash.map((d) => d.id)).toEqual([b.id]);
  });

  it('migrates applications from v1 to v2: local-only assistant id and newest-first key, PII intact', async () => {
    const name = `mig1${Date.now()}`;
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'memory' }), password: TEST_PASSWORD, multiInstance: false });
    await old.addCollections({ applications: { schema: applicationSchemaV1, migrationStrategies: { 1: MIGRATIONS.applications![1]! } } });
    const staff = toLocal('applications', exampleApplication({ agent: { kind: 'village_assistant', staffId: 'S007', name: '代办员' }, createdAt: '2026-11-02T03:04:05.006Z' }));
    const actorOnly = toLocal('applications', exampleApplication({ agent: null, statusHistory: [{ status: 'draft', at: '2026-11-03T00:00:00.000Z', by: 'terminal', actor: 'S009' }], createdAt: '2026-11-03T00:00:00.000Z' }));
    const none = toLocal('applications', exampleApplication({ agent: { kind: 'relative', name: '亲属' } }));
    const strip = (d: Record<string, unknown>) => ({ ...d, assistantId: undefined, newestFirst: undefined });
    await old.applications!.bulkInsert([staff, actorOnly, none].map((d) => JSON.parse(JSON.stringify(strip(d)))) as never[]);
    await old.close();

    const db = await openTerminalDatabase({ name, password: TEST_PASSWORD, storage: { kind: 'memory', validate: true }, multiInstance: false });
    open.push(db);
    const got = new Map((await db.applications.find().exec()).map((d) => [d.id, d.toMutableJSON()]));
    expect(got.get(staff.id as string)).toMatchObject({ assistantId: 'S007', newestFirst: newestFirstKey('2026-11-02T03:04:05.006Z') });
    expect(got.get(actorOnly.id as string)?.assistantId).toBe('S009');
    expect(got.get(none.id as string)?.assistantId).toBe('');
    expect(got.get(staff.id as string)?.agent?.name).toBe('代办员'); // decrypted with the same password
    // the new indexes answer
    const mine = await db.applications.find({ selector: { assistantId: 'S007' }, sort: [{ newestFirst: 'asc' }] }).exec();
    expect(mine.map((d) => d.id)).toEqual([staff.id]);
  });
});

describe('local-only members of applications', () => {
  it('are derived on every local write and never reach the protocol form', async () => {
    const db = await fresh();
    const d = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter', applicant: null, agent: { kind: 'village_assistant', staffId: 'S001' } }, TEST_SALT, new Date('2026-11-05T01:00:00.000Z'));
    expect(d).toMatchObject({ assistantId: 'S001', newestFirst: newestFirstKey('2026-11-05T01:00:00.000Z') });
    await updateForm(db, d.id, { agent: { kind: 'village_assistant', staffId: 'S002' } }, TEST_SALT);
    expect((await db.applications.findOne(d.id).exec())?.assistantId).toBe('S002');
    // an insert that forgot them (or lied) gets them right
    const raw = toLocal('applications', exampleApplication({ agent: { kind: 'village_assistant', staffId: 'S003' } }));
    await db.applications.insert({ ...raw, assistantId: 'WRONG', newestFirst: '0' } as never);
    expect((await db.applications.findOne(raw.id as string).exec())?.assistantId).toBe('S003');

    const local = (await db.applications.findOne(d.id).exec())!.toMutableJSON() as unknown as Record<string, unknown>;
    const wire = toProtocol('applications', local);
    expect(wire).not.toHaveProperty('assistantId');
    expect(wire).not.toHaveProperty('newestFirst');
    expect(wire.applicantIdHash).toBeNull();
    // the platform's strict schema accepts it (toMutableJSON leaves out `_deleted`)
    expect(applicationDoc.safeParse({ ...wire, _deleted: false }).error?.issues ?? []).toEqual([]);
    // newest first: a later creation time sorts first
    expect(newestFirstKey('2026-11-05T01:00:00.001Z') < newestFirstKey('2026-11-05T01:00:00.000Z')).toBe(true);
  });
});
