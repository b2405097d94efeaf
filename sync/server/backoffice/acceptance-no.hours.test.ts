// 受理号 (`<station>-<yyyymmdd>-<nnnn>`) at every hour of the UTC day, on PGlite and on PostgreSQL,
// with a fixed clock: the day is the station's (Asia/Shanghai, and a station set to UTC+14), the
// counter restarts exactly at the station's midnight and never repeats within a station day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, paths, type ApplicationDoc } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { backends, client, enroll, type Client } from '../test/helpers';

const A = '360121201'; // Asia/Shanghai (UTC+8, the demo default)
const B = '360121100'; // set to Pacific/Kiritimati (UTC+14) below
const OFFSET_H: Record<string, number> = { [A]: 8, [B]: 14 };

let clockMs = Date.parse('2027-02-01T00:00:00.000Z');
const now = () => new Date(clockMs);

/** The station's `yyyymmdd` at `ms`, by plain offset arithmetic (neither zone has summer time). */
const dayAt = (station: string, ms: number) => new Date(ms + OFFSET_H[station]! * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');

/**
 * The instants of the walk: two UTC days, one instant per hour at a minute that varies per hour
 * (seeded), plus the edges: 15:59:59.999/16:00:00.000 (midnight in Shanghai), 09:59:59.999/10:00:00.000
 * (midnight at UTC+14) and 10:00–12:00 (three dates in use on Earth).
 */
function walk(): number[] {
  let seed = 20261206;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: number[] = [];
  for (const day of ['2027-02-01', '2027-02-02']) {
    for (let h = 0; h < 24; h++) {
      const base = Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00.000Z`);
      out.push(base + Math.floor(rnd() * 60) * 60_000 + Math.floor(rnd() * 60) * 1000);
    }
    for (const edge of ['09:59:59.999', '10:00:00.000', '10:30:00.000', '11:59:59.999', '12:00:00.000', '15:59:59.999', '16:00:00.000']) out.push(Date.parse(`${day}T${edge}Z`));
  }
  return out.sort((x, y) => x - y);
}

describe.each(backends())('受理号 at every hour of the UTC day on $name', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let terminals: Record<string, Client>;
  let admin: Client;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 200, now });
    const [a, b] = await Promise.all([enroll(p, A), enroll(p, B)]);
    terminals = { [A]: a, [B]: b };
    admin = client(p.url, p.adminToken);
    const station = (await p.store.getDocument('station_config', B)) as Record<string, unknown>;
    expect((await admin.req('PUT', paths.adminDocuments('station_config'), [{ ...station, timeZone: 'Pacific/Kiritimati', updatedAt: new Date().toISOString() }])).status).toBe(200);
  });
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  it('numbers carry the station day and restart at 0001 exactly at its midnight', async () => {
    const instants = walk();
    const apps: Record<string, ApplicationDoc[]> = {};
    for (const station of [A, B]) {
      // Two acceptances per instant and station.
      apps[station] = Array.from({ length: instants.length * 2 }, () => exampleApplication({ stationId: station, status: 'submitted' }));
      const pushed = await terminals[station]!.push('applications', apps[station].map((doc) => ({ newDocumentState: doc })));
      expect(pushed.rejections ?? []).toEqual([]);
    }
    const seen = new Map<string, string>(); // number → when
    const expectedCount = new Map<string, number>(); // station|day → last number
    let k = 0;
    for (const t of instants) {
      clockMs = t;
      for (let i = 0; i < 2; i++, k++) {
        for (const station of [A, B]) {
          const doc = apps[station]![k]!;
          const r = await admin.req('POST', `${paths.adminApplication(doc.id)}/accept`, {});
          expect(r.status).toBe(200);
          const no: string = r.json.acceptanceNo;
          const when = new Date(t).toISOString();
          const day = dayAt(station, t);
          const n = (expectedCount.get(`${station}|${day}`) ?? 0) + 1;
          expectedCount.set(`${station}|${day}`, n);
          expect(no, `${station} at ${when}`).toBe(`${station}-${day}-${String(n).padStart(4, '0')}`);
          expect(seen.get(no), `${no} at ${when} was already given`).toBeUndefined();
          seen.set(no, when);
          expect(r.json.statusHistory.at(-1).at).toBe(when);
        }
      }
    }
    // Shanghai's midnight: the last number of a day is at 15:59:59.999 UTC, 0001 of the next at 16:00:00.000.
    const at = (iso: string) => [...seen].filter(([, w]) => w === iso).map(([no]) => no);
    expect(at('2027-02-01T15:59:59.999Z').filter((no) => no.startsWith(A))).toEqual([`${A}-20270201-${String(expectedCount.get(`${A}|20270201`)! - 1).padStart(4, '0')}`, `${A}-20270201-${String(expectedCount.get(`${A}|20270201`)!).padStart(4, '0')}`]);
    expect(at('2027-02-01T16:00:00.000Z').filter((no) => no.startsWith(A))).toEqual([`${A}-20270202-0001`, `${A}-20270202-0002`]);
    expect(at('2027-02-01T10:00:00.000Z').filter((no) => no.startsWith(B))).toEqual([`${B}-20270202-0001`, `${B}-20270202-0002`]);
  });
});
