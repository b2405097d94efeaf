/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// 电子证照 on the reference platform: the library, lookups with consent, files, imports, the adapter
// seam (a malformed service answer is refused) and 用证率. On PGlite and PostgreSQL.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { licenceLookupResponse, MAX_LICENCE_FILE_BYTES, type LicenceRecord } from '../../protocol/e-licences';
import { exampleApplication, exampleFormData, uuidv7 } from '../../protocol/index';
import { applicantLookupHash, provinceLookupSalt } from '../id-hash';
import { startPlatform, type Platform } from '../platform';
import { backends, client, enroll, type Client } from '../test/helpers';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy';
import { startStationHub, type StationHub } from '../hub/hub';
import type { LicenceService } from './adapter';
import { DEMO_LICENCES } from './demo';

const A = '360121201';
const WANG_ID = '360102199003071236';
const consent = () => ({ given: true, at: new Date().toISOString(), channel: 'kiosk' as const });
const PDF = Buffer.from('%PDF-1.4\n% test licence\n%%EOF\n');

describe.each(backends())('e-licences ($name)', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let a: Client;
  let b: Client;
  let admin: Client;
  let wang: string;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true });
    a = await enroll(p, A);
    b = await enroll(p, A);
    admin = client(p.url, p.adminToken);
    wang = applicantLookupHash(provinceLookupSalt(await p.store.idHashKey()), WANG_ID);
  }, 240_000);
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  const lookup = (c: Client, types: unknown, extra: Record<string, unknown> = {}) => c.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: wang, types, consent: consent(), ...extra });

  it('finds the demo resident’s valid 户口簿 and 残疾人证, masks the numbers, records the consent', async () => {
    const r = await lookup(a, ['HKB', 'CJRZ', 'JHZ']);
    expect(r.status).toBe(200);
    const body = licenceLookupResponse.parse(r.json);
    expect(body.licences.map((l) => l.typeCode).sort()).toEqual(['CJRZ', 'HKB', 'JHZ']);
    expect(body.missing).toEqual([]);
    const hkb = body.licences.find((l) => l.typeCode === 'HKB')!;
    expect(hkb).toMatchObject({ id: 'L-DEMO-HKB-1', typeName: '户口簿', numberMasked: '36********34', validUntil: null });
    expect(r.text).not.toContain('360121001234');
    expect(r.text).not.toContain(WANG_ID);
    const rows = await p.store.db.query<any>('SELECT terminal_id, station_id, holder_id_hash, types, channel, found FROM e_licence_consents WHERE id = $1', [body.consentId]);
    expect(rows[0]).toMatchObject({ terminal_id: a.terminalId, station_id: A, holder_id_hash: wang, channel: 'kiosk', found: 3 });
    expect([...rows[0].types].sort()).toEqual(['CJRZ', 'HKB', 'JHZ']);
  });

  it('offers only a valid licence: the expired 社保卡 is skipped for the current one; an unknown holder has none', async () => {
    const r = await lookup(a, ['SBK']);
    expect(r.json.licences.map((l: any) => l.id)).toEqual(['L-DEMO-SBK-1']);
    const none = await a.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: 'a'.repeat(64), types: ['HKB'], consent: consent() });
    expect(none.json).toMatchObject({ licences: [], missing: ['HKB'] });
  });

  it('refuses unknown types, a missing consent and garbage with clear English errors, and records nothing then', async () => {
    const before = Number((await p.store.db.query<any>('SELECT count(*) AS n FROM e_licence_consents'))[0].n);
    const unknown = await lookup(a, ['HKB', 'DRIVING']);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe('unknown licence type "DRIVING"');
    expect(unknown.json.error.details).toEqual([{ path: 'types.1', message: 'unknown licence type' }]);
    const noConsent = await a.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: wang, types: ['HKB'], consent: { ...consent(), given: false } });
    expect(noConsent.status).toBe(400);
    expect(JSON.stringify(noConsent.json.error.details)).toContain('consent.given');
    for (const garbage of ['not json', '[]', '{"holderIdHash":"x","types":["HKB"],"consent":{}}', JSON.stringify({ holderIdHash: wang, types: [], consent: consent() }), JSON.stringify({ holderIdHash: wang, types: Array(50).fill('HKB'), consent: consent() })]) {
      const r = await a.req('POST', '/api/v1/e-licences/lookup', garbage, { 'content-type': 'application/json' });
      expect(r.status, garbage).toBe(400);
      expect(r.json.error.code).toBe('VALIDATION_FAILED');
    }
    const huge = await a.req('POST', '/api/v1/e-licences/lookup', JSON.stringify({ holderIdHash: wang, types: ['HKB'], consent: consent(), pad: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect(Number((await p.store.db.query<any>('SELECT count(*) AS n FROM e_licence_consents'))[0].n)).toBe(before);
    expect((await admin.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: wang, types: ['HKB'], consent: consent() })).status).toBe(403);
    expect((await client(p.url, 'not-a-token-at-all').req('POST', '/api/v1/e-licences/lookup', {})).status).toBe(401);
  });

  it('hands out a file only after this terminal’s consent for that holder and type; the file becomes the station’s attachment', async () => {
    expect((await b.req('GET', '/api/v1/e-licences/L-DEMO-BDCQZS-1/file')).status).toBe(403);
    await lookup(b, ['BDCQZS']);
    const res = await fetch(`${p.url}/api/v1/e-licences/L-DEMO-BDCQZS-1/file`, { headers: { authorization: `Bearer ${b.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(res.headers.get('x-licence-sha256')).toBe(sha);
    // The application can reference it without an upload: HEAD says complete for this station's terminals.
    const head = await a.req('HEAD', `/api/v1/attachments/${sha}`);
    expect(head.status).toBe(200);
    expect(head.headers.get('x-attachment-complete')).toBe('true');
    // Consent for 不动产权证书 does not open the 营业执照.
    expect((await b.req('GET', '/api/v1/e-licences/L-DEMO-YYZZ-1/file')).status).toBe(403);
    expect((await b.req('GET', '/api/v1/e-licences/L-NOPE/file')).status).toBe(404);
    const bad = await b.req('GET', '/api/v1/e-licences/%3Cscript%3E/file');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('licence id');
  });

  it('imports licences (ID number hashed, never stored) and refuses malformed data and huge files, importing nothing', async () => {
    const good = { id: 'L-TEST-1', typeCode: 'JHZ', holderIdNumber: '361122195208150024', number: 'J3611-2020-1', issuer: '广丰区民政局', validFrom: '2020-01-01', validUntil: null, file: { mimeType: 'application/pdf', base64: PDF.toString('base64') } };
    const ok = await admin.req('PUT', '/api/v1/admin/e-licences', [good]);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ imported: 1, ids: ['L-TEST-1'] });
    // (A 居民身份证 licence's number is the ID number itself, as on the card; other licences never carry it.)
    const dump = JSON.stringify(await p.store.db.query("SELECT * FROM e_licences WHERE id = 'L-TEST-1'", []), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(dump).not.toContain('361122195208150024');
    const cases: [unknown, number, string][] = [
      [[{ ...good, id: 'L-TEST-2', typeCode: 'PASSPORT' }], 400, 'licence #0: unknown licence type "PASSPORT"'],
      [[{ ...good, id: 'L-TEST-2', holderIdNumber: '12345' }], 400, 'holderIdNumber'],
      [[{ ...good, id: 'L-TEST-2', validFrom: '2020-13-45' }], 400, 'validFrom'],
      [[{ ...good, id: 'L-TEST-2', validUntil: '2019-01-01' }], 400, 'validUntil is before validFrom'],
      [[{ ...good, id: 'L-TEST-2', file: { mimeType: 'image/png', base64: PDF.toString('base64') } }], 400, 'not a image/png file'],
      [[{ ...good, id: 'L-TEST-2', file: { mimeType: 'application/pdf', base64: '%%%not base64%%%' } }], 400, 'file.base64'],
      [[{ ...good, id: 'L-TEST-2', file: { mimeType: 'application/x-msdownload', base64: PDF.toString('base64') } }], 400, 'file.mimeType'],
      [[good, { ...good, id: 'L-TEST-2', file: { mimeType: 'application/pdf', base64: Buffer.concat([PDF, Buffer.alloc(MAX_LICENCE_FILE_BYTES)]).toString('base64') } }], 413, `licence #1: the licence file exceeds ${MAX_LICENCE_FILE_BYTES} bytes`],
      [{ not: 'an array' }, 400, 'expected an array of licences'],
    ];
    for (const [body, status, message] of cases) {
      const r = await admin.req('PUT', '/api/v1/admin/e-licences', body);
      expect(r.status, message).toBe(status);
      expect(`${r.json.error.message} ${JSON.stringify(r.json.error.details ?? [])}`).toContain(message);
    }
    expect((await p.store.db.query('SELECT id FROM e_licences WHERE id = $1', ['L-TEST-2'])).length).toBe(0);
    expect((await a.req('PUT', '/api/v1/admin/e-licences', [good])).status).toBe(403);
  });

  it('counts 用证率 per station and service from the filed applications', async () => {
    // MZ06 asks for 2 materials; this application satisfies one by an e-licence.
    const at = new Date().toISOString();
    const app1 = exampleApplication({
      stationId: A,
      status: 'submitted',
      formData: exampleFormData(),
      statusHistory: [{ status: 'draft', at, by: 'terminal' }, { status: 'submitted', at, by: 'terminal' }],
      submittedAt: at,
      materials: [{ code: 'MZ06-M01', name: '户口簿', provided: true, origin: 'e_license', attachments: [{ sha256: DEMO_SHA(), size: 10, mimeType: 'application/pdf' }], licence: { id: 'L-DEMO-HKB-1', typeCode: 'HKB' } }],
    });
    const app2 = exampleApplication({ ...app1, id: uuidv7(), materials: [] });
    const r = await a.push('applications', [{ newDocumentState: app1 }, { newDocumentState: app2 }]);
    expect(r.rejections).toEqual([]);
    const { licenceUsage } = await import('./usage');
    const u = await licenceUsage(p.store.db, { from: null, to: null });
    const row = u.rows.find((x) => x.stationId === A && x.serviceItemCode === 'MZ06')!;
    expect(row).toMatchObject({ applications: 2, materials: 4, byLicence: 1, rate: 0.25, stationName: '南新乡便民服务中心' });
    expect(u.byStation.find((s) => s.stationId === A)).toMatchObject({ byLicence: 1 });
    const future = await licenceUsage(p.store.db, { from: '2099-01-01T00:00:00Z', to: null });
    expect(future.total).toEqual({ applications: 0, materials: 0, byLicence: 0, rate: 0 });
  });
});

