/**
 * The station dashboard's numbers (renderer/stats/aggregate.ts through ./source.ts) on a real RxDB
 * store (memory storage, the app's schemas and field encryption): equal to the daily summary for the
 * same days, station days in Asia/Shanghai while the tests run in UTC, waits, overdue cases against
 * 承诺时限 in working days, 好差评, bad ranges and corrupt documents.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7, type ApplicationDoc, type ApplicationStatus, type EvaluationDoc, type QueueTicketDoc } from '../../../sync/protocol';
import { openTerminalDatabase, type TerminalDatabase } from '../../db/database';
import { toLocal } from '../../db/modifiers';
import { TEST_PASSWORD } from '../../db/test-helpers';
import { summaryCounts } from '../../db/counts';
import { summaryOfDays } from '../cases/query';
import { addWorkingDays, checkRange, dashboardOf, dueDay, percentileOf, summaryRowsOf } from '../../stats/aggregate';
import { DashboardRangeError, loadDashboard } from './source';
import { dashboardMirrors, setBatchForTests } from './facts';
import { stationDayStart } from '../../../sync/protocol/station-time';

const TZ = 'Asia/Shanghai';
const STATION = '360121201';
/** Wednesday 2026-11-11, 10:00 at the station (02:00 UTC). */
const NOW = new Date('2026-11-11T02:00:00.000Z');
/** An instant `h` hours after the start of a station day. */
const at = (day: string, h: number, m = 0) => new Date(Date.parse(stationDayStart(day, TZ)) + (h * 60 + m) * 60_000).toISOString();

let db: TerminalDatabase;
let n = 0;

function app(o: { service: string; status: ApplicationStatus; channel?: ApplicationDoc['channel']; createdAt: string; acceptedAt?: string }): Record<string, unknown> {
  const history: ApplicationDoc['statusHistory'] = [{ status: 'draft', at: o.createdAt, by: 'terminal' }];
  if (o.acceptedAt) history.push({ status: 'accepted', at: o.acceptedAt, by: 'platform' });
  return toLocal('applications', {
    id: uuidv7(Date.parse(o.createdAt) + n++),
    _deleted: false,
    updatedAt: o.createdAt,
    stationId: STATION,
    serviceItemCode: o.service,
    formId: 'F1',
    formVersion: 1,
    channel: o.channel ?? 'counter',
    applicant: { name: `居民${n}`, idNumber: '360121195001011234' },
    applicantIdHash: null,
    agent: null,
    authorization: null,
    formData: { applicantName: `居民${n}` },
    materials: [],
    status: o.status,
    acceptanceNo: null,
    supplement: null,
    decision: null,
    statusHistory: history,
    createdAt: o.createdAt,
    submittedAt: o.status === 'draft' ? null : o.createdAt,
  } satisfies ApplicationDoc);
}

function ticket(o: Partial<QueueTicketDoc> & { issuedAt: string }): QueueTicketDoc {
  return { id: uuidv7(Date.parse(o.issuedAt) + n++), _deleted: false, updatedAt: o.issuedAt, stationId: STATION, number: `A${String(n % 1000).padStart(3, '0')}`, category: 'general', priority: 'normal', status: 'done', calledAt: null, servedAt: null, finishedAt: null, window: null, staffId: null, serviceItemCode: null, applicationId: null, recallCount: 0, ...o };
}

function rating(level: EvaluationDoc['level'], createdAt: string, reasons: string[] = []): EvaluationDoc {
  return { id: uuidv7(Date.parse(createdAt) + n++), _deleted: false, updatedAt: createdAt, stationId: STATION, level, indicators: [], reasons, comment: null, channel: 'kiosk', applicationId: null, ticketId: null, staffId: null, serviceItemCode: null, createdAt };
}

