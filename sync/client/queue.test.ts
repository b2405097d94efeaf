// The queue calls against hostile and broken platforms: real HTTP servers that fail, refuse and answer garbage.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleQueueTicket, uuidv7, type QueueCommand, type QueueState } from '../protocol/index';
import { SyncTransportError } from './errors';
import { paths } from '../protocol/api';
import { queueCommand, queueLease, queueState } from './queue';
import { PlatformClient } from './transport';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

interface Seen {
  method: string;
  path: string;
  body: string;
}

async function serve(handler: (req: Seen, res: ServerResponse, n: number) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const s = { method: req.method ?? '', path: req.url ?? '', body };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const client = (url: string) => new PlatformClient({ baseUrl: url, token: 'trm_test', timeoutMs: 2000 });
const fast = { sleep: () => Promise.resolve() };
const recall = (): QueueCommand => ({ type: 'recall', commandId: uuidv7(), ticketId: uuidv7(), window: '1' });

async function failure(p: Promise<unknown>): Promise<{ code: string; platformCode?: string | undefined }> {
  try {
    await p;
    return { code: 'resolved' };
  } catch (e) {
    if (e instanceof SyncTransportError) return { code: e.code, platformCode: e.platformCode };
    return { code: `other:${String(e)}` };
  }
}

describe('queueCommand', () => {
  it('retries a transient failure with the same command (idempotency key), then answers the ticket', async () => {
    const ticket = exampleQueueTicket({ status: 'called', window: '1', calledAt: new Date().toISOString(), staffId: 'S001' });
    const { url, seen } = await serve((_req, res, n) => (n < 3 ? json(res, 503, { error: { code: 'INTERNAL_ERROR', message: 'busy' } }) : json(res, 200, { ticket })));
    const cmd: QueueCommand = { type: 'call_next', commandId: uuidv7(), window: '1', staffId: 'S001' };
    expect(await queueCommand(client(url), cmd, fast)).toEqual(ticket);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(JSON.parse(seen[0]!.body)).toEqual(cmd);
    expect(seen.every((s) => s.method === 'POST' && s.path === paths.queueCommands)).toBe(true);
  });

  it('gives up after the attempts with the transport code, and never retries a refusal', async () => {
    const down = await serve((_req, res) => json(res, 502, 'bad gateway'));
    expect(await failure(queueCommand(client(down.url), recall(), { ...fast, attempts: 2 }))).toEqual({ code: 'SERVER_ERROR', platformCode: undefined });
    expect(down.seen).toHaveLength(2);
    await new Promise<void>((r) => server!.close(() => r()));
    const refusing = await serve((_req, res) => json(res, 409, { error: { code: 'RECALL_LIMIT', message: 'recalled 3 times already' } }));
    expect(await failure(queueCommand(client(refusing.url), recall(), fast))).toEqual({ code: 'REQUEST_REFUSED', platformCode: 'RECALL_LIMIT' });
    expect(refusing.seen).toHaveLength(1);
  });

  it('refuses garbage answers and never sends a malformed command', async () => {
    const answers: unknown[] = ['not json', { ticket: { id: 'x' } }, { nothing: true }, [], { ticket: exampleQueueTicket({ number: '<script>' }) }];
    const { url, seen } = await serve((_req, res, n) => json(res, 200, answers[n - 1] as object));
    for (let i = 0; i < answers.length; i++) expect((await failure(queueCommand(client(url), recall(), { ...fast, attempts: 1 }))).code).toBe('BAD_RESPONSE');
    const bad = [{ type: 'recall', commandId: 'not-a-uuid', ticketId: uuidv7(), window: '1' }, { type: 'explode' }, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'vip' }, { ...recall(), extra: 1 }];
    for (const cmd of bad) expect(await failure(queueCommand(client(url), cmd as QueueCommand, fast))).toEqual({ code: 'REQUEST_REFUSED', platformCode: 'INVALID_COMMAND' });
    expect(seen).toHaveLength(answers.length);
  });

  it('answers null when nobody waits', async () => {
    const { url } = await serve((_req, res) => json(res, 200, { ticket: null }));
    expect(await queueCommand(client(url), { type: 'call_next', commandId: uuidv7(), window: '2', staffId: 'S001' }, fast)).toBeNull();
  });
});

