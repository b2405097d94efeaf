/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// The queue executed by the platform, over HTTP, on PGlite and on PostgreSQL: commands, idempotency,
// other stations, junk bodies, the station's midnight, concurrent counters, leases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleQueueTicket, paths, queueState, queueTicketDoc, ticketIdFor, uuidv7, type StationConfigDoc } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { demoStations } from '../seed/demo';
import { openEventLog } from '../test/cluster';
import { backends, client, enroll, pullAll, type Client } from '../test/helpers';

const A = '360121201';
const B = '360121100';

/** A clock the test moves (starts at 09:00 in Shanghai). */
let clockMs = Date.parse('2026-12-05T01:00:00.000Z');
const now = () => new Date(clockMs);

const issue = (c: Client, category = 'general', priority = 'normal', commandId = uuidv7()) => c.req('POST', paths.queueCommands, { type: 'issue', commandId, category, priority });
const callNext = (c: Client, window: string, commandId = uuidv7()) => c.req('POST', paths.queueCommands, { type: 'call_next', commandId, window, staffId: 'S001' });
const act = (c: Client, type: string, ticketId: string, window: string, extra: Record<string, unknown> = {}) => c.req('POST', paths.queueCommands, { type, commandId: uuidv7(), ticketId, window, ...extra });

