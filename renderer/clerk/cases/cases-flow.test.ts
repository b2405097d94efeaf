/**
 * The 办件列表 journey on a real (memory) RxDB: the filter form as a query, pages with each case's
 * sync state (the replication's pending ids, the quarantine), the status changes and the daily
 * summary; the clerk's catalog reads (service items, forms) beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, type CollectionName, type FormSchemaDoc, type ServiceItemDoc } from '../../../sync/protocol';
import { createDraft, hashIdNumber, submitApplication } from '../../db/applications';
import { startReplication } from '../../db/replication';
import type { TerminalDatabase } from '../../db/database';
import { memoryDb, olderCasesBridge, TEST_SALT } from '../../db/test-helpers';
import { stationToday } from '../../shared/station-zone';
import { formModelOf, serviceItem, serviceItems } from '../catalog';
import { caseFilterOf, changeCaseStatus, loadCases, pendingApplications, summaryRows, type CaseFilterForm, type CasesStore } from './cases-flow';

let db: TerminalDatabase;
const ids: string[] = [];
const ID = '360121198001011234';
const blank: CaseFilterForm = { status: [], sync: '', service: '', dates: null, assistant: '', idNumber: '' };
const T = '2026-01-01T00:00:00.000Z';

beforeAll(async () => {
  db = await memoryDb();
  for (let i = 0; i < 7; i++) {
    const a = await createDraft(
      db,
      {
        stationId: '360121201', serviceItemCode: i % 2 ? 'YB02' : 'MZ01', formId: 'f', formVersion: 1, channel: 'counter',
        applicant: { name: `居民${i}`, idType: 'resident_id', idNumber: i === 3 ? ID : `36012119800101${String(1000 + i)}` },
        agent: { kind: 'village_assistant', staffId: i < 4 ? 'S002' : 'S003' },
      },
      TEST_SALT,
    );
    if (i < 5) await submitApplication(db, a.id);
    ids.push(a.id);
  }
  const svc = (code: string, name: string): ServiceItemDoc => ({
    id: code, _deleted: false, updatedAt: T, code, name, department: '民政', type: '05', level: '5', target: 'person', topics: [], lifeEvents: [], materials: [],
    formId: code, formVersion: 1, timeLimit: { legalDays: 20, promisedDays: 10 }, fee: { charged: false }, proxyAllowed: 'yes', crossProvince: false, pinyin: '', initials: '', keywords: [], sortOrder: 1,
  });
  await db.service_items.bulkInsert([svc('YB02', '医保'), svc('MZ01', '低保')] as never[]);
});
afterAll(async () => db?.close());

const store = (replication: CasesStore['replication'] = () => null): CasesStore => ({ db, lookupSalts: [TEST_SALT], replication });
const never = new Promise<string[]>(() => undefined);

describe('办件列表: the filter form', () => {
  it('drops blank fields and trims what is typed', () => {
    expect(caseFilterOf(blank)).toEqual({});
    expect(caseFilterOf({ status: ['submitted'], sync: 'pending', service: 'MZ01', dates: ['2026-11-01', '2026-11-02'], assistant: '  S002 ', idNumber: ` ${ID}\t` })).toEqual({
      status: ['submitted'], sync: 'pending', service: 'MZ01', from: '2026-11-01', to: '2026-11-02', assistant: 'S002', idNumber: ID,
    });
    expect(caseFilterOf({ ...blank, assistant: '   ', idNumber: ' ' })).toEqual({});
  });
});

describe('办件列表: pages of cases', () => {
  it('lists newest first, a page at a time, with each case’s sync state', async () => {
    const first = await loadCases(store(() => ({ pendingIds: async () => [ids[6]!, ids[5]!] })), blank, [
      { targetCollection: 'applications', docId: ids[0]! },
      { targetCollection: 'evaluations', docId: ids[1]! },
    ], 0, { pageSize: 4 });
    expect(first.rows.map((a) => a.id)).toEqual([...ids].reverse().slice(0, 4));
    expect(first.more).toBe(true);
    expect(first.page).toBe(0);
    expect([...first.pending].sort()).toEqual([ids[5], ids[6]].sort());
    expect([...first.quarantined]).toEqual([ids[0]]);
    const second = await loadCases(store(), blank, [], 1, { pageSize: 4 });
    expect(second.rows.map((a) => a.id)).toEqual([...ids].reverse().slice(4));
    expect(second.more).toBe(false);
  });

  it('filters by the form: pending, status, assistant, and by ID number through the salted hash', async () => {
    const pendingOnly = await loadCases(store(() => ({ pendingIds: async () => [ids[6]!] })), { ...blank, sync: 'pending' }, []);
    expect(pendingOnly.rows.map((a) => a.id)).toEqual([ids[6]]);
    const drafts = await loadCases(store(), { ...blank, status: ['draft'] }, []);
    expect(drafts.rows.map((a) => a.id).sort()).toEqual([ids[5], ids[6]].sort());
    const s3 = await loadCases(store(), { ...blank, assistant: ' S003 ' }, []);
    expect(s3.rows).toHaveLength(3);
    const byId = await loadCases(store(), { ...blank, idNumber: ` ${ID} ` }, []);
    expect(byId.filter.idNumber).toBe(ID);
    expect(byId.rows.map((a) => a.id)).toEqual([ids[3]]);
  });

  it('garbage in the search finds nothing and breaks nothing', async () => {
    for (const idNumber of ['<script>alert(1)</script>', '360121', 'x'.repeat(500), '\u0000']) {
      const r = await loadCases(store(), { ...blank, idNumber }, []);
      expect(r.rows).toEqual([]);
    }
  });

  it('a replication that fails or does not answer in time counts nothing as pending; the list still shows', async () => {
    expect(await pendingApplications(store(() => ({ pendingIds: () => Promise.reject(new Error('closed')) })), 50)).toEqual(new Set());
    const t0 = Date.now();
    const late = await loadCases(store(() => ({ pendingIds: () => never })), blank, [], 0, { waitMs: 50 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(late.pending.size).toBe(0);
    expect(late.rows).toHaveLength(7);
  });
});

describe('办件列表: status changes and the daily summary', () => {
  it('withdraws a draft; a change the protocol forbids is refused and nothing changes', async () => {
    const a = await changeCaseStatus(db, ids[5]!, 'withdrawn');
    expect(a.status).toBe('withdrawn');
    expect(a.statusHistory.at(-1)).toMatchObject({ status: 'withdrawn', by: 'terminal' });
    await expect(changeCaseStatus(db, ids[4]!, 'withdrawn')).rejects.toThrow(/cannot move/);
    await expect(changeCaseStatus(db, ids[6]!, 'resubmitted')).rejects.toThrow(/cannot move/);
    expect((await db.applications.findOne(ids[4]!).exec())?.status).toBe('submitted');
    expect((await db.applications.findOne(ids[6]!).exec())?.status).toBe('draft');
    await expect(changeCaseStatus(db, 'no-such-id', 'withdrawn')).rejects.toThrow(/no such application/);
  });

  it('counts today’s cases by service and status, each with its service’s name', async () => {
    const names = new Map((await serviceItems(db)).map((s) => [s.code, s.name]));
    const today = stationToday();
    const rows = await summaryRows(db, today, today, (c) => names.get(c) ?? c);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(7);
    expect(rows.find((r) => r.service === 'MZ01' && r.status === 'draft')).toMatchObject({ serviceName: '低保', count: 1 });
    expect(await summaryRows(db, '2020-01-01', '2020-01-02', String)).toEqual([]);
  });
});

describe('the clerk’s catalog reads', () => {
  it('lists service items by code; one item or null', async () => {
    expect((await serviceItems(db)).map((s) => s.code)).toEqual(['MZ01', 'YB02']);
    expect((await serviceItem(db, 'YB02'))?.name).toBe('医保');
    expect(await serviceItem(db, 'NOPE')).toBeNull();
  });

  it('builds the form model of a form version; null when not synced; throws on a schema it does not support', async () => {
    const form: FormSchemaDoc = {
      id: 'MZ01@1', _deleted: false, updatedAt: T, formId: 'MZ01', version: 1, title: '低保申请表',
      jsonSchema: { type: 'object', properties: { reason: { type: 'string', title: '申请理由', minLength: 2 } }, required: ['reason'] },
      uiSchema: { type: 'VerticalLayout', elements: [{ type: 'Control', scope: '#/properties/reason' }] }, pdfLayout: null,
    };
    await db.form_schemas.insert(form as never);
    await db.form_schemas.insert({ ...form, id: 'MZ01@2', version: 2, jsonSchema: { type: 'object', properties: { reason: { type: 'string', unknownKeyword: true } } } } as never);
    const model = await formModelOf(db, 'MZ01', 1);
    expect(model?.title).toBe('低保申请表');
    expect(model?.errors({ reason: '' }).map((e) => e.path)).toEqual(['reason']);
    expect(await formModelOf(db, 'MZ01', 3)).toBeNull();
    await expect(formModelOf(db, 'MZ01', 2)).rejects.toThrow();
  });
});

describe('办件列表: older cases on demand (the bounded pull left them on the platform)', () => {
  it('a search by ID number that finds nothing here asks the platform and lists what it stored; offline it finds nothing, in bounded time', async () => {
    const own = db; // RxDB's open-source build limits collections open at once: the suite's database
    const OLD_ID = '360121197001011239';
    const old = exampleApplication({ status: 'completed', stationId: '360121201', applicantIdHash: await hashIdNumber(TEST_SALT, OLD_ID), createdAt: '2024-02-01T02:00:00.000Z' });
    const { bridge, state } = olderCasesBridge([old]);
    const rep = startReplication(own, bridge, { identifier: 'cases', waitForLeadership: false, reportEveryMs: 0, retryTime: 30, collections: ['applications'] as CollectionName[] });
    try {
      const s: CasesStore = { db: own, lookupSalts: [TEST_SALT], replication: () => rep };
      const found = await loadCases(s, { ...blank, idNumber: OLD_ID }, [], 0, { waitMs: 50 });
      expect(found.rows.map((r) => r.id)).toEqual([old.id]);
      expect(await rep.isPending('applications', old.id)).toBe(false);
      // Found here now: listed at once (the platform is asked again in the background only).
      expect((await loadCases(s, { ...blank, idNumber: OLD_ID }, [], 0, { waitMs: 50 })).rows.map((r) => r.id)).toEqual([old.id]);
      // Nobody on the platform either; a case found here is listed as before.
      expect((await loadCases(s, { ...blank, idNumber: '360121196001011238' }, [], 0, { waitMs: 50 })).rows).toEqual([]);
      expect((await loadCases(s, { ...blank, idNumber: ID }, [], 0, { waitMs: 50 })).rows.map((r) => r.id)).toEqual([ids[3]]);
      // Offline, or a platform that never answers: nothing, within the wait.
      state.mode = 'down';
      expect((await loadCases(s, { ...blank, idNumber: '110105194912310021' }, [], 0, { waitMs: 50 })).rows).toEqual([]);
      state.mode = 'hang';
      const t0 = Date.now();
      expect((await loadCases(s, { ...blank, idNumber: '110105194912310021' }, [], 0, { waitMs: 50, olderWaitMs: 300 })).rows).toEqual([]);
      expect(Date.now() - t0).toBeLessThan(5000);
      // Only a search by ID number asks; the plain list never does.
      const before = state.asked;
      await loadCases(s, blank, [], 0, { waitMs: 50 });
      expect(state.asked).toBe(before);
    } finally {
      await rep.stop();
      await own.applications.findOne(old.id).remove();
    }
  });
});