function item(code: string, name: string, timeLimit: { legalDays: number | null; promisedDays: number | null }, sortOrder: number) {
  return { id: code, _deleted: false, updatedAt: NOW.toISOString(), code, name, department: '民政', type: '20', level: '5', target: 'person', topics: [], lifeEvents: [], materials: [], formId: 'F1', formVersion: 1, timeLimit, fee: { charged: false }, proxyAllowed: 'yes', crossProvince: false, pinyin: '', initials: 'x', keywords: [], sortOrder };
}

/** Day d of the fixture (2026-11-01 + d). */
const D = (d: number) => `2026-11-${String(1 + d).padStart(2, '0')}`;
const SERVICES = ['MZ01', 'RS01', 'CL01'];
const STATUSES: ApplicationStatus[] = ['draft', 'submitted', 'synced', 'accepted', 'in_review', 'supplement_required', 'approved', 'completed', 'withdrawn'];

async function openFixture(): Promise<void> {
  // no validator wrapper: the tests below also store documents the schema would refuse (corruption)
  db = await openTerminalDatabase({ name: `dash${Date.now().toString(36)}`, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false });
  const apps: Record<string, unknown>[] = [];
  for (let i = 0; i < 90; i++) {
    const day = D(i % 11);
    // hours 0..23 of the station day, so many fall on the previous UTC day
    apps.push(app({ service: SERVICES[i % 3]!, status: STATUSES[i % STATUSES.length]!, channel: (['kiosk', 'counter', 'field'] as const)[i % 3 === 0 ? 0 : i % 2 ? 1 : 2], createdAt: at(day, i % 24, i) }));
  }
  await db.applications.bulkInsert(apps as never[]);
  await db.service_items.bulkInsert([item('MZ01', '最低生活保障', { legalDays: null, promisedDays: 5 }, 1), item('RS01', '城乡居民养老保险参保登记', { legalDays: 10, promisedDays: null }, 2), item('CL01', '残疾人证新办', { legalDays: null, promisedDays: null }, 3)] as never[]);
}
afterEach(() => vi.restoreAllMocks());

describe('dashboard = daily summary for the same days', () => {
  beforeAll(openFixture);
  afterAll(async () => db?.close());
  const asMap = (rows: { service: string; status: string; count: number }[]) => Object.fromEntries(rows.map((r) => [`${r.service}/${r.status}`, r.count]));
  it.each([
    [D(0), D(0)],
    [D(3), D(3)],
    [D(2), D(6)],
    [D(0), D(10)],
    [D(10), D(10)],
    ['2026-12-01', '2026-12-31'],
  ])('%s..%s: by service and status, by service, by status and the total', async (from, to) => {
    const summary = await summaryOfDays(db, from, to);
    const { dashboard } = await loadDashboard(db, { from, to, timeZone: TZ, now: NOW });
    expect(asMap(dashboard.applications.summary)).toEqual(asMap(summary));
    const total = summary.reduce((s, r) => s + r.count, 0);
    expect(dashboard.applications.total).toBe(total);
    expect(dashboard.applications.perDay.reduce((s, c) => s + c, 0)).toBe(total);
    for (const { service, count } of dashboard.applications.byService) expect(count).toBe(summary.filter((r) => r.service === service).reduce((s, r) => s + r.count, 0));
    for (const { status, count } of dashboard.applications.byStatus) expect(count).toBe(summary.filter((r) => r.status === status).reduce((s, r) => s + r.count, 0));
    expect(Object.values(dashboard.applications.byChannel).reduce((s, c) => s + c, 0)).toBe(total);
  });

  it('counts station days, not UTC days (the tests run in UTC)', async () => {
    expect(process.env.TZ).toBe('UTC');
    const all = (await db.applications.find().exec()).map((d) => d.toJSON());
    // 00:30 at the station is 16:30 UTC the day before
    const early = all.filter((a) => a.createdAt >= stationDayStart(D(4), TZ) && a.createdAt < stationDayStart(D(5), TZ));
    expect(early.some((a) => a.createdAt.slice(0, 10) === D(3))).toBe(true);
    const { dashboard } = await loadDashboard(db, { from: D(4), to: D(4), timeZone: TZ, now: NOW });
    expect(dashboard.applications.total).toBe(early.length);
    expect(dashboard.today).toBe('2026-11-11');
  });

  it('reads nothing decrypted', async () => {
    // every member the field encryption decrypts (renderer/db/field-encryption.ts), from its cache or not
    const { FieldCipher } = await import('../../db/field-encryption');
    const spy = vi.spyOn(FieldCipher.prototype, 'decryptMember');
    await loadDashboard(db, { from: D(0), to: D(10), timeZone: TZ, now: NOW });
    expect(spy).not.toHaveBeenCalled();
    await db.applications.findOne().exec();
    expect(spy).toHaveBeenCalled();
  });
});

