import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, submitApplication } from '../../db/applications';
import type { TerminalDatabase } from '../../db/database';
import { memoryDb, TEST_SALT } from '../../db/test-helpers';
import { queryCases, summaryCounts, summaryCsv } from './query';

let db: TerminalDatabase;
const ids: string[] = [];
const idNumber = (i: number) => `3601211980010${String(1000 + i).slice(-4)}1`.slice(0, 17) + 'X';

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
        agent: { kind: 'village_assistant', staffId: i % 2 ? 'S002' : 'S003' },
      },
      TEST_SALT,
      new Date(Date.UTC(2026, 10, 1 + (i % 10), 3, 0, i)),
    );
    if (i % 4 === 0) await submitApplication(db, a.id);
    ids.push(a.id);
  }
});
afterAll(async () => db?.close());

const ctx = () => ({ idHashSalt: TEST_SALT, pending: new Set(ids.slice(0, 10)), quarantined: new Set([ids[0]!]) });

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
    expect(r.scanned).toBe(3);
    for (const a of r.rows) expect(a.applicant?.idNumber).toBe(idNumber(3));
  });

  it('filters by assistant and sync state on the page, with paging', async () => {
    const r = await queryCases(db, { assistant: 'S002' }, ctx(), 10, 7);
    expect(r.rows).toHaveLength(10);
    expect(r.more).toBe(true);
    for (const a of r.rows) expect(a.agent?.staffId).toBe('S002');
    const q = await queryCases(db, { sync: 'quarantined' }, ctx());
    expect(q.rows.map((a) => a.id)).toEqual([ids[0]]);
    const p = await queryCases(db, { sync: 'pending' }, ctx());
    expect(p.rows).toHaveLength(9);
  });

  it('counts by service and status and exports CSV safely', async () => {
    const rows = await summaryCounts(db, '2026-11-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z');
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(60);
    const csv = summaryCsv([...rows.map((r) => ({ ...r, serviceName: r.service === 'MZ01' ? '低保,申请' : '=cmd' }))]);
    expect(csv.startsWith('\uFEFF事项编码,事项名称,状态,件数\r\n')).toBe(true);
    expect(csv).toContain('"低保,申请"');
    expect(csv).toContain("'=cmd");
  });
});
