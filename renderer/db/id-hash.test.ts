// Issue 12 item 3: the kiosk's 进度查询 finds a case filed at the counter, and documents hashed with the
// old per-terminal salt are re-derived (or still found) after the upgrade.
import { describe, expect, it } from 'vitest';
import { freshDatabases, memoryDb } from './test-helpers';
import { applicationsByIdNumber, createDraft, hashIdNumber, submitApplication } from './applications';
import { toLocal, toProtocol } from './modifiers';
import { lookupSalts, rederiveIdHashes, type KeyMarker } from './id-hash';
import { saveDraft, findDraft } from '../kiosk/drafts';

const fresh = freshDatabases();
const RESIDENT = '36012119500101002X';
// What main hands each renderer (store.key): the province-derived key is the same on both terminals.
const PROVINCE = { idHashSalt: 'c'.repeat(64), idHashKeyId: '0123456789abcdef' };
const kioskKeys = { ...PROVINCE, legacyIdHashSalt: 'a'.repeat(64) };
const counterKeys = { ...PROVINCE, legacyIdHashSalt: 'b'.repeat(64) };
const memMarker = (): KeyMarker & { v: string | null } => {
  const m = { v: null as string | null, get: () => m.v, set: (x: string) => void (m.v = x) };
  return m;
};

describe('one resident, one lookup key across terminals', () => {
  it('hashes like the platform and main: the shared vector (sync/server/id-hash.test.ts, main/sync/id-hash-key.test.ts)', async () => {
    // salt = main's deriveProvinceIdHashKey(key 0f…0f); the platform rewrites stored hashes to the same value.
    expect(await hashIdNumber('fa3a35b8930a989b2d41e6ba9f6bf66b95e9ebb27a0e926e1580f239a99965cf', '36012119500101123x')).toBe('339f915cdc22d88b6e0d8e4e530db063d09d6f1f0e977b5182c11926fab71e13');
  });

  it("the kiosk's 进度查询 finds a counter-filed (帮代办) case pulled from the platform", async () => {
    const counter = await memoryDb();
    const draft = await createDraft(counter, { stationId: '360121201', serviceItemCode: 'MZ01', formId: 'MZ01', formVersion: 1, channel: 'counter', applicant: { name: '张大爷', idType: 'resident_id', idNumber: RESIDENT } }, counterKeys.idHashSalt);
    await submitApplication(counter, draft.id);
    // Replication: what the counter pushes is what the kiosk pulls (protocol form, then the pull modifier).
    const pushed = toProtocol('applications', (await counter.applications.findOne(draft.id).exec())!.toMutableJSON() as unknown as Record<string, unknown>);
    await counter.close(); // at most 13 collections open per process (rxdb 17.6)
    const kiosk = await fresh();
    await kiosk.applications.insert(toLocal('applications', { ...pushed, status: 'synced' }) as never);
    const found = await applicationsByIdNumber(kiosk, lookupSalts(kioskKeys), RESIDENT.toLowerCase());
    expect(found.map((a) => a.id)).toEqual([draft.id]);
    expect(await applicationsByIdNumber(kiosk, lookupSalts(kioskKeys), '360121195001010021')).toEqual([]);
    // privacy: the stored key is a keyed hash, not the ID number, and depends on the key
    expect(found[0]!.applicantIdHash).toBe(await hashIdNumber(PROVINCE.idHashSalt, RESIDENT));
    expect(found[0]!.applicantIdHash).not.toBe(await hashIdNumber('d'.repeat(64), RESIDENT));
    expect(JSON.stringify(pushed)).not.toContain(`"applicantIdHash":"${RESIDENT}"`);
  });

  it('after the upgrade: drafts and applications the terminal still owns are re-derived; older ones are still found by this terminal', async () => {
    const db = await fresh();
    const legacy = kioskKeys.legacyIdHashSalt;
    // written by the previous release with the per-terminal salt
    const kept = await saveDraft({ db, idHashSalt: legacy, stationId: '360121201' }, null, { serviceItemCode: 'YB01', formId: 'YB01', formVersion: 1, name: '张大爷', idNumber: RESIDENT, formData: {} });
    const owned = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ01', formId: 'MZ01', formVersion: 1, channel: 'kiosk', applicant: { name: '张大爷', idNumber: RESIDENT } }, legacy);
    const old = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ02', formId: 'MZ02', formVersion: 1, channel: 'kiosk', applicant: { name: '张大爷', idNumber: RESIDENT } }, legacy);
    await db.applications.findOne(old.id).exec().then((d) => d!.incrementalPatch({ status: 'accepted' }));
    const noId = await createDraft(db, { stationId: '360121201', serviceItemCode: 'MZ03', formId: 'MZ03', formVersion: 1, channel: 'kiosk', applicant: null }, legacy);

    const marker = memMarker();
    expect(await rederiveIdHashes(db, kioskKeys, marker)).toEqual({ applications: 1, drafts: 1, skipped: false });
    expect(marker.v).toBe(PROVINCE.idHashKeyId);
    const h = await hashIdNumber(PROVINCE.idHashSalt, RESIDENT);
    expect((await db.applications.findOne(owned.id).exec())!.applicantIdHash).toBe(h);
    // the platform owns the accepted one: its hash is not rewritten (the platform would refuse the change)
    expect((await db.applications.findOne(old.id).exec())!.applicantIdHash).toBe(await hashIdNumber(legacy, RESIDENT));
    expect((await db.applications.findOne(noId.id).exec())!.applicantIdHash).toBe('');
    expect((await findDraft({ db, idHashSalt: PROVINCE.idHashSalt }, RESIDENT, 'YB01', 1))?.id).toBe(kept);
    // both are found with the lookup salts
    expect((await applicationsByIdNumber(db, lookupSalts(kioskKeys), RESIDENT)).map((a) => a.id).sort()).toEqual([owned.id, old.id].sort());
    // idempotent: the marker says done
    expect(await rederiveIdHashes(db, kioskKeys, marker)).toEqual({ applications: 0, drafts: 0, skipped: true });
  });
});
