/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON files and answers */
// Hub loss at the kiosk (issue 15 item 7): numbers leased while the hub answers, 取号 from them while
// it is down (persisted across a restart), pushed exactly once when it is back, in the hub's line by
// issuedAt and callable; concurrent kiosks; the station's midnight with the process in UTC; hostile
// lease answers, broken files, refused and replayed pushes. Real platform (PGlite on disk and a
// throwaway PostgreSQL), stopped to cut the hub and started again on the same port and database.
process.env.TZ = 'UTC';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths, queueState, uuidv7, type QueueState, type QueueTicketDoc } from '../../sync/protocol';
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform, type PlatformOptions } from '../../sync/server/platform';
import { backends, eventually } from '../../sync/server/test/helpers';
import { freePort } from '../../sync/server/test/pg-cluster';
import type { QueueOfflineStatus } from '../../preload/contract/queue-calls';
import { TerminalConfig } from '../core/config';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createQueueFeature, QUEUE_OFFLINE_EXHAUSTED } from './feature';
import { OFFLINE_FILE } from './leases';

const STATION = '360121201';
const lines: string[] = [];
const log = createLogger({ level: 'debug', stderr: false, sink: (l) => lines.push(l) });
const logged = (event: string) => lines.filter((l) => l.includes(`"event":"${event}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
const as = (role: CallerContext['role']): CallerContext => ({ origin: 'app://terminal', role, senderId: `${role}-1` });
const dirs: string[] = [];
const tempDir = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A platform that can be cut (stopped) and brought back on the same port and database. */
class Hub {
  p: Platform | null = null;
  port = 0;
  constructor(private readonly options: PlatformOptions) {}
  async up(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.p = await startPlatform({ ...this.options, seedDemo: true, port: this.port });
  }
  async down(): Promise<void> {
    await this.p?.close();
    this.p = null;
  }
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  async client(): Promise<PlatformClient> {
    const c = new PlatformClient({ baseUrl: this.url, timeoutMs: 5_000 });
    c.token = (await c.enroll(await this.p!.createEnrollCode(STATION))).token;
    return c;
  }
  async tickets(): Promise<QueueTicketDoc[]> {
    return (await this.p!.store.db.query<{ data: QueueTicketDoc }>("SELECT data FROM documents WHERE collection = 'queue_tickets'")).map((r) => r.data);
  }
}

interface Terminal {
  dir: string;
  client: PlatformClient;
  feature: ReturnType<typeof createQueueFeature>;
  call(role: CallerContext['role'], name: string, input?: unknown): Promise<any>;
  /** The value of a successful call (throws with the error otherwise). */
  ok<T = any>(role: CallerContext['role'], name: string, input?: unknown): Promise<T>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function terminal(client: PlatformClient, opts: { role?: 'kiosk' | 'clerk'; window?: string; dir?: string; now?: () => Date; blockSize?: number } = {}): Promise<Terminal> {
  const dir = opts.dir ?? tempDir('queue-leases-');
  const config = TerminalConfig.parse({ role: opts.role ?? 'kiosk', ...(opts.window ? { queue: { window: opts.window } } : {}) });
  const make = () =>
    createQueueFeature(
      { config, log, events: createEventHub(log), dataDir: dir, host: 'browser' },
      {
        platform: () => client,
        ready: () => Promise.resolve(),
        retry: { attempts: 2, sleep: () => Promise.resolve() },
        issueDeadlineMs: 3_000,
        ...(opts.role === 'clerk' ? {} : { offline: { intervalMs: 0, pushBackoff: { baseMs: 50, maxMs: 200 }, ...(opts.now ? { now: opts.now } : {}), ...(opts.blockSize ? { blockSize: opts.blockSize } : {}) } }),
      },
    );
  const staff = { state: 'active' as const, staff: { id: 'S001', name: '测试', role: 'counter' as const, platformRole: 'counter' as const }, mode: 'online' as const, signedInAt: Date.now(), offlineValidUntil: null, inactivityLockSec: 300 };
  let feature = make();
  let dispatch = createDispatcher({ handlers: feature.handlers as HandlerTable, isOriginAllowed: () => true, log, staffSession: () => staff });
  await feature.start();
  const t: Terminal = {
    dir,
    client,
    get feature() {
      return feature;
    },
    call: (role, name, input) => dispatch(as(role), name, input),
    async ok<T>(role: CallerContext['role'], name: string, input?: unknown): Promise<T> {
      const r = await dispatch(as(role), name, input);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    },
    async restart() {
      await feature.close();
      feature = make();
      dispatch = createDispatcher({ handlers: feature.handlers as HandlerTable, isOriginAllowed: () => true, log, staffSession: () => staff });
      await feature.start();
    },
    close: () => feature.close(),
  };
  return t;
}

const offlineOf = (t: Terminal) => t.ok<QueueOfflineStatus>('kiosk', 'queue.offline');
const left = async (t: Terminal, category = 'general') => (await offlineOf(t)).categories.find((c) => c.code === category)?.remaining ?? 0;
const issue = (t: Terminal, category = 'general', priority = 'normal', commandId?: string) => t.call('kiosk', 'queue.issue', { category, priority, ...(commandId ? { commandId } : {}) });
const fileOf = (t: Terminal) => JSON.parse(readFileSync(join(t.dir, 'queue', OFFLINE_FILE), 'utf8'));

describe.each(backends())('kiosk offline 取号 from leased numbers on $name', (backend) => {
  let hub: Hub;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    hub = new Hub({ ...s.options, ...(s.options.databaseUrl ? {} : { dataDir: tempDir('queue-leases-hub-') }) });
    await hub.up();
  }, 60_000);
  afterAll(async () => {
    await hub?.down();
    await cleanup?.();
  });

  it('leases while connected; issues consecutive leased numbers while the hub is down (kept across a restart); pushes them once when it is back', async () => {
    const kiosk = await terminal(await hub.client());
    const counter = await terminal(await hub.client(), { role: 'clerk', window: '2' });
    try {
      // Connected: the page's state refresh tops the lease up (10 per category of the station).
      const state = await kiosk.ok<QueueState>('display', 'queue.state');
      expect(state.categories.map((c) => c.code).sort()).toEqual(['civil', 'general', 'social']);
      await eventually(async () => (await left(kiosk)) === 10 && (await left(kiosk, 'social')) === 10, 15_000, 'leases');
      const leases = fileOf(kiosk).leases.filter((l: any) => l.category === 'general');
      expect(leases).toMatchObject([{ from: 901, to: 910, next: 901, prefix: 'A', stationDay: state.stationDay }]);
      // Online 取号 goes to the hub as before, its own numbers from A001 (the block is A901…).
      const online = await issue(kiosk);
      expect(online).toMatchObject({ ok: true, value: { offline: false, ticket: { number: 'A001' } } });
      expect(online.value.ticket.leased).toBeUndefined();

      // The hub is cut: 取号 goes on from the lease, consecutive numbers, flagged offline.
      await hub.down();
      const retried = uuidv7();
      const a = await issue(kiosk, 'general', 'elderly', retried);
      expect(a).toMatchObject({ ok: true, value: { offline: true, ticket: { number: 'A901', leased: true, status: 'waiting', priority: 'elderly', stationId: STATION, window: null, recallCount: 0 } } });
      // the page retries the same 取号 (its answer was lost): the same ticket, not a second number
      expect((await issue(kiosk, 'general', 'elderly', retried)).value.ticket.id).toBe(a.value.ticket.id);
      const b = await issue(kiosk);
      const c = await issue(kiosk, 'civil');
      expect([b.value.ticket.number, c.value.ticket.number]).toEqual(['A902', 'C901']);
      expect(Date.parse(b.value.ticket.issuedAt)).toBeGreaterThanOrEqual(Date.parse(a.value.ticket.issuedAt));
      expect(logged('queue.issued-offline').map((l) => l.ticket)).toEqual(expect.arrayContaining(['A901', 'A902', 'C901']));
      // A restart of the kiosk keeps the lease and the outbox: the next number, never one again.
      await kiosk.restart();
      const d = await issue(kiosk);
      expect(d.value).toMatchObject({ offline: true, ticket: { number: 'A903' } });
      expect(await offlineOf(kiosk)).toMatchObject({ pending: 4, refused: [] });
      expect(await left(kiosk)).toBe(7);
      const numbers = fileOf(kiosk).tickets.map((t: any) => t.doc.number);
      expect(numbers).toEqual(['A901', 'A902', 'C901', 'A903']);

      // The hub is back: the outbox is pushed (backoff retries), each ticket once.
      await hub.up();
      await eventually(async () => (await offlineOf(kiosk)).pending === 0, 20_000, 'the outbox to drain');
      expect((await offlineOf(kiosk)).refused).toEqual([]);
      const all = (await hub.tickets()).filter((t) => t.stationId === STATION && t.issuedAt >= online.value.ticket.issuedAt);
      const mine = all.filter((t) => [online, a, b, c, d].some((x) => x.value.ticket.id === t.id));
      expect(mine).toHaveLength(5);
      for (const t of all) expect(all.filter((x) => x.number === t.number), t.number).toHaveLength(1);
      // In the hub's waiting line by issuedAt (the elderly ticket first by priority), callable.
      const view = await kiosk.ok<QueueState>('display', 'queue.state');
      const line = view.waitingTickets.filter((w) => w.category === 'general').map((w) => w.number);
      expect(line).toEqual(['A901', 'A001', 'A902', 'A903']);
      const called = await counter.ok('clerk', 'queue.callNext', {});
      expect(called.ticket).toMatchObject({ number: 'A901', status: 'called', window: '2' });

      // A replayed push (the kiosk died after the hub accepted, before it wrote that down): answered as a replay.
      const replay = await kiosk.client.push('queue_tickets', [{ assumedMasterState: null, newDocumentState: b.value.ticket }]);
      expect(replay.rejections).toEqual([]);
      const file = fileOf(kiosk);
      for (const t of file.tickets) if (t.doc.id === d.value.ticket.id) t.state = 'pending';
      await kiosk.close();
      writeFileSync(join(kiosk.dir, 'queue', OFFLINE_FILE), JSON.stringify(file));
      await kiosk.restart();
      await eventually(async () => (await offlineOf(kiosk)).pending === 0, 10_000, 'the replay');
      expect((await offlineOf(kiosk)).refused).toEqual([]);
      expect((await hub.tickets()).filter((t) => t.id === d.value.ticket.id || t.number === 'A903')).toHaveLength(1);
      // The called ticket is the hub's now: pushing it again as issued changes nothing.
      const again = await kiosk.client.push('queue_tickets', [{ assumedMasterState: null, newDocumentState: a.value.ticket }]);
      expect(again.rejections).toEqual([]);
      expect((await hub.tickets()).find((t) => t.id === a.value.ticket.id)).toMatchObject({ status: 'called' });
      await counter.ok('clerk', 'queue.finish', { ticketId: a.value.ticket.id });
    } finally {
      await kiosk.close();
      await counter.close();
      if (!hub.p) await hub.up();
    }
  }, 90_000);

  it('two kiosks leasing at once never overlap; no number is issued twice across online and offline 取号', async () => {
    const k1 = await terminal(await hub.client(), { blockSize: 4 });
    const k2 = await terminal(await hub.client(), { blockSize: 4 });
    const clerk = await terminal(await hub.client(), { role: 'clerk', window: '1' });
    try {
      const before = new Set((await hub.tickets()).map((t) => t.id));
      // Both kiosks lease at the same moment while a counter issues online.
      await Promise.all([k1.ok('display', 'queue.state'), k2.ok('display', 'queue.state'), clerk.ok('clerk', 'queue.issue', { category: 'social', priority: 'normal' }), issue(k1, 'social'), issue(k2, 'social')]);
      await eventually(async () => (await left(k1, 'social')) >= 4 && (await left(k2, 'social')) >= 4, 15_000, 'both leases');
      const blocks = [...fileOf(k1).leases, ...fileOf(k2).leases].filter((l: any) => l.category === 'social');
      for (const x of blocks) for (const y of blocks) if (x !== y) expect(x.to < y.from || y.to < x.from, `${x.from}-${x.to} / ${y.from}-${y.to}`).toBe(true);
      // More online 取号 from both kiosks and the counter, then the hub is cut and both issue offline.
      const online = await Promise.all([issue(k1, 'social'), issue(k2, 'social'), clerk.call('clerk', 'queue.issue', { category: 'social', priority: 'normal' })]);
      expect(online.every((r) => r.ok && r.value.offline === false)).toBe(true);
      await hub.down();
      const offline: any[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await issue(i % 2 ? k2 : k1, 'social');
        if (r.ok) offline.push(r.value.ticket);
        else expect(r.error).toMatchObject({ code: 'QUEUE_UNREACHABLE', params: { detail: QUEUE_OFFLINE_EXHAUSTED } });
      }
      // each kiosk had what was left of its leases (≥ 4), never more
      const leasedCount = blocks.reduce((n: number, l: any) => n + l.to - l.from + 1, 0);
      expect(offline.length).toBe(leasedCount);
      expect(new Set(offline.map((t) => t.number)).size).toBe(offline.length);
      // the counter, without a lease, says the hub is unreachable
      expect(await clerk.call('clerk', 'queue.issue', { category: 'social', priority: 'normal' })).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE' } });
      await hub.up();
      await Promise.all([k1.ok('display', 'queue.state'), k2.ok('display', 'queue.state')]);
      await eventually(async () => (await offlineOf(k1)).pending + (await offlineOf(k2)).pending === 0, 20_000, 'both outboxes');
      expect([...(await offlineOf(k1)).refused, ...(await offlineOf(k2)).refused]).toEqual([]);
      const tickets = (await hub.tickets()).filter((t) => t.category === 'social' && !before.has(t.id));
      expect(tickets.length).toBe(offline.length + 6);
      expect(new Set(tickets.map((t) => t.number)).size).toBe(tickets.length);
    } finally {
      for (const t of [k1, k2, clerk]) await t.close();
      if (!hub.p) await hub.up();
    }
  }, 90_000);
});


describe('the station day (Asia/Shanghai) with the process in UTC', () => {
  let clock = Date.parse('2026-12-06T15:50:00.000Z'); // 23:50 in Shanghai
  const now = () => new Date(clock);
  const hub = new Hub({ dataDir: tempDir('queue-leases-day-'), now });
  beforeAll(() => hub.up(), 60_000);
  afterAll(() => hub.down());

  it('takes a new lease when the station day changes, and not when only the UTC date does', async () => {
    expect(new Date(clock).getDate()).toBe(6); // the process really is in UTC
    const kiosk = await terminal(await hub.client(), { now, blockSize: 3 });
    try {
      await kiosk.ok('display', 'queue.state');
      await eventually(async () => (await left(kiosk)) === 3, 15_000, 'the lease of 12-06');
      expect(fileOf(kiosk).leases.find((l: any) => l.category === 'general')).toMatchObject({ stationDay: '2026-12-06', from: 901, to: 903 });
      await hub.down();
      expect((await issue(kiosk)).value.ticket).toMatchObject({ number: 'A901', issuedAt: '2026-12-06T15:50:00.000Z' });
      // 00:05 in Shanghai: yesterday's lease is never used again, even with numbers left.
      clock = Date.parse('2026-12-06T16:05:00.000Z');
      expect(await left(kiosk)).toBe(0);
      expect(await issue(kiosk)).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE', params: { detail: QUEUE_OFFLINE_EXHAUSTED } } });
      await hub.up();
      await kiosk.ok('display', 'queue.state');
      await eventually(async () => (await left(kiosk)) === 3 && (await offlineOf(kiosk)).pending === 0, 15_000, 'the lease of 12-07 and the push');
      expect(fileOf(kiosk).leases.filter((l: any) => l.category === 'general')).toEqual([expect.objectContaining({ stationDay: '2026-12-07', from: 901, to: 903, next: 901 })]);
      expect((await offlineOf(kiosk)).stationDay).toBe('2026-12-07');
      await hub.down();
      expect((await issue(kiosk)).value.ticket).toMatchObject({ number: 'A901', issuedAt: '2026-12-06T16:05:00.000Z' });
      // Midnight UTC is 08:00 in Shanghai: the same station day, the same lease.
      clock = Date.parse('2026-12-06T23:59:00.000Z');
      expect((await issue(kiosk)).value.ticket.number).toBe('A902');
      clock = Date.parse('2026-12-07T00:01:00.000Z');
      expect((await issue(kiosk)).value.ticket).toMatchObject({ number: 'A903', issuedAt: '2026-12-07T00:01:00.000Z' });
      expect(fileOf(kiosk).leases.filter((l: any) => l.category === 'general')).toHaveLength(1);
      await hub.up();
      await kiosk.ok('display', 'queue.state');
      await eventually(async () => (await offlineOf(kiosk)).pending === 0, 15_000, 'the push');
      const view = await kiosk.ok<QueueState>('display', 'queue.state');
      expect(view.stationDay).toBe('2026-12-07');
      expect(view.waitingTickets.filter((w) => w.category === 'general').map((w) => w.number)).toEqual(['A901', 'A902', 'A903']);
      // yesterday's offline A901 reached the hub too, on its own day
      expect((await hub.tickets()).filter((t) => t.number === 'A901').map((t) => t.issuedAt).sort()).toEqual(['2026-12-06T15:50:00.000Z', '2026-12-06T16:05:00.000Z']);
    } finally {
      await kiosk.close();
      if (!hub.p) await hub.up();
    }
  }, 90_000);
});

describe('garbage: hostile lease answers, broken files, refused pushes', () => {
  const hub = new Hub({ dataDir: tempDir('queue-leases-garbage-') });
  beforeAll(() => hub.up(), 60_000);
  afterAll(() => hub.down());

  it('never issues from a hostile or malformed lease answer', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const state = queueState.parse({ stationId: STATION, stationDay: today, timeZone: 'Asia/Shanghai', categories: [{ code: 'general', name: '综合业务', prefix: 'A', waiting: 0, avgWaitSec: null }], windows: [], recentCalls: [], waitingTickets: [] });
    const answers: unknown[] = ['<html>oops</html>', { category: 'general', stationDay: today, from: 1, to: 5000, prefix: 'A' }, { category: 'civil', stationDay: today, from: 1, to: 10, prefix: 'C' }, { category: 'general', stationDay: today, from: -3, to: 2, prefix: 'A' }];
    let answer: unknown = null;
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      if (req.url === paths.queueState) return reply(200, state);
      if (req.url === paths.queueLease) return reply(200, answer);
      return reply(503, { error: { code: 'INTERNAL_ERROR', message: 'down' } });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    const kiosk = await terminal(new PlatformClient({ baseUrl: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, token: 'trm_test', timeoutMs: 2_000 }));
    try {
      for (answer of answers) {
        lines.length = 0;
        await kiosk.ok('display', 'queue.state');
        await eventually(async () => logged('queue.lease-maintain-failed').length > 0, 10_000, 'the lease to fail');
        expect(logged('queue.lease-maintain-failed')[0]).toMatchObject({ code: 'BAD_RESPONSE' });
        expect(await left(kiosk)).toBe(0);
        expect(fileOf(kiosk).leases).toEqual([]);
        const r = await issue(kiosk);
        expect(r).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE', params: { detail: QUEUE_OFFLINE_EXHAUSTED } } });
      }
      expect(seen.filter((s) => s.includes('/push'))).toEqual([]);
      expect(fileOf(kiosk).tickets).toEqual([]);
    } finally {
      await kiosk.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 60_000);

  it('refuses a corrupt file with an English log (no crash), never reuses its leases, keeps its tickets visible; skips numbers already issued', async () => {
    const kiosk = await terminal(await hub.client(), { blockSize: 4 });
    const dir = join(kiosk.dir, 'queue');
    try {
      await kiosk.ok('display', 'queue.state');
      await eventually(async () => (await left(kiosk)) === 4, 15_000, 'the lease');
      await hub.down();
      const first = (await issue(kiosk)).value.ticket;
      expect(first.number).toMatch(/^A\d{3}$/);

      // A file rolled back by hand (valid, but `next` where it started): the outbox still knows the number.
      await kiosk.close();
      const rolled = fileOf(kiosk);
      for (const l of rolled.leases) l.next = l.from;
      writeFileSync(join(dir, OFFLINE_FILE), JSON.stringify(rolled));
      await kiosk.restart();
      const second = (await issue(kiosk)).value.ticket;
      expect(second.number).not.toBe(first.number);
      expect(Number(second.number.slice(1))).toBe(Number(first.number.slice(1)) + 1);

      // Bytes broken on disk: moved aside with an English error, nothing issued from it.
      await kiosk.close();
      writeFileSync(join(dir, OFFLINE_FILE), '{"version":1,"leases":[{"from":1,"to"');
      lines.length = 0;
      await kiosk.restart();
      const corrupt = logged('queue.offline-file-corrupt');
      expect(corrupt).toHaveLength(1);
      expect(corrupt[0]).toMatchObject({ level: 'error', keptTickets: 0 });
      expect(String(corrupt[0]!.note)).toMatch(/not used again/);
      expect(readdirSync(dir).some((f) => f.startsWith(`${OFFLINE_FILE}.corrupt-`))).toBe(true);
      expect(await issue(kiosk)).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE', params: { detail: QUEUE_OFFLINE_EXHAUSTED } } });

      // A file that fails its schema: its leases are dropped, its well-formed tickets kept and pushed.
      // One was never leased from the hub (a forged block): the hub refuses it, the kiosk keeps it visible.
      await kiosk.close();
      const forged = { ...second, id: uuidv7(), number: 'A900' };
      const broken = { version: 1, stationId: STATION, timeZone: 'Asia/Shanghai', categories: [], leases: [{ category: 'general', from: 5, to: 2, next: 99 }], tickets: [{ commandId: uuidv7(), doc: second, state: 'pending', attempts: 0 }, { commandId: uuidv7(), doc: forged, state: 'pending', attempts: 0 }, { doc: 'junk' }] };
      writeFileSync(join(dir, OFFLINE_FILE), JSON.stringify(broken));
      lines.length = 0;
      await kiosk.restart();
      expect(logged('queue.offline-file-corrupt')[0]).toMatchObject({ keptTickets: 2, droppedTickets: 1 });
      expect(await offlineOf(kiosk)).toMatchObject({ pending: 2 });
      expect(await issue(kiosk)).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE' } });
      await hub.up();
      await kiosk.ok('display', 'queue.state');
      await eventually(async () => (await offlineOf(kiosk)).pending === 0, 20_000, 'the push');
      const status = await offlineOf(kiosk);
      expect(status.refused).toEqual([expect.objectContaining({ id: forged.id, number: 'A900', code: 'LEASE_INVALID' })]);
      expect(logged('queue.offline-ticket-refused')[0]).toMatchObject({ level: 'error', ticket: 'A900', code: 'LEASE_INVALID' });
      // The first ticket was lost with the broken bytes: logged above; the second reached the hub once.
      const at = await hub.tickets();
      expect(at.filter((t) => t.id === second.id)).toHaveLength(1);
      expect(at.some((t) => t.number === 'A900')).toBe(false);
      // Still refused and still listed after a restart (kept in the file, never pushed again silently).
      await kiosk.restart();
      expect((await offlineOf(kiosk)).refused.map((r) => r.number)).toEqual(['A900']);
    } finally {
      await kiosk.close();
      if (!hub.p) await hub.up();
    }
  }, 90_000);
});