const DEMO_SHA = () => 'b'.repeat(64);

describe('e-licences behind an adapter that answers garbage', () => {
  let p: Platform;
  let a: Client;
  let answer: unknown[] = [];
  let file: { record: unknown; bytes: Uint8Array } | null = null;
  const service: LicenceService = {
    kind: 'test-adapter',
    lookup: async () => answer,
    file: async () => file,
  };
  const HASH = 'c'.repeat(64);
  const record = (o: Partial<LicenceRecord> = {}): LicenceRecord => ({
    id: 'X-1',
    typeCode: 'HKB',
    holderIdHash: HASH,
    number: 'H123456',
    issuer: '某派出所',
    validFrom: '2020-01-01',
    validUntil: null,
    file: { sha256: createHash('sha256').update(PDF).digest('hex'), size: PDF.length, mimeType: 'application/pdf' },
    ...o,
  });
  beforeAll(async () => {
    p = await startPlatform({ licences: service });
    a = await enroll(p, A);
  }, 240_000);
  afterAll(() => p?.close());
  const ask = () => a.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: HASH, types: ['HKB'], consent: consent() });

  it('passes a well-formed answer and refuses malformed ones with 502 naming the problem', async () => {
    answer = [record()];
    expect((await ask()).json.licences[0]).toMatchObject({ id: 'X-1', numberMasked: 'H1***56' });
    const bad: [unknown[], string][] = [
      [[{ id: 'X-1' }], 'the licence service returned a malformed licence'],
      [[record({ holderIdHash: 'd'.repeat(64) })], 'of another holder'],
      [[record({ typeCode: 'JHZ' })], 'which was not asked for'],
      [[record({ validFrom: 'yesterday' })], 'validFrom'],
      [['<html>oops</html>'], 'malformed licence'],
    ];
    for (const [a2, msg] of bad) {
      answer = a2;
      const r = await ask();
      expect(r.status).toBe(502);
      expect(r.json.error.message).toContain(msg);
    }
    answer = 'not a list' as unknown as unknown[];
    expect((await ask()).json.error.message).toBe('the licence service did not answer a list of licences');
  });

  it('refuses a file that does not match its record or is too large', async () => {
    answer = [record()];
    await ask();
    file = { record: record(), bytes: PDF };
    expect((await a.req('GET', '/api/v1/e-licences/X-1/file')).status).toBe(200);
    file = { record: record(), bytes: Buffer.concat([PDF, Buffer.from('x')]) };
    let r = await a.req('GET', '/api/v1/e-licences/X-1/file');
    expect(r.status).toBe(502);
    expect(r.json.error.message).toBe('the licence file of X-1 does not match its record (size or SHA-256)');
    file = { record: record(), bytes: Buffer.alloc(MAX_LICENCE_FILE_BYTES + 1, 0x25) };
    r = await a.req('GET', '/api/v1/e-licences/X-1/file');
    expect(r.json.error.message).toBe(`the licence file of X-1 exceeds ${MAX_LICENCE_FILE_BYTES} bytes`);
    // The import endpoint belongs to the library only.
    expect((await client(p.url, p.adminToken).req('PUT', '/api/v1/admin/e-licences', [])).status).toBe(403);
  });

  it('the demo data covers every licence type', () => {
    expect(new Set(DEMO_LICENCES.map((d) => d.type)).size).toBe(8);
  });
});

