// The queue domain without I/O: numbering per station day, the priority ratio and its starvation
// bound, recall limit, transfer, every state a command may meet, and junk commands.
// Run also with TZ=UTC (the station day must not depend on the machine's zone).
import { describe, expect, it } from 'vitest';
import {
  callOrder,
  decide,
  DEFAULT_QUEUE_POLICY,
  exampleQueueTicket,
  formatTicketNumber,
  leasedTicketProblem,
  leaseCounter,
  LEASE_BASE,
  nextIssuedNumber,
  nextLeaseBlock,
  numberCounter,
  queueCommand,
  queueConfigOf,
  queueLeaseRequest,
  queuePolicyOf,
  queueState,
  queueStateView,
  stationDate,
  streakCounter,
  ticketIdFor,
  ticketNumberValue,
  uuidv7,
  type QueueCommand,
  type QueueConfig,
  type QueueDecision,
  type QueuePolicy,
  type QueuePriority,
  type QueueTicketDoc,
} from './index';

const STATION = '360121201';
const config: QueueConfig = {
  stationId: STATION,
  timeZone: 'Asia/Shanghai',
  categories: [
    { code: 'general', name: '综合业务', prefix: 'A' },
    { code: 'social', name: '社保医保', prefix: 'B' },
    { code: 'civil', name: '民政救助', prefix: 'C' },
  ],
  windows: [
    { id: '1', name: '1号窗口', categories: ['general', 'social'] },
    { id: '2', name: '2号窗口', categories: ['general', 'civil'] },
  ],
};

/**
 * A station's queue in memory, loading state for `decide` the way the platform does (today's active
 * tickets, the named ticket, today's counters) and applying what it returns.
 */
