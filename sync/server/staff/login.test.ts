// Staff login over HTTP, on PGlite and on PostgreSQL: scrypt PINs, stations, lockout, PINs set by the admin.
import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paths, staffLoginResponse } from '../../protocol/index';
import { DEMO_STAFF } from '../seed/demo';
import { backends, useContractPlatform, type Client } from '../test/helpers';

describe.each(backends())('staff login contract on $name', (backend) => {
  let a: Client; // terminal of station A
  let b: Client; // terminal of station B
  let admin: Client;
  useContractPlatform(backend, (env) => ({ a, b, admin } = env));

  it('staff login: PIN checked with scrypt, verifier usable offline, failures limited', async () => {
    const s1 = DEMO_STAFF[0]!;
    const ok = await a.req('POST', paths.staffLogin, { staffId: s1.id, pin: s1.pin });
    expect(ok.status).toBe(200);
    const body = staffLoginResponse.parse(ok.json);
    const v = body.staff.pinVerifier!;
    const derived = scryptSync(s1.pin, Buffer.from(v.salt, 'base64'), v.keyLength, { N: v.N, r: v.r, p: v.p, maxmem: 64 * 1024 * 1024 });
    expect(derived.toString('base64')).toBe(v.hash);
    const wrong = await a.req('POST', paths.staffLogin, { staffId: s1.id, pin: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('INVALID_CREDENTIALS');
    // S004 works at station B only.
    expect((await a.req('POST', paths.staffLogin, { staffId: 'S004', pin: '456789' })).status).toBe(401);
    expect((await b.req('POST', paths.staffLogin, { staffId: 'S004', pin: '456789' })).status).toBe(200);
    for (const bad of [{}, { staffId: 'S001' }, { staffId: 'S001', pin: 'abcd' }, { staffId: 'S001', pin: 123456 }]) {
      const r = await a.req('POST', paths.staffLogin, bad);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await admin.req('POST', paths.staffLogin, { staffId: 'S001', pin: '123456' })).status).toBe(403);
    // Lockout after repeated failures (S002).
    for (let i = 0; i < 5; i++) await a.req('POST', paths.staffLogin, { staffId: 'S002', pin: '999999' });
    const locked = await a.req('POST', paths.staffLogin, { staffId: 'S002', pin: '234567' });
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe('TOO_MANY_ATTEMPTS');
    // Admin sets a PIN; bad PIN body refused.
    expect((await admin.req('PUT', paths.adminStaffPin('S003'), { pin: '12' })).status).toBe(400);
    expect((await admin.req('PUT', paths.adminStaffPin('S003'), { pin: '777777' })).status).toBe(200);
    expect((await a.req('POST', paths.staffLogin, { staffId: 'S003', pin: '777777' })).status).toBe(200);
  });
});
