// The change hub's fan-out (changes.ts): notices arrive over the database's LISTEN/NOTIFY (PGlite
// here, the real driver) and reach exactly the subscribers that may see them: a station's streams
// hear their station's documents and the ones every station sees, an "everything" subscriber hears
// all. Seeded: subscribers come and go (some while a notice is going round), notices name one,
// several or no station; garbage on the channel is ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../fuzz/prng';
import { COLLECTIONS } from '../protocol/index';
import { ChangeHub } from './changes';
import type { Database } from './db/driver';
import { announce, CHANGES_CHANNEL, type ChangeNotice } from './db/documents';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';

let db: Database;

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
});
afterAll(async () => {
  await db.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await sleep(5);
  }
}

/** Positions below every horizon: a notice for them is released at once (nothing is held). */
let seq = 1;

describe('change hub fan-out', () => {
  for (const seed of [9801, 9802, 9803, 9804]) {
    it(`each subscriber hears exactly the notices it may see, once, in order (seed ${seed})`, async () => {
      const rnd = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const stations = ['S1', 'S2', 'S3', 'S4'];
      const hub = new ChangeHub();
      await hub.start(db);
      try {
        type Sub = { station: string | undefined; heard: number[]; expected: number[]; active: boolean; off: () => void; leaveOn?: number; leftAt?: number };
        const subs: Sub[] = [];
        const add = () => {
          const sub: Sub = { station: rnd() < 0.2 ? undefined : pick(stations), heard: [], expected: [], active: true, off: () => undefined };
          const fn = (n: ChangeNotice) => {
            sub.heard.push(n.seq);
            // Some subscribers leave while a notice goes round (their stream closed mid-write), and
            // take another subscriber with them: neither may break the round for the rest.
            if (sub.leaveOn === n.seq) {
              sub.off();
              sub.active = false;
              const other = subs.find((s) => s.active && s !== sub);
              if (other && rnd() < 0.5) {
                other.off();
                other.active = false;
                other.leftAt = n.seq;
              }
            }
            if (rnd() < 0.05) throw new Error('a listener failing on its own');
          };
          sub.off = hub.subscribe(fn, sub.station);
          subs.push(sub);
        };
        for (let i = 0; i < 12; i++) add();
        const sent: number[] = [];
        for (let step = 0; step < 60; step++) {
          const r = rnd();
          if (r < 0.1) add();
          else if (r < 0.18) {
            const s = subs.filter((x) => x.active);
            if (s.length) {
              const x = pick(s);
              x.off();
              x.off(); // twice: harmless
              x.active = false;
            }
          } else {
            const k = rnd();
            const noticeStations = k < 0.25 ? null : k < 0.8 ? [pick(stations)] : [pick(stations), pick(stations), 'S9'];
            const n: ChangeNotice = { collection: pick(COLLECTIONS), seq: seq++, stations: noticeStations };
            const active = subs.filter((x) => x.active);
            if (active.length && rnd() < 0.15) pick(active).leaveOn = n.seq;
            for (const s of active) if (s.station === undefined || n.stations === null || n.stations.includes(s.station)) s.expected.push(n.seq);
            sent.push(n.seq);
            await announce(db, n);
            await until(() => active.every((s) => s.heard.includes(n.seq) || !s.expected.includes(n.seq) || s.leftAt === n.seq), `notice ${n.seq} delivered`);
          }
        }
        // The channel also carries garbage: none of it reaches anyone, and the hub keeps working.
        for (const junk of ['not json', '{"collection":"applications","seq":"7","stations":null}', '{"collection":"nope","seq":1,"stations":null}', '{"collection":"applications","seq":1,"stations":"S1"}', '{"collection":"applications","seq":1,"stations":[1]}', 'null']) {
          await db.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, junk]);
        }
        const last: ChangeNotice = { collection: 'applications', seq: seq++, stations: null };
        for (const s of subs) if (s.active) s.expected.push(last.seq);
        await announce(db, last);
        await until(() => subs.every((s) => !s.active || s.heard.includes(last.seq)), 'the last notice');
        for (const s of subs) {
          // A subscriber taken out by another's listener may or may not have heard that notice.
          const heard = s.leftAt === undefined ? s.heard : s.heard.filter((x) => x !== s.leftAt);
          const expected = s.leftAt === undefined ? s.expected : s.expected.filter((x) => x !== s.leftAt);
          expect(heard).toEqual(expected);
        }
        expect(hub.subscribers).toBe(subs.filter((s) => s.active).length);
      } finally {
        await hub.stop();
      }
      expect(hub.subscribers).toBe(0);
    });
  }

  it('notices announced together go in fewer statements, under the payload limit, and each reaches exactly its stations', async () => {
    const hub = new ChangeHub();
    await hub.start(db);
    let statements = 0;
    const counting = { query: (sql: string, params?: unknown[]) => (sql.includes('pg_notify') && statements++, db.query(sql, params)) } as Database;
    const heard = new Map<string, number[]>();
    const stations = Array.from({ length: 200 }, (_, i) => `W${String(i).padStart(3, '0')}`);
    const offs = ['W000', 'W199', 'W500'].map((st) => hub.subscribe((n) => heard.set(st, [...(heard.get(st) ?? []), n.seq]), st));
    try {
      // 300 notices at once: one station each, or all 200 stations (≈ 1.6 kB each), or every station.
      const notices: ChangeNotice[] = Array.from({ length: 300 }, (_, i) => ({
        collection: 'applications',
        seq: seq++,
        stations: i % 10 === 0 ? stations : i % 10 === 1 ? null : [stations[i % 200]!],
      }));
      await Promise.all(notices.map((n) => announce(counting, n)));
      const expect0 = (st: string) => notices.filter((n) => n.stations === null || n.stations.includes(st)).map((n) => n.seq);
      await until(() => ['W000', 'W199', 'W500'].every((st) => (heard.get(st) ?? []).length >= expect0(st).length), 'every notice delivered');
      await sleep(50);
      for (const st of ['W000', 'W199', 'W500']) expect(heard.get(st), st).toEqual(expect0(st));
      expect(statements).toBeLessThan(300 / 3);
      expect(statements).toBeGreaterThan(1); // the large ones do not fit in one payload
      // A batch may carry garbage among good notices: the good ones are heard, the rest ignored.
      const good = seq++;
      await db.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify({ notices: [null, 5, { collection: 'nope', seq: 1, stations: null }, { collection: 'applications', seq: good, stations: ['W500'] }, { collection: 'applications', seq: 'x', stations: null }], horizon: seq + 10 })]);
      await until(() => (heard.get('W500') ?? []).includes(good), 'the good notice of a batch with garbage');
      expect(heard.get('W000')!.includes(good)).toBe(false);
    } finally {
      for (const off of offs) off();
      await hub.stop();
    }
  });
});
