// The queue bridge calls: roles, staff session, garbage input, the window setting and an unreachable
// hub (no platform needed); then the whole counter flow against the real platform (sync/server in-process).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../sync/protocol';
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform } from '../../sync/server/platform';
import type { StaffSession } from '../../preload/contract/clerk-calls';
import type { queueCalls } from '../../preload/contract/queue-calls';
import { TerminalConfig } from '../core/config';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createTerminalCore } from '../core/services';
import { createQueueFeature } from './feature';

const lines: string[] = [];
const log = createLogger({ level: 'debug', stderr: false, sink: (l) => lines.push(l) });
const base = createTerminalCore({ config: TerminalConfig.parse({}), log, host: 'browser', version: 't', dataDir: '/tmp/terminal-queue-test' });

const session = (role: 'assistant' | 'counter' | 'station-admin' | null, state: StaffSession['state'] = 'active'): StaffSession => ({
  state: role ? state : 'signed-out',
  staff: role ? { id: role === 'counter' ? 'S001' : role === 'assistant' ? 'S002' : 'S003', name: '测试', role, platformRole: role === 'counter' ? 'counter' : role === 'assistant' ? 'clerk' : 'supervisor' } : null,
  mode: role ? 'online' : null,
  signedInAt: role ? Date.now() : null,
  offlineValidUntil: null,
  inactivityLockSec: 300,
});

interface Setup {
  dir: string;
  dispatch: ReturnType<typeof createDispatcher>;
  feature: ReturnType<typeof createQueueFeature>;
  setSession(s: StaffSession): void;
}

function setup(opts: { platform: () => PlatformClient | null; window?: string; dir?: string }): Setup {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'queue-feature-'));
  const config = TerminalConfig.parse({ role: 'clerk', ...(opts.window ? { queue: { window: opts.window } } : {}) });
  const feature = createQueueFeature({ config, log, events: createEventHub(log), dataDir: dir, host: 'browser' }, { platform: opts.platform, ready: () => Promise.resolve(), retry: { attempts: 2, sleep: () => Promise.resolve() } });
  let current = session('counter');
  const dispatch = createDispatcher({ handlers: { ...base.handlers, ...feature.handlers } as HandlerTable, isOriginAllowed: () => true, log, staffSession: () => current });
  return { dir, dispatch, feature, setSession: (s) => (current = s) };
}

const as = (role: CallerContext['role']): CallerContext => ({ origin: 'app://terminal', role, senderId: `${role}-1` });

