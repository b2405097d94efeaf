/* eslint-disable @typescript-eslint/no-explicit-any -- reads loosely-typed JSON answers */
// 通办 on a real platform (PGlite and PostgreSQL): the division registry of migration 021 and the
// demo catalog agree; a 跨省通办 application pushed by a terminal is routed once to its division
// through the exchange adapter; officers of that division (and only they) decide it in the back
// office and the decision reaches the terminal by pull; bad input (unknown region codes, a division
// that does not accept the item, hostile values) is refused per document with a clear reason while
// the rest of the batch is stored; a failing exchange keeps the route and a retry hands it over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, pushResponse, type ApplicationDoc, type ApplicationTongban, type ServiceItemDoc } from '../protocol/index';
import { startPlatform, type Platform } from './platform';
import { backends, enroll, type Client } from './test/helpers';
import { demoCatalog, demoFormSamples } from './seed/catalog';
import { DEMO_DIVISIONS } from './seed/tongban';
import { coversDivision, divisionPrefix, officerMayDecide, officerMayView, type TongbanExchange } from './tongban';

const STATION = '360121201';
const PASSWORD = 'correct-horse-7';
const now = () => new Date().toISOString();
const RS08_DATA = demoFormSamples().find((s) => s.form.formId === 'RS08')!.data;
const MZ06_DATA = demoFormSamples().find((s) => s.form.formId === 'MZ06')!.data;
const NANSHAN: ApplicationTongban = { scope: 'cross_province', divisionCode: '440305', divisionName: '广东省深圳市南山区' };

const submitted = (overrides: Partial<ApplicationDoc> = {}): ApplicationDoc =>
  exampleApplication({
    stationId: STATION,
    serviceItemCode: 'RS08',
    formId: 'RS08',
    formData: RS08_DATA,
    channel: 'kiosk',
    status: 'submitted',
    statusHistory: [
      { status: 'draft', at: now(), by: 'terminal' },
      { status: 'submitted', at: now(), by: 'terminal' },
    ],
    submittedAt: now(),
    tongban: NANSHAN,
    ...overrides,
  });

function officerClient(p: Platform) {
  let jar = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(p.url + path, {
      method,
      headers: { ...(jar ? { cookie: jar } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) jar = set.split(';')[0]!;
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json };
  };
  return { call, signIn: (login: string) => call('POST', '/api/v1/backoffice/session', { login, password: PASSWORD }) };
}

const addOfficer = (p: Platform, body: Record<string, unknown>) =>
  fetch(`${p.url}/api/v1/admin/officers`, { method: 'POST', headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD, ...body }) });

describe('division scopes (pure)', () => {
  it('covers by prefix: a province or prefecture code covers its counties and stations', () => {
    expect(divisionPrefix('440000')).toBe('44');
    expect(divisionPrefix('440300')).toBe('4403');
    expect(divisionPrefix('440305')).toBe('440305');
    expect(coversDivision(['440300'], '440305')).toBe(true);
    expect(coversDivision(['440305'], '440306')).toBe(false);
    expect(coversDivision(['360121'], '360121201')).toBe(true);
    expect(coversDivision([], '360121')).toBe(false);
  });
  it('a routed application is decided only by officers of its division; its station follows it', () => {
    const routed = { tongban: NANSHAN };
    expect(officerMayDecide(['440305'], routed, '360121201')).toBe(true);
    expect(officerMayDecide([], routed, '360121201')).toBe(false);
    expect(officerMayDecide(['360121'], routed, '360121201')).toBe(false);
    expect(officerMayView(['360121'], routed, '360121201')).toBe(true);
    expect(officerMayView(['330106'], routed, '360121201')).toBe(false);
    expect(officerMayDecide([], {}, '360121201')).toBe(true);
    expect(officerMayDecide(['440305'], {}, '360121201')).toBe(false);
    expect(officerMayView(['440305'], {}, '360121201')).toBe(false);
  });
});

