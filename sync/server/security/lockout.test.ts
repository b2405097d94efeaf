// Security suite, issue 13 item 2: lockout as a weapon, and rate limits. A real platform (PGlite, and
// PostgreSQL where available for the PIN counting, which lives in the database).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { errorResponse, paths } from '../../protocol/index';
import { DEMO_STAFF } from '../seed/demo';
import { startPlatform, type Platform } from '../platform';
import { DEFAULT_RATE_LIMITS, securitySettings } from '../rate-limits';
import { backends, client, type Client } from '../test/helpers';
import { tally } from './tally';

const A = '360121201';
const B = '360121100';
const pinOf = (id: string) => DEMO_STAFF.find((s) => s.id === id)!.pin;

/** Enrolls through the store (setup must not spend the HTTP enrollment allowance the tests attack). */
async function terminalOf(p: Platform, station: string): Promise<Client> {
  const r = await p.store.enroll(await p.createEnrollCode(station), 'security-test');
  return client(p.url, r.token, r.terminalId, r.stationId);
}
const login = (c: Client, staffId: string, pin: string) => c.req('POST', paths.staffLogin, { staffId, pin });

for (const backend of backends()) {
  describe(`security: PIN failures count per station and staff id (${backend.name})`, () => {
    const t = tally(`lockout (${backend.name})`);
    let p: Platform;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      const s = await backend.setup();
      cleanup = s.cleanup;
      p = await startPlatform({ ...s.options, seedDemo: true });
    });
    afterAll(async () => {
      await p?.close();
      await cleanup?.();
    });

    it("wrong PINs for S002 sent with another station's token never lock the real S002 out", async () => {
      const a = await terminalOf(p, A);
      const b = await terminalOf(p, B);
      await t.attack("10 wrong PINs for S002 with station B's token, then S002 at station A", async () => {
        const answers: number[] = [];
        for (let i = 0; i < 10; i++) answers.push((await login(b, 'S002', '000000')).status);
        const real = await login(a, 'S002', pinOf('S002'));
        return answers.every((s) => s === 401) && real.status === 200 && real.json.staff.id === 'S002';
      });
      await t.attack("the right PIN of S002 with station B's token (a cross-station login)", async () => (await login(b, 'S002', pinOf('S002'))).status === 401);
      // Nothing was counted for the cross-station tries.
      expect(await p.store.db.query('SELECT station_id, staff_id FROM staff_login_failures WHERE staff_id = $1', ['S002'])).toEqual([]);
    });

    it('a staff member of two stations locked at one is not locked at the other; own-station failures still lock', async () => {
      const a = await terminalOf(p, A);
      const b = await terminalOf(p, B);
      // S003 works at both stations: 5 wrong PINs at B lock S003 at B only.
      for (let i = 0; i < 5; i++) expect((await login(b, 'S003', '000000')).status).toBe(401);
      const locked = await login(b, 'S003', pinOf('S003'));
      expect(locked.status).toBe(429);
      expect(locked.json.error.code).toBe('TOO_MANY_ATTEMPTS');
      await t.attack('5 wrong PINs for S003 at station B, then S003 at station A', async () => (await login(a, 'S003', pinOf('S003'))).status === 200);
    });

    it('sequential staff ids sprayed from one terminal: refused without counting, then rate-limited', async () => {
      const b = await terminalOf(p, B);
      await t.attack('login spray over S001…S099 from one token (default limit 20 a minute)', async () => {
        const statuses: number[] = [];
        for (let i = 1; i <= 25; i++) statuses.push((await login(b, `S${String(i).padStart(3, '0')}`, '000000')).status);
        return statuses.slice(0, 20).every((s) => s === 401 || s === 429) && statuses.slice(20).every((s) => s === 429);
      });
      const a = await terminalOf(p, A);
      expect((await login(a, 'S001', pinOf('S001'))).status).toBe(200);
    });
  });
}

describe('security: rate limits per token and per address (pglite)', () => {
  const t = tally('rate limits');
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform({
      seedDemo: true,
      security: { rateLimits: { enroll: { perAddress: 10 }, login: { perToken: 8 }, push: { perToken: 10, perAddress: 40 }, upload: { perToken: 10 } } },
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  const limited = (r: { status: number; json: unknown; headers: Headers }) => {
    const e = errorResponse.safeParse(r.json);
    return r.status === 429 && e.success && e.data.error.code === 'RATE_LIMITED' && /^\d+$/.test(r.headers.get('retry-after') ?? '') && /^[\x20-\x7e]+$/.test(e.data.error.message);
  };

  it('enrollment codes guessed from one address', async () => {
    const anon = client(p.url, 'anonymous-caller');
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: `GUESS-${String(i).padStart(5, '0')}` }) }));
    expect(answers.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(400));
    await t.attack('the 11th enrollment guess in a minute from one address', async () => {
      const r = await anon.req('POST', paths.enroll, { code: 'GUESS-99999' });
      return limited(r);
    });
    // A valid code from that address waits too (the limit is before the code is even looked at).
    const real = await anon.req('POST', paths.enroll, { code: await p.createEnrollCode(A) });
    expect(real.status).toBe(429);
  });

  it('login, push and upload floods from one token', async () => {
    const c = await terminalOf(p, A);
    for (let i = 0; i < 8; i++) expect((await login(c, 'S999', '000000')).status).toBe(401);
    await t.attack('the 9th login in a minute from one token', async () => limited(await login(c, 'S999', '000000')));
    for (let i = 0; i < 10; i++) expect((await c.req('POST', paths.push('applications'), [])).status).toBe(200);
    await t.attack('the 11th push in a minute from one token', async () => limited(await c.req('POST', paths.push('applications'), [])));
    const up = () => c.req('PUT', paths.attachment('0'.repeat(64)), 'x', { 'content-type': 'application/octet-stream', 'content-range': 'bytes 0-0/10' });
    for (let i = 0; i < 10; i++) expect([202, 409]).toContain((await up()).status);
    await t.attack('the 11th upload chunk in a minute from one token', async () => limited(await up()));
    // Another terminal of the same station is not affected by this one's flood.
    const other = await terminalOf(p, A);
    expect((await other.req('POST', paths.push('applications'), [])).status).toBe(200);
  });

  it('many tokens from one address', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => terminalOf(p, B)));
    let answers: number[] = [];
    for (const c of tokens) for (let i = 0; i < 6; i++) answers.push((await c.req('POST', paths.push('applications'), [])).status);
    // No token reaches its own 10 a minute (7 at most each), but the address has 40 in all (the previous
    // test's 12 pushes came from here too).
    answers = answers.concat((await tokens[0]!.req('POST', paths.push('applications'), [])).status);
    expect(answers.filter((s) => s === 200).length).toBe(40 - 12);
    expect(answers.filter((s) => s === 429).length).toBe(31 - 28);
    await t.attack('pushes spread over 5 tokens from one address', async () => limited(await tokens[1]!.req('POST', paths.push('applications'), [])));
  });

  it('garbage limit settings are refused with a clear error', async () => {
    expect(() => securitySettings({ rateLimits: { push: { perToken: 0 } } })).toThrow(/rate limit push must be whole numbers/);
    expect(() => securitySettings({ rateLimits: { windowMs: Number.NaN } })).toThrow(/rate limit windowMs/);
    expect(() => securitySettings({ partialUploads: { expireMs: -5 } })).toThrow(/partial upload quota/);
    expect(securitySettings({}).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
  });
});