class Queue {
  readonly tickets = new Map<string, QueueTicketDoc>();
  readonly counters = new Map<string, number>();
  constructor(
    readonly cfg: QueueConfig = config,
    readonly policy: QueuePolicy = DEFAULT_QUEUE_POLICY,
    /** Freeze a copy of the state for every decision (proves decide mutates nothing; slow for long runs). */
    readonly freeze = true,
  ) {}
  private readonly days = new Map<string, string>();
  run(command: QueueCommand, now: Date): QueueDecision {
    const day = stationDate(now, this.cfg.timeZone);
    const dayOf = (iso: string) => this.days.get(iso) ?? this.days.set(iso, stationDate(iso, this.cfg.timeZone)).get(iso)!;
    const today = [...this.tickets.values()].filter((t) => dayOf(t.issuedAt) === day);
    const counters: Record<string, number> = {};
    for (const [k, v] of this.counters) if (k.startsWith(`${day}|`)) counters[k.slice(day.length + 1)] = v;
    const target = 'ticketId' in command ? (this.tickets.get(command.ticketId) ?? null) : null;
    const state = { config: this.cfg, stationDay: day, active: today.filter((t) => ['waiting', 'called', 'serving'].includes(t.status)), target, counters };
    const d = decide(this.freeze ? deepFreeze(structuredClone(state)) : state, command, now, this.policy);
    if (d.ok) {
      for (const w of d.writes) this.tickets.set(w.id, w);
      for (const [k, v] of Object.entries(d.counters)) this.counters.set(`${day}|${k}`, v);
    }
    return d;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

let clock = Date.parse('2026-12-05T01:00:00.000Z'); // 09:00 in Shanghai
const tick = (ms = 1000) => new Date((clock += ms));
const cmd = <T extends QueueCommand['type']>(type: T, rest: Omit<Extract<QueueCommand, { type: T }>, 'type' | 'commandId'>) =>
  ({ type, commandId: uuidv7(), ...rest }) as unknown as Extract<QueueCommand, { type: T }>;
const issue = (q: Queue, category = 'general', priority: QueuePriority = 'normal', now = tick()) => {
  const d = q.run(cmd('issue', { category, priority }), now);
  if (!d.ok) throw new Error(d.error.message);
  return d.ticket!;
};
const callNext = (q: Queue, window = '1', now = tick()) => {
  const d = q.run(cmd('call_next', { window, staffId: 'S001' }), now);
  if (!d.ok) throw new Error(`${d.error.code}: ${d.error.message}`);
  return d.ticket;
};
const on = (q: Queue, type: 'recall' | 'skip' | 'start' | 'finish', ticketId: string, window = '1') => q.run(cmd(type, { ticketId, window } as never), tick());
const code = (d: QueueDecision) => (d.ok ? 'ok' : d.error.code);

describe('numbers', () => {
  it('per category, from 001, three digits then four, then QUEUE_FULL', () => {
    expect(formatTicketNumber('A', 1)).toBe('A001');
    expect(formatTicketNumber('A', 999)).toBe('A999');
    expect(formatTicketNumber('AB', 1000)).toBe('AB1000');
    expect(formatTicketNumber('A', 9999)).toBe('A9999');
    expect(formatTicketNumber('A', 10000)).toBeNull();
    expect(formatTicketNumber('A', 0)).toBeNull();
    expect(ticketNumberValue('A', 'A012')).toBe(12);
    expect(ticketNumberValue('A', 'A1000')).toBe(1000);
    for (const bad of ['B012', 'A12', 'A0123', 'A000', 'AA012', 'A01x']) expect(ticketNumberValue('A', bad), bad).toBeNull();

    const q = new Queue();
    expect([issue(q), issue(q), issue(q, 'social'), issue(q, 'general', 'elderly')].map((t) => t.number)).toEqual(['A001', 'A002', 'B001', 'A003']);
    q.counters.set(`${stationDate(clock, 'Asia/Shanghai')}|${numberCounter('civil')}`, 998);
    expect([issue(q, 'civil'), issue(q, 'civil')].map((t) => t.number)).toEqual(['C999', 'C1000']);
    q.counters.set(`${stationDate(clock, 'Asia/Shanghai')}|${numberCounter('civil')}`, 9999);
    expect(code(q.run(cmd('issue', { category: 'civil', priority: 'normal' }), tick()))).toBe('QUEUE_FULL');
    expect(code(q.run(cmd('issue', { category: 'nope', priority: 'normal' }), tick()))).toBe('UNKNOWN_CATEGORY');
  });

  it('restart at 001 at midnight in the station zone, not in UTC or the machine zone', () => {
    const q = new Queue();
    // 23:59:59 in Shanghai = 15:59:59Z; midnight there = 16:00:00Z (UTC is still on the 5th).
    const before = issue(q, 'general', 'normal', new Date('2026-12-05T15:59:58.000Z'));
    const late = issue(q, 'general', 'normal', new Date('2026-12-05T15:59:59.999Z'));
    const after = issue(q, 'general', 'normal', new Date('2026-12-05T16:00:00.000Z'));
    const next = issue(q, 'general', 'normal', new Date('2026-12-05T23:30:00.000Z'));
    expect([before.number, late.number, after.number, next.number]).toEqual(['A001', 'A002', 'A001', 'A002']);
    expect(stationDate(after.issuedAt, 'Asia/Shanghai')).toBe('2026-12-06');
    // Yesterday's waiting ticket is not in today's line.
    expect(callNext(q, '1', new Date('2026-12-05T23:31:00.000Z'))!.id).toBe(after.id);

    // The same instants at a station in Urumqi time (UTC+6): the day turns two hours later.
    const west = new Queue({ ...config, timeZone: 'Asia/Urumqi' });
    expect(issue(west, 'general', 'normal', new Date('2026-12-05T16:00:00.000Z')).number).toBe('A001');
    expect(issue(west, 'general', 'normal', new Date('2026-12-05T17:59:59.000Z')).number).toBe('A002');
    expect(issue(west, 'general', 'normal', new Date('2026-12-05T18:00:00.000Z')).number).toBe('A001');
  });

  it('ticket ids are UUIDv7 with the platform time and the command’s random bits', () => {
    const commandId = uuidv7(Date.parse('2020-01-01T00:00:00Z'));
    const now = new Date('2026-12-05T01:02:03.456Z');
    const id = ticketIdFor(commandId, now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(now.getTime());
    expect(id.slice(14)).toBe(commandId.slice(14));
    expect(ticketIdFor(uuidv7(), now)).not.toBe(id);
  });
});

describe('calling order', () => {
  it('priority first, at most priorityRatio in a row while an ordinary ticket waits', () => {
    const q = new Queue();
    const o1 = issue(q, 'general', 'normal');
    const o2 = issue(q, 'general', 'normal');
    const p = (['elderly', 'disabled', 'military', 'appointment', 'elderly'] as const).map((pr) => issue(q, 'general', pr));
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const t = callNext(q, '1')!;
      order.push(t.id);
      expect(code(on(q, 'finish', t.id))).toBe('ok');
    }
    expect(order).toEqual([p[0]!.id, p[1]!.id, o1.id, p[2]!.id, p[3]!.id, o2.id, p[4]!.id]);
    expect(callNext(q, '1')).toBeNull();
  });

  it('the ratio comes from the station config (default 2, maxRecall 3)', () => {
    expect(queuePolicyOf(null)).toEqual({ priorityRatio: 2, maxRecall: 3 });
    expect(queuePolicyOf({ queuePolicy: { priorityRatio: 1 } })).toEqual({ priorityRatio: 1, maxRecall: 3 });
    const q = new Queue(config, { priorityRatio: 1, maxRecall: 3 });
    const o = [issue(q), issue(q)];
    const p = [issue(q, 'general', 'elderly'), issue(q, 'general', 'disabled'), issue(q, 'general', 'elderly')];
    const order = [];
    for (let i = 0; i < 5; i++) {
      const t = callNext(q, '2')!;
      order.push(t.id);
      on(q, 'finish', t.id, '2');
    }
    expect(order).toEqual([p[0]!.id, o[0]!.id, p[1]!.id, o[1]!.id, p[2]!.id]);
    expect(callOrder([...q.tickets.values()].map((t) => ({ ...t, status: 'waiting' as const })), { priorityRatio: 1, maxRecall: 3 }).map((t) => t.id)).toEqual(order);
  });

  it('starvation bound: with priority tickets always arriving, an ordinary ticket with k older ahead is called within (k+1)(ratio+1) calls', () => {
    for (const ratio of [1, 2, 3, 5]) {
      const q = new Queue(config, { priorityRatio: ratio, maxRecall: 3 }, false);
      let seed = ratio * 7919;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const ordinaryIssued: { id: string; aheadAt: number; callsBefore: number }[] = [];
      let calls = 0;
      const calledAt = new Map<string, number>();
      for (let step = 0; step < 200; step++) {
        // Always two new priority tickets per call: the worst case for ordinary ones.
        issue(q, 'general', (['elderly', 'disabled', 'military', 'appointment'] as const)[Math.floor(rnd() * 4)]!);
        issue(q, 'social', 'elderly');
        if (rnd() < 0.3) {
          const waitingOrdinary = [...q.tickets.values()].filter((t) => t.status === 'waiting' && t.priority === 'normal').length;
          const t = issue(q, rnd() < 0.5 ? 'general' : 'social', 'normal');
          ordinaryIssued.push({ id: t.id, aheadAt: waitingOrdinary, callsBefore: calls });
        }
        const t = callNext(q, '1')!;
        calls++;
        calledAt.set(t.id, calls);
        on(q, 'finish', t.id);
      }
      let checked = 0;
      for (const o of ordinaryIssued) {
        const at = calledAt.get(o.id);
        const bound = (o.aheadAt + 1) * (ratio + 1);
        if (at === undefined) {
          expect(calls - o.callsBefore, `ratio ${ratio}: ticket still waiting`).toBeLessThan(bound);
          continue;
        }
        expect(at - o.callsBefore, `ratio ${ratio}`).toBeLessThanOrEqual(bound);
        checked++;
      }
      expect(checked).toBeGreaterThan(25);
    }
  });

  it('a window calls only its categories and tickets reserved for it; the oldest first; one current ticket at a time', () => {
    const q = new Queue();
    const social = issue(q, 'social');
    const civil = issue(q, 'civil');
    const general = issue(q, 'general');
    expect(callNext(q, '2')!.id).toBe(civil.id);
    expect(code(q.run(cmd('call_next', { window: '2', staffId: 'S002' }), tick()))).toBe('INVALID_TICKET_STATE');
    expect(callNext(q, '1')!.id).toBe(social.id);
    on(q, 'finish', civil.id, '2');
    expect(callNext(q, '2')!.id).toBe(general.id);
    on(q, 'finish', social.id, '1');
    expect(callNext(q, '1')).toBeNull();
    expect(code(q.run(cmd('call_next', { window: '9', staffId: 'S001' }), tick()))).toBe('UNKNOWN_WINDOW');
    const called = q.tickets.get(general.id)!;
    expect(called).toMatchObject({ status: 'called', window: '2', staffId: 'S001' });
    expect(q.counters.get(`${stationDate(clock, 'Asia/Shanghai')}|${streakCounter('2')}`)).toBe(0);
  });
});

describe('ticket commands', () => {
  it('recall is bounded by maxRecall; each recall is a new call time', () => {
    const q = new Queue();
    const t = issue(q);
    const c = callNext(q, '1')!;
    for (let i = 1; i <= 3; i++) {
      const d = on(q, 'recall', t.id);
      expect(d.ok && d.ticket!.recallCount).toBe(i);
      expect(d.ok && d.ticket!.calledAt! > c.calledAt!).toBe(true);
    }
    const refused = on(q, 'recall', t.id);
    expect(code(refused)).toBe('RECALL_LIMIT');
    expect(q.tickets.get(t.id)!.recallCount).toBe(3);
    expect(code(on(q, 'skip', t.id))).toBe('ok');
    expect(q.tickets.get(t.id)!.status).toBe('skipped');

    const strict = new Queue(config, { priorityRatio: 2, maxRecall: 0 });
    const s = issue(strict);
    callNext(strict, '1');
    expect(code(on(strict, 'recall', s.id))).toBe('RECALL_LIMIT');
  });

  it('start and finish record service and wait times; finish links the application', () => {
    const q = new Queue();
    const t = issue(q, 'general', 'normal', new Date(clock));
    tick(60_000);
    callNext(q, '1');
    expect(code(on(q, 'start', t.id))).toBe('ok');
    tick(120_000);
    const appId = uuidv7();
    const d = q.run(cmd('finish', { ticketId: t.id, window: '1', applicationId: appId }), new Date(clock));
    expect(d.ok && d.ticket).toMatchObject({ status: 'done', applicationId: appId });
    const done = q.tickets.get(t.id)!;
    expect(Date.parse(done.finishedAt!) - Date.parse(done.servedAt!)).toBe(120_000);
    expect(Date.parse(done.calledAt!) - Date.parse(done.issuedAt)).toBeGreaterThanOrEqual(60_000);
    // Finished straight from "called": service started at the call.
    const u = issue(q);
    callNext(q, '1');
    on(q, 'finish', u.id);
    expect(q.tickets.get(u.id)!.servedAt).toBe(q.tickets.get(u.id)!.calledAt);
  });

  it('transfer to another category keeps number and age; to a window reserves it for that window', () => {
    const q = new Queue();
    const t = issue(q, 'general'); // A001
    tick(10_000);
    const younger = issue(q, 'civil');
    callNext(q, '1');
    const moved = q.run(cmd('transfer', { ticketId: t.id, window: '1', toCategory: 'civil' }), tick());
    expect(moved.ok && moved.ticket).toMatchObject({ status: 'waiting', category: 'civil', number: 'A001', issuedAt: t.issuedAt, transferredFrom: 'general', window: null, calledAt: null, reservedWindow: null });
    // Window 1 does not serve civil; window 2 calls it before the younger civil ticket.
    expect(callNext(q, '1')).toBeNull();
    expect(callNext(q, '2')!.id).toBe(t.id);

    const r = q.run(cmd('transfer', { ticketId: t.id, window: '2', toWindow: '1' }), tick());
    expect(r.ok && r.ticket).toMatchObject({ status: 'waiting', category: 'civil', reservedWindow: '1' });
    // Reserved for window 1, which calls it although civil is not one of its categories.
    expect(callNext(q, '2')!.id).toBe(younger.id);
    expect(callNext(q, '1')!.id).toBe(t.id);

    for (const [body, expected] of [
      [{ toCategory: 'nope' }, 'UNKNOWN_CATEGORY'],
      [{ toWindow: '9' }, 'UNKNOWN_WINDOW'],
      [{ toWindow: '1' }, 'INVALID_COMMAND'],
      [{ toCategory: 'civil' }, 'INVALID_COMMAND'],
    ] as const) {
      expect(code(q.run(cmd('transfer', { ticketId: t.id, window: '1', ...body }), tick())), JSON.stringify(body)).toBe(expected);
    }
    expect(q.tickets.get(t.id)!.status).toBe('called');
  });

  it('link: once per ticket; the same application again is a no-op', () => {
    const q = new Queue();
    const t = issue(q);
    const a = uuidv7();
    const first = q.run(cmd('link', { ticketId: t.id, applicationId: a }), tick());
    expect(first.ok && first.writes.length).toBe(1);
    const again = q.run(cmd('link', { ticketId: t.id, applicationId: a }), tick());
    expect(again.ok && again.writes.length).toBe(0);
    expect(code(q.run(cmd('link', { ticketId: t.id, applicationId: uuidv7() }), tick()))).toBe('INVALID_TICKET_STATE');
  });

  it('every command against every ticket state', () => {
    const expected: Record<QueueTicketDoc['status'], Record<string, string>> = {
      waiting: { recall: 'INVALID_TICKET_STATE', skip: 'INVALID_TICKET_STATE', start: 'INVALID_TICKET_STATE', finish: 'INVALID_TICKET_STATE', transfer: 'INVALID_TICKET_STATE', link: 'ok' },
      called: { recall: 'ok', skip: 'ok', start: 'ok', finish: 'ok', transfer: 'ok', link: 'ok' },
      serving: { recall: 'INVALID_TICKET_STATE', skip: 'INVALID_TICKET_STATE', start: 'INVALID_TICKET_STATE', finish: 'ok', transfer: 'ok', link: 'ok' },
      done: { recall: 'INVALID_TICKET_STATE', skip: 'INVALID_TICKET_STATE', start: 'INVALID_TICKET_STATE', finish: 'INVALID_TICKET_STATE', transfer: 'INVALID_TICKET_STATE', link: 'ok' },
      skipped: { recall: 'INVALID_TICKET_STATE', skip: 'INVALID_TICKET_STATE', start: 'INVALID_TICKET_STATE', finish: 'INVALID_TICKET_STATE', transfer: 'INVALID_TICKET_STATE', link: 'ok' },
      cancelled: { recall: 'INVALID_TICKET_STATE', skip: 'INVALID_TICKET_STATE', start: 'INVALID_TICKET_STATE', finish: 'INVALID_TICKET_STATE', transfer: 'INVALID_TICKET_STATE', link: 'INVALID_TICKET_STATE' },
    };
    const now = new Date('2026-12-05T02:00:00.000Z');
    for (const [status, byCommand] of Object.entries(expected) as [QueueTicketDoc['status'], Record<string, string>][]) {
      const atWindow = status !== 'waiting';
      const ticket = exampleQueueTicket({ stationId: STATION, status, window: atWindow ? '1' : null, calledAt: atWindow ? now.toISOString() : null, issuedAt: '2026-12-05T01:00:00.000Z' });
      for (const [type, want] of Object.entries(byCommand)) {
        const body = type === 'link' ? { ticketId: ticket.id, applicationId: uuidv7() } : type === 'transfer' ? { ticketId: ticket.id, window: '1', toCategory: 'social' } : { ticketId: ticket.id, window: '1' };
        const state = { config, stationDay: '2026-12-05', active: [], target: ticket, counters: {} };
        const d = decide(state, { type, commandId: uuidv7(), ...body } as QueueCommand, now);
        expect(code(d), `${type} on ${status}`).toBe(want);
        if (!d.ok) expect(d.error.status).toBe(409);
        // Another window may not act on it; an unknown window is named as such.
        if (atWindow && type !== 'link' && want === 'ok') {
          expect(code(decide(state, { type, commandId: uuidv7(), ...body, window: '2' } as QueueCommand, now)), `${type} from window 2`).toBe('NOT_YOUR_WINDOW');
          expect(code(decide(state, { type, commandId: uuidv7(), ...body, window: '7' } as QueueCommand, now))).toBe('UNKNOWN_WINDOW');
        }
      }
    }
    // Another station's ticket, a deleted one, or a mismatched id: not found (nothing revealed).
    const foreign = exampleQueueTicket({ stationId: '360121100', status: 'called', window: '1' });
    for (const target of [foreign, { ...foreign, stationId: STATION, _deleted: true }, null]) {
      const d = decide({ config, stationDay: '2026-12-05', active: [], target, counters: {} }, { type: 'skip', commandId: uuidv7(), ticketId: foreign.id, window: '1' }, now);
      expect(code(d)).toBe('TICKET_NOT_FOUND');
      expect(d.ok ? '' : d.error.message).not.toContain('360121100');
    }
  });

  it('is pure: the same inputs give the same answer and nothing is mutated', () => {
    const t = exampleQueueTicket({ stationId: STATION, status: 'called', window: '1', calledAt: '2026-12-05T01:00:00.000Z' });
    const state = deepFreeze({ config, stationDay: '2026-12-05', active: [t], target: t, counters: { [numberCounter('general')]: 4 } });
    const now = new Date('2026-12-05T02:00:00.000Z');
    for (const c of [
      { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal' },
      { type: 'recall', commandId: uuidv7(), ticketId: t.id, window: '1' },
      { type: 'finish', commandId: uuidv7(), ticketId: t.id, window: '1' },
    ] as QueueCommand[]) {
      expect(decide(state, c, now)).toEqual(decide(state, c, now));
    }
  });
});

describe('state view', () => {
  it('waiting counts, average wait, windows’ current tickets, recent calls and the waiting order of today only', () => {
    const q = new Queue();
    const yesterday = issue(q, 'general', 'normal', new Date('2026-12-04T03:00:00.000Z'));
    clock = Date.parse('2026-12-05T01:00:00.000Z');
    const a1 = issue(q, 'general', 'normal', new Date(clock));
    const a2 = issue(q, 'general', 'elderly', tick(1000));
    const b1 = issue(q, 'social', 'normal', tick(1000));
    const c1 = issue(q, 'civil', 'normal', tick(1000));
    tick(60_000);
    callNext(q, '1', new Date(clock)); // a2 (priority), waited 62 s
    callNext(q, '2', tick(1000)); // a1, waited 64 s
    const day = stationDate(clock, 'Asia/Shanghai');
    const view = queueStateView(config, [...q.tickets.values()], day, DEFAULT_QUEUE_POLICY);
    expect(queueState.parse(view)).toEqual(view);
    expect(view).toMatchObject({ stationId: STATION, stationDay: '2026-12-05', timeZone: 'Asia/Shanghai' });
    expect(view.categories.map((c) => [c.code, c.waiting, c.avgWaitSec])).toEqual([
      ['general', 0, 63],
      ['social', 1, null],
      ['civil', 1, null],
    ]);
    expect(view.windows.map((w) => w.current?.id)).toEqual([a2.id, a1.id]);
    expect(view.recentCalls.map((t) => t.id)).toEqual([a1.id, a2.id]);
    expect(view.waitingTickets.map((t) => t.id)).toEqual([b1.id, c1.id]);
    expect(view.waitingTickets.some((t) => t.id === yesterday.id)).toBe(false);
  });
});

describe('leases', () => {
  it('a pushed leased ticket must be inside the block, on the lease’s day, as issued', () => {
    const lease = { stationId: STATION, stationDay: '2026-12-05', category: 'general', prefix: 'A', from: 41, to: 50 };
    const ok = exampleQueueTicket({ id: ticketIdFor(uuidv7(), new Date('2026-12-05T01:00:00.000Z')), stationId: STATION, number: 'A041', category: 'general', leased: true, issuedAt: '2026-12-05T01:00:00.000Z' });
    expect(leasedTicketProblem(ok, lease, 'Asia/Shanghai')).toBeNull();
    expect(leasedTicketProblem({ ...ok, number: 'A050' }, lease, 'Asia/Shanghai')).toBeNull();
    for (const bad of [
      { number: 'A040' },
      { number: 'A051' },
      { number: 'B041' },
      { leased: false },
      { category: 'social' },
      { stationId: '360121100' },
      { issuedAt: '2026-12-05T16:00:00.000Z' }, // the 6th in Shanghai
      { status: 'called' as const, window: '1' },
      { reservedWindow: '1' },
      { id: ticketIdFor(uuidv7(), new Date('2026-12-01T01:00:00.000Z')) }, // minted days before its issue time
    ]) {
      expect(leasedTicketProblem({ ...ok, ...bad }, lease, 'Asia/Shanghai'), JSON.stringify(bad)).not.toBeNull();
    }
    expect(queueLeaseRequest.safeParse({ commandId: uuidv7(), category: 'general', count: 51 }).success).toBe(false);
    expect(queueLeaseRequest.safeParse({ commandId: uuidv7(), category: 'general', count: 0 }).success).toBe(false);
    expect(queueLeaseRequest.safeParse({ commandId: uuidv7(), category: 'general', count: 50 }).success).toBe(true);
  });
});

describe('issued and leased numbers never overlap', () => {
  it('leases come from A901 up while the hall issues A001… without gaps', () => {
    const c: Record<string, number> = {};
    expect(nextIssuedNumber(c, 'general')).toBe(1);
    expect(nextLeaseBlock(c, 'general', 10)).toEqual({ from: LEASE_BASE, to: LEASE_BASE + 9 });
    c[leaseCounter('general')] = LEASE_BASE + 9;
    c[numberCounter('general')] = 1;
    expect(nextIssuedNumber(c, 'general')).toBe(2);
    expect(nextLeaseBlock(c, 'general', 5)).toEqual({ from: LEASE_BASE + 10, to: LEASE_BASE + 14 });
    expect(nextIssuedNumber(c, 'other')).toBe(1);
  });

  it('a seeded random mix of issues and leases, up to the top of the number space: every number once', () => {
    let seed = 20261205;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 50; run++) {
      const c: Record<string, number> = {};
      const seen = new Set<number>();
      // Start some runs near the top of the hall's own range, where the two meet.
      if (run % 2) c[numberCounter('general')] = Math.floor(LEASE_BASE - 1 - rnd() * 20);
      for (let step = 0; step < 400; step++) {
        if (rnd() < 0.7) {
          const n = nextIssuedNumber(c, 'general');
          expect(seen.has(n), `issue ${n} (run ${run}, step ${step})`).toBe(false);
          seen.add(n);
          c[numberCounter('general')] = n;
        } else {
          const { from, to } = nextLeaseBlock(c, 'general', 1 + Math.floor(rnd() * 20));
          for (let n = from; n <= to; n++) {
            expect(seen.has(n), `lease ${n} (run ${run}, step ${step})`).toBe(false);
            seen.add(n);
          }
          c[leaseCounter('general')] = to;
        }
      }
    }
  });
});

describe('garbage commands', () => {
  const valid: QueueCommand[] = [
    { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'elderly', serviceItemCode: 'MZ01', applicationId: null },
    { type: 'call_next', commandId: uuidv7(), window: '1', staffId: 'S001' },
    { type: 'recall', commandId: uuidv7(), ticketId: uuidv7(), window: '1' },
    { type: 'skip', commandId: uuidv7(), ticketId: uuidv7(), window: '1' },
    { type: 'start', commandId: uuidv7(), ticketId: uuidv7(), window: '1' },
    { type: 'finish', commandId: uuidv7(), ticketId: uuidv7(), window: '1', applicationId: uuidv7() },
    { type: 'transfer', commandId: uuidv7(), ticketId: uuidv7(), window: '1', toCategory: 'civil' },
    { type: 'link', commandId: uuidv7(), ticketId: uuidv7(), applicationId: uuidv7() },
  ];

  it('valid commands parse; each member removed, retyped or added is refused', () => {
    for (const c of valid) {
      expect(queueCommand.parse(c)).toEqual(c);
      for (const key of Object.keys(c)) {
        // The sample transfer names only toCategory: without it there is no destination.
        const optional = ['serviceItemCode', 'applicationId'].includes(key) && c.type !== 'link';
        const { [key]: _gone, ...without } = c as Record<string, unknown>;
        expect(queueCommand.safeParse(without).success, `${c.type} without ${key}`).toBe(optional);
        for (const junk of [42, true, [], {}, null, 'x'.repeat(5000), '', '\u0000', 'a\nb', '\u007f']) {
          if (junk === null && optional) continue;
          expect(queueCommand.safeParse({ ...c, [key]: junk }).success, `${c.type}.${key} = ${JSON.stringify(junk).slice(0, 20)}`).toBe(false);
        }
      }
      expect(queueCommand.safeParse({ ...c, extra: 1 }).success).toBe(false);
      expect(queueCommand.safeParse({ ...c, ['__proto__']: { polluted: true } }).success).toBe(false); // an own "__proto__" member is an unknown member
      expect(queueCommand.safeParse(JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(c).slice(1)}`)).success).toBe(false);
    }
    expect(queueCommand.safeParse({ type: 'transfer', commandId: uuidv7(), ticketId: uuidv7(), window: '1' }).success).toBe(false);
    expect(queueCommand.safeParse({ ...valid[0], commandId: '01234567-89ab-4def-8123-456789abcdef' }).success).toBe(false); // v4, not v7
    expect(queueCommand.safeParse({ ...valid[0], commandId: uuidv7().toUpperCase() }).success).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('random junk never parses and never throws', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const atoms = [null, undefined, 0, -1, 1e308, NaN, '', 'issue', 'call_next', '1', 'general', 'S001', uuidv7(), true, '\u202e', '😀'.repeat(30)];
    const junk = (depth: number): unknown => {
      const r = rnd();
      if (depth > 3 || r < 0.4) return atoms[Math.floor(rnd() * atoms.length)];
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => junk(depth + 1));
      const o: Record<string, unknown> = {};
      const keys = ['type', 'commandId', 'category', 'priority', 'window', 'staffId', 'ticketId', 'toCategory', 'toWindow', 'applicationId', 'x'];
      for (let i = Math.floor(rnd() * 6); i > 0; i--) o[keys[Math.floor(rnd() * keys.length)]!] = junk(depth + 1);
      return o;
    };
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const value = junk(0);
      const r = queueCommand.safeParse(value);
      if (r.success) {
        parsed++;
        // Whatever parses is a well-formed command: strict members, a UUIDv7 commandId.
        expect(Object.keys(r.data)).toContain('commandId');
      } else {
        expect(r.error.issues.length).toBeGreaterThan(0);
      }
    }
    expect(parsed).toBeLessThan(5);
  });

  it('a state built from a station config without queue settings has no categories or windows', () => {
    const cfg = queueConfigOf(STATION, null);
    expect(cfg).toEqual({ stationId: STATION, timeZone: 'Asia/Shanghai', categories: [], windows: [] });
    const d = decide({ config: cfg, stationDay: '2026-12-05', active: [], target: null, counters: {} }, valid[0]!, new Date());
    expect(code(d)).toBe('UNKNOWN_CATEGORY');
  });
});
