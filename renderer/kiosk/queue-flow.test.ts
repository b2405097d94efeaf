import { describe, expect, it } from 'vitest';
import type { QueueTicketDoc } from '../../sync/protocol';
import type { QueueState } from '../../sync/protocol/queue';
import { createTicketIssuer, serviceCodeOf, type IssueRequest } from './queue-flow';

const A = { code: 'A', name: '综合业务' };
const B = { code: 'B', name: '社保医保' };

/** A hub that issues once per command id (as the real one does) and can lose answers. */
function hub() {
  const issued = new Map<string, QueueTicketDoc>();
  const requests: IssueRequest[] = [];
  let n = 0;
  let fail: { code: string; afterIssue: boolean } | null = null;
  return {
    requests,
    issued,
    failNext(code: string, afterIssue: boolean) {
      fail = { code, afterIssue };
    },
    async issue(input: IssueRequest) {
      requests.push(input);
      const f = fail;
      fail = null;
      if (f && !f.afterIssue) throw Object.assign(new Error(f.code), { code: f.code });
      let doc = issued.get(input.commandId);
      if (!doc) {
        n++;
        doc = { id: `019a0000-0000-7000-8000-${String(n).padStart(12, '0')}`, number: `${input.category}${String(n).padStart(3, '0')}`, priority: input.priority, issuedAt: '2026-12-05T23:55:00.000Z' } as QueueTicketDoc;
        issued.set(input.commandId, doc);
      }
      if (f) throw Object.assign(new Error(f.code), { code: f.code });
      return { ticket: doc };
    },
  };
}

const ctx = { priority: 'normal' as const, serviceItemCode: null, applicationId: null, queue: null };
let ids = 0;
const newId = () => `cmd-${++ids}`;

describe('kiosk 取号', () => {
  it('a lost answer (unreachable, timeout): 重试 sends the same command, one ticket in all', async () => {
    for (const code of ['QUEUE_UNREACHABLE', 'TIMEOUT']) {
      const h = hub();
      const issuer = createTicketIssuer((i) => h.issue(i), newId);
      h.failNext(code, true);
      await expect(issuer.take(A, ctx)).rejects.toMatchObject({ code });
      const ticket = await issuer.take(A, ctx);
      expect(h.issued.size).toBe(1);
      expect(h.requests.map((r) => r.commandId)).toEqual([h.requests[0]!.commandId, h.requests[0]!.commandId]);
      expect(ticket.number).toBe('A001');
      // the next press is a new ticket (for the next person)
      expect((await issuer.take(A, ctx)).number).toBe('A002');
    }
  });

  it('a refusal or garbage error forgets the command; another category is a new command', async () => {
    const h = hub();
    const issuer = createTicketIssuer((i) => h.issue(i), newId);
    for (const code of ['VALIDATION', 'FORBIDDEN', 'QUEUE_CLOSED']) {
      h.failNext(code, false);
      await expect(issuer.take(A, ctx)).rejects.toMatchObject({ code });
    }
    await expect(createTicketIssuer(async () => Promise.reject(null), newId).take(A, ctx)).rejects.toBeNull();
    await expect(createTicketIssuer(async () => Promise.reject('boom'), newId).take(A, ctx)).rejects.toBe('boom');
    expect(new Set(h.requests.map((r) => r.commandId)).size).toBe(3);
    h.failNext('TIMEOUT', true);
    await expect(issuer.take(A, ctx)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await issuer.take(B, ctx); // the resident chose another category: not the lost A command
    expect(h.requests.at(-1)!.commandId).not.toBe(h.requests.at(-2)!.commandId);
  });

  it('people ahead: the live queue’s waiting line of that category; issued offline: unknown', async () => {
    const queue = { waitingTickets: [{ category: 'A' }, { category: 'B' }, { category: 'A' }] } as unknown as QueueState;
    const online = createTicketIssuer(async (i) => ({ ticket: { id: 'x', number: 'A003', priority: i.priority, issuedAt: '2026-12-05T23:55:00.000Z' } as QueueTicketDoc }), newId);
    expect(await online.take(A, { ...ctx, queue, priority: 'elderly' })).toMatchObject({ ahead: 2, priority: 'elderly', category: '综合业务', categoryCode: 'A' });
    expect((await online.take(A, ctx)).ahead).toBe(0);
    const offline = createTicketIssuer(async () => ({ ticket: { id: 'y', number: 'A901', priority: 'military', issuedAt: '2026-12-05T23:55:00.000Z' } as QueueTicketDoc, offline: true }), newId);
    expect(await offline.take(A, { ...ctx, queue })).toMatchObject({ ahead: null, offline: true, priority: 'normal' });
  });

  it('a service code from the URL only when it looks like one', () => {
    expect(serviceCodeOf('YB01')).toBe('YB01');
    for (const bad of [undefined, null, '', 'x'.repeat(65), 'YB01<script>', ['YB01'], 42, '../etc']) expect(serviceCodeOf(bad), String(bad)).toBeNull();
  });
});
