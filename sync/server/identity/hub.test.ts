// A hall's terminal enrolled with a station hub redeems an ID QR code: the hub forwards it to the
// province (codes are single use province-wide), relays the province's refusals with their codes, and
// says "unavailable" (503, not a verdict on the code) while the province cannot be reached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idQrPaths, type IdQrHolder } from '../../protocol/id-qr';
import { paths } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { startStationHub, type StationHub } from '../hub/hub';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy';
import { client, enroll, type Client } from '../test/helpers';

const HOLDER: IdQrHolder = { name: '李建国', idNumber: '360121196805210014', sex: 'male', birthDate: '1968-05-21' };
const STATION = '360121201';

describe('ID QR codes through a station hub', () => {
  let province: Platform;
  let proxy: FaultProxy;
  let hub: StationHub;
  let dataDir: string;
  let term: Client;
  let direct: Client;
  const issue = async () => (await client(province.url, province.adminToken).req('POST', idQrPaths.issue, { holder: HOLDER })).json.code as string;

  beforeAll(async () => {
    province = await startPlatform({ seedDemo: true });
    const u = new URL(province.url);
    proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
    dataDir = mkdtempSync(join(tmpdir(), 'hub-idqr-'));
    hub = await startStationHub({ upstream: proxy.url, enrollCode: await province.createEnrollCode(STATION), dataDir, backoff: { baseMs: 50, maxMs: 300 }, timeoutMs: 3000, intervalMs: 60_000 });
    const code = await hub.createEnrollCode();
    const res = await fetch(hub.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const j = (await res.json()) as { token: string; terminalId: string; stationId: string };
    term = client(hub.url, j.token, j.terminalId, j.stationId);
    direct = await enroll(province, STATION);
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await proxy?.close();
    await province?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('redeems at the province through the hub; a replay is refused with the province code at the hub and at the province', async () => {
    const code = await issue();
    const r = await term.req('POST', idQrPaths.redeem, { code });
    expect(r.status, r.text).toBe(200);
    expect(r.json.holder).toEqual(HOLDER);
    const again = await term.req('POST', idQrPaths.redeem, { code });
    expect(again.status).toBe(409);
    expect(again.json.error).toEqual({ code: 'ID_QR_REPLAYED', message: 'the code was used already' });
    expect((await direct.req('POST', idQrPaths.redeem, { code })).json.error.code).toBe('ID_QR_REPLAYED');
    // the hub issues nothing itself
    expect((await client(hub.url, hub.adminToken).req('POST', idQrPaths.issue, { holder: HOLDER })).status).toBe(403);
  });

  it('garbage is refused with the province reason; the province unreachable is 503 ID_QR_UNAVAILABLE and the code stays usable', async () => {
    const bad = await term.req('POST', idQrPaths.redeem, { code: 'TTID9.abc.def' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('ID_QR_UNSUPPORTED_VERSION');
    const code = await issue();
    proxy.set({ kind: 'drop' });
    try {
      const r = await term.req('POST', idQrPaths.redeem, { code });
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('ID_QR_UNAVAILABLE');
    } finally {
      proxy.set({ kind: 'pass' });
    }
    expect((await term.req('POST', idQrPaths.redeem, { code })).status).toBe(200);
  });
});
