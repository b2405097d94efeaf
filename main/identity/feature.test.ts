// identity.redeemQr through main's dispatcher against the real platform (in-process): a kiosk redeems a
// code to its holder; a replay, an expired and a forged code come back with their codes and Chinese
// text; garbage never reaches the platform; no network says so (ID_QR_NEEDS_NETWORK); other windows
// are refused; the log carries outcome codes only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idQrPaths, type IdQrHolder } from '../../sync/protocol/id-qr';
import { PlatformClient } from '../../sync/client/transport';
import { startPlatform, type Platform } from '../../sync/server/platform';
import { TerminalConfig } from '../core/config';
import { createDispatcher, type CallerContext, type HandlerTable } from '../core/dispatcher';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createTerminalCore } from '../core/services';
import { createIdentityFeature } from './feature';

const lines: string[] = [];
const log = createLogger({ level: 'debug', stderr: false, sink: (l) => lines.push(l) });
const base = createTerminalCore({ config: TerminalConfig.parse({}), log, host: 'browser', version: 't', dataDir: '/tmp/terminal-identity-test' });
const as = (role: CallerContext['role']): CallerContext => ({ origin: 'app://terminal', role, senderId: `${role}-1` });
const HOLDER: IdQrHolder = { name: '孙桂兰', idNumber: '360121194811020023', sex: 'female', birthDate: '1948-11-02', address: '江西省南昌县八一乡' };

function dispatcher(platform: () => PlatformClient | null) {
  const feature = createIdentityFeature({ config: TerminalConfig.parse({ role: 'kiosk' }), log, events: createEventHub(log), dataDir: '/tmp', host: 'browser' }, { platform, ready: () => Promise.resolve() });
  return createDispatcher({ handlers: { ...base.handlers, ...feature.handlers } as HandlerTable, isOriginAllowed: () => true, log });
}

describe('identity.redeemQr', () => {
  let p: Platform;
  let clock = Math.floor(Date.now() / 1000) * 1000;
  let kiosk: PlatformClient;
  const issue = async (ttlSeconds = 90) => {
    const res = await fetch(p.url + idQrPaths.issue, { method: 'POST', headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ holder: HOLDER, ttlSeconds }) });
    return ((await res.json()) as { code: string }).code;
  };
  beforeAll(async () => {
    p = await startPlatform({ seedDemo: true, now: () => new Date(clock) });
    kiosk = new PlatformClient({ baseUrl: p.url });
    kiosk.token = (await kiosk.enroll(await p.createEnrollCode('360121201'))).token;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('redeems to the holder at a kiosk; a replay, an expired and a forged code are refused with their code alone (the kiosk has the words per code, renderer/kiosk/id-qr.test.ts)', async () => {
    const d = dispatcher(() => kiosk);
    const code = await issue();
    const ok = await d(as('kiosk'), 'identity.redeemQr', { code });
    expect(ok).toMatchObject({ ok: true, value: { holder: HOLDER } });
    const again = await d(as('kiosk'), 'identity.redeemQr', { code });
    expect(again).toMatchObject({ ok: false, error: { code: 'ID_QR_REPLAYED' } });
    const old = await issue(30);
    clock += 31_000;
    try {
      expect(await d(as('kiosk'), 'identity.redeemQr', { code: old })).toMatchObject({ ok: false, error: { code: 'ID_QR_EXPIRED' } });
    } finally {
      clock -= 31_000;
    }
    const fresh = await issue();
    const forged = fresh.slice(0, -3) + (fresh.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(await d(as('kiosk'), 'identity.redeemQr', { code: forged })).toMatchObject({ ok: false, error: { code: 'ID_QR_FORGED' } });
    expect(await d(as('kiosk'), 'identity.redeemQr', { code: 'hello world' })).toMatchObject({ ok: false, error: { code: 'ID_QR_MALFORMED' } });
    expect(!again.ok && again.error).not.toHaveProperty('userMessage');
    const log = lines.join('\n');
    expect(log).toContain('identity.qr-refused');
    expect(log).not.toContain(HOLDER.idNumber);
    expect(log).not.toContain(HOLDER.name);
    expect(log).not.toContain(fresh.slice(10, 40));
  });

  it('refuses other windows and garbage input before the platform; no network → ID_QR_NEEDS_NETWORK; no enrollment → NOT_ENROLLED', async () => {
    const d = dispatcher(() => kiosk);
    const code = await issue();
    expect(await d(as('clerk'), 'identity.redeemQr', { code })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d(as('display'), 'identity.redeemQr', { code })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    for (const bad of [{ code: 'x'.repeat(1025) }, { code: '' }, { code: 5 }, null, { code, extra: 1 }]) {
      expect(await d(as('kiosk'), 'identity.redeemQr', bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    // none of that used the code up
    expect(await d(as('kiosk'), 'identity.redeemQr', { code })).toMatchObject({ ok: true });
    const nowhere = new PlatformClient({ baseUrl: 'http://127.0.0.1:9', token: kiosk.token, timeoutMs: 2000 });
    // the kiosk says these by code in its own words (renderer/kiosk/id-qr.ts): main sends no text
    const offline = await dispatcher(() => nowhere)(as('kiosk'), 'identity.redeemQr', { code: await issue() });
    expect(offline).toMatchObject({ ok: false, error: { code: 'ID_QR_NEEDS_NETWORK' } });
    expect(!offline.ok && offline.error).not.toHaveProperty('userMessage');
    const unenrolled = await dispatcher(() => null)(as('kiosk'), 'identity.redeemQr', { code: await issue() });
    expect(unenrolled).toMatchObject({ ok: false, error: { code: 'NOT_ENROLLED' } });
    expect(!unenrolled.ok && unenrolled.error).not.toHaveProperty('userMessage');
  });
});