describe('tickets and waits', () => {
  it('issued, served, average and p90 wait by category (nearest rank)', () => {
    const day = '2026-11-11';
    const waits = [2, 4, 6, 8, 10, 12, 14, 16, 18, 40];
    const tickets = [
      ...waits.map((w, i) => ({ category: 'general', status: i < 8 ? 'done' : 'serving', issuedAt: at(day, 1, i), calledAt: at(day, 1, i + w) })),
      { category: 'general', status: 'waiting', issuedAt: at(day, 2), calledAt: null },
      { category: 'social', status: 'done', issuedAt: at(day, 3), calledAt: at(day, 3, 30) },
      // yesterday: outside
      { category: 'social', status: 'done', issuedAt: at('2026-11-10', 23, 59), calledAt: at(day, 0, 5) },
    ];
    const d = dashboardOf({ from: day, to: day, timeZone: TZ, now: NOW, applications: [], running: [], tickets, evaluations: [], timeLimits: new Map() });
    const general = d.tickets.byCategory.find((c) => c.category === 'general')!;
    expect(general).toEqual({ category: 'general', issued: 11, served: 8, called: 10, avgWaitMin: 13, p90WaitMin: 18 });
    expect(d.tickets.byCategory.find((c) => c.category === 'social')).toMatchObject({ issued: 1, served: 1, avgWaitMin: 30, p90WaitMin: 30 });
    expect(d.tickets.total).toMatchObject({ issued: 12, served: 9, called: 11 });
    expect(percentileOf([], 90)).toBeNull();
    expect(percentileOf([5], 90)).toBe(5);
  });
});

describe('overdue against the time limit', () => {
  it('counts working days for 承诺时限 and calendar days for the legal limit; 补正 and closed cases are not overdue', () => {
    // Friday 2026-11-06 + 5 working days = Friday 2026-11-13; + 3 = Wednesday 11-11
    expect(addWorkingDays('2026-11-06', 5)).toBe('2026-11-13');
    expect(addWorkingDays('2026-11-06', 3)).toBe('2026-11-11');
    expect(addWorkingDays('2026-11-07', 0)).toBe('2026-11-07');
    expect(dueDay('2026-11-01', { legalDays: 10, promisedDays: null })).toEqual({ due: '2026-11-11', kind: 'legal' });
    expect(dueDay('2026-11-01', { legalDays: null, promisedDays: null })).toBeNull();
    const limits = new Map([
      ['P3', { legalDays: null, promisedDays: 3 }],
      ['L5', { legalDays: 5, promisedDays: null }],
      ['NONE', { legalDays: null, promisedDays: null }],
      ['NOW', { legalDays: null, promisedDays: 0 }],
    ]);
    const f = (id: string, service: string, status: ApplicationStatus, start: string) => ({ id, service, status, channel: 'counter' as const, createdAt: start, clockStart: start });
    const running = [
      f('a', 'P3', 'accepted', at('2026-11-05', 9)), // Thu + 3 working days = Tue 11-10: 1 day over on Wed 11-11
      f('b', 'P3', 'in_review', at('2026-11-06', 9)), // Fri + 3 = Wed 11-11: due today, not over
      f('c', 'L5', 'synced', at('2026-11-01', 9)), // 11-06: 5 days over
      f('d', 'L5', 'supplement_required', at('2026-11-01', 9)), // waiting for the resident
      f('e', 'NONE', 'accepted', at('2026-10-01', 9)), // no limit
      f('g', 'NOW', 'submitted', at('2026-11-10', 23, 30)), // 即办, yesterday (station day): 1 over
      f('h', 'L5', 'approved', at('2026-10-01', 9)), // decided
    ];
    const d = dashboardOf({ from: '2026-11-11', to: '2026-11-11', timeZone: TZ, now: NOW, applications: [], running, tickets: [], evaluations: [], timeLimits: limits });
    expect(d.overdue.rows.map((r) => [r.id, r.due, r.daysOver, r.kind])).toEqual([
      ['c', '2026-11-06', 5, 'legal'],
      ['a', '2026-11-10', 1, 'promised'],
      ['g', '2026-11-10', 1, 'promised'],
    ]);
    expect(d.overdue.running).toBe(5);
    expect(d.overdue.withoutLimit).toBe(1);
  });

});

