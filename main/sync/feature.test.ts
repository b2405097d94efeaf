import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { exampleApplication } from '../../sync/protocol/examples';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import type { CallerContext } from '../core/dispatcher';
import { createSyncFeature } from './feature';
import { fileSecretStore } from './secrets';
import { derivePassword, loadOrCreateMasterKey } from './keys';

const caller: CallerContext = { origin: 'test', role: 'clerk', senderId: 't' };
const tmp = () => mkdtempSync(join(tmpdir(), 'sync-feature-'));

function feature(dataDir: string, platform?: { url: string; enrollCode?: string; recentDays?: number }) {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', stderr: false, sink: (l) => lines.push(l) });
  const events: { name: string; payload: unknown }[] = [];
  const hub = createEventHub(log);
  hub.subscribe((name, payload) => events.push({ name, payload }));
  const config = TerminalConfig.parse({ role: 'clerk', ...(platform ? { platform } : {}) });
  const f = createSyncFeature({ config, log, events: hub, dataDir, host: 'browser' }, { backoff: { baseMs: 50, maxMs: 200 }, timeoutMs: 2000 });
  return { f, events, lines };
}

describe('key store', () => {
  it('keeps the master key in a 0600 file in a 0700 folder, stable across restarts, derived per database', async () => {
    const dir = tmp();
    try {
      const store = fileSecretStore(join(dir, 'secrets'));
      const k1 = await loadOrCreateMasterKey(store);
      const k2 = await loadOrCreateMasterKey(fileSecretStore(join(dir, 'secrets')));
      expect(k2.equals(k1)).toBe(true);
      const file = join(dir, 'secrets', readdirSync(join(dir, 'secrets'))[0]!);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
      expect(derivePassword(k1, 'terminal')).not.toBe(derivePassword(k1, 'other'));
      expect(derivePassword(k1, 'terminal')).toBe(derivePassword(k2, 'terminal'));
      // A damaged key is never silently replaced (the local data would become unreadable).
      writeFileSync(file, 'short');
      await expect(loadOrCreateMasterKey(store)).rejects.toThrow(/damaged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sync feature against the real platform', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ seedDemo: true });
  });
  afterAll(async () => {
    await platform.close();
  });

  it('enrolls once, keeps the token (0600), reuses it after a restart and pulls', async () => {
    const dir = tmp();
    try {
      const code = await platform.createEnrollCode('360121201');
      const a = feature(dir, { url: platform.url, enrollCode: code });
      await a.f.start();
      await a.f.ready();
      expect(a.f.state()).toMatchObject({ enrolled: true, stationId: '360121201', mode: 'configured' });
      const r = await a.f.handlers['sync.pull']({ collection: 'station_config', checkpoint: null, limit: 10 }, caller);
      expect(r.documents.map((d) => d.id)).toContain('360121201');
      const key1 = await a.f.handlers['store.key']({ database: 'terminal' }, caller);
      await a.f.close();
      for (const f of readdirSync(join(dir, 'secrets'))) expect(statSync(join(dir, 'secrets', f)).mode & 0o777).toBe(0o600);
      // Nothing secret in the log.
      expect(a.lines.join('\n')).not.toMatch(/trm_/);
      // Restart: the one-time code is spent, the stored token still works.
      const b = feature(dir, { url: platform.url, enrollCode: code });
      await b.f.start();
      await b.f.ready();
      expect(b.f.state().enrolled).toBe(true);
      expect((await b.f.handlers['sync.pull']({ collection: 'staff', checkpoint: null, limit: 10 }, caller)).documents.length).toBeGreaterThan(0);
      expect(await b.f.handlers['store.key']({ database: 'terminal' }, caller)).toEqual(key1);
      await b.f.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wrong enrollment code or an unreachable platform gives a typed error: the state carries the code for the words of the renderer, no text', async () => {
    const dir = tmp();
    try {
      const bad = feature(dir, { url: platform.url, enrollCode: 'WRONG-CODE1' });
      await bad.f.start();
      await bad.f.ready();
      expect(bad.f.state().enrolled).toBe(false);
      expect(bad.f.state().error).toMatchObject({ code: 'ENROLL_FAILED' });
      expect(bad.f.state().error).not.toHaveProperty('message');
      await expect(bad.f.handlers['sync.pull']({ collection: 'staff', checkpoint: null, limit: 1 }, caller)).rejects.toMatchObject({ code: 'NOT_ENROLLED', params: { detail: 'SYNC_ENROLL_FAILED' } });
      await bad.f.close();

      const dir2 = tmp();
      const code = await platform.createEnrollCode('360121201');
      const ok = feature(dir2, { url: platform.url, enrollCode: code });
      await ok.f.start();
      await ok.f.ready();
      await ok.f.close();
      // Same enrollment, platform now unreachable (another port): OFFLINE, and the stream reports it.
      writeFileSync(join(dir2, 'sync', 'enrollment.json'), JSON.stringify({ platform: 'http://127.0.0.1:9', terminalId: 'T-x', stationId: '360121201' }));
      const off = feature(dir2, { url: 'http://127.0.0.1:9' });
      await off.f.start();
      await off.f.ready();
      await expect(off.f.handlers['sync.pull']({ collection: 'staff', checkpoint: null, limit: 1 }, caller)).rejects.toMatchObject({ code: 'OFFLINE' });
      await new Promise((r) => setTimeout(r, 300));
      expect(off.f.state().online).toBe(false);
      expect(off.f.state().error).toMatchObject({ code: 'OFFLINE' });
      expect(off.f.state().error).not.toHaveProperty('message');
      expect(off.events.some((e) => e.name === 'sync.state')).toBe(true);
      await off.f.close();
      rmSync(dir2, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pulls the station's history bounded by platform.recentDays: an old closed case stays on the platform", async () => {
    const dirs = [tmp(), tmp()];
    try {
      const station = '360121201';
      const a = feature(dirs[0]!, { url: platform.url, enrollCode: await platform.createEnrollCode(station), recentDays: 30 });
      const wide = feature(dirs[1]!, { url: platform.url, enrollCode: await platform.createEnrollCode(station), recentDays: 365 });
      for (const t of [a, wide]) {
        await t.f.start();
        await t.f.ready();
      }
      const old = exampleApplication({ stationId: station, status: 'withdrawn' });
      const open = exampleApplication({ stationId: station, status: 'submitted' });
      const r = await a.f.handlers['sync.push']({ collection: 'applications', rows: [{ assumedMasterState: null, newDocumentState: old }, { assumedMasterState: null, newDocumentState: open }] }, caller);
      expect(r.rejections).toEqual([]);
      await platform.store.db.query(`UPDATE documents SET updated_at = now() - interval '60 days' WHERE id = ANY($1::text[])`, [[old.id, open.id]]);
      const pulled = async (t: ReturnType<typeof feature>) => {
        const ids: string[] = [];
        let checkpoint: { seq: number } | null = null;
        for (;;) {
          const page = await t.f.handlers['sync.pull']({ collection: 'applications', checkpoint, limit: 1000 }, caller);
          if (page.documents.length === 0) return ids;
          ids.push(...page.documents.map((d) => String(d.id)));
          checkpoint = page.checkpoint;
        }
      };
      const bounded = await pulled(a);
      expect(bounded).toContain(open.id);
      expect(bounded).not.toContain(old.id);
      expect(await pulled(wide)).toEqual(expect.arrayContaining([old.id, open.id]));
      for (const t of [a, wide]) await t.f.close();
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
