import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDraft, submitApplication } from '../../db/applications';
import type { TerminalDatabase } from '../../db/database';
import type { ApplicationLocal } from '../../db/schemas';
import { memoryDb, TEST_SALT } from '../../db/test-helpers';
import { assistantOf, dayEnd, dayStart, queryCases, summaryCsv, summaryOfDays, syncStateOf, type CaseFilter, type SummaryCsvHeader } from './query';
import { i18n } from '../../i18n';
import { summaryCounts } from '../../db/counts';

/** The zh-CN catalogue's column titles (the page passes its language's). */
const ZH_HEADER = (['service', 'serviceName', 'status', 'count'] as const).map((k) => i18n.global.t(`clerk.cases.summaryCsvHeader.${k}`)) as unknown as SummaryCsvHeader;

let db: TerminalDatabase;
const ids: string[] = [];
let all: ApplicationLocal[] = [];
const idNumber = (i: number) => `3601211980010${String(1000 + i).slice(-4)}1`.slice(0, 17) + 'X';

/** The field encryption (renderer/db/field-encryption.ts) decrypts one member per call, from its cache or not: count the calls. */
async function decryptSpy() {
  const { FieldCipher } = await import('../../db/field-encryption');
  return vi.spyOn(FieldCipher.prototype, 'decryptMember');
}
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  db = await memoryDb();
  for (let i = 0; i < 60; i++) {
    const a = await createDraft(
      db,
      {
        stationId: '360121201',
        serviceItemCode: i % 3 === 0 ? 'MZ01' : 'YB02',
        formId: 'f',
        formVersion: 1,
        channel: 'counter',
        applicant: { name: `居民${i}`, idType: 'resident_id', idNumber: idNumber(i % 20) },
        // every 7th filed by a relative (no staff id)
        agent: i % 7 === 6 ? { kind: 'relative', name: '亲属' } : { kind: 'village_assistant', staffId: i % 2 ? 'S002' : 'S003' },
      },
      TEST_SALT,
      new Date(Date.UTC(2026, 10, 1 + (i % 10), 3, 0, i)),
    );
    if (i % 4 === 0) await submitApplication(db, a.id);
    ids.push(a.id);
  }
  all = (await db.applications.find().exec()).map((d) => d.toMutableJSON());
});
afterAll(async () => db?.close());

const ctx = () => ({ idHashSalt: TEST_SALT, pending: new Set(ids.slice(0, 10)), quarantined: new Set([ids[0]!]) });

/** The same filter by brute force over every decrypted document, newest first. */
function bruteForce(f: CaseFilter): string[] {
  const c = ctx();
  return all
    .filter((a) => !f.status?.length || f.status.includes(a.status))
    .filter((a) => !f.service || a.serviceItemCode === f.service)
    .filter((a) => !f.from || a.createdAt >= dayStart(f.from))
    .filter((a) => !f.to || a.createdAt <= dayEnd(f.to))
    .filter((a) => !f.assistant || assistantOf(a) === f.assistant)
    .filter((a) => !f.sync || syncStateOf(a.id, c) === f.sync)
    .filter((a) => !f.idNumber || a.applicant?.idNumber === f.idNumber)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
    .map((a) => a.id);
}

async function allPages(f: CaseFilter, limit: number): Promise<string[]> {
  const out: string[] = [];
  for (let page = 0; ; page++) {
    const r = await queryCases(db, f, ctx(), limit, page);
    expect(r.rows.length).toBeLessThanOrEqual(limit);
    out.push(...r.rows.map((a) => a.id));
    if (!r.more) return out;
  }
}

