// The province states the applicant ID lookup hash of what it stores (id-hash.ts): the same vector as
// the terminals' (main/sync/keys.test.ts, renderer/db/id-hash.test.ts), pushes with another salt
// adjusted, and stored platform-owned applications with a per-terminal salt rewritten once per key.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleApplication, type ApplicationDoc } from '../protocol/index';
import { applicantLookupHash, plainIdNumber, provinceLookupSalt } from './id-hash';
import { startPlatform } from './platform';
import { backends, enroll } from './test/helpers';

/** Shared with main/sync/keys.test.ts and renderer/db/id-hash.test.ts: all three must agree. */
const VECTOR = { key: '0f'.repeat(32), salt: 'fa3a35b8930a989b2d41e6ba9f6bf66b95e9ebb27a0e926e1580f239a99965cf', id: '36012119500101123x', hash: '339f915cdc22d88b6e0d8e4e530db063d09d6f1f0e977b5182c11926fab71e13' };

const legacyHash = (id: string) => createHash('sha256').update(`some-terminal-salt:${id}`).digest('hex');

describe('the province lookup hash', () => {
  it('is the terminals\' hash: the shared vector; trims and upper-cases the ID; ignores encrypted applicants', () => {
    expect(provinceLookupSalt(VECTOR.key)).toBe(VECTOR.salt);
    expect(applicantLookupHash(VECTOR.salt, VECTOR.id)).toBe(VECTOR.hash);
    expect(applicantLookupHash(VECTOR.salt, ` ${VECTOR.id.toUpperCase()} `)).toBe(VECTOR.hash);
    expect(plainIdNumber({ applicant: { encrypted: { alg: 'x', keyId: 'k', ciphertext: 'c' } } })).toBeNull();
    expect(plainIdNumber({ applicant: { idNumber: '   ' } })).toBeNull();
    expect(plainIdNumber({ applicant: null })).toBeNull();
    expect(plainIdNumber({})).toBeNull();
  });

  for (const backend of backends()) {
    it(`${backend.name}: a push with another salt is stored with the province hash and the terminal learns it; stored platform-owned ones are rewritten once per key`, { timeout: 180_000 }, async () => {
      const b = await backend.setup();
      const dataDir = backend.name === 'pglite' ? mkdtempSync(join(tmpdir(), 'id-hash-')) : null;
      const options = { ...b.options, ...(dataDir ? { dataDir } : {}), seedDemo: true };
      let platform = await startPlatform(options);
      try {
        const salt = provinceLookupSalt(await platform.store.idHashKey());
        const id = '360121195001011234';
        const t = await enroll(platform, '360121201');
        const app = exampleApplication({ status: 'submitted', submittedAt: new Date().toISOString(), applicantIdHash: legacyHash(id) });
        const r = await t.push('applications', [{ newDocumentState: app }]);
        expect(r.written).toBe(1);
        expect(r.adjusted).toContain(app.id);
        const answered = r.conflicts.find((d) => d.id === app.id) as ApplicationDoc;
        expect(answered.applicantIdHash).toBe(applicantLookupHash(salt, id));
        expect(((await platform.store.getDocument('applications', app.id)) as ApplicationDoc).applicantIdHash).toBe(applicantLookupHash(salt, id));
        // Garbage that is not an application's ID number changes nothing: no applicant, no hash.
        const anonymous = exampleApplication({ status: 'submitted', submittedAt: new Date().toISOString(), applicant: null, applicantIdHash: null });
        expect((await t.push('applications', [{ newDocumentState: anonymous }])).written).toBe(1);
        expect(((await platform.store.getDocument('applications', anonymous.id)) as ApplicationDoc).applicantIdHash).toBeNull();

        // Stored before there was one key: an accepted case (the platform's) and one back with the terminal.
        const accepted = exampleApplication({ status: 'accepted', applicantIdHash: legacyHash(id) });
        const supplement = exampleApplication({ status: 'supplement_required', applicantIdHash: legacyHash(id) });
        await platform.store.upsertAsPlatform('applications', [accepted, supplement]);
        await platform.store.db.query("DELETE FROM platform_secrets WHERE name = 'id-hash-normalized'");
        await platform.close();
        platform = await startPlatform(options);
        const after = async (x: ApplicationDoc) => ((await platform.store.getDocument('applications', x.id)) as ApplicationDoc).applicantIdHash;
        expect(await after(accepted)).toBe(applicantLookupHash(salt, id));
        expect(await after(supplement)).toBe(legacyHash(id)); // its terminal re-derives it (renderer/db/id-hash.ts)
        // Once per key: a second pass finds nothing to do.
        expect(await platform.store.normalizeIdHashes()).toBe(0);
      } finally {
        await platform.close();
        await b.cleanup();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
