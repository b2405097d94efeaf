import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { StaffSession } from '../../preload/contract/clerk-calls';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { createDocumentFeature } from '../documents/feature';
import type { Spooler } from '../documents/print';
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { DEMO_STAFF } from '../../sync/server/seed/demo';
import { createStaffFeature, type StaffFeature } from './feature';
import { enrolledDemoPlatform } from './test-platform';

const assistant = DEMO_STAFF.find((s) => s.id === 'S002')!;
const caller = { role: 'clerk', senderId: 't' } as unknown as CallerContext;

let platform: Platform;
let client: PlatformClient;
let dead: PlatformClient;
let up = true;
let t = Date.parse('2026-11-29T09:00:00Z');
const dirs: string[] = [];
const logLines: string[] = [];
// These tests read what was logged: no rate bound here (main/core/log.test.ts covers it).
const log = createLogger({ stderr: false, level: 'debug', sink: (l) => logLines.push(l), burst: 100_000, ceiling: 100_000 });
const sessions: unknown[] = [];
const events = createEventHub(log);
events.subscribe((name, payload) => name === 'staff.session' && sessions.push(payload));

function feature(config: Record<string, unknown> = {}): StaffFeature {
  const dataDir = mkdtempSync(join(tmpdir(), 'staff-'));
  dirs.push(dataDir);
  return make(dataDir, config);
}
function make(dataDir: string, config: Record<string, unknown> = {}): StaffFeature {
  return createStaffFeature(
    { config: TerminalConfig.parse(config), log, events, dataDir, host: 'browser' },
    { platform: () => (up ? client : dead), stationId: () => '360121201', now: () => t },
  );
}
const h = (f: StaffFeature) => f.handlers as unknown as Record<string, (input: unknown, c: CallerContext) => Promise<unknown>>;
const code = async (p: Promise<unknown>) => p.then(() => 'OK', (e: { code?: string }) => e.code);
/** The refusal's code and params (the words are the catalogue's errors.<detail or code>: renderer/i18n/main-errors.test.ts). */
const refusal = async (p: Promise<unknown>) => p.then(() => 'OK', (e: { code?: string; params?: unknown; userMessage?: unknown }) => ({ code: e.code, params: e.params, userMessage: e.userMessage }));

