/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// Contract tests of every endpoint, on PGlite and on PostgreSQL (a throwaway cluster, see test/pg-cluster.ts).
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applicationDoc,
  exampleApplication,
  exampleAuditEvent,
  exampleEvaluation,
  exampleFormData,
  exampleQueueTicket,
  paths,
  staffLoginResponse,
  streamEvent,
  uuidv7,
  type ApplicationDoc,
} from '../protocol/index';
import { startPlatform, type Platform } from './platform';
import { DEMO_STAFF } from './seed/demo';
import { backends, client, enroll, pullAll, type Client } from './test/helpers';

const A = '360121201';
const B = '360121100';

describe.each(backends())('platform contract on $name', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let a: Client; // terminal of station A
  let a2: Client; // second terminal of station A
  let b: Client; // terminal of station B
  let admin: Client;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 200 });
    [a, a2, b] = await Promise.all([enroll(p, A), enroll(p, A), enroll(p, B)]);
    admin = client(p.url, p.adminToken);
  });
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  const app = (overrides: Partial<ApplicationDoc> = {}) => exampleApplication({ stationId: A, ...overrides });
  const countApps = () => p.store.countDocuments('applications');

  // ------------------------------------------------------------ public endpoints

  it('health and metrics', async () => {
    const h = await fetch(`${p.url}${paths.health}`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', protocolVersion: 1, storage: backend.name });
    // Metrics need the admin token (or the scrape-only metrics token; sync/server/security/logs.test.ts).
    expect((await fetch(`${p.url}${paths.metrics}`)).status).toBe(401);
    const m = await fetch(`${p.url}${paths.metrics}`, { headers: { authorization: `Bearer ${p.adminToken}` } });
    expect(m.status).toBe(200);
    const text = await m.text();
    expect(text).toContain('platform_push_rows_total{outcome="written"}');
    expect(text).toContain('platform_sse_clients');
    expect(text).not.toMatch(/测试人|36012119/);
  });

  it('old or unknown API versions and protocol versions get an upgrade error', async () => {
    const r = await fetch(`${p.url}/api/v0/sync/applications/pull`);
    expect(r.status).toBe(410);
    expect(await r.json()).toMatchObject({ error: { code: 'API_VERSION_UNSUPPORTED', supportedVersions: ['v1'] } });
    const r2 = await a.req('GET', paths.pull('service_items'), undefined, { 'x-sync-protocol': '0' });
    expect(r2.status).toBe(426);
    expect(r2.json.error.code).toBe('CLIENT_UPGRADE_REQUIRED');
    const r3 = await a.req('GET', '/api/v1/nothing-here');
    expect(r3.status).toBe(404);
    expect(r3.json.error.code).toBe('NOT_FOUND');
  });

  // ------------------------------------------------------------ enrollment and auth

  it('enrollment: a code works once, tokens are stored hashed, garbage is refused', async () => {
    const code = await p.createEnrollCode(A);
    const first = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: code.toLowerCase() }) });
    expect(first.status).toBe(200);
    const j = (await first.json()) as any;
    expect(j).toMatchObject({ stationId: A });
    expect(j.token).toMatch(/^trm_/);
    const again = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(again.status).toBe(400);
    expect(((await again.json()) as any).error.code).toBe('ENROLL_CODE_INVALID');
    const rows = await p.store.db.query<{ token_hash: string }>('SELECT token_hash FROM terminals WHERE id = $1', [j.terminalId]);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(j.token).digest('hex'));
    const me = await client(p.url, j.token).req('GET', paths.me);
    expect(me.json).toMatchObject({ terminalId: j.terminalId, stationId: A });
    for (const body of ['{', '[]', JSON.stringify({ code: 5 }), JSON.stringify({ code: 'ABCDE-FGHJK', extra: 1 }), JSON.stringify({ code: 'NOPE-NOPE' })]) {
      const r = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(r.status).toBe(400);
      const e = (await r.json()) as any;
      expect(e.error.code).toMatch(/VALIDATION_FAILED|ENROLL_CODE_INVALID/);
      expect(e.error.message.length).toBeGreaterThan(5);
    }
  });

  it('requests without a valid token are refused; admin endpoints need the admin token', async () => {
    expect((await client(p.url, 'not-a-real-token-xyz').req('GET', paths.pull('service_items'))).status).toBe(401);
    expect((await fetch(p.url + paths.pull('service_items'))).status).toBe(401);
    const r = await a.req('POST', paths.adminEnrollCodes, { stationId: A });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('FORBIDDEN');
    expect((await admin.req('POST', paths.adminEnrollCodes, { stationId: A })).json.code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect((await admin.req('POST', paths.adminEnrollCodes, { station: 1 })).status).toBe(400);
    // A revoked terminal is refused at once.
    const t = await enroll(p, A);
    expect((await t.req('GET', paths.me)).status).toBe(200);
    expect((await admin.req('POST', `/api/v1/admin/terminals/${t.terminalId}/revoke`, {})).status).toBe(200);
    const gone = await t.req('GET', paths.me);
    expect(gone.status).toBe(401);
    expect(gone.json.error.code).toBe('UNAUTHORIZED');
  });

  // ------------------------------------------------------------ pull

  it('pull: the catalog is global, paging returns every document exactly once', async () => {
    const { docs, pages } = await pullAll(a, 'service_items', 0, 7);
    expect(docs.length).toBeGreaterThanOrEqual(40);
    expect(pages).toBeGreaterThan(5);
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    const forms = await pullAll(b, 'form_schemas', 0, 1000);
    expect(forms.docs.length).toBe(docs.length);
    // Old or foreign checkpoint formats restart from the beginning instead of failing.
    const old = await a.req('GET', `${paths.pull('service_items')}?checkpoint=${encodeURIComponent('{"id":"x","updatedAt":5}')}&limit=1000`);
    expect(old.json.documents.length).toBe(docs.length);
    const bad = await a.req('GET', `${paths.pull('service_items')}?limit=100000`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
    expect((await a.req('GET', paths.pull('nope' as never))).json.error.code).toBe('UNKNOWN_COLLECTION');
  });

  it('pull: paging across concurrent writes sees every document exactly once', async () => {
    const before = (await pullAll(a, 'applications')).checkpoint;
    const writers = [a, a2];
    const created: string[] = [];
    let writing = true;
    const writerLoops = writers.map(async (w) => {
      for (let i = 0; i < 12; i++) {
        const rows = Array.from({ length: 10 }, () => ({ newDocumentState: app({ status: 'submitted' }) }));
        created.push(...rows.map((r) => r.newDocumentState.id));
        const res = await w.push('applications', rows);
        expect(res.written).toBe(10);
      }
    });
    const seen: string[] = [];
    const reader = (async () => {
      let cp = before;
      while (writing) {
        const r = await a.pull('applications', cp, 7);
        seen.push(...r.documents.map((d) => d.id));
        cp = r.checkpoint.seq;
      }
      const rest = await pullAll(a, 'applications', cp, 7);
      seen.push(...rest.docs.map((d) => d.id));
    })();
    await Promise.all(writerLoops);
    writing = false;
    await reader;
    expect(seen.length).toBe(created.length);
    expect(new Set(seen)).toEqual(new Set(created));
  });

  it("a terminal cannot read another station's applications", async () => {
    const doc = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: doc }]);
    const fromB = await pullAll(b, 'applications');
    expect(fromB.docs.find((d) => d.id === doc.id)).toBeUndefined();
    expect(fromB.docs.every((d) => d.stationId === B)).toBe(true);
    const fromA = await pullAll(a2, 'applications');
    expect(fromA.docs.find((d) => d.id === doc.id)).toBeTruthy();
    // Staff and station config are per station too.
    const staffB = await pullAll(b, 'staff');
    expect(staffB.docs.map((s) => s.id).sort()).toEqual(['S003', 'S004']);
    const stationsB = await pullAll(b, 'station_config');
    expect(stationsB.docs.map((s) => s.id)).toEqual([B]);
    // Writing over A's document from B: refused without revealing A's state.
    const r = await b.push('applications', [{ newDocumentState: { ...doc, stationId: B, status: 'draft' } }]);
    expect(r.rejections).toEqual([expect.objectContaining({ id: doc.id, code: 'WRONG_STATION' })]);
    expect(r.conflicts).toEqual([]);
    const r2 = await b.push('applications', [{ newDocumentState: app() }]);
    expect(r2.rejections[0]!.code).toBe('WRONG_STATION');
    expect(((await p.store.getDocument('applications', doc.id)) as any).stationId).toBe(A);
  });

  // ------------------------------------------------------------ push

  it('push: new submitted application becomes synced; replaying the push is a no-op', async () => {
    const doc = app({ status: 'submitted', statusHistory: [{ status: 'submitted', at: new Date().toISOString(), by: 'terminal' }] });
    const rows = [{ assumedMasterState: null, newDocumentState: doc }];
    const first = await a.push('applications', rows);
    const stored = (await p.store.getDocument('applications', doc.id)) as ApplicationDoc;
    expect(stored.status).toBe('synced');
    expect(stored.statusHistory.at(-1)).toMatchObject({ status: 'synced', by: 'platform' });
    // Stored otherwise than pushed: the answer carries the stored state (issue 11), marked as accepted.
    expect(first).toMatchObject({ written: 1, unchanged: 0, conflicts: [stored], adjusted: [doc.id], rejections: [] });
    const seqBefore = (await pullAll(a, 'applications')).checkpoint;
    const replay = await a.push('applications', rows);
    // Still a no-op, but the terminal (which never saw the answer) learns the platform's current state.
    expect(replay).toMatchObject({ written: 0, unchanged: 1, conflicts: [stored], adjusted: [doc.id], rejections: [] });
    // Whatever it assumes: the pushed state is not the stored one, so the answer says what is.
    expect(await a.push('applications', [{ assumedMasterState: stored, newDocumentState: doc }])).toMatchObject({ written: 0, unchanged: 1, conflicts: [stored], adjusted: [doc.id] });
    expect((await pullAll(a, 'applications')).checkpoint).toBe(seqBefore);
    expect(await p.store.getDocument('applications', doc.id)).toEqual(stored);
    // A push stored exactly as sent (a draft, an evaluation, an audit event) answers no state.
    // (Queue tickets are the platform's queue's since issue 15; a leased one is covered in queue.test.ts.)
    const draft = app();
    expect(await a.push('applications', [{ newDocumentState: { ...draft, _rev: '1-a', _meta: { lwt: 1 } } }])).toMatchObject({ written: 1, conflicts: [], adjusted: [] });
    const evaluation = exampleEvaluation({ stationId: A });
    expect(await a.push('audit_events', [{ newDocumentState: exampleAuditEvent({ stationId: A }) }])).toMatchObject({ written: 1, conflicts: [], adjusted: [] });
    expect(await a.push('evaluations', [{ newDocumentState: evaluation }])).toMatchObject({ written: 1, conflicts: [], adjusted: [] });
    // A real conflict is not an adjustment.
    const stale = await a.push('applications', [{ assumedMasterState: null, newDocumentState: { ...draft, formData: { other: true } } }]);
    expect(stale).toMatchObject({ written: 0, adjusted: [] });
    expect(stale.conflicts).toHaveLength(1);
  });

  it('push: a stale assumedMasterState yields a conflict with the server state and changes nothing', async () => {
    const v1 = app({ formData: { v: 1 } });
    await a.push('applications', [{ newDocumentState: v1 }]);
    const v2 = { ...v1, formData: { v: 2 } };
    expect((await a.push('applications', [{ assumedMasterState: v1, newDocumentState: v2 }])).written).toBe(1);
    // The second terminal still believes v1 is the master state.
    const v3 = { ...v1, formData: { v: 3 } };
    const r = await a2.push('applications', [{ assumedMasterState: v1, newDocumentState: v3 }]);
    expect(r.written).toBe(0);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toEqual(v2);
    expect(await p.store.getDocument('applications', v1.id)).toEqual(v2);
    // Creating a document that already exists (assumed null) is a conflict too.
    const r2 = await a2.push('applications', [{ assumedMasterState: null, newDocumentState: v3 }]);
    expect(r2.conflicts[0]).toEqual(v2);
    // RxDB-local fields are ignored when comparing.
    const r3 = await a2.push('applications', [{ assumedMasterState: { ...v2, _rev: '2-abc', _meta: { lwt: 1 } }, newDocumentState: { ...v3, _rev: '3-x' } }]);
    expect(r3.written).toBe(1);
  });

  it('push: concurrent writers of one document: exactly one wins, the other gets a conflict', async () => {
    for (let i = 0; i < 8; i++) {
      const doc = app();
      const v1 = { ...doc, formData: { writer: 1 } };
      const v2 = { ...doc, formData: { writer: 2 } };
      const [r1, r2] = await Promise.all([a.push('applications', [{ newDocumentState: v1 }]), a2.push('applications', [{ newDocumentState: v2 }])]);
      expect(r1.written + r2.written).toBe(1);
      expect(r1.conflicts.length + r2.conflicts.length).toBe(1);
      const winner = r1.written ? v1 : v2;
      expect(await p.store.getDocument('applications', doc.id)).toEqual(winner);
      expect([...r1.conflicts, ...r2.conflicts][0]).toEqual(winner);
      // Both edit from the same master state.
      const e1 = { ...winner, formData: { edit: 1 } };
      const e2 = { ...winner, formData: { edit: 2 } };
      const [u1, u2] = await Promise.all([
        a.push('applications', [{ assumedMasterState: winner, newDocumentState: e1 }]),
        a2.push('applications', [{ assumedMasterState: winner, newDocumentState: e2 }]),
      ]);
      expect(u1.written + u2.written).toBe(1);
      expect(u1.conflicts.length + u2.conflicts.length).toBe(1);
      expect(await p.store.getDocument('applications', doc.id)).toEqual(u1.written ? e1 : e2);
    }
  });

  it('push: platform-owned fields and transitions are refused per document; the rest of the batch applies', async () => {
    const good = app();
    const withNo = app({ acceptanceNo: 'X-1' });
    const accepted = app({ status: 'accepted' });
    const platformHistory = app({ statusHistory: [{ status: 'approved', at: new Date().toISOString(), by: 'platform' }] });
    const withDecision = app({ decision: { outcome: 'approved', decidedAt: new Date().toISOString(), decidedBy: 'me' } });
    const r = await a.push('applications', [good, withNo, accepted, platformHistory, withDecision].map((d) => ({ newDocumentState: d })));
    expect(r.written).toBe(1);
    expect(r.rejections.map((x) => [x.id, x.code])).toEqual([
      [withNo.id, 'PLATFORM_OWNED_FIELD'],
      [accepted.id, 'INVALID_TRANSITION'],
      [platformHistory.id, 'PLATFORM_OWNED_FIELD'],
      [withDecision.id, 'PLATFORM_OWNED_FIELD'],
    ]);
    expect(await p.store.getDocument('applications', good.id)).toEqual(good);
    for (const d of [withNo, accepted, platformHistory, withDecision]) expect(await p.store.getDocument('applications', d.id)).toBeNull();

    // Once synced the terminal may not edit it nor withdraw it, even with the right assumed state.
    const sub = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: sub }]);
    const synced = (await p.store.getDocument('applications', sub.id)) as ApplicationDoc;
    const edit = await a.push('applications', [{ assumedMasterState: synced, newDocumentState: { ...synced, formData: { changed: true } } }]);
    expect(edit.rejections[0]!.code).toBe('NOT_EDITABLE');
    const fake = await a.push('applications', [{ assumedMasterState: synced, newDocumentState: { ...synced, status: 'approved' } }]);
    expect(fake.rejections[0]!.code).toBe('NOT_EDITABLE');
    expect(await p.store.getDocument('applications', sub.id)).toEqual(synced);
  });

  it('push: invalid documents are rejected per document with a clear message', async () => {
    const good = app();
    const r = await a.push('applications', [
      { newDocumentState: { ...app(), id: 'not-a-uuid' } },
      { newDocumentState: { ...app(), status: 'lost' } },
      { newDocumentState: { ...app(), unknownField: 1 } },
      { newDocumentState: { foo: 'bar' } },
      { newDocumentState: { ...app(), formData: { note: 'a\u0000b' } } },
      { assumedMasterState: { ...good, id: uuidv7() }, newDocumentState: good },
      { newDocumentState: good },
      { newDocumentState: good },
    ]);
    expect(r.rejections.map((x) => x.code)).toEqual(['INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'INVALID_DOCUMENT', 'ID_MISMATCH', 'DUPLICATE_IN_BATCH']);
    expect(r.rejections[0]!.message).toMatch(/^id: /);
    expect(r.rejections[1]!.message).toMatch(/status/);
    expect(r.rejections[3]!.id).toBe('#3');
    expect(r.written).toBe(1);
  });

  it('push: bad bodies get 4xx with a clear message and change nothing', async () => {
    const before = await countApps();
    const cases: [unknown, number, string][] = [
      ['{not json', 400, 'VALIDATION_FAILED'],
      [{ rows: [] }, 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: 'x' }], 400, 'VALIDATION_FAILED'],
      [[{ newDocumentState: app(), extra: true }], 400, 'VALIDATION_FAILED'],
      [[1, 2, 3], 400, 'VALIDATION_FAILED'],
      ['null', 400, 'VALIDATION_FAILED'],
      [Array.from({ length: 501 }, () => ({ newDocumentState: app() })), 413, 'BATCH_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const r = await a.req('POST', paths.push('applications'), body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(r.json.error.code).toBe(code);
      expect(r.json.error.message.length).toBeGreaterThan(5);
    }
    const huge = await a.req('POST', paths.push('applications'), [{ newDocumentState: app({ formData: { blob: 'x'.repeat(5 * 1024 * 1024) } }) }]);
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await a.req('POST', paths.push('applications'), undefined, { 'content-type': 'text/plain' });
    expect(text.status).toBeGreaterThanOrEqual(400);
    const ro = await a.req('POST', paths.push('service_items'), [{ newDocumentState: { id: 'X' } }]);
    expect(ro.status).toBe(403);
    expect(ro.json.error.code).toBe('COLLECTION_READ_ONLY');
    expect(await countApps()).toBe(before);
  });

  it('audit events and evaluations are append-only; queue tickets are the platform’s (a push is refused unless leased)', async () => {
    const ev = exampleAuditEvent({ stationId: A });
    expect((await a.push('audit_events', [{ newDocumentState: ev }])).written).toBe(1);
    expect((await a.push('audit_events', [{ newDocumentState: ev }])).unchanged).toBe(1);
    const changed = await a.push('audit_events', [{ assumedMasterState: ev, newDocumentState: { ...ev, action: 'application.delete' } }]);
    expect(changed.rejections[0]!.code).toBe('APPEND_ONLY');
    const bad = exampleEvaluation({ stationId: A, level: 1, reasons: [] });
    expect((await a.push('evaluations', [{ newDocumentState: bad }])).rejections[0]!.code).toBe('INVALID_DOCUMENT');
    const evaluation = exampleEvaluation({ stationId: A, level: 2, reasons: ['服务效率'] });
    expect((await a.push('evaluations', [{ newDocumentState: evaluation }])).written).toBe(1);
    expect((await a.push('evaluations', [{ assumedMasterState: evaluation, newDocumentState: { ...evaluation, level: 5 } }])).rejections[0]!.code).toBe('APPEND_ONLY');
    // Tickets are issued and changed through POST /queue/commands (queue.test.ts); a plain push is refused.
    const t = exampleQueueTicket({ stationId: A });
    const pushed = await a.push('queue_tickets', [{ newDocumentState: t }]);
    expect(pushed.rejections.map((r) => r.code)).toEqual(['NOT_EDITABLE']);
    expect(await p.store.getDocument('queue_tickets', t.id)).toBeNull();
    const unleased = await a.push('queue_tickets', [{ newDocumentState: { ...t, leased: true } }]);
    expect(unleased.rejections.map((r) => r.code)).toEqual(['LEASE_INVALID']);
    const issued = await a.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal' });
    expect(issued.status).toBe(200);
    const mine = issued.json.ticket;
    const called = { ...mine, status: 'called' as const, calledAt: new Date().toISOString(), window: '1' };
    expect((await a2.push('queue_tickets', [{ assumedMasterState: mine, newDocumentState: called }])).rejections.map((r) => r.code)).toEqual(['NOT_EDITABLE']);
    expect(await p.store.getDocument('queue_tickets', mine.id)).toEqual(mine);
    expect((await a2.pull('queue_tickets')).documents.find((d) => d.id === mine.id)).toEqual(mine);
    expect((await b.pull('queue_tickets')).documents.find((d) => d.id === mine.id)).toBeUndefined();
  });

  // ------------------------------------------------------------ back office

  it('back office: 补正 flags form fields and materials; hostile flags are refused, older records still parse', async () => {
    const doc = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: doc }]);
    const act = (action: string, body: unknown = {}) => admin.req('POST', `${paths.adminApplication(doc.id)}/${action}`, body);
    expect((await act('accept', { fields: ['phone'] })).json.error.code).toBe('VALIDATION_FAILED');
    expect((await act('accept')).status).toBe(200);
    const reasons = ['银行账号有误'];
    const refused = async (body: Record<string, unknown>, path: RegExp) => {
      const r = await act('supplement', { reasons, ...body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.json.error.code).toBe('VALIDATION_FAILED');
      expect(r.json.error.details.map((d: { path: string }) => d.path).join(' ')).toMatch(path);
    };
    await refused({ fields: 'phone' }, /fields/);
    await refused({ fields: [''] }, /fields\.0/);
    await refused({ fields: ['a'.repeat(201)] }, /fields\.0/);
    await refused({ fields: Array.from({ length: 31 }, (_, i) => `f${i}`) }, /fields/);
    for (const bad of ['<script>', 'phone number', '姓名', '/idNumber', 'a..b', '.a', 'a.', '0abc', "a'b", 'a\nb', 'x.12345']) await refused({ fields: [bad] }, /fields\.0/);
    await refused({ fields: [42] }, /fields\.0/);
    await refused({ materials: ['MZ06 M01'] }, /materials\.0/);
    await refused({ materials: ['x'.repeat(129)] }, /materials\.0/);
    await refused({ materials: Array.from({ length: 51 }, (_, i) => `M${i}`) }, /materials/);
    await refused({ materials: ['MZ06-M01', 'YB01-M01', 'NOPE'] }, /materials\.1 materials\.2/);
    await refused({ materials: [{ code: 'MZ06-M01' }] }, /materials\.0/);
    expect(((await p.store.getDocument('applications', doc.id)) as ApplicationDoc).status).toBe('accepted');
    // Duplicates are folded; nested paths in the validator's format are fine.
    const sup = await act('supplement', { reasons, fields: ['bankAccount', 'bankAccount', 'members.0.name'], materials: ['MZ06-M02', 'MZ06-M02'] });
    expect(sup.status).toBe(200);
    expect(sup.json.supplement).toMatchObject({ reasons, fields: ['bankAccount', 'members.0.name'], materials: ['MZ06-M02'] });
    const pulled = (await pullAll(a, 'applications')).docs.filter((d) => d.id === doc.id).at(-1) as ApplicationDoc;
    expect(applicationDoc.parse(pulled).supplement).toMatchObject({ fields: ['bankAccount', 'members.0.name'], materials: ['MZ06-M02'] });
    // A record written before flags existed (no fields/materials) still parses; hostile stored flags do not.
    const old = { ...pulled, supplement: { reasons, requestedAt: pulled.supplement!.requestedAt, dueDate: null } };
    expect(applicationDoc.safeParse(old).success).toBe(true);
    expect(applicationDoc.safeParse({ ...pulled, supplement: { ...old.supplement, fields: ['<b>'] } }).success).toBe(false);
    expect(applicationDoc.safeParse({ ...pulled, supplement: { ...old.supplement, materials: 'MZ06-M01' } }).success).toBe(false);
    // A terminal may not add or change the flags (platform-owned).
    const forged = { ...pulled, supplement: { ...pulled.supplement!, fields: ['phone'] } };
    expect((await a.push('applications', [{ assumedMasterState: pulled, newDocumentState: forged }])).rejections[0]?.code).toBe('PLATFORM_OWNED_FIELD');
  });

  it('back office: accept (受理号), supplement (补正), resubmit, approve, complete', async () => {
    const doc = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: doc }]);
    const act = (action: string, body: unknown = {}) => admin.req('POST', `${paths.adminApplication(doc.id)}/${action}`, body);
    expect((await act('approve')).status).toBe(409);
    const accepted = await act('accept', { actor: 'op1' });
    expect(accepted.status).toBe(200);
    expect(accepted.json.acceptanceNo).toMatch(new RegExp(`^${A}-\\d{8}-\\d{4}$`));
    expect((await act('supplement', {})).json.error.code).toBe('VALIDATION_FAILED');
    expect((await act('supplement', { reasons: 'x' })).status).toBe(400);
    const sup = await act('supplement', { reasons: ['户口簿复印件不清晰'], dueDate: '2026-12-31' });
    expect(sup.json).toMatchObject({ status: 'supplement_required', supplement: { reasons: ['户口簿复印件不清晰'] } });
    // The terminal sees it, edits and resubmits.
    const pulled = (await pullAll(a, 'applications')).docs.filter((d) => d.id === doc.id).at(-1) as ApplicationDoc;
    expect(pulled.status).toBe('supplement_required');
    const resub: ApplicationDoc = { ...pulled, formData: exampleFormData({ phone: '13900000000' }), status: 'resubmitted', statusHistory: [...pulled.statusHistory, { status: 'resubmitted', at: new Date().toISOString(), by: 'terminal' }] };
    expect((await a.push('applications', [{ assumedMasterState: pulled, newDocumentState: resub }])).written).toBe(1);
    // A terminal may not change the 受理号 while editing.
    expect((await act('approve', { reason: '符合条件' })).json).toMatchObject({ status: 'approved', decision: { outcome: 'approved' } });
    const done = await act('complete');
    expect(done.json.status).toBe('completed');
    expect(applicationDoc.safeParse(done.json).success).toBe(true);
    expect(done.json.statusHistory.map((h: any) => h.status)).toEqual(['draft', 'synced', 'accepted', 'supplement_required', 'resubmitted', 'approved', 'completed']);
    // Garbage to the admin endpoints.
    expect((await admin.req('POST', `${paths.adminApplication('nope')}/accept`, {})).status).toBe(400);
    expect((await admin.req('POST', `${paths.adminApplication(doc.id)}/explode`, {})).status).toBe(400);
    expect((await admin.req('POST', `${paths.adminApplication(uuidv7())}/accept`, {})).status).toBe(404);
    expect((await admin.req('POST', `${paths.adminApplication(doc.id)}/reject`, { reason: 5 })).status).toBe(400);
    const list = await admin.req('GET', `${paths.adminApplications}?status=completed`);
    expect(list.json.applications.some((x: any) => x.id === doc.id)).toBe(true);
    const one = await admin.req('GET', paths.adminApplication(doc.id));
    expect(one.json.status).toBe('completed');
    expect((await admin.req('GET', `${paths.adminApplications}?limit=abc`)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.req('GET', paths.adminApplication('not-an-id'))).status).toBe(400);
    expect((await admin.req('POST', '/api/v1/admin/terminals/T-nope/revoke', {})).status).toBe(404);
    expect((await admin.req('PUT', paths.adminStaffPin('NOPE'), { pin: '123456' })).status).toBe(404);
  });

  it('back office: reject and a terminal withdrawal of a draft', async () => {
    const doc = app({ status: 'submitted' });
    await a.push('applications', [{ newDocumentState: doc }]);
    const r = await admin.req('POST', `${paths.adminApplication(doc.id)}/reject`, { reason: '不符合条件' });
    expect(r.json).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', reason: '不符合条件' } });
    const draft = app();
    await a.push('applications', [{ newDocumentState: draft }]);
    const w = { ...draft, status: 'withdrawn' as const, statusHistory: [...draft.statusHistory, { status: 'withdrawn' as const, at: new Date().toISOString(), by: 'terminal' as const }] };
    expect((await a.push('applications', [{ assumedMasterState: draft, newDocumentState: w }])).written).toBe(1);
    expect((await admin.req('POST', `${paths.adminApplication(draft.id)}/accept`, {})).status).toBe(409);
  });

  it('admin document upsert validates, and the admin page is served', async () => {
    const bad = await admin.req('PUT', paths.adminDocuments('service_items'), [{ id: 'X' }]);
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.length).toBeGreaterThan(0);
    // The back-office web app (sync/server/backoffice): 503 with a hint until `npm run build` made it.
    const page = await fetch(`${p.url}/admin`);
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toMatch(page.status === 200 ? /\/admin\/assets\/index-[\w-]+\.js/ : /npm run build/);
  });

  // ------------------------------------------------------------ staff

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

  // ------------------------------------------------------------ stream

  it('stream: RESYNC on every connection, CHANGE only for visible documents', async () => {
    const open = (c: Client) => {
      const ac = new AbortController();
      const events: any[] = [];
      const ready = fetch(p.url + paths.stream, { headers: { authorization: `Bearer ${c.token}` }, signal: ac.signal }).then(async (res) => {
        expect(res.headers.get('content-type')).toContain('text/event-stream');
        const reader = res.body!.getReader();
        const dec = new TextDecoder();
        let buf = '';
        void (async () => {
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return;
              buf += dec.decode(value, { stream: true });
              let i: number;
              while ((i = buf.indexOf('\n\n')) >= 0) {
                const block = buf.slice(0, i);
                buf = buf.slice(i + 2);
                const data = block.split('\n').find((l) => l.startsWith('data: '));
                if (data) events.push(streamEvent.parse(JSON.parse(data.slice(6))));
              }
            }
          } catch {
            /* aborted */
          }
        })();
      });
      return { events, ready, close: () => ac.abort() };
    };
    const until = async (cond: () => boolean, ms = 5000) => {
      const t0 = Date.now();
      while (!cond()) {
        if (Date.now() - t0 > ms) throw new Error('timeout waiting for stream events');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const sa = open(a2);
    const sb = open(b);
    await Promise.all([sa.ready, sb.ready]);
    await until(() => sa.events.length >= 1 && sb.events.length >= 1);
    expect(sa.events[0]).toEqual({ type: 'RESYNC' });
    await a.push('applications', [{ newDocumentState: app() }]);
    await until(() => sa.events.some((e) => e.type === 'CHANGE' && e.collection === 'applications'));
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.events.filter((e) => e.type === 'CHANGE')).toEqual([]);
    // A global change reaches everyone.
    await admin.req('PUT', paths.adminDocuments('station_config'), [{ ...(await p.store.getDocument('station_config', B)), retentionDays: 90 }]);
    await until(() => sb.events.some((e) => e.type === 'CHANGE' && e.collection === 'station_config'));
    sa.close();
    sb.close();
    const again = open(a2);
    await again.ready;
    await until(() => again.events.length >= 1);
    expect(again.events[0]).toEqual({ type: 'RESYNC' });
    again.close();
    expect((await fetch(p.url + paths.stream)).status).toBe(401);
  });

  // ------------------------------------------------------------ attachments

  it('attachments: an upload cut half-way resumes, and the stored bytes hash to the id', async () => {
    const bytes = randomBytes(1024 * 1024 + 12345);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const url = new URL(p.url + paths.attachment(hash));
    // Send a bit more than half, then cut the connection.
    const half = Math.floor(bytes.length / 2) + 1000;
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`, 'content-length': String(bytes.length) },
      });
      req.on('error', () => resolve());
      req.write(bytes.subarray(0, half), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
    });
    // The server keeps what arrived; wait until the cut request has finished writing it.
    let offset = -1;
    for (let i = 0; i < 50; i++) {
      const head = await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${a.token}` } });
      const now = Number(head.headers.get('upload-offset'));
      if (now > 0 && now === offset) break;
      offset = now;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(half);
    const incomplete = await a.req('GET', paths.attachment(hash));
    expect(incomplete.status).toBe(409);
    expect(incomplete.json.error.code).toBe('ATTACHMENT_INCOMPLETE');
    // Resuming at a wrong offset is refused with the right one.
    const wrongOffset = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` }, body: bytes });
    expect(wrongOffset.status).toBe(409);
    expect(wrongOffset.headers.get('upload-offset')).toBe(String(offset));
    const rest = bytes.subarray(offset);
    const put = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes ${offset}-${bytes.length - 1}/${bytes.length}` }, body: rest });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({ sha256: hash, received: bytes.length, size: bytes.length, complete: true });
    const got = await fetch(url, { headers: { authorization: `Bearer ${a.token}` } });
    const buf = Buffer.from(await got.arrayBuffer());
    expect(createHash('sha256').update(buf).digest('hex')).toBe(hash);
    // Another station's terminal cannot read it (as if it did not exist); the back office can.
    expect((await fetch(url, { headers: { authorization: `Bearer ${b.token}` } })).status).toBe(404);
    expect((await fetch(url, { headers: { authorization: `Bearer ${p.adminToken}` } })).status).toBe(200);
    // Uploading it again is a no-op.
    const again = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(again.status).toBe(200);
  });

  it('attachments: wrong bytes, bad ids, bad ranges and oversize uploads are refused', async () => {
    const bytes = randomBytes(5000);
    const wrongHash = createHash('sha256').update('something else').digest('hex');
    const put = (hash: string, body: Buffer, headers: Record<string, string> = {}) =>
      fetch(p.url + paths.attachment(hash), { method: 'PUT', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/octet-stream', ...headers }, body });
    const mismatch = await put(wrongHash, bytes);
    expect(mismatch.status).toBe(422);
    expect(((await mismatch.json()) as any).error.code).toBe('ATTACHMENT_HASH_MISMATCH');
    const head = await fetch(p.url + paths.attachment(wrongHash), { method: 'HEAD', headers: { authorization: `Bearer ${a.token}` } });
    expect(head.headers.get('upload-offset')).toBe('0');
    expect((await put('XYZ', bytes)).status).toBe(400);
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect((await put(hash, bytes, { 'content-range': 'bytes=garbage' })).status).toBe(400);
    const big = await put(hash, bytes, { 'content-range': `bytes 0-99/${64 * 1024 * 1024}` });
    expect(big.status).toBe(413);
    expect((await put(hash, bytes, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await a.req('GET', paths.attachment(hash))).status).toBe(404);
    expect((await fetch(p.url + paths.attachment(hash), { method: 'PUT', body: bytes })).status).toBe(401);
  });
});