/** A platform stand-in that counts requests: garbage must never reach it. */
async function countingServer(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((_req, res) => {
    n++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, count: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('queue bridge calls without a platform', () => {
  let counting: Awaited<ReturnType<typeof countingServer>>;
  let s: Setup;
  beforeAll(async () => {
    counting = await countingServer();
    s = setup({ platform: () => new PlatformClient({ baseUrl: counting.url, token: 'trm_test', timeoutMs: 1000 }), window: '1' });
  });
  afterAll(async () => {
    await counting.close();
    rmSync(s.dir, { recursive: true, force: true });
  });

  const ticketId = uuidv7();
  const garbage: Record<keyof typeof queueCalls, unknown[]> = {
    'queue.state': [{ stationId: 'x' }, 'all', 42],
    'queue.offline': [{ categories: [] }, 'all', 7],
    'queue.issue': [null, {}, { category: 'general' }, { category: 'general', priority: 'vip' }, { category: '', priority: 'normal' }, { category: 'x'.repeat(21), priority: 'normal' }, { category: 'general', priority: 'normal', staffId: 'S001' }, { category: 'general', priority: 'normal', commandId: 'not-a-uuid' }, { category: 'general', priority: 'normal', applicationId: 'DROP TABLE' }, { category: 'general', priority: 'normal', serviceItemCode: '../../etc' }, ['general']],
    'queue.callNext': [{ window: '2' }, { staffId: 'S999' }, { commandId: 12 }, 'next'],
    'queue.recall': [{}, { ticketId: 'A012' }, { ticketId, window: '2' }, { ticketId: ticketId.toUpperCase() }, null],
    'queue.skip': [{}, { ticketId: 42 }, { ticketId, reason: 'x' }],
    'queue.start': [{}, { ticketId: '' }, { ticketId, staffId: 'S003' }],
    'queue.finish': [{}, { ticketId, applicationId: 'nope' }, { ticketId, window: '1' }],
    'queue.transfer': [{ ticketId }, { ticketId, toCategory: '' }, { ticketId, toWindow: 'x'.repeat(21) }, { ticketId, toCategory: 'social', extra: true }, { toCategory: 'social' }],
    'queue.window': [{ window: '1' }, 'x'],
    'queue.setWindow': [{}, { window: '' }, { window: 'x'.repeat(21) }, { window: 2 }, { window: '1', extra: 1 }, '1'],
  };

  it.each(Object.entries(garbage))('%s refuses garbage with INVALID_INPUT and sends nothing', async (name, inputs) => {
    for (const input of inputs) {
      const r = await s.dispatch(as('clerk'), name, input);
      expect(r, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      if (!r.ok) expect(r.error.issues?.length).toBeGreaterThan(0);
    }
    expect(counting.count()).toBe(0);
  });

  it('lets only the right roles call: state for all, issue for kiosk and clerk, counter work for queue.call', async () => {
    const forbidden = async (ctx: CallerContext, name: string, input: unknown = {}) => {
      const r = await s.dispatch(ctx, name, input);
      expect(r.ok ? 'ok' : r.error.code, `${ctx.role} ${name}`).toBe('FORBIDDEN');
    };
    await forbidden(as('display'), 'queue.issue', { category: 'general', priority: 'normal' });
    for (const name of ['queue.callNext', 'queue.recall', 'queue.skip', 'queue.start', 'queue.finish', 'queue.transfer', 'queue.setWindow', 'queue.window']) {
      await forbidden(as('kiosk'), name);
      await forbidden(as('display'), name);
    }
    // an assistant (村代办员) may issue but not call
    s.setSession(session('assistant'));
    const r = await s.dispatch(as('clerk'), 'queue.callNext', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'ROLE_FORBIDDEN' } });
    // who may do it, as role codes; the words are the page's catalogue (renderer/i18n/errors.test.ts)
    if (!r.ok) expect(r.error.params).toEqual({ role: 'assistant', roles: 'counter,station-admin' });
    s.setSession(session(null));
    expect(await s.dispatch(as('clerk'), 'queue.issue', { category: 'general', priority: 'normal' })).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    s.setSession(session('counter', 'locked'));
    expect(await s.dispatch(as('clerk'), 'queue.callNext', undefined)).toMatchObject({ ok: false, error: { code: 'STAFF_LOCKED' } });
    s.setSession(session('counter'));
    expect(counting.count()).toBe(0);
  });

  it('says the hub is unreachable in English for logs and in Chinese for people', async () => {
    const dead = setup({ platform: () => new PlatformClient({ baseUrl: 'http://127.0.0.1:9', token: 'trm_test', timeoutMs: 1000 }), window: '1' });
    try {
      for (const [ctx, name, input] of [
        [as('kiosk'), 'queue.issue', { category: 'general', priority: 'elderly' }],
        [as('display'), 'queue.state', undefined],
        [as('clerk'), 'queue.callNext', {}],
      ] as const) {
        const r = await dead.dispatch(ctx, name, input);
        expect(r).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE' } });
        if (!r.ok) expect(r.error.userMessage).toBeUndefined(); // the words are the catalogue's errors.QUEUE_UNREACHABLE (renderer/i18n/main-errors.test.ts)
        if (!r.ok) expect(r.error.message).toMatch(/^hub unreachable/);
      }
    } finally {
      rmSync(dead.dir, { recursive: true, force: true });
    }
    // a 5xx answer is the hub failing, too (retried first)
    const before = counting.count();
    expect(await s.dispatch(as('kiosk'), 'queue.issue', { category: 'general', priority: 'normal' })).toMatchObject({ ok: false, error: { code: 'QUEUE_UNREACHABLE' } });
    expect(counting.count() - before).toBe(2);
  });

  it('says so when the platform has no queue service (404), instead of a sync refusal', async () => {
    const old = createServer((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Route not found' } })));
    await new Promise<void>((r) => old.listen(0, '127.0.0.1', () => r()));
    const a = old.address();
    const x = setup({ platform: () => new PlatformClient({ baseUrl: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, token: 'trm_test' }), window: '1' });
    try {
      expect(await x.dispatch(as('display'), 'queue.state', undefined)).toMatchObject({ ok: false, error: { code: 'QUEUE_UNAVAILABLE' } });
      expect(await x.dispatch(as('clerk'), 'queue.recall', { ticketId: uuidv7() })).toMatchObject({ ok: false, error: { code: 'QUEUE_UNAVAILABLE' } });
    } finally {
      await new Promise<void>((r) => old.close(() => r()));
      rmSync(x.dir, { recursive: true, force: true });
    }
  });

  it('is NOT_ENROLLED without a platform client, and QUEUE_NO_WINDOW before a window is set', async () => {
    const none = setup({ platform: () => null });
    try {
      const r = await none.dispatch(as('kiosk'), 'queue.issue', { category: 'general', priority: 'normal' });
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_ENROLLED' } });
      // the words are the catalogue's errors.SYNC_NOT_ENROLLED (renderer/sync/sync-error.test.ts)
      if (!r.ok) expect(r.error).toMatchObject({ params: { detail: 'SYNC_NOT_ENROLLED' } });
      if (!r.ok) expect(r.error.userMessage).toBeUndefined();
    } finally {
      rmSync(none.dir, { recursive: true, force: true });
    }
    const noWindow = setup({ platform: () => new PlatformClient({ baseUrl: counting.url, token: 'trm_test' }) });
    try {
      const before = counting.count();
      expect(await noWindow.dispatch(as('clerk'), 'queue.window', undefined)).toEqual({ ok: true, value: { window: null, source: null } });
      const r = await noWindow.dispatch(as('clerk'), 'queue.callNext', undefined);
      expect(r).toMatchObject({ ok: false, error: { code: 'QUEUE_NO_WINDOW' } });
      if (!r.ok) expect(r.error).not.toHaveProperty('params');
      expect(counting.count()).toBe(before);
    } finally {
      rmSync(noWindow.dir, { recursive: true, force: true });
    }
  });

  it('keeps the window setting across a restart; the setting wins over the configuration file', async () => {
    const a = setup({ platform: () => null, window: '1' });
    try {
      expect(await a.dispatch(as('clerk'), 'queue.window', undefined)).toEqual({ ok: true, value: { window: '1', source: 'config' } });
      expect(await a.dispatch(as('clerk'), 'queue.setWindow', { window: '2' })).toEqual({ ok: true, value: { window: '2', source: 'setting' } });
      expect(JSON.parse(readFileSync(join(a.dir, 'queue', 'window.json'), 'utf8'))).toEqual({ window: '2' });
      const b = setup({ platform: () => null, window: '1', dir: a.dir });
      await b.feature.start();
      expect(await b.dispatch(as('clerk'), 'queue.window', undefined)).toEqual({ ok: true, value: { window: '2', source: 'setting' } });
      expect(await b.dispatch(as('clerk'), 'queue.setWindow', { window: null })).toEqual({ ok: true, value: { window: '1', source: 'config' } });
    } finally {
      rmSync(a.dir, { recursive: true, force: true });
    }
  });
});

describe('queue bridge calls against the real platform', () => {
  let platform: Platform;
  const dirs: string[] = [];
  const terminal = async (station: string, window?: string) => {
    const c = new PlatformClient({ baseUrl: platform.url, timeoutMs: 10_000 });
    c.token = (await c.enroll(await platform.createEnrollCode(station))).token;
    const t = setup({ platform: () => c, ...(window ? { window } : {}) });
    dirs.push(t.dir);
    return t;
  };
  beforeAll(async () => {
    platform = await startPlatform({ seedDemo: true });
  }, 60_000);
  afterAll(async () => {
    await platform?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const ok = <T>(r: Awaited<ReturnType<Setup['dispatch']>>): T => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };
  type T = { ticket: { id: string; number: string; status: string; window: string | null; staffId: string | null; priority: string; recallCount: number; category: string } | null };

  it('issues, calls in priority order, recalls up to the limit, refuses other windows and stations, starts, finishes, transfers', async () => {
    const kiosk = await terminal('360121201');
    const w1 = await terminal('360121201', '1');
    const w2 = await terminal('360121201', '2');
    const elsewhere = await terminal('360121100', '1');

    // a replayed 取号 (same commandId) is the same ticket, not a second number
    const commandId = uuidv7();
    const first = ok<T>(await kiosk.dispatch(as('kiosk'), 'queue.issue', { commandId, category: 'general', priority: 'normal' })).ticket!;
    expect(ok<T>(await kiosk.dispatch(as('kiosk'), 'queue.issue', { commandId, category: 'general', priority: 'normal' })).ticket!.id).toBe(first.id);
    const elderly = ok<T>(await kiosk.dispatch(as('kiosk'), 'queue.issue', { category: 'general', priority: 'elderly' })).ticket!;
    const civil = ok<T>(await kiosk.dispatch(as('kiosk'), 'queue.issue', { category: 'civil', priority: 'normal' })).ticket!;
    expect([first.number, elderly.number, civil.number]).toEqual(['A001', 'A002', 'C001']);
    const unknown = await kiosk.dispatch(as('kiosk'), 'queue.issue', { category: 'nope', priority: 'normal' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CATEGORY' } });
    if (!unknown.ok) expect(unknown.error.userMessage).toBeUndefined();

    const state = ok<{ categories: { code: string; waiting: number }[]; waitingTickets: { id: string }[] }>(await kiosk.dispatch(as('display'), 'queue.state', undefined));
    expect(state.categories.find((c) => c.code === 'general')?.waiting).toBe(2);
    expect(state.waitingTickets[0]!.id).toBe(elderly.id);

    // window 2, S001: the elderly ticket first; staffId from main's session
    const called = ok<T>(await w2.dispatch(as('clerk'), 'queue.callNext', {})).ticket!;
    expect(called).toMatchObject({ id: elderly.id, status: 'called', window: '2', staffId: 'S001' });
    // one current ticket per window
    expect(await w2.dispatch(as('clerk'), 'queue.callNext', {})).toMatchObject({ ok: false, error: { code: 'INVALID_TICKET_STATE' } });
    // another window, another station: refused, nothing changes
    const notMine = await w1.dispatch(as('clerk'), 'queue.skip', { ticketId: called.id });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'NOT_YOUR_WINDOW' } });
    if (!notMine.ok) expect(notMine.error.userMessage).toBeUndefined();
    expect(await elsewhere.dispatch(as('clerk'), 'queue.finish', { ticketId: called.id })).toMatchObject({ ok: false, error: { code: 'TICKET_NOT_FOUND' } });

    for (let i = 1; i <= 3; i++) expect(ok<T>(await w2.dispatch(as('clerk'), 'queue.recall', { ticketId: called.id })).ticket!.recallCount).toBe(i);
    const limit = await w2.dispatch(as('clerk'), 'queue.recall', { ticketId: called.id });
    expect(limit).toMatchObject({ ok: false, error: { code: 'RECALL_LIMIT' } });
    if (!limit.ok) expect(limit.error.userMessage).toBeUndefined();

    expect(ok<T>(await w2.dispatch(as('clerk'), 'queue.start', { ticketId: called.id })).ticket!.status).toBe('serving');
    expect(ok<T>(await w2.dispatch(as('clerk'), 'queue.finish', { ticketId: called.id })).ticket!.status).toBe('done');

    // transfer: window 2 sends A001 to 社保医保 (window 1 only), window 1 calls it
    const next = ok<T>(await w2.dispatch(as('clerk'), 'queue.callNext', undefined)).ticket!;
    expect(next.id).toBe(first.id);
    expect(ok<T>(await w2.dispatch(as('clerk'), 'queue.transfer', { ticketId: next.id, toCategory: 'social' })).ticket).toMatchObject({ status: 'waiting', category: 'social' });
    expect(ok<T>(await w1.dispatch(as('clerk'), 'queue.callNext', {})).ticket).toMatchObject({ id: first.id, window: '1' });

    // a window the station does not have
    await w1.dispatch(as('clerk'), 'queue.setWindow', { window: '9' });
    const nine = await w1.dispatch(as('clerk'), 'queue.callNext', {});
    expect(nine).toMatchObject({ ok: false, error: { code: 'UNKNOWN_WINDOW' } });

    const after = ok<{ windows: { id: string; current: { number: string } | null }[]; recentCalls: { number: string }[] }>(await kiosk.dispatch(as('kiosk'), 'queue.state', undefined));
    expect(after.windows.find((w) => w.id === '1')?.current?.number).toBe('A001');
    expect(after.windows.find((w) => w.id === '2')?.current).toBeNull();
    expect(after.recentCalls[0]!.number).toBe('A001');
  }, 60_000);
});
