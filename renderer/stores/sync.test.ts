// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { exampleEvaluation } from '../../sync/protocol';
import type { SyncState } from '../../preload/contract/sync-calls';
import type { TerminalBridge } from '../../preload/contract';
import { useSyncStore } from './sync';
import { memoryDb } from '../db/test-helpers';
import { quarantine } from '../db/quarantine';
import type { TerminalDatabase } from '../db/database';

const DAY = 86_400_000;
const base = (over: Partial<SyncState> = {}): SyncState => ({
  mode: 'configured', enrolled: true, stationId: '360121201', terminalId: 'T-1', replicationId: 'x|360121201', online: true, lastContactAt: Date.now(), attempts: 0, nextRetryAt: null, error: null,
  local: { pending: 0, quarantined: 0, lastSyncAt: Date.now(), active: false, error: null },
  ...over,
});

/** The bridge as main would answer: the process boundary is the one thing faked here. */
function fakeBridge(initial: SyncState) {
  const calls: string[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const bridge: TerminalBridge = {
    kind: 'browser',
    async invoke(name) {
      calls.push(name);
      if (name === 'sync.status') return { ok: true, value: initial };
      if (name === 'sync.retry') return { ok: true, value: { requested: true } };
      return { ok: false, error: { code: 'UNKNOWN_CALL', message: name } };
    },
    on(event, l) {
      const set = listeners.get(event) ?? new Set();
      set.add(l);
      listeners.set(event, set);
      return () => set.delete(l);
    },
  };
  return { bridge, calls, emit: (e: string, p: unknown) => listeners.get(e)?.forEach((l) => l(p)) };
}

let db: TerminalDatabase | null = null;
beforeEach(() => setActivePinia(createPinia()));
afterEach(async () => {
  useSyncStore().dispose();
  await db?.close();
  db = null;
  delete (window as { terminal?: TerminalBridge }).terminal;
});

describe('sync store', () => {
  it('through a station hub: says 站点服务器 when the hub is down, and the province behind it separately', async () => {
    const f = fakeBridge(base({ server: 'station', upstream: { reachable: true, lastContactAt: Date.now(), pending: 0, rejected: 0, error: null } }));
    window.terminal = f.bridge;
    const s = useSyncStore();
    await s.init();
    expect(s.viaHub).toBe(true);
    expect(s.upstream?.reachable).toBe(true);
    expect(s.level).toBe('ok');
    // The hub answers, the province behind it does not: offline-like, not an alarm; the hub's word is shown.
    const provinceDown = { code: 'PROVINCE_UNREACHABLE', message: '站点服务器在线，但暂时连不上省级政务服务平台。', at: '' };
    f.emit('sync.state', base({ server: 'station', upstream: { reachable: false, lastContactAt: null, pending: 7, rejected: 0, error: provinceDown } }));
    expect(s.online).toBe(true);
    expect(s.error).toEqual(provinceDown);
    expect(s.level).toBe('ok');
    // The hub itself is down: its own message, and nothing is claimed about the province.
    const hubDown = { code: 'HUB_OFFLINE', message: '无法连接站点服务器（本站大厅的同步电脑），已切换为离线办理。', at: '' };
    f.emit('sync.state', base({ online: false, server: 'station', upstream: null, error: hubDown }));
    expect(s.error).toEqual(hubDown);
    expect(s.upstream).toBeNull();
    expect(s.level).toBe('offline');
    // Straight to the province (no hub): no upstream part at all, even if a stale one is sent.
    f.emit('sync.state', base({ server: 'province', upstream: { reachable: false, lastContactAt: null, pending: 1, rejected: 0, error: provinceDown } }));
    expect(s.viaHub).toBe(false);
    expect(s.upstream).toBeNull();
    expect(s.error).toBeNull();
  });

  it('shows main\'s state, follows sync.state events, and says what to do', async () => {
    const f = fakeBridge(base());
    window.terminal = f.bridge;
    const s = useSyncStore();
    await s.init();
    expect(s.online).toBe(true);
    expect(s.level).toBe('ok');
    f.emit('sync.state', base({ online: false, error: { code: 'OFFLINE', message: '无法连接政务服务平台，已切换为离线办理。', at: '' }, local: { pending: 3, quarantined: 0, lastSyncAt: Date.now() - 3 * DAY - 1000, active: false, error: null } }));
    expect(s.online).toBe(false);
    expect(s.pending).toBe(3);
    expect(s.level).toBe('offline');
    expect(s.error?.message).toMatch(/离线/);
    expect(s.daysOffline).toBe(3);
    f.emit('sync.state', base({ error: { code: 'UNAUTHORIZED', message: '终端凭证已失效', at: '' } }));
    expect(s.level).toBe('attention');
    await s.retry();
    expect(f.calls).toContain('sync.retry');
  });

  it('lists the quarantine from the local store and retries an entry', async () => {
    const f = fakeBridge(base({ local: { pending: 0, quarantined: 1, lastSyncAt: null, active: false, error: null } }));
    window.terminal = f.bridge;
    db = await memoryDb();
    const ev = exampleEvaluation({ level: 1, reasons: [] });
    await db.evaluations.insert(ev);
    await quarantine(db, { collection: 'evaluations', docId: ev.id, code: 'INVALID_DOCUMENT', message: 'reasons are required', doc: ev });
    const d = db;
    const s = useSyncStore();
    await s.init({ db: d, idHashSalt: 'x', lookupSalts: ['x'], replication: () => null, close: async () => undefined });
    expect(s.quarantine.map((q) => q.code)).toEqual(['INVALID_DOCUMENT']);
    expect(s.level).toBe('attention');
    expect(s.daysOffline).toBeNull();
    await s.retryQuarantine(s.quarantine[0]!.key, { ...ev, reasons: ['态度差'] });
    expect(s.quarantine[0]?.state).toBe('retrying');
    expect((await d.evaluations.findOne(ev.id).exec())?.reasons).toEqual(['态度差']);
  });

  it('counts the damaged local records the store set aside, recounts when more are, and asks for attention', async () => {
    const f = fakeBridge(base());
    window.terminal = f.bridge;
    db = await memoryDb();
    let n = 2;
    let listener: (() => void) | null = null;
    const s = useSyncStore();
    await s.init();
    expect(s.damaged).toBe(0);
    expect(s.level).toBe('ok');
    // The window's store arrives after the first init (as in the clerk shell).
    await s.init({
      db, idHashSalt: 'x', lookupSalts: ['x'], replication: () => null, close: async () => undefined,
      damagedRecords: async () => n,
      onDamaged: (l) => {
        listener = l;
        return () => (listener = null);
      },
    });
    await vi.waitFor(() => expect(s.damaged).toBe(2));
    expect(s.level).toBe('attention');
    n = 3;
    listener!();
    await vi.waitFor(() => expect(s.damaged).toBe(3));
    s.dispose();
    expect(listener).toBeNull();
  });
});
