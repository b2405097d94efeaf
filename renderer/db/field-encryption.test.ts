// The field encryption wrapper: AES-256-GCM members bound to their document and member, stores
// written by rxdb's crypto-js wrapper still read and are migrated in the background (a migration
// killed half-way loses nothing), caches save cipher calls without changing what is read or stored,
// and garbage (bad passwords, truncated, bad base64, wrong tag, moved ciphertext) is refused with a
// code, never read as data.
import { afterEach, describe, expect, it } from 'vitest';
import { createRevision, createRxDatabase, fillWithDefaultSettings, now, type RxDatabase, type RxJsonSchema, type RxStorage, type RxStorageInstance } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { encryptString, wrappedKeyEncryptionCryptoJsStorage } from 'rxdb/plugins/encryption-crypto-js';
import { exampleApplication } from '../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from './database';
import { CIPHER_PREFIX, deriveFieldKey, FieldCipher, FieldEncryptionError, fromBase64Url, LEGACY_PREFIX, MIGRATION_BATCH, MIGRATION_CONTEXT, toBase64Url, wrappedFieldEncryptionStorage, type FieldEncryptedInstance, type MigrationResult } from './field-encryption';
import { storedDocuments } from './counts';
import { toLocal } from './modifiers';
import { ALL_SCHEMAS } from './schemas';
import { TEST_PASSWORD } from './test-helpers';

const open: (TerminalDatabase | RxDatabase)[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
let n = 0;
const name = () => `fe${Date.now().toString(36)}${n++}`;
const SALT = new Uint8Array(32).fill(7);
const key = () => deriveFieldKey(TEST_PASSWORD, SALT);

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

async function closeLast(): Promise<void> {
  await open.pop()!.close();
}

const strip = (d: Record<string, unknown>) => {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = d;
  return rest;
};

const application = (i: number) =>
  toLocal('applications', exampleApplication({ status: 'submitted', applicant: { name: `居民${i}`, idType: 'resident_id', idNumber: '360121195001011234', phone: '13800000000' }, agent: i % 2 ? { kind: 'relative', name: `亲属${i}` } : null }));

/** A legacy store (crypto-js, rxdb's wrapper) of `count` applications. */
async function legacyStore(dbName: string, count: number) {
  const old = await openWithRxdbWrapper(dbName);
  const docs = Array.from({ length: count }, (_, i) => application(i));
  await old.applications!.bulkInsert(docs);
  await closeLast();
  return docs;
}

const migrationOf = (db: TerminalDatabase) => (db.applications as unknown as { internalStorageInstance: FieldEncryptedInstance }).internalStorageInstance.fieldMigration!;
const stored = (db: TerminalDatabase) => storedDocuments(db.applications, {}, [{ id: 'asc' }]);
const formats = (docs: Record<string, unknown>[]) => {
  const count = { legacy: 0, g1: 0 };
  for (const d of docs) for (const p of ['applicant', 'agent', 'formData']) if (typeof d[p] === 'string') count[(d[p] as string).startsWith(LEGACY_PREFIX) ? 'legacy' : 'g1']++;
  return count;
};

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FieldEncryptionError);
  expect((e as FieldEncryptionError).code).toBe(code);
  expect((e as Error).message).toMatch(/^field encryption: /);
}


/** The ciphertext `bytes` with one bit of byte `i` flipped, in the stored form. */
function flipBit(bytes: Uint8Array, i: number): string {
  const b = bytes.slice();
  b[i] = b[i]! ^ 1;
  return CIPHER_PREFIX + toBase64Url(b);
}

