// The station hub against a REAL province (PGlite, and PostgreSQL where available), both in this
// process, the province behind a TCP fault proxy: enrollment upstream, catalog down, submissions held
// as `submitted` until the province answers, a cut with the hall still filing, exactly-once drain in
// order, per-document refusals kept at the hub, hostile upstream answers, restart over the same folder.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleApplication, exampleAuditEvent, exampleEvaluation, paths, stationStatusResponse, uuidv7, type ApplicationDoc } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { backends, client, eventually, pullAll, type Client } from '../test/helpers';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy';
import { startStationHub, type StationHub } from './hub';

const STATION = '360121201';
/** The other demo station: a second hub is enrolled for it (one station, one hub). */
const OTHER = '360121100';
const fast = { backoff: { baseMs: 50, maxMs: 300 }, timeoutMs: 3000, intervalMs: 60_000, heartbeatMs: 1000, silenceMs: 5000 };


async function enrollAt(url: string, code: string): Promise<Client> {
  const res = await fetch(url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const j = (await res.json()) as { token: string; terminalId: string; stationId: string };
  if (res.status !== 200) throw new Error(`enroll ${res.status} ${JSON.stringify(j)}`);
  return client(url, j.token, j.terminalId, j.stationId);
}

async function status(c: Client) {
  const r = await c.req('GET', paths.stationStatus);
  expect(r.status).toBe(200);
  return stationStatusResponse.parse(r.json);
}

for (const backend of backends()) {
  describe(`station hub ⇄ province (${backend.name})`, () => {
    let province: Platform;
    let cleanup: () => Promise<void>;
    let proxy: FaultProxy;
    let hub: StationHub;
    let dataDir: string;
    let term: Client;
    let provinceAdmin: Client;

    beforeAll(async () => {
      const b = await backend.setup();
      cleanup = b.cleanup;
      province = await startPlatform({ ...b.options, seedDemo: true, heartbeatMs: 1000 });
      provinceAdmin = client(province.url, province.adminToken);
      const u = new URL(province.url);
      proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
      dataDir = mkdtempSync(join(tmpdir(), 'hub-'));
      hub = await startStationHub({ upstream: proxy.url, enrollCode: await province.createEnrollCode(STATION), dataDir, ...fast });
      term = await enrollAt(hub.url, await hub.createEnrollCode());
    });
    afterAll(async () => {
      await hub?.close();
      await proxy?.close();
      await province?.close();
      await cleanup?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('learns its station from the province, serves the catalog to its terminals, never decides', async () => {
      expect(hub.stationId).toBe(STATION);
      expect(term.stationId).toBe(STATION);
      await eventually(async () => (await pullAll(term, 'staff')).docs.length > 0 && (await pullAll(term, 'service_items')).docs.length === (await province.store.countDocuments('service_items')), 20_000, 'catalog at the hub');
      expect((await pullAll(term, 'form_schemas')).docs.length).toBe(await province.store.countDocuments('form_schemas'));
      expect((await pullAll(term, 'staff')).docs.length).toBeGreaterThan(0);
      expect((await pullAll(term, 'station_config')).docs.map((d) => d.id)).toEqual([STATION]);
      const health = (await (await fetch(hub.url + paths.health)).json()) as { role: string };
      expect(health.role).toBe('station');
      const hubAdmin = client(hub.url, hub.adminToken);
      // Back office is the province's; the hub enrolls terminals of its own station only.
      const app = exampleApplication({ status: 'submitted' });
      expect((await term.push('applications', [{ newDocumentState: app }])).written).toBe(1);
      const decide = await hubAdmin.req('POST', paths.adminAction(app.id, 'accept'), {});
      expect(decide.status).toBe(403);
      expect(decide.json.error.code).toBe('FORBIDDEN');
      const other = await hubAdmin.req('POST', paths.adminEnrollCodes, { stationId: '360121202' });
      expect(other.status).toBe(403);
      // A terminal still talks to the province directly, as before.
      const direct = await enrollAt(province.url, await province.createEnrollCode(STATION));
      expect((await status(direct)).role).toBe('province');
      expect((await status(direct)).upstream).toBeNull();
      // The province answers: synced comes back down, the hub invented nothing.
      await eventually(async () => (await province.store.getDocument('applications', app.id))?.status === 'synced', 20_000, 'province has it');
      await eventually(async () => (await hub.store.getDocument('applications', app.id))?.status === 'synced', 20_000, 'synced at the hub');
      const atHub = (await hub.store.getDocument('applications', app.id)) as ApplicationDoc;
      expect(atHub.statusHistory.filter((h) => h.by === 'platform').map((h) => h.status)).toEqual(['synced']);
      expect(atHub.acceptanceNo).toBeNull();
      await province.store.backOffice(app.id, 'accept', { actor: 'S001' });
      const accepted = await eventually(async () => {
        const d = (await hub.store.getDocument('applications', app.id)) as ApplicationDoc | null;
        return d?.status === 'accepted' ? d : null;
      }, 20_000, '受理 at the hub');
      expect(accepted.acceptanceNo).toMatch(new RegExp(`^${STATION}-\\d{8}-\\d{4}$`));
      const s = await status(term);
      expect(s).toMatchObject({ role: 'station', stationId: STATION, upstream: { reachable: true, enrolled: true, pending: { applications: 0 } } });
    });

    it('a draft the hub passed up, then its submission: each state written once at the province, one synced entry', async () => {
      // A terminal's replication retries a failed batch as it was (RxDB): a draft filed while the hub
      // was down can reach the hub, and the province, before the submission that followed it.
      const before = province.store.counters.pushWritten;
      const draft = exampleApplication({ status: 'draft', submittedAt: null, statusHistory: [{ status: 'draft', at: new Date().toISOString(), by: 'terminal' }] });
      expect((await term.push('applications', [{ newDocumentState: draft }])).written).toBe(1);
      await eventually(async () => (await province.store.getDocument('applications', draft.id))?.status === 'draft', 20_000, 'the draft at the province');
      const held = (await hub.store.getDocument('applications', draft.id)) as ApplicationDoc;
      const at = new Date().toISOString();
      const submitted: ApplicationDoc = { ...held, status: 'submitted', submittedAt: at, updatedAt: at, statusHistory: [...held.statusHistory, { status: 'submitted', at, by: 'terminal' }] };
      const r = await term.push('applications', [{ assumedMasterState: held, newDocumentState: submitted }]);
      expect(r.rejections).toEqual([]);
      const up = await eventually(async () => {
        const d = (await province.store.getDocument('applications', draft.id)) as ApplicationDoc | null;
        return d?.status === 'synced' ? d : null;
      }, 20_000, 'synced at the province');
      expect(up.statusHistory.map((h) => h.status)).toEqual(['draft', 'submitted', 'synced']);
      await eventually(async () => (await hub.store.getDocument('applications', draft.id))?.status === 'synced', 20_000, 'synced back at the hub');
      await eventually(async () => Object.values((await status(term)).upstream!.pending).every((n) => n === 0), 20_000, 'nothing pending');
      await hub.replicator.syncNow();
      // Two states, two writes: the draft and the submission (stored as synced); nothing replayed.
      expect(province.store.counters.pushWritten - before).toBe(2);
    });

    it('keeps filing through a cut, then drains exactly once, in order; a refusal stays at the hub with its reason', async () => {
      proxy.set({ kind: 'drop' });
      await eventually(async () => (await status(term)).upstream?.reachable === false, 20_000, 'hub sees the cut');
      const apps = Array.from({ length: 12 }, (_, i) => exampleApplication({ status: 'submitted', formData: { ...exampleApplication().formData, applicantName: `离线${i}` } }));
      // The province will refuse this one: its form version exists only at the hub.
      const stray = exampleApplication({ status: 'submitted', formId: 'MZ06', formVersion: 99 });
      await hub.store.upsertAsPlatform('form_schemas', [{ ...((await hub.store.getDocument('form_schemas', 'MZ06@1')) as Record<string, unknown>), id: 'MZ06@99', version: 99 }]);
      const bytes = randomBytes(70_000);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const put = await fetch(hub.url + paths.attachment(sha), { method: 'PUT', headers: { authorization: `Bearer ${term.token}`, 'content-type': 'application/octet-stream' }, body: bytes });
      expect(put.status).toBe(201);
      apps[0]!.materials = [{ code: 'MZ06-M01', name: '身份证', provided: true, origin: 'scan', attachments: [{ sha256: sha, size: bytes.length, mimeType: 'application/pdf' }] }] as ApplicationDoc['materials'];
      const r1 = await term.push('applications', [...apps.slice(0, 6), stray, ...apps.slice(6)].map((d) => ({ newDocumentState: d })));
      expect(r1).toMatchObject({ written: 13, rejections: [] });
      // The hall's queue runs at the hub (the province is cut): tickets are issued there by command.
      const tickets: string[] = [];
      for (let i = 0; i < 5; i++) {
        const issued = await term.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: 'general', priority: 'normal' });
        expect(issued.status).toBe(200);
        tickets.push((issued.json as { ticket: { id: string; number: string } }).ticket.id);
      }
      expect((await term.push('evaluations', [{ newDocumentState: exampleEvaluation() }])).written).toBe(1);
      expect((await term.push('audit_events', [{ newDocumentState: exampleAuditEvent() }])).written).toBe(1);
      // Held at the hub as submitted (the province has not answered), counted as pending.
      for (const a of apps) expect((await hub.store.getDocument('applications', a.id))?.status).toBe('submitted');
      const during = await status(term);
      expect(during.upstream).toMatchObject({ reachable: false, pending: { applications: 13, queue_tickets: 5, evaluations: 1, audit_events: 1, attachments: 1 } });
      expect(during.upstream!.lastError?.code).toMatch(/OFFLINE|TIMEOUT/);
      for (const a of apps) expect(await province.store.getDocument('applications', a.id)).toBeNull();

      const before = province.store.counters.pushWritten;
      proxy.set({ kind: 'pass' });
      await eventually(async () => {
        const u = (await status(term)).upstream;
        return u?.reachable && Object.values(u.pending).every((n) => n === 0);
      }, 30_000, 'drained');
      const after = await status(term);
      expect(after.upstream).toMatchObject({ pending: { applications: 0, queue_tickets: 0, evaluations: 0, audit_events: 0, attachments: 0 }, rejectedCount: 1 });
      expect(after.upstream!.rejected[0]).toMatchObject({ collection: 'applications', id: stray.id, code: 'UNKNOWN_FORM' });
      expect(after.upstream!.rejected[0]!.message).toMatch(/MZ06@99/);
      // Exactly once: 12 + 5 + 1 + 1 writes at the province, in the order the hall filed them.
      expect(province.store.counters.pushWritten - before).toBe(19);
      // The hub's queue tickets are records at the province (the hub enrolled as a station hub).
      for (const id of tickets) expect(await province.store.getDocument('queue_tickets', id)).toMatchObject({ id, stationId: STATION, status: 'waiting' });
      const seqs = await province.store.db.query<{ id: string; seq: string }>("SELECT id, seq FROM documents WHERE collection = 'applications' AND id = ANY($1::text[])", [apps.map((a) => a.id)]);
      const bySeq = seqs.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.id);
      expect(bySeq).toEqual(apps.map((a) => a.id));
      // The attachment went up before the application that references it, and arrived whole.
      const att = await provinceAdmin.req('GET', paths.attachment(sha));
      expect(att.status).toBe(200);
      // Status flows back down: every one is synced at the hub.
      await eventually(async () => {
        for (const a of apps) if ((await hub.store.getDocument('applications', a.id))?.status !== 'synced') return false;
        return true;
      }, 20_000, 'synced back at the hub');
      // The refused one is still at the hub, as filed.
      expect((await hub.store.getDocument('applications', stray.id))?.status).toBe('submitted');
      // A second round changes nothing upstream.
      await hub.replicator.syncNow();
      expect(province.store.counters.pushWritten - before).toBe(19);
      // The hub's queue tickets are records at the province (the hub enrolled as a station hub).
      for (const id of tickets) expect(await province.store.getDocument('queue_tickets', id)).toMatchObject({ id, stationId: STATION, status: 'waiting' });
    });

    it('hostile upstream answers are clear errors at the hub; nothing is lost, the real province gets it later', { timeout: 240_000 }, async () => {
      const g = await garbageUpstream(province.url);
      const hostileDir = mkdtempSync(join(tmpdir(), 'hub-hostile-'));
      let h2: StationHub | null = null;
      try {
        h2 = await startStationHub({ upstream: g.url, enrollCode: await province.createEnrollCode(OTHER), dataDir: hostileDir, ...fast });
        const t2 = await enrollAt(h2.url, await h2.createEnrollCode());
        await eventually(async () => (await pullAll(t2, 'form_schemas')).docs.length > 0 && (await pullAll(t2, 'staff')).docs.length > 0, 20_000, 'catalog');
        const apps = Array.from({ length: 3 }, () => exampleApplication({ status: 'submitted', stationId: OTHER }));
        g.mode = 'html';
        expect((await t2.push('applications', apps.map((d) => ({ newDocumentState: d })))).written).toBe(3);
        for (const mode of ['html', 'conflict-stranger', 'bad-json', 'huge-page', 'foreign-docs'] as const) {
          g.mode = mode;
          await h2.replicator.syncNow();
          expect((await h2.status()).upstream!.lastError?.code, mode).toBe(mode === 'foreign-docs' ? 'SERVER_ERROR' : 'BAD_RESPONSE');
        }
        const s = (await h2.status()).upstream!;
        expect(s.pending.applications).toBe(3);
        for (const a of apps) expect(await province.store.getDocument('applications', a.id)).toBeNull();
        // Nothing foreign was stored at the hub.
        expect((await pullAll(t2, 'station_config')).docs.map((d) => d.id)).toEqual([OTHER]);
        g.mode = 'pass';
        await h2.replicator.syncNow();
        await eventually(async () => (await h2!.status()).upstream!.pending.applications === 0, 20_000, 'drained after the garbage');
        for (const a of apps) expect((await province.store.getDocument('applications', a.id))?.status).toBe('synced');
      } finally {
        await h2?.close();
        await g.close();
        rmSync(hostileDir, { recursive: true, force: true });
      }
    });

    it('hands its hall the province\'s ID lookup key, not its own (one resident, one hash); a hub enrolled before it kept the key learns it', { timeout: 240_000 }, async () => {
      const provinceKey = await province.store.idHashKey();
      const enrollRaw = async (url: string, code: string) => {
        const res = await fetch(url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
        expect(res.status).toBe(200);
        return (await res.json()) as { idHashKey?: string; token: string };
      };
      const atHub = await enrollRaw(hub.url, await hub.createEnrollCode());
      const atProvince = await enrollRaw(province.url, await province.createEnrollCode(STATION));
      expect(atHub.idHashKey).toBe(provinceKey);
      expect(atProvince.idHashKey).toBe(provinceKey);
      const me = await fetch(hub.url + paths.me, { headers: { authorization: `Bearer ${atHub.token}` } });
      expect(((await me.json()) as { idHashKey?: string }).idHashKey).toBe(provinceKey);
      // A hub from before: its enrollment record has no key and it made its own. On the next start it asks.
      await hub.store.db.query("UPDATE hub_state SET value = value - 'idHashKey' WHERE key = 'upstream'");
      await hub.store.adoptIdHashKey(randomBytes(32).toString('hex'));
      await hub.close();
      hub = await startStationHub({ upstream: proxy.url, dataDir, ...fast });
      await eventually(async () => (await hub.store.idHashKey()) === provinceKey, 20_000, 'the hub took the province key');
      const saved = await hub.store.db.query<{ value: { idHashKey?: string } }>("SELECT value FROM hub_state WHERE key = 'upstream'");
      expect(saved[0]!.value.idHashKey).toBe(provinceKey);
      term = client(hub.url, term.token, term.terminalId, term.stationId);
      await expect(hub.store.adoptIdHashKey('not-a-key')).rejects.toThrow(/64 lowercase hex/);
    });

    it('restarts over the same folder without a code: same station, same state', { timeout: 240_000 }, async () => {
      const pendingBefore = (await hub.status()).upstream!;
      await hub.close();
      proxy.set({ kind: 'drop' });
      hub = await startStationHub({ upstream: proxy.url, dataDir, ...fast });
      expect(hub.stationId).toBe(STATION);
      term = client(hub.url, term.token, term.terminalId, term.stationId);
      const s = await status(term); // the terminal's token is still valid: it lives in the hub's database
      expect(s.upstream).toMatchObject({ rejectedCount: pendingBefore.rejectedCount, drained: pendingBefore.drained, pending: pendingBefore.pending });
      expect(s.upstream!.lastContactAt).toBe(pendingBefore.lastContactAt === null ? null : s.upstream!.lastContactAt);
      expect(s.upstream!.lastContactAt).not.toBeNull();
      proxy.set({ kind: 'pass' });
      await expect(startStationHub({ upstream: 'http://127.0.0.1:9', dataDir: mkdtempSync(join(tmpdir(), 'hub-none-')) })).rejects.toThrow(/--enroll-code/);
      await expect(startStationHub({ upstream: province.url, enrollCode: 'AAAAA-BBBBB', ...fast })).rejects.toThrow(/refused the enrollment code/);
    });

    it("shows its token only to a province whose refusal's details name this hub, and moves only if the token answers there as this hub", { timeout: 240_000 }, async () => {
      const hubId = hub.terminalId;
      const msg = `station ${STATION} already has a station hub (${hubId}, enrolled 2026-01-01T00:00:00.000Z); revoke it first`;
      let answer: { details?: unknown; me: 'this' | 'other' | 401 } = { me: 401 };
      const bearers: string[] = [];
      const fake = createServer((req, res) => {
        const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.headers.authorization) bearers.push(req.headers.authorization);
        req.resume();
        if (req.url === paths.enroll) return send(409, { error: { code: 'STATION_HUB_EXISTS', message: msg, ...(answer.details ? { details: answer.details } : {}) } });
        if (req.url === paths.me && answer.me !== 401) return send(200, { terminalId: answer.me === 'this' ? hubId : 'T-someone-else', stationId: STATION, kind: 'station_hub' });
        send(401, { error: { code: 'UNAUTHORIZED', message: 'no' } });
      });
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
      const fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
      const savedUpstream = async () => ((await hub.store.db.query<{ value: { url: string } }>("SELECT value FROM hub_state WHERE key = 'upstream'"))[0]!.value).url;
      const urlBefore = await savedUpstream();
      await hub.close();
      try {
        const cases: { details?: unknown; me: 'this' | 'other' | 401; tokenShown: boolean; code?: string; message?: RegExp }[] = [
          // The message names this hub, but nothing machine-readable does: refused, the token never sent.
          { me: 'this', tokenShown: false },
          // The details name another hub: refused, the token never sent.
          { details: [{ path: 'stationHub.terminalId', message: 'T-0000' }], me: 'this', tokenShown: false },
          // Details of the wrong shape: not the province's envelope at all; refused, the token never sent.
          { details: { terminalId: hubId }, me: 'this', tokenShown: false, code: 'INTERNAL_ERROR', message: /the province refused the enrollment \(POST .*HTTP 409/ },
          // The details name this hub, but the token does not answer there, or answers as another: refused.
          { details: [{ path: 'stationHub.terminalId', message: hubId }], me: 401, tokenShown: true },
          { details: [{ path: 'stationHub.terminalId', message: hubId }], me: 'other', tokenShown: true },
        ];
        for (const c of cases) {
          answer = c;
          bearers.length = 0;
          await expect(startStationHub({ upstream: fakeUrl, enrollCode: 'AAAAA-BBBBB', dataDir, ...fast }), JSON.stringify(c)).rejects.toMatchObject({ code: c.code ?? 'STATION_HUB_EXISTS', message: c.message ?? /already has a station hub/ });
          expect(bearers.length > 0, JSON.stringify(c)).toBe(c.tokenShown);
        }
      } finally {
        await new Promise<void>((r) => fake.close(() => r()));
        hub = await startStationHub({ upstream: urlBefore, dataDir, ...fast });
      }
      // Nothing moved: the hub starts at its province's address without a code, as the same hub.
      expect(hub.terminalId).toBe(hubId);
      expect(await savedUpstream()).toBe(urlBefore);
      term = client(hub.url, term.token, term.terminalId, term.stationId);
    });

    it('one hub per station: a second is refused with the reason and its code stays usable; once the first is revoked, a replacement enrolls', { timeout: 240_000 }, async () => {
      // Two hubs would run two queues for one hall (two residents holding the same number).
      const code = await province.createEnrollCode(STATION);
      const spareDir = mkdtempSync(join(tmpdir(), 'hub-second-'));
      let second: StationHub | null = null;
      try {
        await expect(startStationHub({ upstream: province.url, enrollCode: code, dataDir: spareDir, ...fast })).rejects.toMatchObject({
          code: 'STATION_HUB_EXISTS',
          message: expect.stringMatching(new RegExp(`station ${STATION} already has a station hub \\(T-[0-9a-f]+, enrolled .*revoke it first`)),
        });
        // The refusal changed nothing: the first hub works, the code was not spent.
        await hub.replicator.syncNow();
        expect((await hub.status()).upstream!.lastError).toBeNull();
        const raw = await fetch(province.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, kind: 'station_hub' }) });
        expect(raw.status).toBe(409);
        const envelope = (await raw.json()) as { error: { code: string; details?: { path: string; message: string }[] } };
        expect(envelope.error.code).toBe('STATION_HUB_EXISTS');
        // Machine-readable: the existing hub's id (how a hub recognises itself below).
        expect(envelope.error.details).toEqual([
          { path: 'stationHub.terminalId', message: hub.terminalId },
          { path: 'stationHub.enrolledAt', message: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
        ]);
        // The same province at another address (a new domain): the refusal names this hub itself, so the
        // hub keeps its enrollment and checkpoints under the new address (its token answers there).
        const firstId = hub.terminalId;
        const drainedBefore = (await hub.status()).upstream!.drained;
        await hub.close();
        hub = await startStationHub({ upstream: province.url, enrollCode: await province.createEnrollCode(STATION), dataDir, ...fast });
        expect(hub.terminalId).toBe(firstId);
        expect((await hub.status()).upstream).toMatchObject({ url: province.url, enrolled: true, drained: drainedBefore });
        term = client(hub.url, term.token, term.terminalId, term.stationId);
        await hub.replicator.syncNow();
        expect((await hub.status()).upstream!.lastError).toBeNull();
        // Concurrent first enrollments of a new station's hub: exactly one is taken.
        const fresh = '360121299';
        const tries = await Promise.allSettled([1, 2, 3].map(async () => province.store.enroll(await province.createEnrollCode(fresh), 'hub', 'station_hub')));
        expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
        for (const t of tries) if (t.status === 'rejected') expect(t.reason).toMatchObject({ code: 'STATION_HUB_EXISTS' });
        // Terminals are not limited: a station has many.
        for (let i = 0; i < 2; i++) await province.store.enroll(await province.createEnrollCode(STATION), 'kiosk', 'terminal');
        // The old hub's disk died: revoked at the province, a replacement enrolls with the same code.
        const hubId = ((await hub.store.db.query<{ value: { terminalId: string } }>("SELECT value FROM hub_state WHERE key = 'upstream'"))[0]!.value).terminalId;
        expect(await province.store.revokeTerminal(hubId)).toBe(true);
        second = await startStationHub({ upstream: province.url, enrollCode: code, dataDir: spareDir, ...fast });
        expect(second.stationId).toBe(STATION);
      } finally {
        await second?.close();
        rmSync(spareDir, { recursive: true, force: true });
      }
    });
  });
}