describe('demo catalog', () => {
  it('marks 高频事项 跨省通办 consistently: crossProvince, scope and divisions from the registry', () => {
    const { items } = demoCatalog();
    const cross = items.filter((i) => i.tongban?.scope === 'cross_province');
    expect(cross.map((i) => i.code)).toEqual(expect.arrayContaining(['RS08', 'RS03', 'YB06', 'WJ01', 'CL05', 'TY01']));
    for (const i of items as ServiceItemDoc[]) {
      expect(i.crossProvince, i.code).toBe(i.tongban?.scope === 'cross_province');
      for (const d of i.tongban?.divisions ?? []) {
        const row = DEMO_DIVISIONS.find((r) => r.code === d.code);
        expect(row?.level, `${i.code} ${d.code}`).toBe('county');
        expect(d.name).toBe(row!.fullName);
      }
      if (i.tongban?.scope === 'province') expect(i.tongban.divisions.every((d) => d.code.startsWith('36'))).toBe(true);
    }
    expect(items.find((i) => i.code === 'NY01')?.tongban).toBeUndefined();
  });
});

for (const backend of backends()) {
  describe(`通办 on the platform (${backend.name})`, () => {
    let p: Platform;
    let cleanup: () => Promise<void>;
    let t: Client;
    const stored = (id: string) => p.store.getDocument('applications', id) as Promise<ApplicationDoc | null>;
    const push = async (docs: (ApplicationDoc | Record<string, unknown>)[]) => {
      const r = await t.push('applications', docs.map((d) => ('newDocumentState' in d ? d : { newDocumentState: d })));
      expect(pushResponse.safeParse(r).success).toBe(true);
      return r;
    };

    beforeAll(async () => {
      const b = await backend.setup();
      cleanup = b.cleanup;
      p = await startPlatform({ ...b.options, seedDemo: true });
      t = await enroll(p, STATION);
      for (const o of [
        { id: 'sz-officer', name: '南山区受理审批员', roles: ['acceptor', 'approver'], divisions: ['440305'] },
        { id: 'gd-officer', name: '广东省审批员', roles: ['approver'], divisions: ['440000'] },
        { id: 'nc-officer', name: '南昌县受理员', roles: ['acceptor'], divisions: ['360121'] },
        { id: 'hz-officer', name: '西湖区受理员', roles: ['acceptor'], divisions: ['330106'] },
        { id: 'jx-acceptor', name: '省平台受理员', roles: ['acceptor', 'approver'] },
      ]) {
        expect((await addOfficer(p, o)).status).toBe(200);
      }
    });
    afterAll(async () => {
      await p?.close();
      await cleanup?.();
    });

    it('loads the division registry of migration 021, equal to the seed module', async () => {
      const rows = await p.store.db.query<{ code: string; name: string; full_name: string; level: string }>('SELECT code, name, full_name, level FROM divisions ORDER BY code');
      expect(rows.map((r) => ({ code: r.code, name: r.name, fullName: r.full_name, level: r.level }))).toEqual([...DEMO_DIVISIONS].sort((a, b) => a.code.localeCompare(b.code)));
    });

    it('routes a 跨省通办 submission once to its division; officers of that division decide; the status flows back by pull', async () => {
      const doc = submitted();
      expect(await push([doc])).toMatchObject({ written: 1, rejections: [] });
      expect((await stored(doc.id))?.status).toBe('synced');
      expect((await stored(doc.id))?.tongban).toEqual(NANSHAN);
      const route = await p.store.tongban.get(doc.id);
      expect(route).toMatchObject({ divisionCode: '440305', divisionName: '广东省深圳市南山区', scope: 'cross_province', exchange: 'platform', state: 'dispatched', attempts: 1 });
      // A replay does not route it again.
      expect(await push([doc])).toMatchObject({ written: 0, rejections: [] });
      expect((await p.store.tongban.get(doc.id))?.attempts).toBe(1);

      // A local application of the same station, to compare what each officer sees.
      const local = submitted({ serviceItemCode: 'MZ06', formId: 'MZ06', formData: MZ06_DATA, tongban: undefined });
      delete (local as Partial<ApplicationDoc>).tongban;
      expect(await push([local])).toMatchObject({ written: 1, rejections: [] });

      const sz = officerClient(p);
      expect((await sz.signIn('sz-officer')).json.officer.divisions).toEqual(['440305']);
      const list = await sz.call('GET', '/api/v1/backoffice/applications?limit=100');
      expect(list.status).toBe(200);
      expect(list.json.rows.map((r: any) => r.id)).toEqual([doc.id]);
      expect(list.json.rows[0].tongban).toEqual(NANSHAN);
      const view = await sz.call('GET', `/api/v1/backoffice/applications/${doc.id}`);
      expect(view.json.tongban).toMatchObject({ divisionCode: '440305', handlingDivision: '440305', mayDecide: true, route: { state: 'dispatched' } });
      expect(view.json.actions).toEqual(expect.arrayContaining(['accept', 'not_accept']));
      expect((await sz.call('GET', `/api/v1/backoffice/applications/${local.id}`)).status).toBe(403);

      // The province's own officers and the filing county's officers follow it, but do not decide it.
      const jx = officerClient(p);
      await jx.signIn('jx-acceptor');
      const jxView = await jx.call('GET', `/api/v1/backoffice/applications/${doc.id}`);
      expect(jxView.json.actions).toEqual([]);
      expect(jxView.json.tongban.mayDecide).toBe(false);
      const refused = await jx.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/accept`, { opinion: '受理' });
      expect(refused.status).toBe(403);
      expect(refused.json.error.message).toMatch(/440305/);
      const nc = officerClient(p);
      await nc.signIn('nc-officer');
      expect((await nc.call('GET', '/api/v1/backoffice/applications?tongban=routed')).json.rows.map((r: any) => r.id)).toEqual([doc.id]);
      expect((await nc.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/accept`, { opinion: '受理' })).status).toBe(403);
      const hz = officerClient(p);
      await hz.signIn('hz-officer');
      expect((await hz.call('GET', '/api/v1/backoffice/applications')).json.rows).toEqual([]);
      expect((await hz.call('GET', `/api/v1/backoffice/applications/${doc.id}`)).status).toBe(403);

      // 南山区 accepts and approves; 广东省 (a province code covers its counties) completes.
      expect((await sz.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/accept`, { opinion: '材料齐全，予以受理' })).status).toBe(200);
      expect((await sz.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/approve`, { opinion: '符合条件，准予办理' })).status).toBe(200);
      const gd = officerClient(p);
      await gd.signIn('gd-officer');
      expect((await gd.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/complete`, { opinion: '已办结，社保卡邮寄到户' })).status).toBe(200);

      const pulled = (await t.pull('applications', 0, 500)).documents.find((d: ApplicationDoc) => d.id === doc.id) as ApplicationDoc;
      expect(pulled.status).toBe('completed');
      expect(pulled.decision).toMatchObject({ outcome: 'approved', decidedBy: 'sz-officer' });
      expect(pulled.statusHistory.filter((h) => h.by === 'platform').map((h) => [h.status, h.actor ?? null])).toEqual([
        ['synced', null],
        ['accepted', 'sz-officer'],
        ['approved', 'sz-officer'],
        ['completed', 'gd-officer'],
      ]);
    });

    it('refuses bad 通办 choices per document with a clear reason, storing the rest of the batch', async () => {
      const good = submitted();
      const cases: [string, ApplicationDoc, RegExp, string][] = [
        ['unknown region code', submitted({ tongban: { ...NANSHAN, divisionCode: '440399' } }), /unknown administrative division code 440399/, 'UNKNOWN_DIVISION'],
        ['division not accepting', submitted({ serviceItemCode: 'MZ06', formId: 'MZ06', formData: MZ06_DATA, tongban: NANSHAN }), /does not accept the service item MZ06/, 'DIVISION_NOT_LISTED'],
        ['local-only item', submitted({ serviceItemCode: 'NY01', formId: 'NY01', formData: demoFormSamples().find((s) => s.form.formId === 'NY01')!.data, tongban: NANSHAN }), /not offered for cross-region/, 'NOT_TONGBAN'],
        ['own county', submitted({ tongban: { scope: 'province', divisionCode: '360121', divisionName: '江西省南昌市南昌县' } }), /station's own county/, 'OWN_COUNTY'],
        ['scope mismatch', submitted({ tongban: { ...NANSHAN, scope: 'province' } }), /tongban.scope is province/, 'SCOPE_MISMATCH'],
        ['registered, not listed', submitted({ tongban: { scope: 'cross_province', divisionCode: '440300', divisionName: '深圳市' } }), /does not accept the service item RS08/, 'DIVISION_NOT_LISTED'],
      ];
      const r = await push([...cases.map(([, d]) => d), good]);
      expect(r.written).toBe(1);
      expect(r.rejections.map((x) => x.code)).toEqual(cases.map(() => 'TONGBAN_INVALID'));
      cases.forEach(([what, d, re, reason], i) => {
        expect(r.rejections[i]!.message, what).toMatch(re);
        // the words are the terminal's (renderer/i18n/refusal.test.ts): the reason's code and its division travel
        expect(r.rejections[i]!.params, what).toEqual({ reason, divisionCode: d.tongban!.divisionCode });
        expect(r.rejections[i]!.userMessage, what).toBeUndefined();
      });
      expect((await stored(good.id))?.status).toBe('synced');
      for (const [, d] of cases) {
        expect(await stored(d.id)).toBeNull();
        expect(await p.store.tongban.get(d.id)).toBeNull();
      }
      // A province-only item to another county of the province is fine (省内通办).
      const inProvince = submitted({ serviceItemCode: 'MZ06', formId: 'MZ06', formData: MZ06_DATA, tongban: { scope: 'province', divisionCode: '360702', divisionName: '江西省赣州市章贡区' } });
      expect(await push([inProvince])).toMatchObject({ written: 1, rejections: [] });
      expect(await p.store.tongban.get(inProvince.id)).toMatchObject({ scope: 'province', divisionCode: '360702', state: 'dispatched' });
    });

    it('refuses hostile values by the schema (nothing stored, nothing routed)', async () => {
      const hostile: Record<string, unknown>[] = [
        { ...submitted(), tongban: { ...NANSHAN, divisionCode: "440305' OR 1=1 --" } },
        { ...submitted(), tongban: { ...NANSHAN, divisionCode: '４４０３０５' } },
        { ...submitted(), tongban: { ...NANSHAN, divisionName: '南'.repeat(61) } },
        { ...submitted(), tongban: { ...NANSHAN, scope: 'nationwide' } },
        { ...submitted(), tongban: { ...NANSHAN, __proto__: { x: 1 }, extra: '<script>alert(1)</script>' } },
        { ...submitted(), tongban: 'NANSHAN' },
        { ...submitted(), tongban: null },
      ];
      const r = await push(hostile);
      expect(r.written).toBe(0);
      expect(r.rejections.map((x) => x.code)).toEqual(hostile.map(() => 'INVALID_DOCUMENT'));
      for (const x of r.rejections) expect(x.message).toMatch(/tongban/);
      const routes = await p.store.db.query<{ n: string | number }>('SELECT count(*) AS n FROM tongban_routes WHERE application_id = ANY($1::text[])', [hostile.map((h) => h.id as string)]);
      expect(Number(routes[0]!.n)).toBe(0);
    });

    it('keeps the division once submitted: a resubmission may not move it', async () => {
      const doc = submitted();
      await push([doc]);
      const s = officerClient(p);
      await s.signIn('sz-officer');
      await s.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/accept`, { opinion: '受理' });
      const supplement = await s.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/supplement`, { opinion: '请补正', reasons: ['照片不清晰'] });
      expect(supplement.status).toBe(200);
      const cur = (await stored(doc.id))!;
      const moved = { ...cur, tongban: { scope: 'cross_province', divisionCode: '330106', divisionName: '浙江省杭州市西湖区' }, status: 'resubmitted', statusHistory: [...cur.statusHistory, { status: 'resubmitted', at: now(), by: 'terminal' }] };
      const r = await push([{ assumedMasterState: cur, newDocumentState: moved }]);
      expect(r.rejections[0]).toMatchObject({ code: 'TONGBAN_INVALID', message: expect.stringMatching(/cannot change/) });
      const dropped = { ...moved } as Record<string, unknown>;
      delete dropped.tongban;
      expect((await push([{ assumedMasterState: cur, newDocumentState: dropped }])).rejections[0]?.code).toBe('TONGBAN_INVALID');
      const kept = { ...moved, tongban: NANSHAN };
      expect(await push([{ assumedMasterState: cur, newDocumentState: kept }])).toMatchObject({ written: 1, rejections: [] });
    });

    it('keeps a route the exchange refused and hands it over on retry', async () => {
      const failing: TongbanExchange = { name: 'national', dispatch: () => Promise.reject(new Error('exchange unreachable (test)')) };
      const errors: string[] = [];
      p.store.tongbanExchange = failing;
      const before = p.store.onTongbanError;
      p.store.onTongbanError = (_e, id) => errors.push(id);
      try {
        const doc = submitted();
        expect(await push([doc])).toMatchObject({ written: 1, rejections: [] });
        expect((await stored(doc.id))?.status).toBe('synced'); // the terminal's submission is not lost
        expect(await p.store.tongban.get(doc.id)).toMatchObject({ state: 'failed', exchange: 'national', lastError: 'exchange unreachable (test)' });
        expect(errors).toContain(doc.id);
        const calls: string[] = [];
        p.store.tongbanExchange = { name: 'national', dispatch: (r) => (calls.push(r.applicationId), Promise.resolve({ ref: `N-${r.applicationId.slice(0, 8)}` })) };
        expect(await p.store.tongban.retry()).toBe(0); // backoff: not again at once
        expect(await p.store.tongban.retry(0)).toBeGreaterThanOrEqual(1);
        expect(calls).toContain(doc.id);
        expect(await p.store.tongban.get(doc.id)).toMatchObject({ state: 'dispatched', exchange: 'national', exchangeRef: `N-${doc.id.slice(0, 8)}`, attempts: 2, lastError: null });
        expect(await p.store.tongban.retry(0)).toBe(0);
      } finally {
        p.store.tongbanExchange = { name: 'platform', dispatch: (r) => Promise.resolve({ ref: `platform:${r.divisionCode}:${r.applicationId}` }) };
        p.store.onTongbanError = before;
      }
    });

    it('officer divisions: unknown or malformed region codes are refused with the field named', async () => {
      const unknown = await addOfficer(p, { id: 'bad-officer', name: '测试', roles: ['acceptor'], divisions: ['440305', '440399'] });
      expect(unknown.status).toBe(400);
      const j = (await unknown.json()) as any;
      expect(j.error.message).toMatch(/unknown administrative division code 440399/);
      expect(j.error.details).toEqual([{ path: 'divisions.1', message: expect.stringMatching(/registry/) }]);
      for (const bad of [['4403'], ['<script>'], ['44030５'], Array.from({ length: 21 }, () => '440305'), 'x']) {
        const r = await addOfficer(p, { id: 'bad-officer', name: '测试', roles: ['acceptor'], divisions: bad });
        expect(r.status, JSON.stringify(bad)).toBe(400);
      }
      const admin = officerClient(p);
      expect((await addOfficer(p, { id: 'bo-admin', name: '管理员', roles: ['admin'] })).status).toBe(200);
      await admin.signIn('bo-admin');
      const meta = await admin.call('GET', '/api/v1/backoffice/meta');
      expect(meta.json.divisions.find((d: any) => d.code === '440305')).toEqual({ code: '440305', name: '南山区', fullName: '广东省深圳市南山区', level: 'county' });
      const changed = await admin.call('PATCH', '/api/v1/backoffice/officers/hz-officer', { divisions: ['330100', '350206'] });
      expect(changed.status).toBe(200);
      expect(changed.json.divisions).toEqual(['330100', '350206']);
      expect((await admin.call('PATCH', '/api/v1/backoffice/officers/hz-officer', { divisions: ['999999'] })).status).toBe(400);
      expect((await admin.call('GET', '/api/v1/backoffice/officers')).json.officers.find((o: any) => o.id === 'hz-officer').divisions).toEqual(['330100', '350206']);
    });
  });
}
