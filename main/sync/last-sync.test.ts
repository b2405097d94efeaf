// Issue 12 item 8: offline, 上次成功同步 said 尚未同步 after a restart (the first report of a fresh window,
// with no sync yet, replaced the time main had kept).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createDispatcher, type CallerContext } from '../core/dispatcher';
import { createSyncFeature } from './feature';

const dir = mkdtempSync(join(tmpdir(), 'last-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const caller: CallerContext = { origin: 'test', role: 'kiosk', senderId: 't' };

describe('last successful sync across a restart, offline', () => {
  it('survives the first report of a window that has not synced yet; a later success moves it on', async () => {
    const at = Date.parse('2026-12-04T09:00:00Z');
    mkdirSync(join(dir, 'sync'), { recursive: true });
    writeFileSync(join(dir, 'sync', 'state.json'), JSON.stringify({ lastSyncAt: at }));
    const log = createLogger({ level: 'error', stderr: false, sink: () => undefined });
    // a configured platform that cannot be reached (offline)
    const f = createSyncFeature({ config: TerminalConfig.parse({ platform: { url: 'http://127.0.0.1:9' } }), log, events: createEventHub(log), dataDir: dir, host: 'browser' }, { timeoutMs: 500 });
    await f.start();
    await f.ready();
    expect(f.state().local.lastSyncAt).toBe(at);
    await f.handlers['sync.report']({ pending: 2, quarantined: 0, lastSyncAt: null, active: false, error: null }, caller);
    expect(f.state().local).toMatchObject({ pending: 2, lastSyncAt: at });
    const later = at + 60_000;
    await f.handlers['sync.report']({ pending: 0, quarantined: 0, lastSyncAt: later, active: false, error: null }, caller);
    expect(f.state().local.lastSyncAt).toBe(later);
    expect(JSON.parse(readFileSync(join(dir, 'sync', 'state.json'), 'utf8'))).toMatchObject({ lastSyncAt: later });
    await f.close();
  });
});

describe("the store's next retry (`retryAt` in the renderer's report)", () => {
  it('is kept as reported, absent or null means none, and garbage is refused before the handler', async () => {
    const log = createLogger({ level: 'error', stderr: false, sink: () => undefined });
    const f = createSyncFeature({ config: TerminalConfig.parse({ platform: { url: 'http://127.0.0.1:9' } }), log, events: createEventHub(log), dataDir: mkdtempSync(join(dir, 'retry-')), host: 'browser' }, { timeoutMs: 500 });
    await f.start();
    const call = createDispatcher({ handlers: f.handlers as never, isOriginAllowed: () => true, log });
    const base = { pending: 0, quarantined: 0, lastSyncAt: null, active: false, error: { code: 'LOCAL_STORAGE_FULL', message: '本机存储空间已满', at: '2026-12-07T00:00:00.000Z' } };
    const at = Date.parse('2026-12-07T00:00:05Z');
    expect(await call(caller, 'sync.report', { ...base, retryAt: at })).toMatchObject({ ok: true });
    expect(f.state().local.retryAt).toBe(at);
    expect(await call(caller, 'sync.report', { ...base, error: null, retryAt: null })).toMatchObject({ ok: true });
    expect(f.state().local.retryAt).toBeNull();
    expect(await call(caller, 'sync.report', { ...base, error: null })).toMatchObject({ ok: true });
    expect(f.state().local.retryAt ?? null).toBeNull();
    for (const junk of ['soon', {}, [], true, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await call(caller, 'sync.report', { ...base, retryAt: junk }), String(junk)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(f.state().local.retryAt ?? null).toBeNull();
    await f.close();
  });
});
