// Issue 12 item 3: one resident = one person at every terminal of the province. The lookup key the
// renderer gets (`store.key`) comes from the platform's province key, the same for every terminal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import type { CallerContext } from '../core/dispatcher';
import { createSyncFeature } from './feature';
import { openSecretStore } from './secrets';
import { deriveProvinceIdHashKey } from './keys';

/** The terminal's own secret store of a data folder (sealed files; keyring or its warned fallback). */
const terminalSecrets = async (dataDir: string) => (await openSecretStore({ dir: join(dataDir, 'secrets'), host: 'browser' })).store;

const caller: CallerContext = { origin: 'test', role: 'kiosk', senderId: 't' };
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'id-hash-key-'));
  dirs.push(d);
  return d;
};

function terminal(dataDir: string, role: 'kiosk' | 'clerk', platform: { url: string; enrollCode?: string }, idHashKeyWaitMs?: number) {
  const log = createLogger({ level: 'debug', stderr: false, sink: () => undefined });
  const config = TerminalConfig.parse({ role, platform });
  return createSyncFeature({ config, log, events: createEventHub(log), dataDir, host: 'browser' }, { backoff: { baseMs: 50, maxMs: 200 }, timeoutMs: 2000, ...(idHashKeyWaitMs !== undefined ? { idHashKeyWaitMs } : {}) });
}

describe('province-wide applicant ID lookup key', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ seedDemo: true });
  });
  afterAll(async () => {
    await platform.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('derives the renderer\'s salt as the platform does: the shared vector (sync/server/id-hash.test.ts, renderer/db/id-hash.test.ts)', () => {
    expect(deriveProvinceIdHashKey(Buffer.from('0f'.repeat(32), 'hex'))).toBe('fa3a35b8930a989b2d41e6ba9f6bf66b95e9ebb27a0e926e1580f239a99965cf');
  });

  it('two terminals enrolled with the same platform (kiosk and counter, two stations) get the same lookup key', async () => {
    const kiosk = terminal(tmp(), 'kiosk', { url: platform.url, enrollCode: await platform.createEnrollCode('360121201') });
    const counter = terminal(tmp(), 'clerk', { url: platform.url, enrollCode: await platform.createEnrollCode('360121100') });
    await Promise.all([kiosk.start(), counter.start()]);
    const [k, c] = await Promise.all([kiosk.handlers['store.key']({ database: 'terminal' }, caller), counter.handlers['store.key']({ database: 'terminal' }, caller)]);
    expect(k.idHashScope).toBe('province');
    expect(c.idHashSalt).toBe(k.idHashSalt);
    expect(c.idHashKeyId).toBe(k.idHashKeyId);
    // the database passwords and the legacy salts stay per terminal
    expect(c.password).not.toBe(k.password);
    expect(c.legacyIdHashSalt).not.toBe(k.legacyIdHashSalt);
    // the renderer gets a key derived from the province key, not the province key itself
    const province = await (await terminalSecrets(dirs[0]!)).read('id-hash-key');
    expect(province?.length).toBe(32);
    expect(k.idHashSalt).not.toBe(province!.toString('hex'));
    await Promise.all([kiosk.close(), counter.close()]);
  });

  it('a terminal enrolled before the platform handed out the key asks for it on its next start', async () => {
    const dir = tmp();
    const first = terminal(dir, 'kiosk', { url: platform.url, enrollCode: await platform.createEnrollCode('360121201') });
    await first.start();
    const withKey = await first.handlers['store.key']({ database: 'terminal' }, caller);
    await first.close();
    // as if enrolled by an older release: no province key stored
    await (await terminalSecrets(dir)).remove('id-hash-key');
    const older = terminal(dir, 'kiosk', { url: platform.url }, 0);
    await older.start();
    await older.ready();
    const before = await older.handlers['store.key']({ database: 'terminal' }, caller);
    expect(before.idHashScope).toBe('terminal');
    expect(before.idHashSalt).toBe(before.legacyIdHashSalt);
    for (let i = 0; i < 50 && !(await (await terminalSecrets(dir)).read('id-hash-key')); i++) await new Promise((r) => setTimeout(r, 50));
    const after = await older.handlers['store.key']({ database: 'terminal' }, caller);
    expect(after.idHashScope).toBe('province');
    expect(after.idHashSalt).toBe(withKey.idHashSalt);
    expect(after.idHashKeyId).not.toBe(before.idHashKeyId);
    await older.close();
  });

  it('a terminal that got another key (a station hub\'s own, before hubs handed out the province\'s) takes the province key on its next start', async () => {
    const dir = tmp();
    const first = terminal(dir, 'kiosk', { url: platform.url, enrollCode: await platform.createEnrollCode('360121201') });
    await first.start();
    const right = await first.handlers['store.key']({ database: 'terminal' }, caller);
    await first.close();
    const secrets = await terminalSecrets(dir);
    await secrets.write('id-hash-key', Buffer.alloc(32, 7));
    const next = terminal(dir, 'kiosk', { url: platform.url }, 0);
    await next.start();
    await next.ready();
    for (let i = 0; i < 100 && (await secrets.read('id-hash-key'))?.equals(Buffer.alloc(32, 7)); i++) await new Promise((r) => setTimeout(r, 50));
    const after = await next.handlers['store.key']({ database: 'terminal' }, caller);
    expect(after.idHashSalt).toBe(right.idHashSalt);
    expect(after.idHashKeyId).toBe(right.idHashKeyId);
    await next.close();
  });

  it('a terminal that cannot reach the platform on its first start falls back to its own key (and says so)', async () => {
    const t = terminal(tmp(), 'kiosk', { url: 'http://127.0.0.1:9', enrollCode: 'ABCDE-FGHJK' }, 100);
    await t.start();
    const k = await t.handlers['store.key']({ database: 'terminal' }, caller);
    expect(k.idHashScope).toBe('terminal');
    expect(k.idHashSalt).toMatch(/^[0-9a-f]{64}$/);
    await t.close();
  });
});