/** A province that answers garbage on command (otherwise a transparent proxy to the real one). */
async function garbageUpstream(target: string): Promise<{ url: string; mode: 'pass' | 'html' | 'conflict-stranger' | 'bad-json' | 'huge-page' | 'foreign-docs'; close(): Promise<void> }> {
  const state = { mode: 'pass' as 'pass' | 'html' | 'conflict-stranger' | 'bad-json' | 'huge-page' | 'foreign-docs' };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const m = state.mode;
    const isPull = /\/pull\?/.test(url);
    const isPush = /\/push$/.test(url);
    if (m === 'html' && (isPull || isPush)) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>');
    if (m === 'bad-json' && isPull) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"documents": [');
    if (m === 'huge-page' && isPull) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ documents: Array.from({ length: 1001 }, () => ({})), checkpoint: { seq: 1 } }));
    if (m === 'conflict-stranger' && (isPull || isPush)) {
      if (isPull) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ documents: [], checkpoint: { seq: 0 } }));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ conflicts: [exampleApplication()], rejections: [], written: 0, unchanged: 0, checkpoint: { seq: 0 } }));
    }
    if (m === 'foreign-docs' && /station_config\/pull/.test(url)) {
      const cfg = (await (await fetch(target + '/api/v1/sync/station_config/pull?checkpoint=0', { headers: { authorization: String(req.headers.authorization) } })).json()) as { documents: Record<string, unknown>[]; checkpoint: unknown };
      const doc = { ...(cfg.documents[0] as Record<string, unknown>), id: '360121299', stationId: '360121299' };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ documents: [doc], checkpoint: cfg.checkpoint }));
    }
    if (m === 'foreign-docs' && isPush) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"INTERNAL_ERROR","message":"down"}}');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    try {
      const up = await fetch(target + url, { method: req.method ?? 'GET', headers, ...(body.length ? { body } : {}) });
      const out: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') out[k] = v;
      });
      res.writeHead(up.status, out);
      if (up.body) for await (const c of up.body) res.write(c);
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(v) {
      state.mode = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