describe('e-licences through a station hub (relayed to the province)', () => {
  let province: Platform;
  let proxy: FaultProxy;
  let hub: StationHub;
  let term: Client;
  let wang: string;

  beforeAll(async () => {
    province = await startPlatform({ seedDemo: true });
    const u = new URL(province.url);
    proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
    hub = await startStationHub({ upstream: proxy.url, enrollCode: await province.createEnrollCode(A), intervalMs: 200, timeoutMs: 3_000 });
    term = await enroll({ url: hub.url, createEnrollCode: () => hub.createEnrollCode() }, A);
    wang = applicantLookupHash(provinceLookupSalt(await province.store.idHashKey()), WANG_ID);
  }, 240_000);
  afterAll(async () => {
    await hub?.close();
    await proxy?.close();
    await province?.close();
  });

  it('answers the hall’s lookup from the province, records the consent at both, and relays the checked file', async () => {
    const r = await term.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: wang, types: ['HKB', 'CJRZ'], consent: consent() });
    expect(r.status, r.text).toBe(200);
    expect(r.json.licences.map((l: any) => l.id).sort()).toEqual(['L-DEMO-CJRZ-1', 'L-DEMO-HKB-1']);
    const atHub = await hub.store.db.query<any>('SELECT terminal_id, found FROM e_licence_consents');
    expect(atHub).toEqual([{ terminal_id: term.terminalId, found: 2 }]);
    const atProvince = await province.store.db.query<any>('SELECT terminal_id, channel FROM e_licence_consents');
    expect(atProvince).toEqual([{ terminal_id: hub.terminalId, channel: 'kiosk' }]);
    const res = await fetch(`${hub.url}/api/v1/e-licences/L-DEMO-HKB-1/file`, { headers: { authorization: `Bearer ${term.token}` } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(sha).toBe(r.json.licences.find((l: any) => l.id === 'L-DEMO-HKB-1').file.sha256);
    // The hub holds it for the hall (no upload from the terminal), and so does the province for the station.
    expect(await hub.store.attachmentStatus(sha)).toMatchObject({ complete: true });
    expect(await province.store.attachmentStatus(sha)).toMatchObject({ complete: true });
    // A licence this terminal was not answered is refused.
    expect((await term.req('GET', '/api/v1/e-licences/L-DEMO-YYZZ-1/file')).status).toBe(403);
  });

  it('says the lookup has to wait (503) while the province is unreachable, so the terminal queues it', async () => {
    proxy.set({ kind: 'drop' });
    try {
      const r = await term.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: wang, types: ['SBK'], consent: consent() });
      expect(r.status).toBe(503);
      expect(r.json.error.message).toContain('unreachable from this station hub');
      const f = await term.req('GET', '/api/v1/e-licences/L-DEMO-CJRZ-1/file');
      expect(f.status).toBe(503);
    } finally {
      proxy.set({ kind: 'pass' });
    }
    const unknown = await term.req('POST', '/api/v1/e-licences/lookup', { holderIdHash: wang, types: ['NOPE'], consent: consent() });
    expect(unknown.status).toBe(400);
  });
});
