// The reference 可信身份认证 issuer over real HTTP on a real database (PGlite, and PostgreSQL where
// its binaries exist): a code redeems once to its holder; expired, replayed and forged codes and
// garbage are each refused with their own code and an English reason; nothing is lost (a good code
// still redeems after the garbage) and the holder is never stored in clear.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64Url, idQrPaths, idQrRedeemResponse, type IdQrHolder } from '../../protocol/id-qr';
import { startPlatform, type Platform } from '../platform';
import { backends, client, enroll, type Client } from '../test/helpers';

const HOLDER: IdQrHolder = { name: '王秀英', idNumber: '360121195203150026', sex: 'female', nation: '汉', birthDate: '1952-03-15', address: '江西省南昌市南昌县向塘镇新村12号', validTo: 'long-term' };

const b64json = (o: unknown) => bytesToBase64Url(Buffer.from(JSON.stringify(o), 'utf8'));
const claimsOf = (code: string) => JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString('utf8'));

for (const backend of backends()) {
  describe(`ID QR codes on the reference platform (${backend.name})`, () => {
    let p: Platform;
    let cleanup: () => Promise<void>;
    let clock = Math.floor(Date.now() / 1000) * 1000;
    let kiosk: Client;
    let other: Client;
    let admin: Client;
    const issue = async (holder: IdQrHolder = HOLDER, ttlSeconds?: number) => {
      const r = await admin.req('POST', idQrPaths.issue, { holder, ...(ttlSeconds ? { ttlSeconds } : {}) });
      expect(r.status, r.text).toBe(200);
      return r.json.code as string;
    };
    const redeem = (code: unknown, c: Client = kiosk) => c.req('POST', idQrPaths.redeem, { code });

    beforeAll(async () => {
      const b = await backend.setup();
      cleanup = b.cleanup;
      p = await startPlatform({ ...b.options, seedDemo: true, now: () => new Date(clock) });
      kiosk = await enroll(p, '360121201');
      other = await enroll(p, '360121202');
      admin = client(p.url, p.adminToken);
    }, 60_000);
    afterAll(async () => {
      await p?.close();
      await cleanup?.();
    });

    it('a code redeems once, to its holder; the second time it is refused as replayed', async () => {
      const code = await issue();
      expect(code).toMatch(/^TTID1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
      expect(code.length).toBeLessThan(400);
      // The code itself carries no personal data.
      expect(Buffer.from(code.split('.')[1]!, 'base64url').toString('utf8')).not.toMatch(/王|3601211952/);
      const first = await redeem(code);
      expect(first.status, first.text).toBe(200);
      const r = idQrRedeemResponse.parse(first.json);
      expect(r.holder).toEqual(HOLDER);
      expect(Date.parse(r.expiresAt) - Date.parse(r.issuedAt)).toBe(90_000);
      const again = await redeem(code, other);
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('ID_QR_REPLAYED');
      expect(again.json.error.message).toMatch(/used already/);
      // Used: the sealed holder is gone from the platform; who used it is kept.
      const rows = await p.store.db.query<{ holder_sealed: string | null; redeemed_by: string; station_id: string }>('SELECT holder_sealed, redeemed_by, station_id FROM id_qr_codes WHERE jti = $1', [claimsOf(code).jti]);
      expect(rows).toEqual([{ holder_sealed: null, redeemed_by: kiosk.terminalId, station_id: '360121201' }]);
    });

    it('the holder is sealed at rest until use (no name or ID number in clear)', async () => {
      const code = await issue();
      const rows = await p.store.db.query<Record<string, unknown>>('SELECT * FROM id_qr_codes WHERE jti = $1', [claimsOf(code).jti]);
      expect(rows).toHaveLength(1);
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(HOLDER.idNumber);
      expect(dump).not.toContain(HOLDER.name);
      expect(rows[0]!.holder_sealed).toEqual(expect.any(String));
    });

    it('an expired code is refused as expired (not found, not forged), and stays unused', async () => {
      const code = await issue(HOLDER, 60);
      clock += 61_000;
      try {
        const r = await redeem(code);
        expect(r.status).toBe(422);
        expect(r.json.error.code).toBe('ID_QR_EXPIRED');
        expect(r.json.error.message).toMatch(/expired 1 s ago/);
      } finally {
        clock -= 61_000;
      }
      // one second before its end it still works
      const fresh = await issue(HOLDER, 60);
      clock += 59_000;
      try {
        expect((await redeem(fresh)).status).toBe(200);
      } finally {
        clock -= 59_000;
      }
    });

    it('forged codes are refused as forged: a flipped signature, changed claims, another key, another issuer name', async () => {
      const code = await issue();
      const [head, claims, sig] = code.split('.') as [string, string, string];
      const flipped = `${head}.${claims}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
      const c = claimsOf(code);
      const longer = `${head}.${b64json({ ...c, exp: c.exp + 200 })}.${sig}`;
      const otherJti = `${head}.${b64json({ ...c, jti: bytesToBase64Url(randomBytes(16)) })}.${sig}`;
      // Signed correctly, but with a key the platform never had (same kid claimed).
      const rogue = generateKeyPairSync('ed25519').privateKey;
      const rogueText = `${head}.${b64json({ ...c, jti: bytesToBase64Url(randomBytes(16)) })}`;
      const rogueCode = `${rogueText}.${bytesToBase64Url(sign(null, Buffer.from(rogueText, 'ascii'), rogue))}`;
      const otherIssuer = `${head}.${b64json({ ...c, iss: 'someone-else' })}.${sig}`;
      for (const [forged, reason] of [
        [flipped, /signature/],
        [longer, /signature/],
        [otherJti, /signature/],
        [rogueCode, /signature/],
        [otherIssuer, /issuer/],
      ] as const) {
        const r = await redeem(forged);
        expect(r.status, forged).toBe(422);
        expect(r.json.error.code).toBe('ID_QR_FORGED');
        expect(r.json.error.message).toMatch(reason);
      }
      // The genuine code was not used up by the forgeries.
      expect((await redeem(code)).status).toBe(200);
    });

    it("another platform's code (another issuer key) is forged here", async () => {
      const q = await startPlatform({});
      try {
        const r = await client(q.url, q.adminToken).req('POST', idQrPaths.issue, { holder: HOLDER });
        const there = await redeem(r.json.code as string);
        expect(there.status).toBe(422);
        expect(there.json.error.code).toBe('ID_QR_FORGED');
        expect(there.json.error.message).toMatch(/key/);
      } finally {
        await q.close();
      }
    });

    it('garbage gets clear refusals (malformed, unsupported version), nothing echoed, and nothing is lost', async () => {
      const good = await issue();
      const c = claimsOf(good);
      const [, claims, sig] = good.split('.') as [string, string, string];
      const cases: [unknown, string, RegExp][] = [
        [randomBytes(200).toString('latin1'), 'ID_QR_MALFORMED', /does not start with TTID/],
        ['', 'ID_QR_MALFORMED', /empty/],
        ['TTID1.' + 'A'.repeat(9000), 'ID_QR_MALFORMED', /9006 characters long/],
        ['TTID2.' + claims + '.' + sig, 'ID_QR_UNSUPPORTED_VERSION', /version 2/],
        ['TTID1.' + b64json({ ...c, v: 7 }) + '.' + sig, 'ID_QR_UNSUPPORTED_VERSION', /claims version 7/],
        ['TTID1.' + claims + '.' + sig + '.x', 'ID_QR_MALFORMED', /4 dot-separated parts/],
        ['TTID1.' + claims.slice(0, 20) + '*&^%' + '.' + sig, 'ID_QR_MALFORMED', /not base64url/],
        ['TTID1.' + claims + '.' + sig.slice(0, 40), 'ID_QR_MALFORMED', /signature is 30 bytes/],
        ['TTID1.' + bytesToBase64Url(Buffer.from('not json{')) + '.' + sig, 'ID_QR_MALFORMED', /not UTF-8 JSON/],
        ['TTID1.' + bytesToBase64Url(Buffer.from([0xff, 0xfe, 0x00])) + '.' + sig, 'ID_QR_MALFORMED', /not UTF-8 JSON/],
        ['TTID1.' + b64json({ ...c, extra: 1 }) + '.' + sig, 'ID_QR_MALFORMED', /schema/],
        ['TTID1.' + b64json({ ...c, exp: c.iat + 3600 }) + '.' + sig, 'ID_QR_MALFORMED', /lifetime \(3600 s\)/],
        ['https://example.org/progress?id=1', 'ID_QR_MALFORMED', /not an electronic ID QR code/],
        [12345, 'ID_QR_MALFORMED', /JSON body/],
        [null, 'ID_QR_MALFORMED', /JSON body/],
      ];
      for (const [code, expected, reason] of cases) {
        const r = await redeem(code);
        expect(r.status, String(code).slice(0, 40)).toBe(400);
        expect(r.json.error.code).toBe(expected);
        expect(r.json.error.message).toMatch(reason);
        if (typeof code === 'string' && code.length > 10) expect(r.text).not.toContain(code.slice(6, 40));
      }
      const notJson = await kiosk.req('POST', idQrPaths.redeem, '{"code": "TTID1', { 'content-type': 'application/json' });
      expect(notJson.status).toBe(400);
      const huge = await redeem('x'.repeat(40_000));
      expect(huge.status).toBe(413);
      expect(huge.json.error.code).toBe('PAYLOAD_TOO_LARGE');
      // Nothing lost: the good code still redeems, once.
      expect((await redeem(good)).status).toBe(200);
    });

    it('only the admin token issues, only a terminal token redeems; the issue request is checked', async () => {
      const code = await issue();
      expect((await kiosk.req('POST', idQrPaths.issue, { holder: HOLDER })).status).toBe(403);
      expect((await admin.req('POST', idQrPaths.redeem, { code })).status).toBe(403);
      expect((await client(p.url, 'not-a-token-at-all').req('POST', idQrPaths.redeem, { code })).status).toBe(401);
      for (const bad of [{ holder: { ...HOLDER, idNumber: '123' } }, { holder: HOLDER, ttlSeconds: 3600 }, { holder: { ...HOLDER, extra: 1 } }, {}]) {
        const r = await admin.req('POST', idQrPaths.issue, bad);
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await redeem(code)).status).toBe(200);
    });

    it('of concurrent redemptions of one code exactly one succeeds', async () => {
      const code = await issue();
      const results = await Promise.all([kiosk, other, kiosk, other, kiosk].map((c) => redeem(code, c)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409 && r.json.error.code === 'ID_QR_REPLAYED')).toHaveLength(4);
    });
  });
}
