// The back office's per-day figures at every hour of the UTC day, on PGlite and PostgreSQL: 办件量,
// 好差评 and 用证率 over `from`…`to` (days in Asia/Shanghai) count exactly the items created on those
// station days, with items at every UTC hour (a minute per hour) and at the edges 15:59:59.999 /
// 16:00:00.000 (midnight in Shanghai), 23:59:59.999 / 00:00 and 10:00–12:00 UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, uuidv7 } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { backends } from '../test/helpers';

const A = '360121201';
const PASSWORD = 'correct-horse-7';
const DAYS = ['2027-04-01', '2027-04-02', '2027-04-03'];
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** Every UTC hour of DAYS at a minute and second per hour, and the edges. */
function instants(): number[] {
  const out: number[] = [];
  for (const day of DAYS) {
    for (let h = 0; h < 24; h++) out.push(Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 37 + 11) % 60) * 60_000 + ((h * 53) % 60) * 1000);
    for (const edge of ['00:00:00.000', '10:00:00.000', '11:00:00.000', '11:59:59.999', '15:59:59.999', '16:00:00.000', '23:59:59.999']) out.push(Date.parse(`${day}T${edge}Z`));
  }
  return out;
}

describe.each(backends())('per-day back-office figures at every hour of the UTC day ($name)', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let cookie = '';
  const get = async (path: string) => {
    const r = await fetch(p.url + path, { headers: { cookie } });
    expect(r.status, path).toBe(200);
    return (await r.json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true });
    const made = await fetch(`${p.url}/api/v1/admin/officers`, { method: 'POST', headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'admin1', name: '管理员甲', roles: ['admin'], password: PASSWORD }) });
    expect(made.status).toBe(200);
    const session = await fetch(`${p.url}/api/v1/backoffice/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin1', password: PASSWORD }) });
    expect(session.status).toBe(200);
    cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  }, 120_000);
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  it('counts exactly the station day’s applications, evaluations and licence uses, for each day and for a range', async () => {
    const at = instants();
    // One application at every instant (every third with its material from an e-licence), and an evaluation.
    const apps = at.map((t, i) => {
      const iso = new Date(t).toISOString();
      return exampleApplication({
        stationId: A,
        status: 'synced',
        createdAt: iso,
        updatedAt: iso,
        submittedAt: iso,
        materials: [{ code: 'MZ06-M01', name: '户口簿', provided: true, origin: i % 3 === 0 ? 'e_license' : 'scan', attachments: [] }],
      });
    });
    await p.store.upsertAsPlatform('applications', apps);
    const evals = at.map((t, i) => {
      const iso = new Date(t).toISOString();
      const level = (i % 5) + 1;
      return { id: uuidv7(t), _deleted: false, updatedAt: iso, stationId: A, level, indicators: [], reasons: level < 3 ? ['态度不好'] : [], comment: null, channel: 'kiosk', applicationId: null, ticketId: null, staffId: null, serviceItemCode: null, createdAt: iso };
    });
    await p.store.upsertAsPlatform('evaluations', evals);

    const expected = (days: string[]) => {
      const inDays = (t: number) => days.includes(shanghaiDay(t));
      const idx = at.map((t, i) => ({ t, i })).filter(({ t }) => inDays(t));
      const levels = new Map<number, number>();
      for (const { i } of idx) levels.set((i % 5) + 1, (levels.get((i % 5) + 1) ?? 0) + 1);
      return { total: idx.length, byLicence: idx.filter(({ i }) => i % 3 === 0).length, ratings: [...levels].sort(([x], [y]) => x - y).map(([level, count]) => ({ stationId: A, level, count })) };
    };
    // The Shanghai days the instants fall on: DAYS and the day after the last one.
    const stationDays = [...new Set(at.map(shanghaiDay))].sort();
    expect(stationDays).toEqual([...DAYS, '2027-04-04']);
    for (const [from, to] of [...stationDays.map((d) => [d, d]), [stationDays[0]!, stationDays[2]!], [stationDays[1]!, stationDays[3]!]]) {
      const days = stationDays.filter((d) => d >= from! && d <= to!);
      const want = expected(days);
      const d = await get(`/api/v1/backoffice/dashboard?from=${from}&to=${to}`);
      expect(d.total, `${from}…${to}`).toBe(want.total);
      expect(d.ratings, `${from}…${to}`).toEqual(want.ratings);
      const u = await get(`/api/v1/backoffice/e-licence-usage?from=${from}&to=${to}`);
      expect(u.total, `${from}…${to}`).toMatchObject({ applications: want.total, byLicence: want.byLicence });
    }
    // The edges themselves: 15:59:59.999 UTC is the last instant of a Shanghai day, 16:00 the first of the next.
    expect(shanghaiDay(Date.parse('2027-04-01T15:59:59.999Z'))).toBe('2027-04-01');
    expect((await get('/api/v1/backoffice/dashboard?from=2027-04-02&to=2027-04-02')).total).toBe(expected(['2027-04-02']).total);
  });
});
