// Offline 取号 from leased numbers at every hour of the UTC day, with one fixed clock for the kiosk
// and the hub (PGlite and PostgreSQL; the process in UTC): a lease is of the station's day
// (Asia/Shanghai), its numbers are used on that day only (the last one at 15:59:59.999 UTC, none of
// it at 16:00:00.000), every offline ticket is accepted by the hub on its own day, and no number
// repeats within a station day.
process.env.TZ = 'UTC';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7, type QueueTicketDoc } from '../../sync/protocol';
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { backends } from '../../sync/server/test/helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../core/log';
import { createOfflineQueue, OfflineQueueError, type OfflineQueue } from './leases';

const STATION = '360121201'; // Asia/Shanghai
const log = createLogger({ level: 'warn', stderr: false });
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

let clockMs = Date.parse('2027-01-01T00:00:00.000Z');
const now = () => new Date(clockMs);

describe.each(backends())('offline 取号 at every hour of the UTC day on $name', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let offline: OfflineQueue;
  let dir: string;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 200, now });
    const client = new PlatformClient({ baseUrl: p.url, timeoutMs: 5_000 });
    client.token = (await client.enroll(await p.createEnrollCode(STATION))).token;
    dir = mkdtempSync(join(tmpdir(), 'queue-leases-hours-'));
    offline = createOfflineQueue({ dir, log, platform: () => client, now, retry: { attempts: 2, sleep: () => Promise.resolve() }, intervalMs: 0, blockSize: 10 });
    await offline.start();
  }, 60_000);
  afterAll(async () => {
    await offline?.close();
    await p?.close();
    await cleanup?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const issue = () => offline.issue({ commandId: uuidv7(clockMs), category: 'general', priority: 'normal', serviceItemCode: null, applicationId: null });
  /** Every ticket issued here, by station day: what the hub must hold in the end. */
  const mine = new Map<string, QueueTicketDoc[]>();
  const issued = async (expected: string) => {
    const t = await issue();
    const day = shanghaiDay(clockMs);
    expect(t, `${new Date(clockMs).toISOString()}`).toMatchObject({ number: expected, issuedAt: new Date(clockMs).toISOString(), leased: true });
    mine.set(day, [...(mine.get(day) ?? []), t]);
  };
  const pushed = async () => {
    // A push may be under way already (issue schedules one); the ticket after it goes in the next.
    for (let i = 0; i < 5 && (await offline.status()).pending > 0; i++) await offline.flush();
    const s = await offline.status();
    expect(s.refused, `refused at ${new Date(clockMs).toISOString()}`).toEqual([]);
    expect(s.pending).toBe(0);
  };

  it('a lease is of the station day and serves only that day, at every hour of the UTC day', async () => {
    // One station day per UTC hour (2027-01-01…24 UTC), at a minute and second that vary per hour.
    for (let h = 0; h < 24; h++) {
      clockMs = Date.parse(`2027-01-${String(h + 1).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 37 + 11) % 60) * 60_000 + ((h * 53) % 60) * 1000;
      const at = new Date(clockMs).toISOString();
      await offline.maintain();
      const s = await offline.status();
      expect(s.stationDay, at).toBe(shanghaiDay(clockMs));
      expect(s.categories.find((c) => c.code === 'general')?.remaining, at).toBe(10);
      for (let n = 901; n <= 908; n++) await issued(`A${n}`);
      // 2 left (< 3): a second lease of the day, after the first one in the hub's counters.
      await offline.maintain();
      expect((await offline.status()).categories.find((c) => c.code === 'general')?.remaining, at).toBe(12);
      for (const n of [909, 910, 911]) await issued(`A${n}`);
      await pushed();
    }
  });

  it('at the station midnight (16:00:00.000 UTC) yesterday’s lease is dropped; at 00:00 UTC it is kept', async () => {
    clockMs = Date.parse('2027-02-01T15:59:59.999Z'); // 23:59:59.999 on 02-01 in Shanghai
    await offline.maintain();
    await issued('A901');
    clockMs = Date.parse('2027-02-01T16:00:00.000Z'); // 00:00 on 02-02
    expect((await offline.status()).stationDay).toBe('2027-02-02');
    await expect(issue()).rejects.toSatisfy((e) => e instanceof OfflineQueueError && e.code === 'NO_LEASED_NUMBERS');
    await offline.maintain();
    await issued('A901');
    clockMs = Date.parse('2027-02-01T23:59:59.999Z'); // 07:59:59.999 on 02-02: the same lease
    await issued('A902');
    clockMs = Date.parse('2027-02-02T00:00:00.000Z');
    await issued('A903');
    for (const edge of ['10:00:00.000', '10:59:59.999', '11:00:00.000', '12:00:00.000', '15:59:59.999']) {
      clockMs = Date.parse(`2027-02-02T${edge}Z`); // still 02-02 in Shanghai
      await offline.maintain();
      expect((await offline.status()).stationDay).toBe('2027-02-02');
    }
    await issued('A904');
    await pushed();
  });

  it('the hub holds every offline ticket on its own station day, no number twice a day', async () => {
    const rows = (await p.store.db.query<{ data: QueueTicketDoc }>("SELECT data FROM documents WHERE collection = 'queue_tickets'")).map((r) => r.data);
    const byDay = new Map<string, string[]>();
    for (const t of rows) byDay.set(shanghaiDay(Date.parse(t.issuedAt)), [...(byDay.get(shanghaiDay(Date.parse(t.issuedAt))) ?? []), t.number]);
    for (const [day, numbers] of byDay) expect(new Set(numbers).size, `${day}: ${numbers.join(' ')}`).toBe(numbers.length);
    for (const [day, tickets] of mine) expect(byDay.get(day)?.sort(), day).toEqual(tickets.map((t) => t.number).sort());
    expect(mine.size).toBe(24 + 2);
  });

  it('a station at UTC+14 (Pacific/Kiritimati): its leases and offline tickets go by its own day, at every hour of the UTC day', async () => {
    const B = '360121100';
    const station = (await p.store.getDocument('station_config', B)) as Record<string, unknown>;
    await p.store.upsertAsPlatform('station_config', [{ ...station, timeZone: 'Pacific/Kiritimati', updatedAt: new Date().toISOString() }]);
    const localDay = (ms: number) => new Date(ms + 14 * 3_600_000).toISOString().slice(0, 10);
    const client = new PlatformClient({ baseUrl: p.url, timeoutMs: 5_000 });
    client.token = (await client.enroll(await p.createEnrollCode(B))).token;
    const bDir = mkdtempSync(join(tmpdir(), 'queue-leases-hours-b-'));
    const kiosk = createOfflineQueue({ dir: bDir, log, platform: () => client, now, retry: { attempts: 2, sleep: () => Promise.resolve() }, intervalMs: 0, blockSize: 4 });
    try {
      await kiosk.start();
      const numbers = new Map<string, string[]>();
      // One UTC day per hour (2027-03-01…24), so each hour is a new day there too (10:00 UTC is its midnight).
      for (let h = 0; h < 24; h++) {
        clockMs = Date.parse(`2027-03-${String(h + 1).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 29 + 3) % 60) * 60_000;
        const at = new Date(clockMs).toISOString();
        await kiosk.maintain();
        expect((await kiosk.status()).stationDay, at).toBe(localDay(clockMs));
        for (let i = 0; i < 3; i++) {
          const t = await kiosk.issue({ commandId: uuidv7(clockMs), category: 'civil', priority: 'normal', serviceItemCode: null, applicationId: null });
          numbers.set(localDay(clockMs), [...(numbers.get(localDay(clockMs)) ?? []), t.number]);
        }
        await kiosk.maintain(); // 1 left (< 3): a second lease of its day, C905…C908
        expect((await kiosk.status()).categories.find((c) => c.code === 'civil')?.remaining, at).toBe(5);
        for (let i = 0; i < 2; i++) {
          const t = await kiosk.issue({ commandId: uuidv7(clockMs), category: 'civil', priority: 'normal', serviceItemCode: null, applicationId: null });
          numbers.set(localDay(clockMs), [...numbers.get(localDay(clockMs))!, t.number]);
        }
        expect(numbers.get(localDay(clockMs)), at).toEqual(['C901', 'C902', 'C903', 'C904', 'C905']);
        for (let i = 0; i < 5 && (await kiosk.status()).pending > 0; i++) await kiosk.flush();
        expect(await kiosk.status(), at).toMatchObject({ pending: 0, refused: [] });
      }
      expect(numbers.size).toBe(24);
      // The edge of its day: 09:59:59.999 UTC is 23:59:59.999 there; at 10:00 that lease is not used.
      clockMs = Date.parse('2027-04-01T09:59:59.999Z');
      await kiosk.maintain();
      await kiosk.issue({ commandId: uuidv7(clockMs), category: 'civil', priority: 'normal', serviceItemCode: null, applicationId: null });
      clockMs = Date.parse('2027-04-01T10:00:00.000Z');
      await expect(kiosk.issue({ commandId: uuidv7(clockMs), category: 'civil', priority: 'normal', serviceItemCode: null, applicationId: null })).rejects.toSatisfy((e) => e instanceof OfflineQueueError && e.code === 'NO_LEASED_NUMBERS');
      await kiosk.maintain();
      expect((await kiosk.issue({ commandId: uuidv7(clockMs), category: 'civil', priority: 'normal', serviceItemCode: null, applicationId: null })).number).toBe('C901');
      for (let i = 0; i < 5 && (await kiosk.status()).pending > 0; i++) await kiosk.flush();
      expect(await kiosk.status()).toMatchObject({ pending: 0, refused: [] });
    } finally {
      await kiosk.close();
      rmSync(bDir, { recursive: true, force: true });
      await p.store.upsertAsPlatform('station_config', [{ ...station, updatedAt: new Date().toISOString() }]);
    }
  });
});
