/** The devices' status history (station dashboard): changes only, kept across restarts, bounded, garbage-proof. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatusHistory, HISTORY_MAX_ENTRIES } from './status-history';
import { deviceCalls } from '../../preload/contract/device-calls';
import type { DeviceStatus } from '../../preload/contract/device-calls';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'dev-history-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const warnings: string[] = [];
const log = { warn: (event: string) => void warnings.push(event) };
const status = (role: DeviceStatus['role'], state: DeviceStatus['state'], code?: string): DeviceStatus => ({ role, state, say: code ?? 'READY', params: code ? { variant: 'any' } : { device: role }, ...(code ? { code } : {}), detail: 'serial /dev/ttyUSB0 secret detail', since: new Date().toISOString() });

describe('device status history', () => {
  it('records changes of state or code only, keeps them across a restart, and lists a time range', async () => {
    const dir = tmp();
    let now = Date.parse('2026-11-11T01:00:00Z');
    const h = createStatusHistory(dir, log, () => now);
    await h.load();
    h.record(status('receipt-printer', 'connected'));
    now += 60_000;
    h.record(status('receipt-printer', 'connected')); // no change
    h.record(status('receipt-printer', 'error', 'PAPER_OUT'));
    now += 60_000;
    h.record(status('receipt-printer', 'error', 'COVER_OPEN'));
    h.record(status('idcard', 'connected'));
    await h.close();
    const saved = readFileSync(join(dir, 'devices', 'status-history.json'), 'utf8');
    expect(saved).not.toContain('secret detail');
    const again = createStatusHistory(dir, log, () => now);
    await again.load();
    const all = again.list(0, Date.now() + 1e12);
    expect(all.map((e) => [e.role, e.state, e.code ?? null])).toEqual([
      ['receipt-printer', 'connected', null],
      ['receipt-printer', 'error', 'PAPER_OUT'],
      ['receipt-printer', 'error', 'COVER_OPEN'],
      ['idcard', 'connected', null],
    ]);
    expect(again.list(Date.parse('2026-11-11T01:01:00Z'), Date.parse('2026-11-11T01:01:30Z')).map((e) => e.code)).toEqual(['PAPER_OUT']);
    // what the bridge answers is the contract's shape
    expect(deviceCalls['devices.statusHistory'].output.parse(all)).toHaveLength(4);
  });

  it('keeps at most the newest entries and 90 days', async () => {
    const dir = tmp();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const h = createStatusHistory(dir, log, () => now);
    for (let i = 0; i < HISTORY_MAX_ENTRIES + 500; i++) {
      now += 1000;
      h.record(status('idcard', i % 2 ? 'connected' : 'disconnected'));
    }
    await h.close();
    expect(h.list(0, now).length).toBeLessThanOrEqual(HISTORY_MAX_ENTRIES + 100);
    now += 91 * 86_400_000;
    const later = createStatusHistory(dir, log, () => now);
    await later.load();
    expect(later.list(0, now)).toEqual([]);
  });

  it('starts anew from a broken or foreign file (logged in English), and leaves no temp files', async () => {
    for (const garbage of ['{not json', JSON.stringify({ version: 1, entries: [{ role: 'toaster', state: 'on', at: 'x' }] }), JSON.stringify([1, 2, 3]), '']) {
      const dir = tmp();
      mkdirSync(join(dir, 'devices'), { recursive: true });
      writeFileSync(join(dir, 'devices', 'status-history.json'), garbage);
      warnings.length = 0;
      const h = createStatusHistory(dir, log);
      await h.load();
      expect(warnings).toEqual(['devices.history-unreadable']);
      h.record(status('evaluator', 'not-configured'));
      await h.close();
      expect(JSON.parse(readFileSync(join(dir, 'devices', 'status-history.json'), 'utf8')).entries).toHaveLength(1);
      expect(readdirSync(join(dir, 'devices')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  });

  it('keeps each change\'s words (code and params), reads entries written before them (Chinese message), and leaves out params that do not fit', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'devices'), { recursive: true });
    const old = { role: 'receipt-printer', state: 'error', message: '打印机缺纸，请装纸后重试', code: 'PAPER_OUT', at: '2026-11-11T00:59:00.000Z' };
    writeFileSync(join(dir, 'devices', 'status-history.json'), JSON.stringify({ version: 1, entries: [old] }));
    const now = Date.parse('2026-11-11T01:00:00Z');
    const h = createStatusHistory(dir, log, () => now);
    await h.load();
    h.record(status('receipt-printer', 'connected'));
    h.record({ ...status('idcard', 'error', 'UNKNOWN_STATUS'), params: { variant: 'any', sw3: '0x55' } });
    h.record({ ...status('evaluator', 'error', 'TIMEOUT'), params: { 'Bad-Key': 'x', variant: 'y'.repeat(500) } });
    const all = h.list(0, now);
    expect(all).toEqual([
      old,
      { role: 'receipt-printer', state: 'connected', say: 'READY', params: { device: 'receipt-printer' }, at: '2026-11-11T01:00:00.000Z' },
      { role: 'idcard', state: 'error', say: 'UNKNOWN_STATUS', params: { variant: 'any', sw3: '0x55' }, code: 'UNKNOWN_STATUS', at: '2026-11-11T01:00:00.000Z' },
      { role: 'evaluator', state: 'error', say: 'TIMEOUT', code: 'TIMEOUT', at: '2026-11-11T01:00:00.000Z' },
    ]);
    expect(deviceCalls['devices.statusHistory'].output.parse(all)).toHaveLength(4);
    await h.close();
  });

  it('refuses a reversed or malformed range at the bridge', () => {
    const input = deviceCalls['devices.statusHistory'].input;
    expect(input.safeParse({ from: '2026-11-11T00:00:00Z', to: '2026-11-10T00:00:00Z' }).success).toBe(false);
    expect(input.safeParse({ from: 'yesterday', to: '2026-11-10T00:00:00Z' }).success).toBe(false);
    expect(input.safeParse({ from: '2026-11-10T00:00:00Z', to: '2026-11-11T00:00:00Z', extra: 1 }).success).toBe(false);
    expect(input.safeParse({ from: '2026-11-10T00:00:00+08:00', to: '2026-11-11T00:00:00Z' }).success).toBe(true);
  });
});
