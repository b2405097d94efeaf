// Security suite, issue 13 items 1 and 2 through a station hub: the hall's attachments stay with the
// station end to end (terminal → hub → province), and the hub's drain upstream is not throttled into
// failure by the province's rate limits, which still stop a plain terminal sending the same traffic.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, paths } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { startStationHub, type StationHub } from '../hub/hub';
import { client, eventually, type Client } from '../test/helpers';
import { tally } from './tally';

const STATION = '360121201';
const OTHER = '360121100';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function enrollAt(url: string, code: string): Promise<Client> {
  const res = await fetch(url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const j = (await res.json()) as { token: string; terminalId: string; stationId: string };
  if (res.status !== 200) throw new Error(`enroll ${res.status} ${JSON.stringify(j)}`);
  return client(url, j.token, j.terminalId, j.stationId);
}
async function upload(url: string, token: string, bytes: Buffer): Promise<number> {
  const res = await fetch(url + paths.attachment(sha(bytes)), { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: bytes });
  await res.arrayBuffer();
  return res.status;
}
async function download(url: string, token: string, hash: string): Promise<{ status: number; hash: string }> {
  const res = await fetch(url + paths.attachment(hash), { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, hash: sha(Buffer.from(await res.arrayBuffer())) };
}

describe('security: a station hub keeps working under isolation and rate limits (pglite)', () => {
  const t = tally('station hub');
  let province: Platform;
  let hub: StationHub;
  let dataDir: string;
  const hubLog: string[] = [];
  const PUSHES = 10; // the province lets a terminal token push 10 times a minute, a hub token 20 × 10
  const DOCS = 60;
  const BATCH = 5; // → 12 pushes of applications by the hub, more than a terminal's 10
  const FILES = 12; // → 12 uploads by the hub, more than a terminal's 10

  beforeAll(async () => {
    province = await startPlatform({ seedDemo: true, security: { rateLimits: { push: { perToken: PUSHES }, upload: { perToken: PUSHES }, hubFactor: 20 } } });
    dataDir = mkdtempSync(join(tmpdir(), 'sec-hub-'));
    hub = await startStationHub({
      upstream: province.url,
      enrollCode: await province.createEnrollCode(STATION),
      dataDir,
      backoff: { baseMs: 50, maxMs: 300 },
      timeoutMs: 5000,
      intervalMs: 60_000,
      heartbeatMs: 1000,
      silenceMs: 5000,
      batch: BATCH,
      log: (level, event, data) => hubLog.push(`${level} ${event} ${JSON.stringify(data ?? {})}`),
    });
  });
  afterAll(async () => {
    await hub?.close();
    await province?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the hall's files: read by the hall through the hub and by the station at the province, by nobody else", async () => {
    const kiosk = await enrollAt(hub.url, await hub.createEnrollCode());
    const counter = await enrollAt(hub.url, await hub.createEnrollCode());
    const files = Array.from({ length: FILES }, () => randomBytes(20_000 + Math.floor(Math.random() * 10_000)));
    for (const f of files) expect(await upload(hub.url, kiosk.token, f)).toBe(201);
    const docs = Array.from({ length: DOCS }, (_, i) =>
      exampleApplication({ materials: i < FILES ? [{ code: 'M1', name: '身份证', provided: true, origin: 'scan', attachments: [{ sha256: sha(files[i]!), size: files[i]!.length, mimeType: 'image/png' }] }] : [] }),
    );
    for (let i = 0; i < DOCS; i += 20) expect((await kiosk.push('applications', docs.slice(i, i + 20).map((d) => ({ newDocumentState: d })))).written).toBe(20);
    // The hall's other terminal reads the kiosk's scan through the hub.
    expect(await download(hub.url, counter.token, sha(files[0]!))).toEqual({ status: 200, hash: sha(files[0]!) });

    // The drain: 12 uploads and 12 pushes of applications, each over a terminal's allowance.
    const started = Date.now();
    void hub.replicator.syncNow();
    await eventually(async () => (await province.store.countDocuments('applications')) === DOCS && Number((await province.store.db.query<{ n: string }>('SELECT count(*) AS n FROM attachments WHERE complete'))[0]!.n) === FILES, 30_000, 'the drain at the province');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(hubLog.filter((l) => /RATE_LIMITED|429/.test(l))).toEqual([]);
    await eventually(async () => {
      const pending = (await hub.status()).upstream?.pending;
      return pending?.applications === 0 && pending.attachments === 0;
    }, 10_000, 'nothing pending at the hub');

    // At the province: the station's own terminals read the hall's files, another station's cannot.
    const station = await enrollAt(province.url, await province.createEnrollCode(STATION));
    const other = await enrollAt(province.url, await province.createEnrollCode(OTHER));
    expect(await download(province.url, station.token, sha(files[3]!))).toEqual({ status: 200, hash: sha(files[3]!) });
    await t.attack("another station's terminal reads a hall's file at the province", async () => (await download(province.url, other.token, sha(files[3]!))).status === 404);
    // A terminal enrolled at the hub of another station's hall does not exist; the hub serves its station only.
    await t.attack('the hub issues an enrollment code for another station', async () => {
      const r = await client(hub.url, hub.adminToken).req('POST', paths.adminEnrollCodes, { stationId: OTHER });
      return r.status === 403;
    });

    // The same traffic from a plain terminal token is throttled.
    await t.attack('a plain terminal pushing as much as the hub drained', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < DOCS / BATCH; i++) statuses.push((await station.req('POST', paths.push('applications'), [])).status);
      return statuses.slice(0, PUSHES).every((s) => s === 200) && statuses.slice(PUSHES).every((s) => s === 429);
    });
  });
});
