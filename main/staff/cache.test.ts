/**
 * Main's staff cache keeps each person's ID number and phone (for the 授权委托书) next to the PIN
 * verifier, in the secret store; a cache file from before (v1) still loads and re-pulls the roster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import type { CallerContext } from '../core/dispatcher';
import type { PlatformClient } from '../../sync/client/transport';
import type { Platform } from '../../sync/server/platform';
import { DEMO_STAFF } from '../../sync/server/seed/demo';
import { fileSecretStore, type SecretStore } from '../sync/secrets';
import { CACHE_VERSION, contactOf, type CachedStaff, emptyCache, parseCache, readCache, writeCache } from './cache';
import { createStaffFeature } from './feature';
import { enrolledDemoPlatform } from './test-platform';

const S002 = DEMO_STAFF.find((s) => s.id === 'S002')!;
const verifier = { algorithm: 'scrypt', salt: 'c2FsdA==', hash: 'aGFzaA==', N: 16384, r: 8, p: 1, keyLength: 32 } as const;
const entryV1: CachedStaff = { id: 'S002', name: '演示代办员', role: 'clerk', stations: ['360121201'], active: true, verifier: { ...verifier }, offlineValidUntil: 1_900_000_000_000 };
const v1File = { v: 1, staff: [entryV1], checkpoint: { seq: 99_999 }, lockout: { S001: { failures: [], lockedUntil: 4_000_000_000_000 } } };

const dirs: string[] = [];
const store = (): { dir: string; secrets: SecretStore } => {
  const dir = mkdtempSync(join(tmpdir(), 'staff-cache-'));
  dirs.push(dir);
  return { dir, secrets: fileSecretStore(join(dir, 'secrets')) };
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('staff cache file', () => {
  it('loads a v1 file (entries and lockouts kept) and drops its checkpoint so the roster is pulled again', async () => {
    const { secrets } = store();
    await secrets.write('staff-cache', Buffer.from(JSON.stringify(v1File)));
    const c = await readCache(secrets);
    expect(c.v).toBe(CACHE_VERSION);
    expect(c.staff).toEqual([entryV1]);
    expect(c.lockout).toEqual(v1File.lockout);
    expect(c.checkpoint).toBeNull();
    expect(contactOf(c, 'S002')).toEqual({});
  });

  it('keeps idNumber and phone through a write and a read', async () => {
    const { secrets } = store();
    const c = emptyCache();
    c.staff.push({ ...entryV1, idNumber: S002.idNumber, phone: S002.phone });
    c.checkpoint = { seq: 7 };
    await writeCache(secrets, c);
    const back = await readCache(secrets);
    expect(back).toEqual(c);
    expect(contactOf(back, 'S002')).toEqual({ idNumber: S002.idNumber, phone: S002.phone });
    expect(contactOf(back, 'S999')).toEqual({});
    // the file is JSON inside the secret store, never a plain copy elsewhere
    expect((await secrets.read('staff-cache'))!.toString('utf8')).toContain(S002.idNumber);
  });

  it('garbage files load as an empty cache, never as bad ID numbers', async () => {
    const good = { ...emptyCache(), staff: [{ ...entryV1, idNumber: S002.idNumber }] };
    const garbage: unknown[] = [
      null,
      42,
      'x',
      [],
      { ...good, v: 3 },
      { ...good, v: '2' },
      { ...good, staff: [{ ...entryV1, idNumber: '360121199007260042' }] }, // bad check digit
      { ...good, staff: [{ ...entryV1, idNumber: 360121199007260000 }] },
      { ...good, staff: [{ ...entryV1, phone: 'x'.repeat(5000) }] },
    ];
    for (const g of garbage) expect(parseCache(g), JSON.stringify(g).slice(0, 60)).toBeNull();
    // v1 files never had the members: one that claims to is loaded without them
    expect(contactOf(parseCache({ ...v1File, staff: [{ ...entryV1, idNumber: 'not-an-id', phone: 'x' }] })!, 'S002')).toEqual({});
    const { secrets } = store();
    for (const raw of ['{', '\u0000\u0001', JSON.stringify(garbage[6])]) {
      await secrets.write('staff-cache', Buffer.from(raw));
      expect(await readCache(secrets)).toEqual(emptyCache());
    }
  });
});

describe('the staff feature fills the cache with ID numbers and phones', () => {
  let platform: Platform;
  let client: PlatformClient;
  const log = createLogger({ stderr: false, level: 'debug', sink: () => undefined });
  const caller = { role: 'clerk', senderId: 't' } as unknown as CallerContext;
  beforeAll(async () => {
    ({ platform, client } = await enrolledDemoPlatform());
  }, 60_000);
  afterAll(async () => {
    await platform?.close();
  });
  const make = (secrets: SecretStore, dataDir: string) =>
    createStaffFeature({ config: TerminalConfig.parse({}), log, events: createEventHub(log), dataDir, host: 'browser' }, { platform: () => client, stationId: () => '360121201', secrets });

  it('from the roster pull, and over a v1 cache whose checkpoint is already past every staff document', async () => {
    const { dir, secrets } = store();
    await secrets.write('staff-cache', Buffer.from(JSON.stringify(v1File)));
    const f = make(secrets, dir);
    expect(await f.refreshRoster()).toBeGreaterThanOrEqual(3);
    await f.close();
    const c = await readCache(secrets);
    expect(contactOf(c, 'S002')).toEqual({ idNumber: S002.idNumber, phone: S002.phone });
    expect(contactOf(c, 'S003')).toMatchObject({ phone: '0791-85710003' });
    expect(c.lockout.S001?.lockedUntil).toBe(4_000_000_000_000);
    expect(c.checkpoint).toMatchObject({ seq: expect.any(Number) });
  }, 30_000);

  it('from an online sign-in', async () => {
    const { dir, secrets } = store();
    const f = make(secrets, dir);
    await (f.handlers['staff.login'] as unknown as (i: unknown, c: CallerContext) => Promise<unknown>)({ staffId: 'S002', pin: S002.pin }, caller);
    await f.close();
    expect(contactOf(await readCache(secrets), 'S002')).toEqual({ idNumber: S002.idNumber, phone: S002.phone });
  }, 30_000);
});
