// The field encryption wrapper: stores written by rxdb's crypto-js wrapper read back through it and
// the other way round (same format); its caches save crypto-js calls without changing what is read
// or stored; bad passwords, bad stored members and nested paths are refused with clear errors.
import { afterEach, describe, expect, it } from 'vitest';
import { createRxDatabase, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { exampleApplication } from '../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { FieldCipher } from './field-encryption';
import { toLocal } from './modifiers';
import { ALL_SCHEMAS } from './schemas';
import { TEST_PASSWORD } from './test-helpers';

const open: (TerminalDatabase | RxDatabase)[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
let n = 0;
const name = () => `fe${Date.now().toString(36)}${n++}`;

/** The applications collection as the app had it before, on rxdb's own crypto-js wrapper. */
async function openWithRxdbWrapper(dbName: string): Promise<RxDatabase> {
  const db = await createRxDatabase({ name: dbName, storage: wrappedKeyEncryptionCryptoJsStorage({ storage: getRxStorageMemory() }), password: TEST_PASSWORD, multiInstance: false });
  await db.addCollections({ applications: { schema: ALL_SCHEMAS.applications as unknown as RxJsonSchema<Record<string, unknown>> } });
  open.push(db);
  return db;
}

async function openTerminal(dbName: string): Promise<TerminalDatabase> {
  const db = await openTerminalDatabase({ name: dbName, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false, collections: ['applications'] });
  open.push(db);
  return db;
}

const strip = (d: Record<string, unknown>) => {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = d;
  return rest;
};

describe('field encryption (crypto-js format)', () => {
  it('reads every document a store written by rxdb’s crypto-js wrapper holds, and that wrapper reads what it writes', async () => {
    const dbName = name();
    const old = await openWithRxdbWrapper(dbName);
    const docs = Array.from({ length: 30 }, (_, i) =>
      toLocal('applications', exampleApplication({ status: 'submitted', applicant: { name: `居民${i}`, idType: 'resident_id', idNumber: '360121195001011234', phone: '13800000000' }, agent: i % 2 ? { kind: 'relative', name: `亲属${i}` } : null })),
    );
    await old.applications!.bulkInsert(docs);
    await old.close();
    open.pop();

    const db = await openTerminal(dbName);
    const read = await db.applications.find().exec();
    expect(read).toHaveLength(30);
    const byId = new Map(read.map((d) => [d.id, strip(d.toJSON(true) as Record<string, unknown>)]));
    for (const d of docs) expect(byId.get(String(d.id))).toEqual(strip(d));
    // a write through the new wrapper ...
    await db.applications.findOne(String(docs[0]!.id)).patch({ formData: { changed: '是' } } as never);
    await db.close();
    open.pop();
    // ... reads back through rxdb's
    const again = await openWithRxdbWrapper(dbName);
    const doc = await again.applications!.findOne(String(docs[0]!.id)).exec();
    expect((doc!.toJSON() as { formData: unknown }).formData).toEqual({ changed: '是' });
    expect((doc!.toJSON() as { applicant: { name: string } }).applicant.name).toBe('居民0');
  });

  it('caches: the same ciphertext is decrypted once, an unchanged member keeps its ciphertext, a changed one gets a new one', () => {
    const c = new FieldCipher(TEST_PASSWORD, ['applicant', 'formData'], 'id');
    const doc = { id: 'a1', status: 'draft', applicant: { name: '王五' }, formData: { x: 1 }, _meta: { lwt: 1 } };
    const stored = c.toStorage(doc);
    expect(typeof stored.applicant).toBe('string');
    expect(JSON.stringify(stored)).not.toContain('王五');
    expect(stored._meta).toEqual({ lwt: 1 });
    expect(stored._meta).not.toBe(doc._meta); // copied, not shared
    expect(c.stats.encrypted).toBe(2);

    const back = c.fromStorage(stored);
    expect(back).toEqual(doc);
    expect(c.stats).toMatchObject({ decrypted: 0, decryptCached: 2 });
    // reads are fresh objects: changing one never changes the next
    (back.applicant as { name: string }).name = '改了';
    expect((c.fromStorage(stored).applicant as { name: string }).name).toBe('王五');

    const rewritten = c.toStorage({ ...doc, formData: { x: 2 } });
    expect(rewritten.applicant).toBe(stored.applicant);
    expect(rewritten.formData).not.toBe(stored.formData);
    expect(c.stats).toMatchObject({ encrypted: 3, encryptReused: 1 });

    // a fresh cipher (another window, after a restart) decrypts what this one wrote
    const other = new FieldCipher(TEST_PASSWORD, ['applicant', 'formData'], 'id');
    expect(other.fromStorage(rewritten)).toEqual({ ...doc, formData: { x: 2 } });
    expect(other.stats).toMatchObject({ decrypted: 2, decryptCached: 0 });
  });

  it('keeps its caches bounded (oldest dropped) and stays right when they miss', () => {
    const one = new FieldCipher(TEST_PASSWORD, ['applicant'], 'id').toStorage({ id: 'd0', applicant: { i: 0 } }).applicant as string;
    // room for three entries (ciphertext + plaintext `{"i":n}`) in the ciphertext → plaintext cache
    const c = new FieldCipher(TEST_PASSWORD, ['applicant'], 'id', 3 * (one.length + 7));
    const stored = Array.from({ length: 5 }, (_, i) => c.toStorage({ id: `d${i}`, applicant: { i } }));
    for (let i = 4; i >= 0; i--) expect(c.fromStorage(stored[i]!)).toEqual({ id: `d${i}`, applicant: { i } });
    expect(c.stats.decrypted).toBe(2); // d0 and d1 had been dropped
    expect(c.stats.decryptCached).toBe(3);
  });

  it('a member read over and over keeps the cache small (its bookkeeping does not grow)', () => {
    const c = new FieldCipher(TEST_PASSWORD, ['applicant'], 'id');
    const stored = c.toStorage({ id: 'r', applicant: { name: '王五' } });
    for (let i = 0; i < 20_000; i++) c.fromStorage(stored);
    const internals = c as unknown as { lastOf: { order: unknown[]; head: number } };
    expect(internals.lastOf.order.length - internals.lastOf.head).toBeLessThan(2 + 1024 + 2);
    expect(c.stats).toMatchObject({ encrypted: 1, decrypted: 0, decryptCached: 20_000 });
  });

  it('refuses garbage: short or missing passwords, a stored member that is not ciphertext, nested paths', async () => {
    await expect(openTerminalDatabase({ name: name(), password: 'short', storage: { kind: 'memory' }, multiInstance: false })).rejects.toThrow();
    const c = new FieldCipher(TEST_PASSWORD, ['applicant'], 'id');
    expect(() => c.fromStorage({ id: 'x', applicant: { name: 'plain' } })).toThrow(/not ciphertext/);
    expect(() => c.fromStorage({ id: 'x', applicant: 'U2FsdGVkX1+garbage' })).toThrow();
    expect(() => new FieldCipher(TEST_PASSWORD, ['applicant.name'], 'id')).toThrow(/top-level/);
    // members absent stay absent
    expect(c.fromStorage(c.toStorage({ id: 'y', status: 'draft' }))).toEqual({ id: 'y', status: 'draft' });
  });
});