describe('好差评', () => {
  it('distribution, satisfaction and the reasons of low ratings (each reason once per rating)', () => {
    const day = '2026-11-11';
    const evaluations = [
      { level: 5 as const, reasons: [], createdAt: at(day, 1) },
      { level: 4 as const, reasons: [], createdAt: at(day, 2) },
      { level: 2 as const, reasons: ['等待时间长', '态度不好'], createdAt: at(day, 3) },
      { level: 1 as const, reasons: ['等待时间长', '等待时间长'], createdAt: at(day, 4) },
      { level: 3 as const, reasons: ['材料多'], createdAt: at(day, 5) },
    ];
    const d = dashboardOf({ from: day, to: day, timeZone: TZ, now: NOW, applications: [], running: [], tickets: [], evaluations, timeLimits: new Map() });
    expect(d.ratings).toEqual({ total: 5, byLevel: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 }, low: 2, lowReasons: [{ reason: '等待时间长', count: 2 }, { reason: '态度不好', count: 1 }], satisfaction: 60 });
  });
});

describe('garbage', () => {
  it('refuses bad ranges with a code (the page says it in Chinese)', async () => {
    expect(checkRange('2026-11-01', '2026-11-30')).toEqual({ ok: true, from: '2026-11-01', to: '2026-11-30' });
    for (const [from, to, code] of [
      ['2026-02-30', '2026-03-01', 'RANGE_FORMAT'],
      ['2026-11-01', 'tomorrow', 'RANGE_FORMAT'],
      [null, '2026-11-01', 'RANGE_FORMAT'],
      [20261101, '2026-11-01', 'RANGE_FORMAT'],
      ['2026-11-02', '2026-11-01', 'RANGE_REVERSED'],
      ['2024-01-01', '2026-01-01', 'RANGE_TOO_LONG'],
      ["2026-11-01'; DROP", '2026-11-02', 'RANGE_FORMAT'],
    ] as const) {
      expect(checkRange(from, to)).toEqual({ ok: false, error: code });
      await expect(loadDashboard(db, { from, to, timeZone: TZ })).rejects.toSatisfy((e: unknown) => e instanceof DashboardRangeError && e.code === code);
    }
  });

});

