import { describe, expect, it } from 'vitest';
import { createDispatcher, HandlerError, type CallerContext, type HandlerTable } from './dispatcher';
import { createTerminalCore } from './services';
import { TerminalConfig } from './config';
import { createLogger } from './log';
import { calls, callNames } from '../../preload/contract';

const lines: string[] = [];
const log = createLogger({ stderr: false, level: 'debug', sink: (l) => lines.push(l) });
const core = createTerminalCore({ config: TerminalConfig.parse({}), log, host: 'browser', version: '1.2.3', dataDir: '/tmp/terminal-test' });
const ctx: CallerContext = { origin: 'app://terminal', role: 'kiosk', senderId: 't1' };
const allowApp = (o: string) => o === 'app://terminal';

function dispatcherWith(overrides: Partial<HandlerTable> = {}, timeoutMs?: number) {
  return createDispatcher({ handlers: { ...core.handlers, ...overrides }, isOriginAllowed: allowApp, log, defaultTimeoutMs: timeoutMs });
}

describe('bridge handler table', () => {
  it('has a handler for every call in the contract', () => {
    for (const name of callNames) expect(typeof core.handlers[name]).toBe('function');
  });

  it('answers a valid call with the validated output', async () => {
    const r = await dispatcherWith()(ctx, 'app.info', undefined);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(calls['app.info'].output.parse(r.value).role).toBe('kiosk');
      expect(r.value).toMatchObject({ version: '1.2.3', host: 'browser', demo: true, locale: 'zh-CN' });
    }
  });

  it('takes the role from the caller, not from the input', async () => {
    const r = await dispatcherWith()({ ...ctx, role: 'clerk' }, 'app.info', { role: 'kiosk' });
    // app.info takes no input: an object with keys is refused outright.
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const ok = await dispatcherWith()({ ...ctx, role: 'clerk' }, 'app.info', {});
    expect(ok).toMatchObject({ ok: true, value: { role: 'clerk' } });
  });

  it.each([['no.such.call'], ['__proto__'], ['constructor'], ['toString'], [42], [null], [{}]])('refuses the unknown call %s with UNKNOWN_CALL', async (name) => {
    const r = await dispatcherWith()(ctx, name, undefined);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it.each([
    ['wrong type', { nonce: 12 }],
    ['missing field', {}],
    ['extra field', { nonce: 'a', extra: true }],
    ['too long', { nonce: 'x'.repeat(65) }],
    ['not an object', 'nonce'],
  ])('refuses an invalid payload (%s) with INVALID_INPUT and field issues', async (_label, input) => {
    const r = await dispatcherWith()(ctx, 'app.ping', input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.issues?.length).toBeGreaterThan(0);
    }
  });

  it('refuses free-text log lines that could carry personal data', async () => {
    const r = await dispatcherWith()(ctx, 'app.log', { level: 'info', event: '张三 360102199001011234' });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a caller from another origin', async () => {
    const r = await dispatcherWith()({ ...ctx, origin: 'https://evil.example' }, 'app.ping', { nonce: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('times out a handler that never answers', async () => {
    const d = dispatcherWith({ 'app.ping': () => new Promise(() => undefined) }, 50);
    const r = await d(ctx, 'app.ping', { nonce: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('maps a thrown HandlerError to its own code and hides other errors', async () => {
    const own = await dispatcherWith({ 'app.ping': () => { throw new HandlerError('DEVICE_OFFLINE', 'printer offline'); } })(ctx, 'app.ping', { nonce: 'x' });
    expect(own).toEqual({ ok: false, error: { code: 'DEVICE_OFFLINE', message: 'printer offline' } });
    const other = await dispatcherWith({ 'app.ping': () => { throw new Error('secret 360102199001011234'); } })(ctx, 'app.ping', { nonce: 'x' });
    expect(other).toMatchObject({ ok: false, error: { code: 'HANDLER_FAILED' } });
    expect(JSON.stringify(other)).not.toContain('3601021990');
    expect(lines.join('\n')).not.toContain('3601021990');
  });

  it('refuses a handler result that breaks the output schema', async () => {
    const d = dispatcherWith({ 'app.ping': () => ({ nonce: 5 }) as never });
    expect(await d(ctx, 'app.ping', { nonce: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_OUTPUT' } });
  });
});

describe('clerk work needs an active staff session held in main (requiresStaff)', () => {
  const clerk: CallerContext = { ...ctx, role: 'clerk' };
  const S002 = { id: 'S002', name: '李代办', role: 'assistant', platformRole: 'clerk' } as const;
  const session = (state: 'signed-out' | 'active' | 'locked') => ({ state, staff: state === 'signed-out' ? null : S002, mode: null, signedInAt: null, offlineValidUntil: null, inactivityLockSec: 300 });
  let seen: CallerContext | null = null;
  const printers: Partial<HandlerTable> = {
    'documents.printers': (_input, caller) => {
      seen = caller;
      return { spooler: true, defaultPrinter: 'A4', printers: ['A4'] };
    },
  };
  const gated = (state: 'signed-out' | 'active' | 'locked' | 'throws') =>
    createDispatcher({
      handlers: { ...core.handlers, ...printers },
      isOriginAllowed: allowApp,
      log,
      staffSession: () => {
        if (state === 'throws') throw new Error('staff feature down');
        return session(state);
      },
    });

  it('marks every documents call, and no staff sign-in/status call or app/sync call', () => {
    const marked = new Set(callNames.filter((n) => (calls[n] as { requiresStaff?: boolean }).requiresStaff));
    expect(callNames.filter((n) => n.startsWith('documents.')).filter((n) => !marked.has(n))).toEqual([]);
    expect([...marked].filter((n) => /^(staff|app|sync|store)\./.test(n))).toEqual([]);
  });

  it('refuses a signed-out clerk with NOT_SIGNED_IN (the default asks the staff feature in the table)', async () => {
    // core's own staff feature: nobody signed in
    const r = await dispatcherWith(printers)(clerk, 'documents.printers', undefined);
    expect(r).toEqual({ ok: false, error: { code: 'NOT_SIGNED_IN', message: expect.stringMatching(/signed in/) } });
    expect(await gated('signed-out')(clerk, 'documents.printers', undefined)).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    // what cannot be asked is refused too
    expect(await gated('throws')(clerk, 'documents.printers', undefined)).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(lines.join('\n')).toContain('"reason":"staff-session"');
  });

  it('refuses a locked session with STAFF_LOCKED, before looking at the input', async () => {
    const r = await gated('locked')(clerk, 'documents.printers', undefined);
    expect(r).toEqual({ ok: false, error: { code: 'STAFF_LOCKED', message: expect.stringMatching(/locked/) } });
    expect(await gated('locked')(clerk, 'documents.print', { documentId: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'STAFF_LOCKED' } });
  });

  it('serves an active session and hands main’s staff member to the handler', async () => {
    seen = null;
    expect(await gated('active')(clerk, 'documents.printers', undefined)).toMatchObject({ ok: true, value: { printers: ['A4'] } });
    expect(seen).toMatchObject({ role: 'clerk', staff: S002 });
  });

  it('leaves the kiosk unaffected, and sign-in/status calls open while signed out or locked', async () => {
    seen = null;
    expect(await gated('signed-out')(ctx, 'documents.printers', undefined)).toMatchObject({ ok: true });
    expect(seen!.staff).toBeUndefined();
    expect(await gated('locked')(ctx, 'documents.printers', undefined)).toMatchObject({ ok: true });
    expect(await gated('locked')(clerk, 'staff.session', undefined)).toMatchObject({ ok: true, value: { state: 'signed-out' } });
    expect(await gated('signed-out')(clerk, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('does not take the staff member from the caller context the transport built', async () => {
    seen = null;
    const forged = { ...clerk, staff: S002 } as CallerContext;
    expect(await gated('signed-out')(forged, 'documents.printers', undefined)).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(seen).toBeNull();
    // nor on calls that need no session (the kiosk's documents calls)
    expect(await gated('signed-out')({ ...forged, role: 'kiosk' }, 'documents.printers', undefined)).toMatchObject({ ok: true });
    expect(seen!.staff).toBeUndefined();
  });
});

describe('role capabilities (requiresCapability, preload/contract/permissions.ts)', () => {
  const clerk: CallerContext = { ...ctx, role: 'clerk' };
  const staff = {
    assistant: { id: 'S002', name: '演示代办员', role: 'assistant', platformRole: 'clerk' },
    counter: { id: 'S001', name: '演示窗口员', role: 'counter', platformRole: 'counter' },
    'station-admin': { id: 'S003', name: '演示站长', role: 'station-admin', platformRole: 'supervisor' },
  } as const;
  let shown: unknown[] = [];
  const as = (role: keyof typeof staff | 'locked') =>
    createDispatcher({
      handlers: { ...core.handlers, 'devices.showOnWindowDisplay': (input) => (shown.push(input), null) },
      isOriginAllowed: allowApp,
      log,
      staffSession: () => ({ state: role === 'locked' ? 'locked' : 'active', staff: role === 'locked' ? staff.counter : staff[role], mode: 'offline', signedInAt: 1, offlineValidUntil: null, inactivityLockSec: 300 }),
    });
  const text = { text: '请A012号到2号窗口' };

  it('every capability named on a call exists, and such calls are staff work', () => {
    for (const n of callNames) {
      const cap = (calls[n] as { requiresCapability?: string }).requiresCapability;
      if (!cap) continue;
      expect(['queue.call', 'sync.repair', 'dashboard.view', 'dashboard.export']).toContain(cap);
      expect((calls[n] as { roles?: string[] }).roles).toContain('clerk');
    }
    expect((calls['devices.showOnWindowDisplay'] as { requiresCapability?: string }).requiresCapability).toBe('queue.call');
  });

  it('refuses the window display (叫号) to an assistant with ROLE_FORBIDDEN, in English and Chinese, before the handler runs', async () => {
    shown = [];
    lines.length = 0;
    const r = await as('assistant')(clerk, 'devices.showOnWindowDisplay', text);
    expect(r).toEqual({
      ok: false,
      error: { code: 'ROLE_FORBIDDEN', message: 'call devices.showOnWindowDisplay needs the queue.call capability, which role assistant does not have', params: { role: 'assistant', roles: 'counter,station-admin' } },
    });
    expect(shown).toEqual([]);
    expect(lines.join('\n')).toContain('"reason":"staff-role"');
    expect(lines.join('\n')).not.toContain('演示代办员');
  });

  it('serves a counter and a station admin; a locked counter is still STAFF_LOCKED first; the kiosk has no roles', async () => {
    shown = [];
    expect(await as('counter')(clerk, 'devices.showOnWindowDisplay', text)).toMatchObject({ ok: true });
    expect(await as('station-admin')(clerk, 'devices.showOnWindowDisplay', text)).toMatchObject({ ok: true });
    expect(shown).toHaveLength(2);
    expect(await as('locked')(clerk, 'devices.showOnWindowDisplay', text)).toMatchObject({ ok: false, error: { code: 'STAFF_LOCKED' } });
    // the kiosk may show text on the window display without any staff (its own queue page)
    expect(await as('assistant')(ctx, 'devices.showOnWindowDisplay', text)).toMatchObject({ ok: true });
  });
});