describe('case list query', () => {
  it('filters by status, service and date, newest first', async () => {
    const r = await queryCases(db, { status: ['submitted'], service: 'MZ01', from: '2026-11-01', to: '2026-11-05' }, ctx());
    expect(r.rows.length).toBeGreaterThan(0);
    for (const a of r.rows) {
      expect(a.status).toBe('submitted');
      expect(a.serviceItemCode).toBe('MZ01');
    }
    const times = r.rows.map((a) => a.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('finds a resident by ID number through the salted hash only', async () => {
    const r = await queryCases(db, { idNumber: idNumber(3) }, ctx());
    expect(r.rows).toHaveLength(3);
    expect(r.decrypted).toBe(3);
    for (const a of r.rows) expect(a.applicant?.idNumber).toBe(idNumber(3));
  });

  it('filters by assistant and sync state in the database, with paging', async () => {
    const r = await queryCases(db, { assistant: 'S002' }, ctx(), 10);
    expect(r.rows).toHaveLength(10);
    expect(r.more).toBe(true);
    for (const a of r.rows) expect(a.agent?.staffId).toBe('S002');
    const q = await queryCases(db, { sync: 'quarantined' }, ctx());
    expect(q.rows.map((a) => a.id)).toEqual([ids[0]]);
    const p = await queryCases(db, { sync: 'pending' }, ctx());
    expect(p.rows).toHaveLength(9);
    expect((await queryCases(db, { sync: 'pending' }, { ...ctx(), pending: new Set() })).rows).toEqual([]);
  });

  const combos: [string, CaseFilter][] = [
    ['none', {}],
    ['status', { status: ['draft'] }],
    ['two statuses', { status: ['draft', 'submitted'] }],
    ['service + dates', { service: 'YB02', from: '2026-11-03', to: '2026-11-07' }],
    ['assistant + status', { assistant: 'S003', status: ['submitted'] }],
    ['synced + service', { sync: 'synced', service: 'MZ01' }],
    ['pending + two statuses', { sync: 'pending', status: ['draft', 'submitted'] }],
    ['quarantined', { sync: 'quarantined' }],
    ['id number + dates', { idNumber: idNumber(5), from: '2026-11-01', to: '2026-11-06' }],
    ['one day', { from: '2026-11-04', to: '2026-11-04' }],
  ];
  it.each(combos)('pages through the same rows as a brute-force filter (%s)', async (_name, f) => {
    const expected = bruteForce(f);
    expect(await allPages(f, 7)).toEqual(expected);
  });

  it('decrypts only the page shown (limit + 1 documents), never the rest of the table', async () => {
    const spy = await decryptSpy();
    const r = await queryCases(db, { status: ['draft', 'submitted'], assistant: 'S002' }, ctx(), 5, 1);
    expect(r.rows).toHaveLength(5);
    expect(r.decrypted).toBeLessThanOrEqual(6);
    // 3 encrypted members per document (applicant, agent, form data)
    expect(spy.mock.calls.length).toBeLessThanOrEqual(3 * 6);
    // also when filtering by the (many) pending ids
    // (RxDB's document cache would hide a fetch by id: empty it, as after a restart)
    (db.applications as unknown as { _docCache: { cacheItemByDocId: Map<string, unknown> } })._docCache.cacheItemByDocId.clear();
    spy.mockClear();
    const many = { ...ctx(), pending: new Set(ids.slice(0, 50)) };
    const p = await queryCases(db, { sync: 'pending' }, many, 5);
    expect(p.rows).toHaveLength(5);
    expect(spy.mock.calls.length).toBeLessThanOrEqual(3 * 6);
  });

  it('walks a newest-first index and stops after the page for every filter but the ID hash and quarantine', async () => {
    const { buildSelector, listIndex, CASE_SORT } = await import('./query');
    for (const [name, f] of combos) {
      const selector = await buildSelector(f, ctx());
      const index = listIndex(f);
      const q = db.applications.find({ selector: selector as never, sort: CASE_SORT, limit: 21, ...(index ? { index } : {}) });
      const plan = (q as unknown as { getPreparedQuery(): { queryPlan: { sortSatisfiedByIndex: boolean; index: string[] } } }).getPreparedQuery().queryPlan;
      if (f.idNumber) expect(plan.index, name).toContain('applicantIdHash');
      else if (f.sync !== 'quarantined') expect(plan.sortSatisfiedByIndex, name).toBe(true);
    }
  });
});

describe('daily summary', () => {
  const brute = (from: string, to: string) => {
    const m = new Map<string, number>();
    for (const a of all.filter((x) => x.createdAt >= from && x.createdAt <= to)) m.set(`${a.serviceItemCode}/${a.status}`, (m.get(`${a.serviceItemCode}/${a.status}`) ?? 0) + 1);
    return Object.fromEntries([...m].sort());
  };
  const asMap = (rows: { service: string; status: string; count: number }[]) => Object.fromEntries(rows.map((r) => [`${r.service}/${r.status}`, r.count]).sort());

  it('counts by service and status equal to a brute-force count, without decrypting anything', async () => {
    const spy = await decryptSpy();
    expect(asMap(await summaryCounts(db, '2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z'))).toEqual(brute('2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z'));
    expect(asMap(await summaryOfDays(db, '2026-11-03'))).toEqual(brute(dayStart('2026-11-03'), dayEnd('2026-11-03')));
    expect(asMap(await summaryOfDays(db, '2026-11-02', '2026-11-05'))).toEqual(brute(dayStart('2026-11-02'), dayEnd('2026-11-05')));
    const whole = await summaryCounts(db);
    expect(whole.reduce((n, r) => n + r.count, 0)).toBe(60);
    expect(await summaryOfDays(db, '2027-01-01')).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
    // the spy does see decryption (the check above is not vacuous)
    await db.applications.findOne(ids[1]!).exec();
    await queryCases(db, { service: 'MZ01' }, ctx(), 2);
    expect(spy).toHaveBeenCalled();
  });

  it('reads below the field encryption or not at all (never falls back to decrypting)', async () => {
    const { storedLayer } = await import('../../db/counts');
    const layer = storedLayer(db.applications);
    expect(layer.schema.encrypted ?? []).toEqual([]);
    const encryptedOnly = { internalStorageInstance: { schema: { encrypted: ['applicant'] }, query: () => Promise.resolve({ documents: [] }) } };
    expect(() => storedLayer(encryptedOnly as never)).toThrow(/below the field encryption/);
  });

  it('has codes and counts only: no names or ID numbers', async () => {
    const rows = await summaryCounts(db);
    const text = JSON.stringify(rows) + summaryCsv(rows, ZH_HEADER);
    for (const a of all) {
      expect(text).not.toContain(a.applicant!.name);
      expect(text).not.toContain(a.applicant!.idNumber);
    }
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(['count', 'service', 'status']);
  });

  it('exports CSV safely', async () => {
    const rows = await summaryCounts(db, '2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z');
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(60);
    const csv = summaryCsv([...rows.map((r) => ({ ...r, serviceName: r.service === 'MZ01' ? '低保,申请' : '=cmd' }))], ZH_HEADER);
    expect(csv.startsWith('\uFEFF事项编码,事项名称,状态,件数\r\n')).toBe(true);
    expect(csv).toContain('"低保,申请"');
    expect(csv).toContain("'=cmd");
  });
});