describe('on a store of their own (opened after the fixture store is closed: RxDB limits open collections)', () => {
  it('starts the clock at 受理 when the history has it (read from the store)', async () => {
    const fresh = await openTerminalDatabase({ name: `dash-o${Date.now().toString(36)}`, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false });
    try {
      await fresh.service_items.bulkInsert([item('MZ01', '最低生活保障', { legalDays: null, promisedDays: 5 }, 1)] as never[]);
      await fresh.applications.bulkInsert([
        app({ service: 'MZ01', status: 'accepted', createdAt: at('2026-10-20', 9), acceptedAt: at('2026-11-04', 9) }), // Wed 11-04 + 5 = Wed 11-11: not over
        app({ service: 'MZ01', status: 'accepted', createdAt: at('2026-10-20', 9) }), // from 10-20 + 5 = 10-27: 15 days over
      ] as never[]);
      const { dashboard } = await loadDashboard(fresh, { from: '2026-11-11', to: '2026-11-11', timeZone: TZ, now: NOW });
      expect(dashboard.overdue.rows.map((r) => [r.start, r.due, r.daysOver])).toEqual([['2026-10-20', '2026-10-27', 15]]);
    } finally {
      await fresh.close();
    }
  });

  it('leaves out corrupt documents, counts them once, and still equals the daily summary', async () => {
    const fresh = await openTerminalDatabase({ name: `dash-g${Date.now().toString(36)}`, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false });
    try {
      const day = '2026-11-11';
      const good = app({ service: 'MZ01', status: 'accepted', createdAt: at(day, 1) });
      const badStatus = { ...app({ service: 'MZ01', status: 'submitted', createdAt: at(day, 2) }), status: 'bogus' };
      const badService = { ...app({ service: 'MZ01', status: 'accepted', createdAt: at(day, 3) }), serviceItemCode: '' }; // read twice (in range, running)
      const badHistory = { ...app({ service: 'RS01', status: 'synced', createdAt: at(day, 4) }), statusHistory: [null, 7, { status: 'accepted', at: 'yesterday' }], channel: 'fax' };
      await fresh.applications.bulkInsert([good, badStatus, badService, badHistory] as never[]);
      await fresh.queue_tickets.bulkInsert([ticket({ issuedAt: at(day, 1), calledAt: at(day, 1, 5) }), { ...ticket({ issuedAt: at(day, 2) }), category: '' }, ticket({ issuedAt: at(day, 3), calledAt: at(day, 2) })] as never[]);
      await fresh.evaluations.bulkInsert([rating(5, at(day, 1)), { ...rating(1, at(day, 2), ['慢']), reasons: 'not a list' }, { ...rating(4, at(day, 3)), level: 4.5 }] as never[]);
      await fresh.service_items.bulkInsert([{ ...item('MZ01', '最低生活保障', { legalDays: null, promisedDays: 5 }, 1), timeLimit: { promisedDays: 'five', legalDays: -3 } }] as never[]);
      const { dashboard } = await loadDashboard(fresh, { from: day, to: day, timeZone: TZ, now: NOW });
      expect(dashboard.skipped).toBe(2 + 1 + 1);
      expect(dashboard.applications.summary).toEqual(await summaryOfDays(fresh, day));
      expect(dashboard.applications.summary).toEqual([
        { service: 'MZ01', status: 'accepted', count: 1 },
        { service: 'RS01', status: 'synced', count: 1 },
      ]);
      expect(dashboard.applications.byChannel).toEqual({ kiosk: 0, counter: 1, field: 0, other: 1 });
      // a call before its issue is no wait
      expect(dashboard.tickets.total).toMatchObject({ issued: 2, called: 1, avgWaitMin: 5 });
      expect(dashboard.ratings).toMatchObject({ total: 2, low: 1, lowReasons: [] });
      // a malformed time limit is no limit
      expect(dashboard.overdue.withoutLimit).toBe(2);
      expect(await summaryCounts(fresh)).toEqual(summaryRowsOf([{ service: 'MZ01', status: 'accepted' }, { service: 'RS01', status: 'synced' }]));
    } finally {
      await fresh.close();
    }
  });
  it('keeps its facts current from the change feed: later loads read only what changed, and still equal the summary', async () => {
    const fresh = await openTerminalDatabase({ name: `dash-m${Date.now().toString(36)}`, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false });
    try {
      const day = '2026-11-11';
      const docs = Array.from({ length: 50 }, (_, i) => app({ service: SERVICES[i % 3]!, status: STATUSES[i % STATUSES.length]!, createdAt: at(day, i % 20, i) }));
      await fresh.applications.bulkInsert(docs as never[]);
      const first = await loadDashboard(fresh, { from: day, to: day, timeZone: TZ, now: NOW });
      expect(first.dashboard.applications.total).toBe(50);
      const m = dashboardMirrors(fresh);
      expect(m.applications.read).toBe(50);
      // a pull changes one, a new one is filed, one is deleted, one becomes corrupt
      const ids = docs.map((d) => d.id as string);
      await fresh.applications.findOne(ids[0]).exec().then((d) => d!.incrementalPatch({ status: 'completed' }));
      await fresh.applications.insert(app({ service: 'MZ01', status: 'submitted', createdAt: at(day, 21) }) as never);
      await fresh.applications.findOne(ids[1]).exec().then((d) => d!.remove());
      await fresh.applications.findOne(ids[2]).exec().then((d) => d!.incrementalPatch({ serviceItemCode: '' }));
      const second = await loadDashboard(fresh, { from: day, to: day, timeZone: TZ, now: NOW });
      expect(m.applications.read).toBe(54);
      expect(second.dashboard.applications.total).toBe(49);
      expect(second.dashboard.skipped).toBe(1);
      expect(second.dashboard.applications.summary).toEqual(await summaryOfDays(fresh, day));
      // the corrupt one repaired: counted again
      await fresh.applications.findOne(ids[2]).exec().then((d) => d!.incrementalPatch({ serviceItemCode: 'MZ01' }));
      const third = await loadDashboard(fresh, { from: day, to: day, timeZone: TZ, now: NOW });
      expect(third.dashboard.skipped).toBe(0);
      expect(third.dashboard.applications.summary).toEqual(await summaryOfDays(fresh, day));
      expect(m.applications.read).toBe(55);
    } finally {
      await fresh.close();
    }
  });
  it('reads a write larger than one batch completely (documents of one write share their write time)', async () => {
    const fresh = await openTerminalDatabase({ name: `dash-b${Date.now().toString(36)}`, password: TEST_PASSWORD, storage: { kind: 'memory' }, multiInstance: false });
    setBatchForTests(7);
    try {
      const day = '2026-11-11';
      const docs = Array.from({ length: 20 }, (_, i) => app({ service: 'MZ01', status: 'submitted', createdAt: at(day, 1, i) }));
      await fresh.applications.bulkInsert(docs.slice(0, 3) as never[]);
      await fresh.applications.bulkInsert(docs.slice(3) as never[]); // 17 with one write time: cut by batches of 7
      expect((await loadDashboard(fresh, { from: day, to: day, timeZone: TZ, now: NOW })).dashboard.applications.total).toBe(20);
      const m = dashboardMirrors(fresh);
      expect(m.applications.read).toBe(20);
      await fresh.applications.bulkUpsert(docs.slice(5, 15).map((d) => ({ ...d, status: 'synced' })) as never[]);
      // The dashboard asks in the very millisecond the write ended (write times carry a fraction).
      const written = await fresh.applications.findByIds(docs.slice(5, 15).map((d) => String(d.id))).exec();
      const lwt = Math.max(...[...written.values()].map((d) => d.toJSON(true)._meta.lwt));
      vi.spyOn(Date, 'now').mockReturnValue(Math.floor(lwt));
      const d2 = (await loadDashboard(fresh, { from: day, to: day, timeZone: TZ, now: NOW })).dashboard;
      vi.restoreAllMocks();
      expect(m.applications.read).toBe(30);
      expect(d2.applications.summary).toEqual(await summaryOfDays(fresh, day));
      expect(d2.applications.byStatus).toEqual([
        { status: 'submitted', count: 10 },
        { status: 'synced', count: 10 },
      ]);
    } finally {
      setBatchForTests(2000);
      await fresh.close();
    }
  });
});
