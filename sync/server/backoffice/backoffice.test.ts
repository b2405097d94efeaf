// The back office over real HTTP on PGlite and PostgreSQL: officer accounts (bootstrap with the admin
// token), sign-in with an httpOnly SameSite=Strict session cookie, lockout, role checks enforced by
// the server per action, 补正 with fields and materials of the application's own form, attachments
// served inline by type, the audit log with the officer's id, and garbage input.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, maskName, uuidv7, type ApplicationDoc } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { backends, enroll } from '../test/helpers';
import { hashPassword, LOCKOUT_FAILURES, verifyPassword } from './officers';

const PASSWORD = 'correct-horse-7';

/** A browser-like client: keeps the session cookie it is given. */
function officerClient(p: Platform) {
  let jar = '';
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(p.url + path, {
      method,
      headers: { ...(jar ? { cookie: jar } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const set = res.headers.get('set-cookie');
    if (set) jar = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    const text = await res.text();
    let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, headers: res.headers, text };
  };
  return {
    call,
    get cookie() {
      return jar;
    },
    set cookie(v: string) {
      jar = v;
    },
    signIn: (login: string, password = PASSWORD) => call('POST', '/api/v1/backoffice/session', { login, password }),
  };
}

const adminCall = (p: Platform, method: string, path: string, body: unknown, token = p.adminToken) =>
  fetch(p.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('password KDF', () => {
  it('scrypt with a salt: verifies the right password only, and refuses a malformed encoding', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword('correct-horse-8', a)).toBe(false);
    for (const bad of ['', 'scrypt$', 'bcrypt$15$8$1$a$b', 'scrypt$40$8$1$AAAA$AAAA', 'scrypt$x$8$1$AAAA$AAAA']) expect(await verifyPassword(PASSWORD, bad)).toBe(false);
  });
});

for (const backend of backends()) {
  describe(`back office (${backend.name})`, () => {
    let p: Platform;
    let cleanup: () => Promise<void>;
    let app: ApplicationDoc;
    const admin = () => officerClient(p);
    let adminC: ReturnType<typeof officerClient>;
    let acceptor: ReturnType<typeof officerClient>;
    let approver: ReturnType<typeof officerClient>;

    beforeAll(async () => {
      const b = await backend.setup();
      cleanup = b.cleanup;
      p = await startPlatform({ ...b.options, seedDemo: true });
      app = exampleApplication({
        status: 'synced',
        submittedAt: new Date().toISOString(),
        materials: [{ code: 'MZ06-M01', name: '户口簿', provided: true, origin: 'scan', attachments: [] }],
      });
      await p.store.upsertAsPlatform('applications', [app]);
    }, 120_000);
    afterAll(async () => {
      await p?.close();
      await cleanup?.();
    });

    it('the first 管理员 is created with the admin token (bootstrap); a terminal token or garbage is refused', async () => {
      const ok = await adminCall(p, 'POST', '/api/v1/admin/officers', { id: 'admin1', name: '管理员甲', roles: ['admin'], password: PASSWORD });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ id: 'admin1', roles: ['admin'], disabled: false });
      const terminal = await enroll(p, '360121201');
      expect((await adminCall(p, 'POST', '/api/v1/admin/officers', { id: 'admin2', name: 'x', roles: ['admin'], password: PASSWORD }, terminal.token)).status).toBe(403);
      for (const [body, path] of [
        [{ id: 'A', name: 'x', roles: ['admin'], password: PASSWORD }, 'id'],
        [{ id: 'admin3', name: 'x', roles: ['root'], password: PASSWORD }, 'roles.0'],
        [{ id: 'admin3', name: 'x', roles: [], password: PASSWORD }, 'roles'],
        [{ id: 'admin3', name: 'x', roles: ['admin'], password: 'short1' }, 'password'],
        [{ id: 'admin3', name: 'x', roles: ['admin'], password: 'nodigitsatall' }, 'password'],
        [{ id: 'admin3', name: 'x', roles: ['admin'], password: PASSWORD, extra: 1 }, '(root)'],
      ] as const) {
        const r = await adminCall(p, 'POST', '/api/v1/admin/officers', body);
        expect(r.status).toBe(400);
        const j = (await r.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } };
        expect(j.error.code).toBe('VALIDATION_FAILED');
        expect(j.error.details.map((d) => d.path)).toContain(path);
        expect(j.error.message).toMatch(/^[\x20-\x7e]+$/); // English, no echo of Chinese input
      }
      const dup = await adminCall(p, 'POST', '/api/v1/admin/officers', { id: 'admin1', name: '重复', roles: ['admin'], password: PASSWORD });
      expect(dup.status).toBe(409);
      expect((await p.store.db.query<{ password_hash: string }>("SELECT password_hash FROM officers WHERE id = 'admin1'"))[0]!.password_hash).not.toContain(PASSWORD);
    });

    it('sign-in sets an httpOnly SameSite=Strict cookie; sign-out ends the session', async () => {
      adminC = admin();
      const bad = await adminC.signIn('admin1', 'wrong-password-1');
      expect(bad.status).toBe(401);
      expect(bad.json.error.code).toBe('INVALID_CREDENTIALS');
      const r = await adminC.signIn('admin1');
      expect(r.status).toBe(200);
      expect(r.json.officer).toEqual({ id: 'admin1', name: '管理员甲', roles: ['admin'], divisions: [] });
      const cookie = r.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^bo_session=bos_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
      expect(JSON.stringify(r.json)).not.toContain('bos_'); // the token is never in a body
      expect((await adminC.call('GET', '/api/v1/backoffice/session')).json.officer.id).toBe('admin1');
      // the admin creates the case workers
      for (const [id, roles] of [['shouli', ['acceptor']], ['shenpi', ['approver']], ['temp', ['acceptor']]] as const) {
        const c = await adminC.call('POST', '/api/v1/backoffice/officers', { id, name: `${id}员`, roles, password: PASSWORD });
        expect(c.status, c.text).toBe(200);
      }
      const other = admin();
      await other.signIn('temp');
      expect((await other.call('GET', '/api/v1/backoffice/session')).json.officer.id).toBe('temp');
      const saved = other.cookie;
      expect((await other.call('DELETE', '/api/v1/backoffice/session')).status).toBe(200);
      other.cookie = saved; // a copied cookie is dead after sign-out
      expect((await other.call('GET', '/api/v1/backoffice/session')).json).toEqual({ officer: null });
      expect((await other.call('GET', '/api/v1/backoffice/applications')).status).toBe(401);
      // garbage cookies and no cookie: 401, English
      for (const c of ['', 'bo_session=', 'bo_session=bos_x', `bo_session=${'a'.repeat(5000)}`, 'bo_session=bos_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
        other.cookie = c;
        const s = await other.call('GET', '/api/v1/backoffice/applications');
        expect(s.status).toBe(401);
        expect(s.json.error.message).toMatch(/sign in/);
      }
    });

    it(`locks a login after ${LOCKOUT_FAILURES} failures (known or not), even for the right password; a reset clears it`, async () => {
      const c = admin();
      for (let i = 0; i < LOCKOUT_FAILURES; i++) expect((await c.signIn('temp', `wrong-${i}-password`)).status).toBe(401);
      const locked = await c.signIn('temp');
      expect(locked.status).toBe(429);
      expect(locked.json.error.code).toBe('TOO_MANY_ATTEMPTS');
      for (let i = 0; i < LOCKOUT_FAILURES; i++) expect((await c.signIn('nobody', `wrong-${i}-password`)).status).toBe(401);
      expect((await c.signIn('nobody')).status).toBe(429);
      // another login is not affected
      expect((await admin().signIn('shouli')).status).toBe(200);
      expect((await adminC.call('POST', '/api/v1/backoffice/officers/temp/password', { password: 'new-password-2' })).status).toBe(200);
      expect((await c.signIn('temp', 'new-password-2')).status).toBe(200);
      // garbage sign-in bodies: 400 / 415 with English messages
      for (const [body, ct, status] of [
        ['{"login":1,"password":2}', 'application/json', 400],
        ['{"login":"a"}', 'application/json', 400],
        [JSON.stringify({ login: 'a'.repeat(65), password: 'x' }), 'application/json', 400],
        [JSON.stringify({ login: 'a', password: 'x', admin: true }), 'application/json', 400],
        ['login=a&password=b', 'application/x-www-form-urlencoded', 415],
        ['{not json', 'application/json', 400],
      ] as const) {
        const r = await fetch(`${p.url}/api/v1/backoffice/session`, { method: 'POST', headers: { 'content-type': ct }, body });
        expect(r.status, body).toBe(status);
        expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/^[\x20-\x7e]+$/);
      }
    });

    it('role checks are the server’s: an acceptor cannot approve (403, nothing changes, recorded); the approver can', async () => {
      acceptor = admin();
      approver = admin();
      expect((await acceptor.signIn('shouli')).status).toBe(200);
      expect((await approver.signIn('shenpi')).status).toBe(200);
      const act = (c: typeof acceptor, action: string, body: unknown) => c.call('POST', `/api/v1/backoffice/applications/${app.id}/actions/${action}`, body);

      // the approver cannot 受理; the acceptor can, and only with an opinion
      expect((await act(approver, 'accept', { opinion: '材料齐全' })).status).toBe(403);
      const noOpinion = await act(acceptor, 'accept', {});
      expect(noOpinion.status).toBe(400);
      expect(noOpinion.json.error.details[0]).toMatchObject({ path: 'opinion' });
      const accepted = await act(acceptor, 'accept', { opinion: '材料齐全，予以受理' });
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.json.application.acceptanceNo).toMatch(/^360121201-\d{8}-0001$/);
      expect(accepted.json.application.statusHistory.at(-1)).toMatchObject({ status: 'accepted', actor: 'shouli', note: '材料齐全，予以受理' });
      // 不予受理 is for before acceptance only
      expect((await act(acceptor, 'not_accept', { opinion: '不属于本事项' })).status).toBe(409);

      const denied = await act(acceptor, 'approve', { opinion: '同意' });
      expect(denied.status).toBe(403);
      expect(denied.json.error).toMatchObject({ code: 'FORBIDDEN' });
      expect(denied.json.error.message).toContain('approver');
      expect(((await p.store.getDocument('applications', app.id)) as ApplicationDoc).status).toBe('accepted');
      // the officers list, terminals and the audit log are the 管理员's
      for (const path of ['/api/v1/backoffice/officers', '/api/v1/backoffice/audit', '/api/v1/backoffice/terminals']) expect((await acceptor.call('GET', path)).status).toBe(403);
      expect((await acceptor.call('POST', '/api/v1/backoffice/officers', { id: 'sneaky', name: 'x', roles: ['admin'], password: PASSWORD })).status).toBe(403);
      // and the 管理员 without a case role cannot decide
      expect((await act(adminC, 'approve', { opinion: '同意' })).status).toBe(403);

      const approved = await act(approver, 'approve', { opinion: '符合条件，同意' });
      expect(approved.status, approved.text).toBe(200);
      expect(approved.json.application.decision).toMatchObject({ outcome: 'approved', decidedBy: 'shenpi', reason: '符合条件，同意' });
      expect(approved.json.actions).toEqual(['complete']);

      const audit = (await adminC.call('GET', '/api/v1/backoffice/audit?limit=500')).json.records as { officerId: string | null; action: string; outcome: string; target: string }[];
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'shouli', action: 'approve', outcome: 'denied', target: app.id }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'shouli', action: 'accept', outcome: 'ok', target: app.id }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'shenpi', action: 'approve', outcome: 'ok', target: app.id }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'shouli', action: 'list_officers', outcome: 'denied' }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'admin1', action: 'create_officer', outcome: 'ok', target: 'shouli' }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: null, action: 'create_officer', outcome: 'ok', target: 'admin1' }));
      expect(JSON.stringify(audit)).not.toContain(PASSWORD);
      // filtered by officer
      const mine = (await adminC.call('GET', '/api/v1/backoffice/audit?officer=shenpi')).json.records as { officerId: string }[];
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r) => r.officerId === 'shenpi')).toBe(true);
    });

    it('补正 takes fields and materials of the application’s own form and material list only', async () => {
      const doc = exampleApplication({ status: 'synced', submittedAt: new Date().toISOString(), materials: [{ code: 'MZ06-M01', name: '户口簿', provided: true, origin: 'scan', attachments: [] }] });
      await p.store.upsertAsPlatform('applications', [doc]);
      const act = (action: string, body: unknown) => acceptor.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/${action}`, body);
      expect((await act('accept', { opinion: '受理' })).status).toBe(200);
      const view = await acceptor.call('GET', `/api/v1/backoffice/applications/${doc.id}`);
      expect(view.status).toBe(200);
      const fields = view.json.form.fields as { path: string; label: string }[];
      expect(fields).toContainEqual({ path: 'bankAccount', label: expect.any(String) });
      expect(view.json.actions).toEqual(expect.arrayContaining(['supplement']));
      expect(view.json.actions).not.toContain('approve');
      for (const [body, path] of [
        [{ opinion: '补正', reasons: ['x'], fields: ['noSuchField'] }, 'fields.0'],
        [{ opinion: '补正', reasons: ['x'], fields: ['bad path!'] }, 'fields.0'],
        [{ opinion: '补正', reasons: ['x'], materials: ['XX99-M01'] }, 'materials.0'],
        [{ opinion: '补正', fields: ['bankAccount'] }, 'reasons'],
        [{ opinion: '补正', reasons: [''] }, 'reasons.0'],
        [{ opinion: '补正', reasons: ['x'], dueDate: '2026-13-45' }, 'dueDate'],
      ] as const) {
        const r = await act('supplement', body);
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.json.error.details.map((d: { path: string }) => d.path)).toContain(path);
      }
      expect((await act('accept', { opinion: 'x', fields: ['bankAccount'] })).status).toBe(400);
      expect(((await p.store.getDocument('applications', doc.id)) as ApplicationDoc).status).toBe('accepted');
      const r = await act('supplement', { opinion: '请补正', reasons: ['银行账号有误'], fields: ['bankAccount'], materials: ['MZ06-M01'], dueDate: '2026-12-31' });
      expect(r.status, r.text).toBe(200);
      expect(r.json.application.supplement).toMatchObject({ reasons: ['银行账号有误'], fields: ['bankAccount'], materials: ['MZ06-M01'], dueDate: '2026-12-31' });
      // garbage ids and actions
      expect((await acceptor.call('POST', `/api/v1/backoffice/applications/not-a-uuid/actions/accept`, { opinion: 'x' })).status).toBe(400);
      expect((await acceptor.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/delete`, { opinion: 'x' })).status).toBe(400);
      expect((await acceptor.call('GET', `/api/v1/backoffice/applications?status=bogus`)).status).toBe(400);
      expect((await acceptor.call('GET', `/api/v1/backoffice/applications?division=abc`)).status).toBe(400);
      // a cross-origin state change is refused even with the cookie
      expect((await acceptor.call('POST', `/api/v1/backoffice/applications/${doc.id}/actions/complete`, { opinion: 'x' }, { origin: 'http://evil.example' })).status).toBe(403);
    });

    it('work queues filter by division, station, service and status; the dashboard counts are real', async () => {
      const other = exampleApplication({ stationId: '360121100', status: 'synced', submittedAt: new Date().toISOString(), serviceItemCode: 'YB01', formId: 'YB01' });
      await p.store.upsertAsPlatform('applications', [other]);
      const list = async (q: string) => (await acceptor.call('GET', `/api/v1/backoffice/applications?${q}`)).json as { rows: { id: string; stationId: string; applicantName: string }[]; total: number };
      const all = await list('');
      expect(all.total).toBe(3);
      expect(all.rows[0]!.applicantName).toBe(maskName('测试人'));
      expect(all.rows[0]!.applicantName).not.toContain('试');
      expect((await list('division=360121100')).rows.map((r) => r.id)).toEqual([other.id]);
      expect((await list('division=3601')).total).toBe(3);
      expect((await list('stationId=360121201')).total).toBe(2);
      expect((await list('service=YB01')).rows.map((r) => r.id)).toEqual([other.id]);
      expect((await list('status=approved')).rows.map((r) => r.id)).toEqual([app.id]);
      await p.store.upsertAsPlatform('evaluations', [1, 5, 5].map((level) => ({ id: uuidv7(), _deleted: false, updatedAt: new Date().toISOString(), stationId: '360121201', level, indicators: [], reasons: level < 3 ? ['态度不好'] : [], comment: null, channel: 'kiosk', applicationId: null, ticketId: null, staffId: null, serviceItemCode: null, createdAt: new Date().toISOString() })));
      const d = (await acceptor.call('GET', '/api/v1/backoffice/dashboard')).json;
      expect(d.total).toBe(3);
      expect(d.byStationService).toContainEqual({ stationId: '360121201', stationName: '南新乡便民服务中心', serviceItemCode: 'MZ06', serviceName: expect.any(String), count: 2 });
      expect(d.ratings).toEqual([{ stationId: '360121201', level: 1, count: 1 }, { stationId: '360121201', level: 5, count: 2 }]);
      const future = (await acceptor.call('GET', '/api/v1/backoffice/dashboard?from=2099-01-01')).json;
      expect(future.total).toBe(0);
      expect((await acceptor.call('GET', '/api/v1/backoffice/dashboard?from=yesterday')).status).toBe(400);
    });

    it('attachments referenced by the application are served inline by their checked type; others are not served', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1000)]);
      const fakePdf = Buffer.from('<html><script>alert(1)</script></html>');
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      for (const b of [png, fakePdf]) await p.store.appendAttachment(sha(b), 0, b, b.length, 1 << 20);
      const doc = exampleApplication({
        status: 'synced',
        materials: [{ code: 'MZ06-M01', name: '户口簿', provided: true, origin: 'scan', attachments: [{ sha256: sha(png), size: png.length, mimeType: 'image/png', fileName: '户口簿.png' }, { sha256: sha(fakePdf), size: fakePdf.length, mimeType: 'application/pdf' }] }],
      });
      await p.store.upsertAsPlatform('applications', [doc]);
      const file = (h: string) => acceptor.call('GET', `/api/v1/backoffice/applications/${doc.id}/files/${h}`);
      const img = await file(sha(png));
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/png');
      expect(img.headers.get('content-disposition')).toMatch(/^inline;/);
      expect(img.headers.get('x-content-type-options')).toBe('nosniff');
      const fake = await file(sha(fakePdf));
      expect(fake.headers.get('content-type')).toBe('application/octet-stream');
      expect(fake.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect((await acceptor.call('GET', `/api/v1/backoffice/applications/${app.id}/files/${sha(png)}`)).status).toBe(404);
      expect((await acceptor.call('GET', `/api/v1/backoffice/applications/${doc.id}/files/xyz`)).status).toBe(400);
      expect((await fetch(`${p.url}/api/v1/backoffice/applications/${doc.id}/files/${sha(png)}`)).status).toBe(401);
    });

    it('管理员: enrollment codes, revoking a terminal, disabling an officer ends their session; all recorded', async () => {
      const code = await adminC.call('POST', '/api/v1/backoffice/enroll-codes', { stationId: '360121201', ttlMinutes: 60 });
      expect(code.status).toBe(200);
      expect(code.json.code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      expect((await adminC.call('POST', '/api/v1/backoffice/enroll-codes', { stationId: '' })).status).toBe(400);
      const t = await enroll(p, '360121201');
      const list = (await adminC.call('GET', '/api/v1/backoffice/terminals')).json;
      expect(list.terminals.map((x: { id: string }) => x.id)).toContain(t.terminalId);
      expect(list.enrollCodes.length).toBeGreaterThan(0);
      expect(JSON.stringify(list)).not.toContain(code.json.code);
      expect((await acceptor.call('POST', `/api/v1/backoffice/terminals/${t.terminalId}/revoke`, {})).status).toBe(403);
      expect((await adminC.call('POST', `/api/v1/backoffice/terminals/${t.terminalId}/revoke`, {})).status).toBe(200);
      expect((await fetch(`${p.url}/api/v1/terminals/me`, { headers: { authorization: `Bearer ${t.token}` } })).status).toBe(401);
      expect((await adminC.call('POST', '/api/v1/backoffice/terminals/T-nope/revoke', {})).status).toBe(404);

      // Two hubs of one station (enrolled before the province refused a second): counted per station,
      // so the back office can warn; revoking one clears it. Terminals are not hubs.
      const hubsOf = async (station: string) => ((await adminC.call('GET', '/api/v1/backoffice/meta')).json.stations as { stationId: string; hubs: number }[]).find((x) => x.stationId === station)!.hubs;
      expect(await hubsOf('360121100')).toBe(0);
      for (const id of ['T-hub-old-1', 'T-hub-old-2']) {
        await p.store.db.query("INSERT INTO terminals (id, station_id, token_hash, label, kind) VALUES ($1, '360121100', $2, 'hub', 'station_hub')", [id, `h-${id}`]);
      }
      await enroll(p, '360121100');
      expect(await hubsOf('360121100')).toBe(2);
      expect(await hubsOf('360121201')).toBe(0);
      expect((await adminC.call('POST', '/api/v1/backoffice/terminals/T-hub-old-1/revoke', {})).status).toBe(200);
      expect(await hubsOf('360121100')).toBe(1);

      expect((await adminC.call('PATCH', '/api/v1/backoffice/officers/admin1', { disabled: true })).status).toBe(400);
      expect((await adminC.call('PATCH', '/api/v1/backoffice/officers/shouli', { disabled: true })).status).toBe(200);
      expect((await acceptor.call('GET', '/api/v1/backoffice/session')).json).toEqual({ officer: null });
      expect((await acceptor.call('GET', '/api/v1/backoffice/applications')).status).toBe(401);
      expect((await admin().signIn('shouli')).status).toBe(401);
      expect((await adminC.call('PATCH', '/api/v1/backoffice/officers/shouli', { disabled: false })).status).toBe(200);
      expect((await acceptor.signIn('shouli')).status).toBe(200);

      // the admin token's older routes are recorded as such
      expect((await adminCall(p, 'POST', '/api/v1/admin/enroll-codes', { stationId: '360121201' })).status).toBe(200);
      const audit = (await adminC.call('GET', '/api/v1/backoffice/audit?limit=50')).json.records as { officerId: string | null; via: string; action: string; outcome: string; target: string | null; detail: Record<string, unknown> }[];
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'admin1', action: 'revoke_terminal', outcome: 'ok', target: t.terminalId }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'admin1', action: 'disable_officer', target: 'shouli' }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: 'admin1', action: 'create_enroll_code', outcome: 'ok' }));
      expect(audit).toContainEqual(expect.objectContaining({ officerId: null, via: 'admin-token', action: 'POST /api/v1/admin/enroll-codes', outcome: 'ok' }));
      expect(JSON.stringify(audit)).not.toContain(code.json.code);
    });

    it('serves the web app under a strict CSP (or says it is not built)', async () => {
      const r = await fetch(`${p.url}/admin`);
      expect([200, 503]).toContain(r.status);
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self';");
      expect(r.headers.get('content-security-policy')).not.toContain('unsafe-eval');
      expect((await fetch(`${p.url}/admin/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    });
  });
}

