// The 电子证照 bridge calls against the real reference platform (demo licence library, in-process):
// a lookup that finds, fetches and stores the files encrypted; one queued while the platform is
// unreachable that runs by itself once it answers; garbage input refused before the platform.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../sync/protocol';
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { applicantLookupHash, provinceLookupSalt } from '../../sync/server/id-hash';
import { startFaultProxy, type FaultProxy } from '../../sync/server/test/fault-proxy';
import type { LicenceLookupResult } from '../../preload/contract/licence-calls';
import { TerminalConfig } from '../core/config';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { AttachmentStore } from '../sync/attachments';
import { createLicenceFeature } from './feature';

const log = createLogger({ level: 'debug', stderr: false, sink: () => undefined });
const WANG = '360102199003071236';
const kiosk: CallerContext = { origin: 'app://terminal', role: 'kiosk', senderId: 'kiosk-1' };

describe('licences.* bridge calls', () => {
  let platform: Platform;
  let proxy: FaultProxy;
  let dir: string;
  let store: AttachmentStore;
  let dispatch: ReturnType<typeof createDispatcher>;
  let feature: ReturnType<typeof createLicenceFeature>;
  const ready: string[] = [];
  let provinceKey = '';
  let hashCalls = 0;

  beforeAll(async () => {
    platform = await startPlatform({ seedDemo: true });
    const u = new URL(platform.url);
    proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
    const code = await platform.createEnrollCode('360121201');
    const client = new PlatformClient({ baseUrl: proxy.url, timeoutMs: 5_000 });
    const enrolled = await client.enroll(code, 'licence test');
    client.token = enrolled.token;
    if (!enrolled.idHashKey) throw new Error('the platform sent no province ID hash key');
    provinceKey = enrolled.idHashKey;
    dir = mkdtempSync(join(tmpdir(), 'licence-feature-'));
    const master = randomBytes(32);
    store = new AttachmentStore(join(dir, 'attachments'), async () => master);
    const events = createEventHub(log);
    events.subscribe((name, payload) => {
      if (name === 'licences.ready') ready.push(JSON.stringify(payload));
    });
    feature = createLicenceFeature(
      { config: TerminalConfig.parse({ role: 'kiosk' }), log, events, dataDir: dir, host: 'browser' },
      {
        platform: () => client,
        ready: () => Promise.resolve(),
        holderIdHash: async (id) => {
          hashCalls++;
          return applicantLookupHash(provinceLookupSalt(provinceKey), id);
        },
        storeAttachment: (b, m, n) => store.put(b, m, n),
        retryMs: 200,
      },
    );
    await feature.start();
    dispatch = createDispatcher({ handlers: feature.handlers as HandlerTable, isOriginAllowed: () => true, log });
  }, 240_000);
  afterAll(async () => {
    await feature?.close();
    await proxy?.close();
    await platform?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const lookup = async (types: string[], requestId = uuidv7()) => {
    const r = await dispatch(kiosk, 'licences.lookup', { requestId, idNumber: WANG, types, consent: { at: new Date().toISOString() } });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.value as LicenceLookupResult;
  };

  it('finds 户口簿 and 残疾人证, stores their files encrypted at rest and answers attachment references', async () => {
    const r = await lookup(['HKB', 'CJRZ', 'JHZ']);
    expect(r.state).toBe('done');
    expect(r.licences.map((l) => l.typeCode).sort()).toEqual(['CJRZ', 'HKB', 'JHZ']);
    const hkb = r.licences.find((l) => l.typeCode === 'HKB')!;
    expect(hkb.attachment).toMatchObject({ mimeType: 'application/pdf', fileName: '户口簿（电子证照）.pdf' });
    expect(await store.has(hkb.attachment.sha256)).toBe(true);
    // Encrypted at rest: no PDF bytes, no hash, no name in the folder.
    for (const f of readdirSync(join(dir, 'attachments'))) {
      const bytes = readFileSync(join(dir, 'attachments', f));
      expect(bytes.includes(Buffer.from('%PDF'))).toBe(false);
      expect(f).not.toContain(hkb.attachment.sha256);
    }
    // The platform holds the file for the station: the upload will be a HEAD only.
    expect(await platform.store.attachmentStatus(hkb.attachment.sha256)).toMatchObject({ complete: true });
  });

  it('queues a lookup while the platform is unreachable and runs it once it answers (licences.ready)', async () => {
    proxy.set({ kind: 'drop' });
    const requestId = uuidv7();
    const r = await lookup(['SBK'], requestId);
    expect(r.state).toBe('queued');
    expect(r.error?.message).toContain('no network'); // the page says t('licence.queued') for state queued
    const again = await dispatch(kiosk, 'licences.result', { requestId });
    expect(again.ok && (again.value as LicenceLookupResult).state).toBe('queued');
    proxy.set({ kind: 'pass' });
    await expect.poll(() => ready.some((e) => e.includes(requestId)), { timeout: 15_000 }).toBe(true);
    const done = await dispatch(kiosk, 'licences.result', { requestId });
    expect(done.ok && (done.value as LicenceLookupResult)).toMatchObject({ state: 'done', licences: [{ id: 'L-DEMO-SBK-1', typeCode: 'SBK' }] });
  });

  it('refuses garbage before it reaches main’s handler or the platform, and forgets cancelled lookups', async () => {
    const before = hashCalls;
    const bad: unknown[] = [
      { requestId: 'nope', idNumber: WANG, types: ['HKB'], consent: { at: new Date().toISOString() } },
      { requestId: uuidv7(), idNumber: '12345', types: ['HKB'], consent: { at: new Date().toISOString() } },
      { requestId: uuidv7(), idNumber: WANG, types: ['DRIVING'], consent: { at: new Date().toISOString() } },
      { requestId: uuidv7(), idNumber: WANG, types: [], consent: { at: new Date().toISOString() } },
      { requestId: uuidv7(), idNumber: WANG, types: ['HKB'] },
      { requestId: uuidv7(), idNumber: WANG, types: ['HKB'], consent: { at: 'yesterday' } },
      'x'.repeat(10_000),
    ];
    for (const input of bad) {
      const r = await dispatch(kiosk, 'licences.lookup', input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('INVALID_INPUT');
    }
    expect(hashCalls).toBe(before);
    expect((await dispatch({ ...kiosk, role: 'display' }, 'licences.lookup', { requestId: uuidv7(), idNumber: WANG, types: ['HKB'], consent: { at: new Date().toISOString() } })).ok).toBe(false);
    const requestId = uuidv7();
    await lookup(['HKB'], requestId);
    await dispatch(kiosk, 'licences.cancel', { requestId });
    const gone = await dispatch(kiosk, 'licences.result', { requestId });
    expect(!gone.ok && gone.error.code).toBe('NOT_FOUND');
    expect(!gone.ok && gone.error.params).toEqual({ detail: 'LICENCE_LOOKUP_NOT_FOUND' });
  });
});