describe.each(backends())('station queue on $name', (backend) => {
  let p: Platform;
  let cleanup: () => Promise<void>;
  let kiosk: Client;
  let counter1: Client;
  let counter2: Client;
  let other: Client; // a counter of station B
  let admin: Client;

  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 200, now });
    [kiosk, counter1, counter2, other] = await Promise.all([enroll(p, A), enroll(p, A), enroll(p, A), enroll(p, B)]);
    admin = client(p.url, p.adminToken);
  });
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });

  /** Rows that a refused request must leave as they were. */
  const snapshot = async () => {
    const rows = await p.store.db.query<{ n: string }>(
      "SELECT (SELECT count(*) FROM documents WHERE collection = 'queue_tickets') || '/' || (SELECT coalesce(max(seq), 0) FROM documents) || '/' || (SELECT count(*) FROM queue_commands) || '/' || (SELECT coalesce(sum(value), 0) FROM queue_counters) AS n",
    );
    return rows[0]!.n;
  };

  it('issue → call → recall → start → finish; tickets pull and stream like documents', async () => {
    clockMs = Date.parse('2026-12-05T01:00:00.000Z');
    const stream = await openEventLog(p.url, counter2.token);
    const events = stream.events;

    const r1 = await issue(kiosk, 'general', 'normal');
    expect(r1.status).toBe(200);
    const t1 = queueTicketDoc.parse(r1.json.ticket);
    expect(t1).toMatchObject({ number: 'A001', status: 'waiting', stationId: A, category: 'general', issuedAt: '2026-12-05T01:00:00.000Z' });
    clockMs += 1000;
    const t2 = (await issue(kiosk, 'general', 'elderly')).json.ticket;
    expect(t2.number).toBe('A002');
    const b1 = (await issue(kiosk, 'social')).json.ticket;
    expect(b1.number).toBe('B001');

    await stream.until((e) => e.type === 'CHANGE' && e.collection === 'queue_tickets');
    stream.close();
    expect(events).toContainEqual(expect.objectContaining({ type: 'CHANGE', collection: 'queue_tickets' }));
    const pulled = await pullAll(counter2, 'queue_tickets');
    expect(pulled.docs.map((d) => d.id)).toEqual(expect.arrayContaining([t1.id, t2.id, b1.id]));

    clockMs += 60_000;
    const c = await callNext(counter1, '1');
    expect(c.json.ticket).toMatchObject({ id: t2.id, status: 'called', window: '1', staffId: 'S001' }); // priority first
    expect((await act(counter1, 'recall', t2.id, '1')).json.ticket.recallCount).toBe(1);
    expect((await act(counter1, 'start', t2.id, '1')).json.ticket.status).toBe('serving');
    clockMs += 120_000;
    const appId = uuidv7();
    const done = (await act(counter1, 'finish', t2.id, '1', { applicationId: appId })).json.ticket;
    expect(done).toMatchObject({ status: 'done', applicationId: appId, finishedAt: new Date(clockMs).toISOString() });
    expect(await p.store.getDocument('queue_tickets', t2.id)).toEqual(done);

    const state = await kiosk.req('GET', paths.queueState);
    expect(state.status).toBe(200);
    const view = queueState.parse(state.json);
    expect(view).toMatchObject({ stationId: A, stationDay: '2026-12-05', timeZone: 'Asia/Shanghai' });
    expect(view.windows.map((w) => w.id)).toEqual(['1', '2']);
    expect(view.categories.find((x) => x.code === 'general')).toMatchObject({ waiting: 1, avgWaitSec: 60 });
    expect(view.waitingTickets.map((t) => t.number)).toEqual(['A001', 'B001']);
    expect(view.recentCalls[0]!.id).toBe(t2.id);
    // Station B sees none of it.
    expect((await other.req('GET', paths.queueState)).json.waitingTickets).toEqual([]);
  });

  it('a replayed command returns the first answer and changes nothing; the same id with another body is refused', async () => {
    const id = uuidv7();
    const first = await issue(kiosk, 'civil', 'normal', id);
    expect(first.status).toBe(200);
    const before = await snapshot();
    const again = await issue(kiosk, 'civil', 'normal', id);
    expect(again.json).toEqual(first.json);
    expect(await snapshot()).toBe(before);
    // The same id from another terminal of the station: still the same command.
    expect((await counter1.req('POST', paths.queueCommands, { type: 'issue', commandId: id, category: 'civil', priority: 'normal' })).json).toEqual(first.json);
    const different = await issue(kiosk, 'civil', 'elderly', id);
    expect(different.status).toBe(409);
    expect(different.json.error.code).toBe('COMMAND_REPLAYED_DIFFERENT');
    // Another station reusing the id: refused, nothing revealed.
    const foreign = await issue(other, 'civil', 'normal', id);
    expect(foreign.status).toBe(409);
    expect(foreign.json.error.code).toBe('COMMAND_REPLAYED_DIFFERENT');
    expect(JSON.stringify(foreign.json)).not.toContain(first.json.ticket.id);
    // A refusal is an answer too: replayed, it stays the same even when the state would now allow it.
    const t = first.json.ticket;
    const refusedId = uuidv7();
    const refused = await counter2.req('POST', paths.queueCommands, { type: 'start', commandId: refusedId, ticketId: t.id, window: '2' });
    expect(refused.json.error.code).toBe('INVALID_TICKET_STATE');
    expect(await snapshot()).not.toBe(before); // the refusal is logged
    expect((await counter2.req('POST', paths.queueCommands, { type: 'start', commandId: refusedId, ticketId: t.id, window: '2' })).json).toEqual(refused.json);
    expect(await snapshot()).not.toBe(before);
    const s = await snapshot();
    const replayCall = uuidv7();
    const called = await callNext(counter2, '2', replayCall);
    expect(called.json.ticket).not.toBeNull();
    const s2 = await snapshot();
    expect((await callNext(counter2, '2', replayCall)).json).toEqual(called.json); // not "window busy"
    expect(await snapshot()).toBe(s2);
    expect(s2).not.toBe(s);
    await act(counter2, 'finish', called.json.ticket.id, '2');
  });

  it('a counter of another station: its tickets are not found, its windows do not call ours', async () => {
    const t = (await issue(kiosk, 'general')).json.ticket;
    const before = await snapshot();
    for (const type of ['recall', 'skip', 'start', 'finish']) {
      const r = await act(other, type, t.id, '1');
      expect(r.status, type).toBe(404);
      expect(r.json.error.code).toBe('TICKET_NOT_FOUND');
      expect(r.text).not.toContain(A);
    }
    const linked = await other.req('POST', paths.queueCommands, { type: 'link', commandId: uuidv7(), ticketId: t.id, applicationId: uuidv7() });
    expect(linked.json.error.code).toBe('TICKET_NOT_FOUND');
    const bCall = await callNext(other, '1');
    expect(bCall.status).toBe(200);
    expect(bCall.json.ticket).toBeNull(); // station B's own (empty) line
    expect((await p.store.getDocument('queue_tickets', t.id)) as any).toMatchObject({ status: 'waiting' });
    // Another window of our station: not its ticket.
    const mine = (await callNext(counter1, '1')).json.ticket;
    const wrongWindow = await act(counter2, 'finish', mine.id, '2');
    expect(wrongWindow.status).toBe(409);
    expect(wrongWindow.json.error.code).toBe('NOT_YOUR_WINDOW');
    expect(before).not.toBe(await snapshot());
    await act(counter1, 'finish', mine.id, '1');
  });

  it('junk: malformed, oversized, wrong type, wrong token, unknown category/window — clear errors, nothing changes', async () => {
    const before = await snapshot();
    const raw = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(p.url + paths.queueCommands, { method: 'POST', headers: { authorization: `Bearer ${kiosk.token}`, ...headers }, body });
    const cases: [string, () => Promise<{ status: number; json: any }>, number, string][] = [
      ['not JSON', async () => { const r = await raw('{type: issue'); return { status: r.status, json: await r.json() }; }, 400, 'VALIDATION_FAILED'],
      ['empty object', () => kiosk.req('POST', paths.queueCommands, {}), 400, 'INVALID_COMMAND'],
      ['array', () => kiosk.req('POST', paths.queueCommands, [{ type: 'issue' }]), 400, 'INVALID_COMMAND'],
      ['null', () => kiosk.req('POST', paths.queueCommands, 'null'), 400, 'INVALID_COMMAND'],
      ['unknown type', () => kiosk.req('POST', paths.queueCommands, { type: 'pick', commandId: uuidv7(), ticketId: uuidv7(), window: '1' }), 400, 'INVALID_COMMAND'],
      ['extra member', () => kiosk.req('POST', paths.queueCommands, { type: 'call_next', commandId: uuidv7(), window: '1', staffId: 'S001', ticketId: uuidv7() }), 400, 'INVALID_COMMAND'],
      ['bad uuid', () => kiosk.req('POST', paths.queueCommands, { type: 'issue', commandId: 'not-a-uuid', category: 'general', priority: 'normal' }), 400, 'INVALID_COMMAND'],
      ['control chars', () => kiosk.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'gen\u0000', priority: 'normal' }), 400, 'INVALID_COMMAND'],
      ['oversized', () => kiosk.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal', pad: 'x'.repeat(20_000) }), 413, 'PAYLOAD_TOO_LARGE'],
      ['text/plain', async () => { const r = await raw('{}', { 'content-type': 'text/plain' }); return { status: r.status, json: await r.json() }; }, 400, 'INVALID_COMMAND'],
      ['form data', async () => { const r = await raw('a=1', { 'content-type': 'application/x-www-form-urlencoded' }); return { status: r.status, json: await r.json() }; }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['no token', () => client(p.url, 'trm_nope_nope_nope').req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal' }), 401, 'UNAUTHORIZED'],
      ['admin token', () => admin.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal' }), 403, 'FORBIDDEN'],
      ['admin state', () => admin.req('GET', paths.queueState), 403, 'FORBIDDEN'],
      ['unknown window', () => callNext(counter1, '9'), 422, 'UNKNOWN_WINDOW'],
      ['unknown ticket', () => act(counter1, 'skip', uuidv7(), '1'), 404, 'TICKET_NOT_FOUND'],
    ];
    for (const [name, run, status, code] of cases) {
      const r = await run();
      expect(r.status, name).toBe(status);
      expect(r.json.error.code, name).toBe(code);
      expect(r.json.error.message, name).toMatch(/^[\x20-\x7e]+$/); // English
      expect(JSON.stringify(r.json), name).not.toContain('x'.repeat(100));
    }
    const unknownCategory = await issue(kiosk, 'nope');
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.json.error.code).toBe('UNKNOWN_CATEGORY');
    const details = (await kiosk.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'vip' })).json.error.details;
    expect(details).toEqual([expect.objectContaining({ path: 'priority' })]);
    // Only the two rule refusals (unknown window / ticket / category) were logged; no ticket, no counter moved.
    const [tickets, , , counters] = before.split('/');
    const [tickets2, , , counters2] = (await snapshot()).split('/');
    expect([tickets2, counters2]).toEqual([tickets, counters]);
  });

  it('numbers restart at the station’s midnight (Asia/Shanghai), whatever the machine zone', async () => {
    clockMs = Date.parse('2026-12-06T15:59:59.000Z'); // 23:59:59 on the 6th in Shanghai
    const late = (await issue(kiosk, 'social')).json.ticket;
    expect(late.number).toBe('B001');
    expect((await issue(kiosk, 'social')).json.ticket.number).toBe('B002');
    clockMs = Date.parse('2026-12-06T16:00:00.000Z'); // midnight: the 7th
    const first = (await issue(kiosk, 'social')).json.ticket;
    expect(first.number).toBe('B001');
    const view = queueState.parse((await kiosk.req('GET', paths.queueState)).json);
    expect(view.stationDay).toBe('2026-12-07');
    expect(view.waitingTickets.map((t) => t.id)).toEqual([first.id]);
    // Yesterday's waiting tickets are not called today.
    expect((await callNext(counter1, '1')).json.ticket.id).toBe(first.id);
    await act(counter1, 'finish', first.id, '1');
    expect((await callNext(counter1, '1')).json.ticket).toBeNull();
  });

  it('numbers count on between 10:00 and 12:00 UTC, when the zones of the world span three dates', async () => {
    // 19:30 on the 10th in Shanghai; UTC−12 is on the 9th and UTC+14 on the 11th. The counters of
    // the station's own day (the middle one) were not read at this hour: every ticket was A001.
    for (const at of ['2026-12-10T11:30:00.000Z', '2026-12-11T10:00:00.000Z', '2026-12-12T11:59:59.000Z']) {
      clockMs = Date.parse(at);
      const numbers: string[] = [];
      for (let i = 0; i < 3; i++) numbers.push((await issue(kiosk, 'general')).json.ticket.number);
      expect(numbers, at).toEqual(['A001', 'A002', 'A003']);
    }
  });

  it('a terminal cannot write tickets by push (only leased ones, inside its lease)', async () => {
    clockMs = Date.parse('2026-12-08T02:00:00.000Z');
    const lease = await kiosk.req('POST', paths.queueLease, { commandId: uuidv7(), category: 'general', count: 5 });
    expect(lease.status).toBe(200);
    expect(lease.json).toEqual({ category: 'general', stationDay: '2026-12-08', from: 901, to: 905, prefix: 'A' });
    // The platform's own numbers stay A001… (no gap for the block), leases go on from A906.
    expect((await issue(counter1, 'general')).json.ticket.number).toBe('A001');
    const leaseId = uuidv7();
    const second = await kiosk.req('POST', paths.queueLease, { commandId: leaseId, category: 'general', count: 3 });
    expect(second.json).toMatchObject({ from: 906, to: 908 });
    expect((await kiosk.req('POST', paths.queueLease, { commandId: leaseId, category: 'general', count: 3 })).json).toEqual(second.json); // replay
    expect((await kiosk.req('POST', paths.queueLease, { commandId: leaseId, category: 'general', count: 4 })).json.error.code).toBe('COMMAND_REPLAYED_DIFFERENT');
    clockMs += 1000;
    expect((await issue(counter1, 'general')).json.ticket.number).toBe('A002');

    const issuedAt = new Date(clockMs - 60_000).toISOString();
    const leased = (n: string, over: Record<string, unknown> = {}) =>
      exampleQueueTicket({ id: ticketIdFor(uuidv7(), new Date(issuedAt)), stationId: A, number: n, category: 'general', issuedAt, updatedAt: issuedAt, leased: true, ...over });
    const ok = leased('A903');
    const pushed = await kiosk.push('queue_tickets', [
      { newDocumentState: ok },
      { newDocumentState: leased('A001') }, // issued by the platform, not leased
      { newDocumentState: leased('A904', { status: 'called', window: '1', calledAt: issuedAt }) },
      { newDocumentState: leased('A905', { issuedAt: '2026-12-07T02:00:00.000Z' }) }, // another day
      { newDocumentState: leased('A903') }, // the same number again
      { newDocumentState: leased('B001', { category: 'social' }) },
    ]);
    expect(pushed.written).toBe(1);
    expect(pushed.rejections.map((r) => [r.index, r.code])).toEqual([
      [1, 'LEASE_INVALID'],
      [2, 'LEASE_INVALID'],
      [3, 'LEASE_INVALID'],
      [4, 'LEASE_INVALID'],
      [5, 'LEASE_INVALID'],
    ]);
    expect((await kiosk.push('queue_tickets', [{ newDocumentState: ok }])).unchanged).toBe(1); // a replay
    expect((await kiosk.push('queue_tickets', [{ newDocumentState: leased('A903') }])).rejections[0]!.message).toContain('already issued');
    // Another terminal of the station holds no lease; another station even less.
    expect((await counter2.push('queue_tickets', [{ newDocumentState: leased('A907') }])).rejections[0]!.code).toBe('LEASE_INVALID');
    expect((await other.push('queue_tickets', [{ newDocumentState: leased('A907') }])).rejections[0]!.code).toBe('WRONG_STATION');
    // The accepted leased ticket is in the line, by age, and the platform changes it from now on.
    const view = queueState.parse((await kiosk.req('GET', paths.queueState)).json);
    expect(view.waitingTickets.map((t) => t.number)).toEqual(['A903', 'A001', 'A002']);
    const called = (await callNext(counter1, '1')).json.ticket;
    expect(called.number).toBe('A903');
    expect((await kiosk.push('queue_tickets', [{ assumedMasterState: ok, newDocumentState: { ...ok, priority: 'elderly' } }])).conflicts).toHaveLength(1);
    await act(counter1, 'finish', called.id, '1');
    for (const bad of [{ commandId: uuidv7(), category: 'general', count: 51 }, { commandId: uuidv7(), category: 'nope', count: 1 }, {}]) {
      const r = await kiosk.req('POST', paths.queueLease, bad);
      expect(r.json.error.code).toMatch(/INVALID_COMMAND|UNKNOWN_CATEGORY/);
    }
  });

  it('the command log is pruned after three days (tickets and counters stay)', async () => {
    clockMs = Date.parse('2026-12-20T01:00:00.000Z');
    const id = uuidv7();
    const first = await issue(kiosk, 'general', 'normal', id);
    const { QueueService } = await import('./service');
    const q = new QueueService(p.store, now);
    expect(await q.prune()).toBeGreaterThan(0); // the entries of the earlier (older) tests
    const left = await p.store.db.query<{ command_id: string }>('SELECT command_id FROM queue_commands');
    expect(left.map((r) => r.command_id)).toEqual([id]);
    clockMs += 4 * 86_400_000;
    expect(await q.prune()).toBe(1);
    expect(await p.store.getDocument('queue_tickets', first.json.ticket.id)).toEqual(first.json.ticket);
  });

  it('concurrent counters never get the same ticket; concurrent kiosks never the same number', async () => {
    clockMs = Date.parse('2026-12-09T01:00:00.000Z');
    const station = demoStations().find((s) => s.id === A)!;
    const windows = Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1), name: `${i + 1}号窗口`, categories: ['general', 'social', 'civil'] }));
    const cfg: StationConfigDoc = { ...station, windows, updatedAt: new Date().toISOString() };
    expect((await admin.req('PUT', paths.adminDocuments('station_config'), [cfg])).status).toBe(200);
    const kiosks = [kiosk, counter1, counter2];
    const issued = (
      await Promise.all(kiosks.map(async (k) => {
        const out: any[] = [];
        for (let i = 0; i < 20; i++) out.push((await issue(k, 'general', i % 3 === 0 ? 'elderly' : 'normal')).json.ticket);
        return out;
      }))
    ).flat();
    expect(new Set(issued.map((t) => t.number)).size).toBe(60);
    expect(issued.map((t) => t.number).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`));

    const counters = await Promise.all(windows.map(() => enroll(p, A)));
    const calledBy = new Map<string, string>();
    await Promise.all(counters.map(async (c, i) => {
      const w = windows[i]!.id;
      for (;;) {
        const r = await callNext(c, w);
        expect(r.status).toBe(200);
        const t = r.json.ticket;
        if (!t) return;
        expect(calledBy.has(t.id), `ticket ${t.number} called twice`).toBe(false);
        calledBy.set(t.id, w);
        expect((await act(c, 'finish', t.id, w)).status).toBe(200);
      }
    }));
    expect(calledBy.size).toBe(60);
    expect(new Set(calledBy.values()).size).toBeGreaterThan(1);
    await admin.req('PUT', paths.adminDocuments('station_config'), [{ ...station, updatedAt: new Date().toISOString() }]);
  });

  it('numbers start at 001 each station day and count on, at every hour of the UTC day', async () => {
    // One station day per UTC hour (days 2027-01-01…24, after every other test's clock), at a minute
    // drawn per hour: no hour of the day may lose the station's counters (the bug above lived at
    // 10:00–12:00 UTC only).
    for (let h = 0; h < 24; h++) {
      const minute = (h * 37 + 11) % 60;
      clockMs = Date.parse(`2027-01-${String(h + 1).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`);
      const numbers = [(await issue(kiosk, 'social')).json.ticket.number, (await issue(kiosk, 'social')).json.ticket.number];
      expect(numbers, `${h}:${minute} UTC`).toEqual(['B001', 'B002']);
    }
  });

  it('over 48 hours on one clock: numbers count on through every hour of the station day and restart at its midnight; "today" is the station day', async () => {
    // One ticket per UTC hour (a minute per hour) from 2027-02-01 00:xx to 02-02 23:xx, and one at
    // 15:59:59.999 and 16:00:00.000 (Shanghai's midnight) each day, spanning the Shanghai days
    // 02-01…02-03: the waiting line of state is exactly the tickets of the Shanghai day so far, and
    // they are numbered A001… without gaps or repeats.
    const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    const instants: number[] = [];
    for (const day of ['2027-02-01', '2027-02-02']) {
      for (let h = 0; h < 24; h++) instants.push(Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 37 + 11) % 60) * 60_000);
      instants.push(Date.parse(`${day}T15:59:59.999Z`), Date.parse(`${day}T16:00:00.000Z`));
    }
    const todays = new Map<string, string[]>();
    for (const t of instants.sort((x, y) => x - y)) {
      clockMs = t;
      const at = new Date(t).toISOString();
      const day = shanghaiDay(t);
      const mine = todays.get(day) ?? [];
      const ticket = (await issue(kiosk, 'general')).json.ticket;
      mine.push(ticket.number);
      todays.set(day, mine);
      expect(ticket.number, at).toBe(`A${String(mine.length).padStart(3, '0')}`);
      const view = queueState.parse((await kiosk.req('GET', paths.queueState)).json);
      expect(view.stationDay, at).toBe(day);
      expect(view.waitingTickets.filter((w) => w.category === 'general').map((w) => w.number), at).toEqual(mine);
    }
    expect([...todays].map(([d, n]) => [d, n.length])).toEqual([['2027-02-01', 17], ['2027-02-02', 26], ['2027-02-03', 9]]);
    // Yesterday's waiting tickets are never called: at 00:00 on 02-04 in Shanghai the line is empty.
    clockMs = Date.parse('2027-02-03T16:00:00.000Z');
    expect(queueState.parse((await kiosk.req('GET', paths.queueState)).json)).toMatchObject({ stationDay: '2027-02-04', waitingTickets: [] });
    expect((await callNext(counter1, '1')).json.ticket).toBeNull();
  });

  it('a station at the ends of the zones (UTC+14, UTC−12) counts on through every hour of its own day too', async () => {
    // Station B set to Pacific/Kiritimati, then Etc/GMT+12: one ticket per UTC hour for 48 hours
    // (a minute per hour) and at its midnight's edges; its numbers restart at ITS midnight only.
    const station = (await p.store.getDocument('station_config', B)) as StationConfigDoc;
    const put = (doc: StationConfigDoc) => admin.req('PUT', paths.adminDocuments('station_config'), [{ ...doc, updatedAt: new Date().toISOString() }]);
    try {
      for (const [tz, offsetH, days] of [['Pacific/Kiritimati', 14, ['2027-03-01', '2027-03-02']], ['Etc/GMT+12', -12, ['2027-03-10', '2027-03-11']]] as const) {
        expect((await put({ ...station, timeZone: tz })).status).toBe(200);
        const localDay = (ms: number) => new Date(ms + offsetH * 3_600_000).toISOString().slice(0, 10);
        const midnightUtc = `${String((24 - offsetH) % 24).padStart(2, '0')}:00:00.000`; // 10:00 or 12:00
        const instants: number[] = [];
        for (const day of days) {
          for (let h = 0; h < 24; h++) instants.push(Date.parse(`${day}T${String(h).padStart(2, '0')}:00:00.000Z`) + ((h * 41 + 7) % 60) * 60_000);
          instants.push(Date.parse(`${day}T${midnightUtc}Z`) - 1, Date.parse(`${day}T${midnightUtc}Z`));
        }
        const todays = new Map<string, number>();
        for (const t of instants.sort((x, y) => x - y)) {
          clockMs = t;
          const at = `${new Date(t).toISOString()} (${tz})`;
          const n = (todays.get(localDay(t)) ?? 0) + 1;
          todays.set(localDay(t), n);
          expect((await issue(other, 'civil')).json.ticket.number, at).toBe(`C${String(n).padStart(3, '0')}`);
          const view = queueState.parse((await other.req('GET', paths.queueState)).json);
          expect(view.stationDay, at).toBe(localDay(t));
          expect(view.waitingTickets.filter((w) => w.category === 'civil'), at).toHaveLength(n);
        }
        expect(todays.size, tz).toBe(3);
      }
    } finally {
      await put(station);
    }
  });
});
