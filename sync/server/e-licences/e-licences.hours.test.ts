// 电子证照 lookups at every hour of the UTC day, with a fixed clock, on PGlite and PostgreSQL: a
// licence valid until D is offered through 23:59:59.999 of D in the station's zone (Asia/Shanghai:
// 15:59:59.999 UTC) and its successor valid from D + 1 from 00:00 there (16:00:00.000 UTC), whatever
// the UTC date says; a station set to another zone (Asia/Urumqi, UTC+6) goes by its own day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { licenceLookupResponse } from '../../protocol/e-licences';
import { applicantLookupHash, provinceLookupSalt } from '../id-hash';
import { startPlatform, type Platform } from '../platform';
import { backends, client, enroll, type Client } from '../test/helpers';

const A = '360121201'; // Asia/Shanghai
const B = '360121100'; // set to Asia/Urumqi (UTC+6) below
const HOLDER_ID = '361122195208150024';
const PDF = Buffer.from('%PDF-1.4\n% test licence\n%%EOF\n');
const dayAt = (ms: number, offsetH: number) => new Date(ms + offsetH * 3_600_000).toISOString().slice(0, 10);

let clockMs = Date.parse('2027-02-28T00:00:00.000Z');
const now = () => new Date(clockMs);

describe.each(backends())('e-licence validity at every hour of the UTC day ($name)', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let a: Client;
  let b: Client;
  let holder: string;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, now });
    [a, b] = await Promise.all([enroll(p, A), enroll(p, B)]);
    holder = applicantLookupHash(provinceLookupSalt(await p.store.idHashKey()), HOLDER_ID);
    const licence = { typeCode: 'JHZ', holderIdNumber: HOLDER_ID, issuer: '广丰区民政局', file: { mimeType: 'application/pdf', base64: PDF.toString('base64') } };
    const imported = await client(p.url, p.adminToken).req('PUT', '/api/v1/admin/e-licences', [
      { ...licence, id: 'L-HOURS-OLD', number: 'J3611-2020-1', validFrom: '2020-01-01', validUntil: '2027-03-01' },
      { ...licence, id: 'L-HOURS-NEW', number: 'J3611-2027-1', validFrom: '2027-03-02', validUntil: null },
    ]);
    expect(imported.status).toBe(200);
    const station = (await p.store.getDocument('station_config', B)) as Record<string, unknown>;
    expect((await client(p.url, p.adminToken).req('PUT', '/api/v1/admin/documents/station_config', [{ ...station, timeZone: 'Asia/Urumqi', updatedAt: new Date().toISOString() }])).status).toBe(200);
  }, 240_000);
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  const offered = async (c: Client = a) => {
    const r = await c.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: holder, types: ['JHZ'], consent: { given: true, at: new Date(clockMs).toISOString(), channel: 'kiosk' } });
    expect(r.status).toBe(200);
    return licenceLookupResponse.parse(r.json).licences.map((l) => l.id);
  };

  it('offers the licence of the station day at every hour of two UTC days and at the midnight edges', async () => {
    const instants: number[] = [];
    for (const day of ['2027-02-28', '2027-03-01', '2027-03-02']) {
      for (let h = 0; h < 24; h++) instants.push(Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 37 + 11) % 60) * 60_000 + ((h * 53) % 60) * 1000);
      for (const edge of ['00:00:00.000', '10:00:00.000', '11:59:59.999', '15:59:59.999', '16:00:00.000', '23:59:59.999']) instants.push(Date.parse(`${day}T${edge}Z`));
    }
    for (const t of instants.sort((x, y) => x - y)) {
      clockMs = t;
      expect(await offered(a), `${new Date(t).toISOString()} Shanghai`).toEqual([dayAt(t, 8) <= '2027-03-01' ? 'L-HOURS-OLD' : 'L-HOURS-NEW']);
      expect(await offered(b), `${new Date(t).toISOString()} Urumqi`).toEqual([dayAt(t, 6) <= '2027-03-01' ? 'L-HOURS-OLD' : 'L-HOURS-NEW']);
    }
    clockMs = Date.parse('2027-03-01T15:59:59.999Z');
    expect(await offered()).toEqual(['L-HOURS-OLD']);
    clockMs = Date.parse('2027-03-01T16:00:00.000Z');
    expect(await offered()).toEqual(['L-HOURS-NEW']);
    // 22:00 on 03-01 in Urumqi: still the old one there, until 18:00 UTC.
    expect(await offered(b)).toEqual(['L-HOURS-OLD']);
    clockMs = Date.parse('2027-03-01T17:59:59.999Z');
    expect(await offered(b)).toEqual(['L-HOURS-OLD']);
    clockMs = Date.parse('2027-03-01T18:00:00.000Z');
    expect(await offered(b)).toEqual(['L-HOURS-NEW']);
  });
});
