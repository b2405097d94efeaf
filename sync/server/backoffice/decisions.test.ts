/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// Decisions over the admin-token API, on PGlite and on PostgreSQL: accept (受理号), 补正 with field and
// material flags, resubmit, approve, reject, complete, and garbage to the admin endpoints.
import { describe, expect, it } from 'vitest';
import {
  applicationDoc,
  exampleApplication,
  exampleFormData,
  paths,
  uuidv7,
  type ApplicationDoc,
} from '../../protocol/index';
import type { Platform } from '../platform';
import { backends, CONTRACT_STATIONS, pullAll, useContractPlatform, type Client } from '../test/helpers';

const { A } = CONTRACT_STATIONS;

describe.each(backends())('decisions contract on $name', (backend) => {
  let p: Platform;
  let a: Client; // terminal of station A
  let admin: Client;
  useContractPlatform(backend, (env) => ({ p, a, admin } = env));

  const app = (overrides: Partial<ApplicationDoc> = {}) => exampleApplication({ stationId: A, ...overrides });

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
});