beforeAll(async () => {
  let token: string;
  ({ platform, client, token } = await enrolledDemoPlatform());
  dead = new PlatformClient({ baseUrl: 'http://127.0.0.1:9', token, timeoutMs: 2000 });
}, 60_000);
afterAll(async () => {
  await platform?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('staff sign-in', () => {
  it('signs in online against the platform and caches the verifier', async () => {
    up = true;
    const f = feature();
    const s = StaffSession.parse(await h(f)['staff.login']!({ staffId: assistant.id, pin: assistant.pin }, caller));
    expect(s).toMatchObject({ state: 'active', mode: 'online', staff: { id: 'S002', role: 'assistant', platformRole: 'clerk' } });
    expect(await code(h(f)['staff.login']!({ staffId: assistant.id, pin: '000000' }, caller))).toBe('INVALID_CREDENTIALS');
    await f.close();
  });

  it('signs in offline with the roster pulled by main; verifiers never reach the page', async () => {
    up = true;
    const f = feature();
    expect(await f.refreshRoster()).toBe(3);
    up = false;
    const roster = (await h(f)['staff.roster']!(undefined, caller)) as Record<string, unknown>[];
    expect(roster.map((r) => r.id)).toEqual(['S001', 'S002', 'S003']);
    expect(JSON.stringify(roster)).not.toMatch(/verifier|salt|hash/);
    const s = StaffSession.parse(await h(f)['staff.login']!({ staffId: 'S003', pin: '345678' }, caller));
    expect(s).toMatchObject({ state: 'active', mode: 'offline', staff: { role: 'station-admin' } });
    // another station's staff cannot sign in here (not counted: no tries left to tell)
    expect(await refusal(h(f)['staff.login']!({ staffId: 'S004', pin: '456789' }, caller))).toEqual({ code: 'INVALID_CREDENTIALS', params: undefined, userMessage: undefined });
    await f.close();
  }, 30_000);

  it('locks the staff id after 5 wrong PINs for the configured time (offline), persisted across restarts', async () => {
    up = true;
    const f = feature({ staff: { lockoutMinutes: 10 } });
    await f.refreshRoster();
    up = false;
    const wrong = (pin: string) => refusal(h(f)['staff.login']!({ staffId: 'S001', pin }, caller));
    for (let i = 0; i < 4; i++) expect(await wrong('111111')).toEqual({ code: 'INVALID_CREDENTIALS', params: { detail: 'INVALID_CREDENTIALS_REMAINING', remaining: 4 - i }, userMessage: undefined });
    expect(await wrong('111111')).toEqual({ code: 'ACCOUNT_LOCKED', params: { minutes: 10 }, userMessage: undefined });
    t += 9 * 60_000 + 1;
    expect(await wrong('123456')).toEqual({ code: 'ACCOUNT_LOCKED', params: { minutes: 1 }, userMessage: undefined }); // even the right PIN; at least 1 minute
    t -= 9 * 60_000 + 1;
    await f.close();
    // a restart keeps the lock
    const again = make(dirs[dirs.length - 1]!, { staff: { lockoutMinutes: 10 } });
    expect(await code(h(again)['staff.login']!({ staffId: 'S001', pin: '123456' }, caller))).toBe('ACCOUNT_LOCKED');
    t += 10 * 60_000;
    expect(await code(h(again)['staff.login']!({ staffId: 'S001', pin: '123456' }, caller))).toBe('OK');
    await again.close();
  }, 60_000);

  it("wrong PINs for another station's staff id are refused without counting, online and offline (no lockout as a weapon)", async () => {
    up = true;
    const f = feature({ staff: { lockoutMinutes: 10 } });
    await f.refreshRoster();
    // S004 works at 360121100 only: ten tries online, then ten offline, never a lock
    for (let i = 0; i < 10; i++) expect(await code(h(f)['staff.login']!({ staffId: 'S004', pin: '000000' }, caller))).toBe('INVALID_CREDENTIALS');
    up = false;
    for (let i = 0; i < 10; i++) expect(await code(h(f)['staff.login']!({ staffId: 'S004', pin: '000000' }, caller))).toBe('INVALID_CREDENTIALS');
    expect(logLines.some((l) => l.includes('not-of-this-station'))).toBe(true);
    expect(logLines.filter((l) => l.includes('staff.locked-out') && l.includes('S004'))).toEqual([]);
    // this station's own staff still counts: 5 wrong PINs lock
    for (let i = 0; i < 4; i++) expect(await code(h(f)['staff.login']!({ staffId: 'S002', pin: '000000' }, caller))).toBe('INVALID_CREDENTIALS');
    expect(await code(h(f)['staff.login']!({ staffId: 'S002', pin: '000000' }, caller))).toBe('ACCOUNT_LOCKED');
    t += 10 * 60_000;
    await f.close();
  }, 60_000);

  it('a plain rate limit (429 RATE_LIMITED) is no lock: the PIN is then checked offline', async () => {
    const limited = await startPlatform({ port: 0, seedDemo: true, security: { rateLimits: { login: { perToken: 1 } } } });
    try {
      const c = new PlatformClient({ baseUrl: limited.url });
      c.token = (await c.enroll(await limited.createEnrollCode('360121201'))).token;
      const dataDir = mkdtempSync(join(tmpdir(), 'staff-'));
      dirs.push(dataDir);
      const open = () => createStaffFeature({ config: TerminalConfig.parse({}), log, events, dataDir, host: 'browser' }, { platform: () => c, stationId: () => '360121201', now: () => t });
      const first = open();
      expect(StaffSession.parse(await h(first)['staff.login']!({ staffId: 'S001', pin: '123456' }, caller)).mode).toBe('online');
      expect(await first.refreshRoster()).toBe(3);
      await first.close();
      const second = open();
      expect(StaffSession.parse(await h(second)['staff.login']!({ staffId: 'S002', pin: assistant.pin }, caller))).toMatchObject({ state: 'active', mode: 'offline' });
      expect(logLines.some((l) => l.includes('staff.login-offline-attempt') && l.includes('RATE_LIMITED'))).toBe(true);
      expect(logLines.some((l) => l.includes('staff.locked-by-platform'))).toBe(false);
      await second.close();
    } finally {
      await limited.close();
    }
  }, 90_000);

  it('refuses an expired offline verifier, locks on inactivity and unlocks with the PIN', async () => {
    up = true;
    const f = feature({ staff: { offlineDays: 1, inactivityLockMinutes: 3 } });
    await f.refreshRoster();
    up = false;
    const s0 = StaffSession.parse(await h(f)['staff.login']!({ staffId: 'S002', pin: assistant.pin }, caller));
    expect(s0.inactivityLockSec).toBe(180);
    expect(StaffSession.parse(await h(f)['staff.lock']!({ reason: 'inactivity' }, caller)).state).toBe('locked');
    expect(sessions.at(-1)).toMatchObject({ state: 'locked' });
    expect(await code(h(f)['staff.unlock']!({ pin: '999999' }, caller))).toBe('INVALID_CREDENTIALS');
    expect(StaffSession.parse(await h(f)['staff.unlock']!({ pin: assistant.pin }, caller)).state).toBe('active');
    expect(StaffSession.parse(await h(f)['staff.logout']!(undefined, caller)).state).toBe('signed-out');
    t += 2 * 86_400_000;
    expect(await code(h(f)['staff.login']!({ staffId: 'S002', pin: assistant.pin }, caller))).toBe('OFFLINE_LOGIN_EXPIRED');
    await f.close();
  }, 30_000);

  it('main refuses clerk work while signed out or locked, and serves it once the PIN is checked', async () => {
    up = true;
    const f = feature({ staff: { maxFailures: 5, lockoutMinutes: 15 } });
    await f.refreshRoster();
    up = false; // offline verifier: deterministic, no platform rate limit
    const printed: (string | null)[] = [];
    const spooler: Spooler = { kind: 'cups', listPrinters: async () => ({ spooler: true, defaultPrinter: 'A4', printers: ['A4'] }), print: async () => ({ printer: 'A4', jobId: 'A4-1' }) };
    const dataDir = mkdtempSync(join(tmpdir(), 'staff-docs-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const docs = createDocumentFeature({ config: TerminalConfig.parse({}), log, events, dataDir, host: 'browser' }, { spooler });
    const print = docs.handlers['documents.print'];
    const handlers = { ...f.handlers, ...docs.handlers, 'documents.print': (input: never, c: CallerContext) => (printed.push(c.staff?.id ?? null), print(input, c)) } as unknown as HandlerTable;
    const dispatch = createDispatcher({ handlers, isOriginAllowed: () => true, log });
    const clerk: CallerContext = { origin: 'app://terminal', role: 'clerk', senderId: 'w1' };
    const kiosk: CallerContext = { ...clerk, role: 'kiosk' };
    const spec = { title: '授权委托书', blocks: [{ kind: 'title', text: '授权委托书' }] };
    const work = async (c = clerk) => {
      const r = await dispatch(c, 'documents.render', { kind: 'authorization', spec });
      if (!r.ok) return r.error.code;
      const p = await dispatch(c, 'documents.print', { documentId: (r.value as { documentId: string }).documentId });
      return p.ok ? 'OK' : p.error.code;
    };
    const call = async (name: string, input: unknown) => {
      const r = await dispatch(clerk, name, input);
      return r.ok ? (r.value as { state: string }).state : r.error.code;
    };

    expect(await work()).toBe('NOT_SIGNED_IN');
    expect(await work(kiosk)).toBe('OK'); // residents do not sign in
    expect(await call('staff.login', { staffId: 'S002', pin: assistant.pin })).toBe('active');
    expect(await work()).toBe('OK');
    expect(printed.at(-1)).toBe('S002'); // attributed from main's session

    // inactivity lock (the page tells main), then the explicit lock button
    expect(await call('staff.lock', { reason: 'inactivity' })).toBe('locked');
    expect(await work()).toBe('STAFF_LOCKED');
    expect(await work(kiosk)).toBe('OK');
    expect(await call('staff.unlock', { pin: '999999' })).toBe('INVALID_CREDENTIALS');
    expect(await work()).toBe('STAFF_LOCKED');
    expect(await call('staff.unlock', { pin: assistant.pin })).toBe('active');
    expect(await work()).toBe('OK');
    expect(await call('staff.lock', { reason: 'manual' })).toBe('locked');
    expect(await work()).toBe('STAFF_LOCKED');

    // wrong PINs at the lock screen count toward the lockout (the right PIN above reset the count)
    for (let i = 0; i < 4; i++) expect(await call('staff.unlock', { pin: '999999' })).toBe('INVALID_CREDENTIALS');
    expect(await call('staff.unlock', { pin: '999999' })).toBe('ACCOUNT_LOCKED');
    expect(await call('staff.unlock', { pin: assistant.pin })).toBe('ACCOUNT_LOCKED'); // even the right PIN
    expect(await work()).toBe('STAFF_LOCKED');
    expect(await call('staff.login', { staffId: 'S002', pin: assistant.pin })).toBe('ACCOUNT_LOCKED');

    // signing out ends it; another person signs in over it
    expect(await call('staff.logout', undefined)).toBe('signed-out');
    expect(await work()).toBe('NOT_SIGNED_IN');
    expect(await call('staff.login', { staffId: 'S001', pin: '123456' })).toBe('active');
    expect(await work()).toBe('OK');
    expect(printed.at(-1)).toBe('S001');
    // an unlock while active still checks the PIN in main
    expect(await call('staff.unlock', { pin: '999999' })).toBe('INVALID_CREDENTIALS');
    await f.close();
  }, 60_000);

  it('a card read reaches a clerk window only while a staff member is signed in and unlocked', async () => {
    up = true;
    const hub = createEventHub(log);
    const dataDir = mkdtempSync(join(tmpdir(), 'staff-events-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const f = createStaffFeature({ config: TerminalConfig.parse({}), log, events: hub, dataDir, host: 'browser' }, { platform: () => (up ? client : dead), stationId: () => '360121201', now: () => t });
    await f.refreshRoster();
    up = false;
    const handlers = h(f);
    const card = () => hub.deliverable('devices.idcard', 'clerk');
    expect(card()).toBe(false); // signed out
    expect(hub.deliverable('devices.idcard', 'kiosk')).toBe(true); // the kiosk has no sign-in
    expect(hub.deliverable('devices.idcard', 'display')).toBe(false); // never, by the contract
    expect(hub.deliverable('devices.status', 'clerk')).toBe(true); // statuses carry nothing personal
    await handlers['staff.login']!({ staffId: 'S002', pin: assistant.pin }, caller);
    expect(card()).toBe(true);
    await handlers['staff.lock']!({ reason: 'inactivity' }, caller);
    expect(card()).toBe(false);
    await handlers['staff.unlock']!({ pin: assistant.pin }, caller);
    expect(card()).toBe(true);
    await handlers['staff.logout']!(undefined, caller);
    expect(card()).toBe(false);
    await f.close();
    expect(card()).toBe(true); // the gate goes with the feature
  }, 60_000);

  it('writes no PIN, name or verifier to logs or to unencrypted files', () => {
    const text = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    for (const s of DEMO_STAFF) {
      expect(text).not.toContain(s.pin);
      expect(text).not.toContain(s.name);
    }
    expect(text).not.toMatch(/salt|pinVerifier|"hash"/);
    // the cache sits in the secret store (owner-only file here; safeStorage in Electron)
    for (const d of dirs) {
      for (const f of readdirSync(join(d, 'secrets'))) expect(statSync(join(d, 'secrets', f)).mode & 0o077).toBe(0);
    }
  });
});