describe('field encryption (AES-256-GCM, legacy crypto-js read and migrated)', () => {
  it('reads every document a store written by rxdb’s crypto-js wrapper holds, rewrites them in the new format in the background, and keeps revisions', async () => {
    const dbName = name();
    const docs = await legacyStore(dbName, 30);

    const db = await openTerminal(dbName);
    const read = await db.applications.find().exec();
    expect(read).toHaveLength(30);
    const byId = new Map(read.map((d) => [d.id, strip(d.toJSON(true) as Record<string, unknown>)]));
    for (const d of docs) expect(byId.get(String(d.id))).toEqual(strip(d));
    const before = new Map((await stored(db)).map((d) => [d.id, { rev: d._rev, lwt: (d._meta as { lwt: number }).lwt }]));

    const result = await migrationOf(db);
    expect(result).toMatchObject({ scanned: 30, rewritten: 30, failed: 0, stopped: false });
    const after = await stored(db);
    expect(formats(after).legacy).toBe(0);
    expect(formats(after).g1).toBeGreaterThanOrEqual(30);
    // same revision and last-write time: nothing to push again
    for (const d of after) expect({ rev: d._rev, lwt: (d._meta as { lwt: number }).lwt }).toEqual(before.get(d.id));
    // a write goes out in the new format; a reopen reads everything
    await db.applications.findOne(String(docs[0]!.id)).patch({ formData: { changed: '是' } } as never);
    await closeLast();
    const again = await openTerminal(dbName);
    // done once: the marker spares this open the walk over the store
    expect(await migrationOf(again)).toMatchObject({ scanned: 0, rewritten: 0, stopped: false });
    const doc = await again.applications.findOne(String(docs[0]!.id)).exec();
    expect(doc!.formData).toEqual({ changed: '是' });
    expect(doc!.applicant!.name).toBe('居民0');
    expect((await again.applications.find().exec()).map((d) => strip(d.toJSON(true) as Record<string, unknown>)).filter((d) => d.id !== docs[0]!.id)).toEqual(
      docs
        .slice(1)
        .map((d) => strip(d))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    );
  });

  it('the migration’s writes are not change events (no query re-runs, nothing pushed)', async () => {
    const dbName = name();
    await legacyStore(dbName, 12);
    const db = await openTerminal(dbName);
    const events: unknown[] = [];
    const sub = db.applications.$.subscribe((e) => events.push(e));
    await migrationOf(db);
    sub.unsubscribe();
    expect(formats(await stored(db)).legacy).toBe(0);
    expect(events).toHaveLength(0);
  });

  it('a migration killed half-way (even inside a storage write) loses nothing: the store reads whole, the next open finishes', async () => {
    const dbName = name();
    const count = 2 * MIGRATION_BATCH + 50;
    const docs = await legacyStore(dbName, count);
    // A storage whose second migration write stores half of its documents, then dies.
    let migrationWrites = 0;
    const dying = (base: RxStorage<unknown, unknown>): RxStorage<unknown, unknown> => ({
      ...base,
      async createStorageInstance(params) {
        const instance = await base.createStorageInstance(params);
        const bulkWrite = instance.bulkWrite.bind(instance);
        instance.bulkWrite = async (rows, context) => {
          if (context !== MIGRATION_CONTEXT || ++migrationWrites < 2) return bulkWrite(rows, context);
          await bulkWrite(rows.slice(0, Math.floor(rows.length / 2)), context);
          throw new Error('killed');
        };
        return instance;
      },
    });
    const killed = await createRxDatabase({ name: dbName, storage: wrappedFieldEncryptionStorage({ storage: dying(getRxStorageMemory() as never) }), password: TEST_PASSWORD, multiInstance: false });
    await killed.addCollections({ applications: { schema: ALL_SCHEMAS.applications as never } });
    open.push(killed);
    const first: MigrationResult = await (killed.applications as unknown as { internalStorageInstance: FieldEncryptedInstance }).internalStorageInstance.fieldMigration!;
    expect(first.stopped).toBe(true);
    await closeLast();

    const db = await openTerminal(dbName);
    const mixed = formats(await stored(db));
    expect(mixed.legacy).toBeGreaterThan(0);
    expect(mixed.g1).toBeGreaterThan(0);
    // half-way: every document reads as it was written
    const expected = docs.map((d) => strip(d)).sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const readAll = async () => (await db.applications.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => strip(d.toJSON(true) as Record<string, unknown>));
    expect(await readAll()).toEqual(expected);
    const second = await migrationOf(db);
    expect(second).toMatchObject({ scanned: count, failed: 0, stopped: false });
    expect(second.rewritten).toBe(count - MIGRATION_BATCH - Math.floor(MIGRATION_BATCH / 2));
    expect(formats(await stored(db)).legacy).toBe(0);
    await closeLast();
    const last = await openTerminal(dbName);
    expect((await last.applications.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => strip(d.toJSON(true) as Record<string, unknown>))).toEqual(expected);
  });

  it('a legacy member that does not decrypt is left as it is and counted, the rest migrates', async () => {
    const dbName = name();
    const docs = await legacyStore(dbName, 5);
    // a legacy member written with another password, put straight into the stored document (below
    // the encryption; opened without the migration, so no marker is written)
    const db1 = await createRxDatabase({ name: dbName, storage: wrappedFieldEncryptionStorage({ storage: getRxStorageMemory(), migrate: false }), password: TEST_PASSWORD, multiInstance: false });
    await db1.addCollections({ applications: { schema: ALL_SCHEMAS.applications as never } });
    open.push(db1);
    expect((db1.applications as unknown as { internalStorageInstance: FieldEncryptedInstance }).internalStorageInstance.fieldMigration).toBeNull();
    const layer = (db1.applications as unknown as { internalStorageInstance: { originalStorageInstance: { bulkWrite: (r: unknown[], c: string) => Promise<unknown> } } }).internalStorageInstance.originalStorageInstance;
    const victim = (await stored(db1 as unknown as TerminalDatabase)).find((d) => d.id === docs[2]!.id)!;
    await layer.bulkWrite([{ previous: victim, document: { ...victim, applicant: encryptString('{"name":"x"}', 'another-password-123456') } }], MIGRATION_CONTEXT);
    await closeLast();
    const db2 = await openTerminal(dbName);
    const result = await migrationOf(db2);
    expect(result).toMatchObject({ failed: 1, rewritten: 4 });
    expect(formats(await stored(db2)).legacy).toBe(3); // that document's three members, left as they were
    await closeLast();
    // no marker while a member failed: the next open looks again (and leaves it again)
    const db3 = await openTerminal(dbName);
    expect(await migrationOf(db3)).toMatchObject({ scanned: 5, failed: 1, rewritten: 0 });
    await expect(db3.applications.findOne(String(docs[2]!.id)).exec()).rejects.toThrow(/does not decrypt/);
    expect((await db3.applications.findOne(String(docs[1]!.id)).exec())!.applicant!.name).toBe('居民1');
  });

  it('caches: the same ciphertext is decrypted once, an unchanged member keeps its ciphertext, a changed one gets a new one', async () => {
    const c = new FieldCipher(TEST_PASSWORD, await key(), ['applicant', 'formData'], 'id', 'applications');
    const doc = { id: 'a1', status: 'draft', applicant: { name: '王五' }, formData: { x: 1 }, _meta: { lwt: 1 } };
    const storedDoc = await c.toStorage(doc);
    expect(storedDoc.applicant).toMatch(/^g1\.[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(storedDoc)).not.toContain('王五');
    expect(Object.keys(storedDoc)).toEqual(Object.keys(doc));
    expect(storedDoc._meta).toEqual({ lwt: 1 });
    expect(storedDoc._meta).not.toBe(doc._meta); // copied, not shared
    expect(c.stats.encrypted).toBe(2);

    const back = await c.fromStorage(storedDoc);
    expect(back).toEqual(doc);
    expect(c.stats).toMatchObject({ decrypted: 0, decryptCached: 2 });
    // reads are fresh objects: changing one never changes the next
    (back.applicant as { name: string }).name = '改了';
    expect(((await c.fromStorage(storedDoc)).applicant as { name: string }).name).toBe('王五');

    const rewritten = await c.toStorage({ ...doc, formData: { x: 2 } });
    expect(rewritten.applicant).toBe(storedDoc.applicant);
    expect(rewritten.formData).not.toBe(storedDoc.formData);
    expect(c.stats).toMatchObject({ encrypted: 3, encryptReused: 1 });

    // a fresh cipher (another window, after a restart) decrypts what this one wrote
    const other = new FieldCipher(TEST_PASSWORD, await key(), ['applicant', 'formData'], 'id', 'applications');
    expect(await other.fromStorage(rewritten)).toEqual({ ...doc, formData: { x: 2 } });
    expect(other.stats).toMatchObject({ decrypted: 2, decryptCached: 0 });
    // the same plaintext encrypted twice: different IVs, different ciphertexts
    const twice = new FieldCipher(TEST_PASSWORD, await key(), ['applicant'], 'id', 'applications');
    expect((await twice.toStorage({ id: 'a1', applicant: 1 })).applicant).not.toBe((await other.toStorage({ id: 'a1', applicant: 1 })).applicant);
  });

  it('a legacy member read is never re-used for a write: it is encrypted anew', async () => {
    const c = new FieldCipher(TEST_PASSWORD, await key(), ['applicant'], 'id', 'applications');
    const legacy = { id: 'l1', applicant: encryptString(JSON.stringify({ name: '王五' }), TEST_PASSWORD) };
    expect(await c.fromStorage(legacy)).toEqual({ id: 'l1', applicant: { name: '王五' } });
    expect(c.stats.legacyDecrypted).toBe(1);
    const written = await c.toStorage({ id: 'l1', applicant: { name: '王五' } });
    expect(written.applicant).toMatch(/^g1\./);
    expect(c.stats).toMatchObject({ encrypted: 1, encryptReused: 0 });
  });

  it('keeps its caches bounded (oldest dropped) and stays right when they miss', async () => {
    const k = await key();
    const one = (await new FieldCipher(TEST_PASSWORD, k, ['applicant'], 'id', 's').toStorage({ id: 'd0', applicant: { i: 0 } })).applicant as string;
    // room for three entries (the document id, the member's ciphertext and plaintext `{"i":n}`)
    const entry = 'd0'.length + one.length + 7;
    const c = new FieldCipher(TEST_PASSWORD, k, ['applicant'], 'id', 's', 3 * entry);
    const storedDocs: Record<string, unknown>[] = [];
    for (let i = 0; i < 5; i++) storedDocs.push(await c.toStorage({ id: `d${i}`, applicant: { i } }));
    expect(c.cachedDocuments).toBe(3);
    expect(c.cachedChars).toBeLessThanOrEqual(3 * entry);
    for (let i = 4; i >= 0; i--) expect(await c.fromStorage(storedDocs[i]!)).toEqual({ id: `d${i}`, applicant: { i } });
    expect(c.stats.decrypted).toBe(2); // d0 and d1 had been dropped
    expect(c.stats.decryptCached).toBe(3);
    expect(c.cachedChars).toBeLessThanOrEqual(3 * entry);
  });

  it('stays within its bound over a large backlog (10,000 documents written, then read in order)', async () => {
    const k = await key();
    const bound = 200_000;
    const c = new FieldCipher(TEST_PASSWORD, k, ['applicant', 'formData'], 'id', 'applications', bound);
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 10_000; i += 500) {
      docs.push(...(await Promise.all(Array.from({ length: 500 }, (_, j) => c.toStorage({ id: `b${i + j}`, applicant: { name: `居民${i + j}` }, formData: { n: i + j } })))));
      expect(c.cachedChars).toBeLessThanOrEqual(bound);
    }
    const held = c.cachedDocuments;
    expect(held).toBeGreaterThan(100);
    expect(held).toBeLessThan(10_000);
    // the newest are answered from the cache, the oldest are decrypted (and read right either way)
    const back = await Promise.all(docs.map((d) => c.fromStorage(d)));
    back.forEach((d, i) => expect(d).toEqual({ id: `b${i}`, applicant: { name: `居民${i}` }, formData: { n: i } }));
    expect(c.stats.decryptCached + c.stats.decrypted).toBe(20_000);
    expect(c.stats.decrypted).toBeGreaterThan(0);
    expect(c.cachedChars).toBeLessThanOrEqual(bound);
  });

  it('a seeded cache never answers for a ciphertext it does not hold: tampered, moved or older ones are decrypted and checked', async () => {
    const k = await key();
    const c = new FieldCipher(TEST_PASSWORD, k, ['applicant', 'agent'], 'id', 'applications');
    const v1 = await c.toStorage({ id: 'x', applicant: { name: '王五' }, agent: { name: '赵六' } });
    const y = await c.toStorage({ id: 'y', applicant: { name: '李四' } });
    const cipherText = v1.applicant as string;
    const bytes = fromBase64Url(cipherText.slice(CIPHER_PREFIX.length))!;
    const flipped = (i: number) => flipBit(bytes, i);
    // the same writer (its cache holds x's plaintext): same IV with another body, another tag, another IV
    for (const i of [0, 11, 12, 20, bytes.length - 1]) await expectCode(c.fromStorage({ id: 'x', applicant: flipped(i) }), 'FIELD_CIPHER_REJECTED');
    await expectCode(c.fromStorage({ id: 'x', applicant: cipherText.slice(0, -4) }), 'FIELD_CIPHER_REJECTED');
    // moved: another document's, another member's (all in the cache)
    await expectCode(c.fromStorage({ id: 'x', applicant: y.applicant }), 'FIELD_CIPHER_REJECTED');
    await expectCode(c.fromStorage({ id: 'x', applicant: v1.agent }), 'FIELD_CIPHER_REJECTED');
    await expectCode(c.fromStorage({ id: 'y', applicant: cipherText }), 'FIELD_CIPHER_REJECTED');
    expect(c.stats.decryptCached).toBe(0);
    // still right afterwards, from the cache
    expect(await c.fromStorage(v1)).toEqual({ id: 'x', applicant: { name: '王五' }, agent: { name: '赵六' } });
    expect(c.stats.decryptCached).toBe(2);
    // a member written three times: its two newest ciphertexts are answered from the cache, the first one decrypted again (and right)
    const v2 = await c.toStorage({ id: 'x', applicant: { name: '王五2' } });
    const v3 = await c.toStorage({ id: 'x', applicant: { name: '王五3' } });
    const before = c.stats.decrypted;
    expect(await c.fromStorage({ id: 'x', applicant: v3.applicant })).toEqual({ id: 'x', applicant: { name: '王五3' } });
    expect(await c.fromStorage({ id: 'x', applicant: v2.applicant })).toEqual({ id: 'x', applicant: { name: '王五2' } });
    expect(c.stats.decrypted).toBe(before);
    expect(await c.fromStorage({ id: 'x', applicant: v1.applicant })).toEqual({ id: 'x', applicant: { name: '王五' } });
    expect(c.stats.decrypted).toBe(before + 1);
    // writing a plaintext the member had before re-uses that ciphertext (no cipher call), never another member's
    const encrypted = c.stats.encrypted;
    expect((await c.toStorage({ id: 'x', applicant: { name: '王五' } })).applicant).toBe(v1.applicant);
    expect((await c.toStorage({ id: 'x', agent: { name: '王五' } })).agent).not.toBe(v1.applicant);
    expect(c.stats.encrypted).toBe(encrypted + 1);
  });

  it('a member read over and over keeps the cache small (its bookkeeping does not grow)', async () => {
    const c = new FieldCipher(TEST_PASSWORD, await key(), ['applicant'], 'id', 's');
    const storedDoc = await c.toStorage({ id: 'r', applicant: { name: '王五' } });
    const chars = c.cachedChars;
    for (let i = 0; i < 20_000; i++) await c.fromStorage(storedDoc);
    expect(c.cachedDocuments).toBe(1);
    expect(c.cachedChars).toBe(chars);
    expect(c.stats).toMatchObject({ encrypted: 1, decrypted: 0, decryptCached: 20_000 });
  });

  it('refuses garbage with a code: not ciphertext, unknown format, truncated, bad base64, wrong tag, wrong password, moved between documents, members or collections', async () => {
    await expect(openTerminalDatabase({ name: name(), password: 'short', storage: { kind: 'memory' }, multiInstance: false })).rejects.toThrow();
    const k = await key();
    const writer = new FieldCipher(TEST_PASSWORD, k, ['applicant', 'agent'], 'id', 'applications');
    const good = await writer.toStorage({ id: 'x', applicant: { name: '王五' }, agent: { name: '赵六' } });
    const other = await writer.toStorage({ id: 'y', applicant: { name: '李四' } });
    const cipherText = good.applicant as string;
    const bytes = fromBase64Url(cipherText.slice(CIPHER_PREFIX.length))!;
    const flipped = (i: number) => flipBit(bytes, i);
    // a fresh reader each time (no cache can answer)
    const reader = () => new FieldCipher(TEST_PASSWORD, k, ['applicant', 'agent'], 'id', 'applications');
    const read = (applicant: unknown, id = 'x') => reader().fromStorage({ id, applicant });
    await expectCode(read({ name: 'plain' }), 'FIELD_NOT_CIPHERTEXT');
    await expectCode(read(42), 'FIELD_NOT_CIPHERTEXT');
    await expectCode(read(''), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read('hello'), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read('g2.' + cipherText.slice(3)), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read(CIPHER_PREFIX), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read(cipherText.slice(0, 3 + 36)), 'FIELD_CIPHER_MALFORMED'); // shorter than IV + tag
    await expectCode(read(cipherText.slice(0, -5)), 'FIELD_CIPHER_REJECTED'); // truncated: the tag is gone
    await expectCode(read(cipherText.slice(0, 3 + 37)), 'FIELD_CIPHER_MALFORMED'); // length ≡ 1 (mod 4)
    await expectCode(read(cipherText + '='), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read(cipherText.slice(0, 10) + '+' + cipherText.slice(11)), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read(cipherText.slice(0, 10) + '\u738b' + cipherText.slice(11)), 'FIELD_CIPHER_MALFORMED');
    await expectCode(read(flipped(0)), 'FIELD_CIPHER_REJECTED'); // IV
    await expectCode(read(flipped(20)), 'FIELD_CIPHER_REJECTED'); // ciphertext
    await expectCode(read(flipped(bytes.length - 1)), 'FIELD_CIPHER_REJECTED'); // tag
    // swapped between documents and members, moved to another collection
    await expectCode(read(other.applicant, 'x'), 'FIELD_CIPHER_REJECTED');
    await expectCode(read(good.agent, 'x'), 'FIELD_CIPHER_REJECTED');
    await expectCode(new FieldCipher(TEST_PASSWORD, k, ['applicant'], 'id', 'sync_quarantine').fromStorage({ id: 'x', applicant: cipherText }), 'FIELD_CIPHER_REJECTED');
    // the writer's own cache does not skip the check either
    await expectCode(writer.fromStorage({ id: 'y', applicant: cipherText }), 'FIELD_CIPHER_REJECTED');
    // wrong password (another key; crypto-js: another password)
    const wrongKey = await deriveFieldKey('another-password-123456', SALT);
    await expectCode(new FieldCipher('another-password-123456', wrongKey, ['applicant'], 'id', 'applications').fromStorage({ id: 'x', applicant: cipherText }), 'FIELD_CIPHER_REJECTED');
    await expectCode(new FieldCipher(TEST_PASSWORD, await deriveFieldKey(TEST_PASSWORD, new Uint8Array(32)), ['applicant'], 'id', 'applications').fromStorage({ id: 'x', applicant: cipherText }), 'FIELD_CIPHER_REJECTED');
    const legacy = encryptString(JSON.stringify({ name: '王五' }), TEST_PASSWORD);
    expect(await read(legacy)).toEqual({ id: 'x', applicant: { name: '王五' } });
    await expectCode(new FieldCipher('another-password-123456', wrongKey, ['applicant'], 'id', 'applications').fromStorage({ id: 'x', applicant: legacy }), 'FIELD_CIPHER_REJECTED');
    await expectCode(read(`${LEGACY_PREFIX}+garbage`), 'FIELD_CIPHER_REJECTED');
    await expectCode(read(legacy.slice(0, 30)), 'FIELD_CIPHER_REJECTED');
    // nested paths refused; members absent stay absent
    expect(() => new FieldCipher(TEST_PASSWORD, k, ['applicant.name'], 'id', 's')).toThrow(/top-level/);
    const c = reader();
    expect(await c.fromStorage(await c.toStorage({ id: 'y', status: 'draft' }))).toEqual({ id: 'y', status: 'draft' });
    // base64url helpers: round trip over every byte, and refusals
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let len = 0; len < 8; len++) expect(fromBase64Url(toBase64Url(all.subarray(0, len)))).toEqual(all.subarray(0, len));
    expect(fromBase64Url(toBase64Url(all))).toEqual(all);
    // the table encoder writes what btoa does (url alphabet, no padding), at every length mod 3
    const viaBtoa = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    for (let len = 0; len < 700; len += 1 + (len % 7)) {
      const random = crypto.getRandomValues(new Uint8Array(len));
      expect(toBase64Url(random)).toBe(viaBtoa(random));
      expect(fromBase64Url(toBase64Url(random))).toEqual(random);
    }
    expect(toBase64Url(all)).toBe(viaBtoa(all));
    for (const bad of ['A', 'AB=C', 'AB/C', 'AB+C', 'AB C', 'ABCDE', 'AB\u00e9C', '你好AB', 'ABC\u0000', 'AB\uD83D\uDE00', 'ABCD=', 'ABCDEF==', 'ABC\u0141']) expect(fromBase64Url(bad), JSON.stringify(bad)).toBeNull();
    expect(fromBase64Url('')).toEqual(new Uint8Array(0));
  });

  it('a database keeps its salt: reopened, what it wrote reads back; another database has another salt', async () => {
    const dbName = name();
    const db = await openTerminal(dbName);
    await db.applications.insert(application(1) as never);
    const [s1] = await stored(db);
    await closeLast();
    const again = await openTerminal(dbName);
    expect((await again.applications.findOne().exec())!.applicant!.name).toBe('居民1');
    // the same ciphertext in a database of another name (another salt, so another key) does not read
    const elsewhere = await openTerminal(name());
    const layer = (elsewhere.applications as unknown as { internalStorageInstance: { originalStorageInstance: { bulkWrite: (r: unknown[], c: string) => Promise<unknown> } } }).internalStorageInstance.originalStorageInstance;
    await layer.bulkWrite([{ document: s1 }], MIGRATION_CONTEXT); // hidden from the change stream
    await expect(elsewhere.applications.findOne().exec()).rejects.toThrow(/FIELD_CIPHER_REJECTED|does not authenticate/);
  });
  it('two windows opening a new database at once agree on one salt (the second write loses, takes the first)', async () => {
    const schema = fillWithDefaultSettings({ version: 0, primaryKey: 'id', type: 'object', properties: { id: { type: 'string', maxLength: 40 }, secret: { type: 'object' } }, required: ['id'], encrypted: ['secret'] } as RxJsonSchema<Record<string, unknown>>);
    const dbName = name();
    const params = (token: string) => ({ databaseInstanceToken: token, databaseName: dbName, collectionName: 'things', schema, options: {}, multiInstance: false, devMode: false, password: TEST_PASSWORD });
    const memory = getRxStorageMemory();
    const [a, b] = (await Promise.all([wrappedFieldEncryptionStorage({ storage: memory }).createStorageInstance(params('wa')), wrappedFieldEncryptionStorage({ storage: memory }).createStorageInstance(params('wb'))])) as unknown as RxStorageInstance<Record<string, unknown>, unknown, unknown>[];
    const doc = { id: 'k1', secret: { name: '王五' }, _deleted: false, _attachments: {}, _rev: createRevision('wa'), _meta: { lwt: now() } };
    expect((await a!.bulkWrite([{ document: doc }], 'test')).error).toEqual([]);
    const [got] = await b!.findDocumentsById(['k1'], false);
    expect(got!.secret).toEqual({ name: '王五' });
    await a!.close();
    await b!.close();
  });
});