describe('queueState', () => {
  const state: QueueState = {
    stationId: '360121201',
    stationDay: '2026-12-05',
    timeZone: 'Asia/Shanghai',
    categories: [{ code: 'general', name: '综合业务', prefix: 'A', waiting: 1, avgWaitSec: null }],
    windows: [{ id: '1', name: '1号窗口', categories: ['general'], current: null }],
    recentCalls: [],
    waitingTickets: [{ id: uuidv7(), number: 'A001', category: 'general', priority: 'normal', issuedAt: new Date().toISOString() }],
  };

  it('reads and validates the state; garbage is BAD_RESPONSE; no answer is OFFLINE', async () => {
    const answers: unknown[] = [state, { ...state, categories: [{ code: 'general', waiting: -1 }] }, { ...state, recentCalls: Array.from({ length: 11 }, () => exampleQueueTicket()) }];
    const { url, seen } = await serve((_req, res, n) => json(res, 200, answers[n - 1] as object));
    expect(await queueState(client(url))).toEqual(state);
    expect(seen[0]).toMatchObject({ method: 'GET', path: paths.queueState });
    expect((await failure(queueState(client(url)))).code).toBe('BAD_RESPONSE');
    expect((await failure(queueState(client(url)))).code).toBe('BAD_RESPONSE');
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
    expect((await failure(queueState(client(url)))).code).toBe('OFFLINE');
  });
});

describe('queueLease', () => {
  const ask = (count = 10) => ({ commandId: uuidv7(), category: 'general', count });
  const block = { category: 'general', stationDay: '2026-12-05', from: 11, to: 20, prefix: 'A' };

  it('sends the checked request, retries a transient failure with the same id, answers the block', async () => {
    const { url, seen } = await serve((_req, res, n) => (n < 2 ? json(res, 502, 'bad gateway') : json(res, 200, block)));
    const req = ask();
    expect(await queueLease(client(url), req, fast)).toEqual(block);
    expect(seen.map((s) => [s.method, s.path])).toEqual([
      ['POST', paths.queueLease],
      ['POST', paths.queueLease],
    ]);
    expect(seen.every((s) => JSON.parse(s.body).commandId === req.commandId)).toBe(true);
  });

  it('refuses a hostile or malformed answer with BAD_RESPONSE (nothing to issue from)', async () => {
    const answers: unknown[] = [
      'not json',
      null,
      {},
      { ...block, category: 'social' }, // another category than asked
      { ...block, from: 1, to: 500 }, // more numbers than asked
      { ...block, from: 20, to: 11 }, // empty block
      { ...block, from: 0 },
      { ...block, from: 9995, to: 10004 }, // numbers that cannot be written
      { ...block, prefix: 'a1' },
      { ...block, stationDay: 'tomorrow' },
      { ...block, from: 1.5 },
    ];
    for (const answer of answers) {
      const { url } = await serve((_req, res) => json(res, 200, answer));
      expect(await failure(queueLease(client(url), ask(), { attempts: 1 })), JSON.stringify(answer)).toEqual({ code: 'BAD_RESPONSE', platformCode: undefined });
      await new Promise<void>((r) => server!.close(() => r()));
      server = null;
    }
  });

  it('checks the request before sending (nothing leaves) and passes refusals on with their code', async () => {
    const { url, seen } = await serve((_req, res) => json(res, 409, { error: { code: 'QUEUE_FULL', message: 'no numbers left' } }));
    for (const bad of [{ ...ask(), count: 0 }, { ...ask(), count: 51 }, { ...ask(), category: '' }, { ...ask(), commandId: 'x' }]) {
      expect(await failure(queueLease(client(url), bad, fast))).toEqual({ code: 'REQUEST_REFUSED', platformCode: 'INVALID_COMMAND' });
    }
    expect(seen).toHaveLength(0);
    expect(await failure(queueLease(client(url), ask(), fast))).toEqual({ code: 'REQUEST_REFUSED', platformCode: 'QUEUE_FULL' });
  });
});
