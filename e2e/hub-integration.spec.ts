/**
 * Two tiers with real parts: a province (in-process, PGlite — and PostgreSQL where available) behind a
 * TCP fault proxy, a station hub (a child process: `npm run platform -- serve --role station`,
 * PGlite in a folder) and terminals (main's real sync feature + the renderer's real RxDB replication,
 * ./sync-harness.ts) that know only the hub. The province is cut for the whole filing scenario, then
 * restored; the hub is SIGKILLed in the middle of its drain and restarted. Node only (no browser).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { exampleEvaluation, exampleFormData, paths, uuidv7, type ApplicationDoc } from '../sync/protocol';
import { queueCommand } from '../sync/client/queue';
import { startPlatform, type Platform } from '../sync/server/platform';
import { backends } from '../sync/server/test/helpers';
import { startFaultProxy, type FaultProxy } from '../sync/server/test/fault-proxy';
import { createDraft, submitApplication } from '../renderer/db/applications';
import { i18n } from '../renderer/i18n';
import { syncErrorText } from '../renderer/sync/sync-error';
import { eventually, startTerminal, type Terminal } from './sync-harness';
import { freePort, hubCall, hubStatus, killHub as kill, startHubProcess, type HubProcess } from './hub-process';

const STATION = '360121201';

const draftInput = (t: Terminal, name: string) => ({
  stationId: STATION,
  terminalId: t.feature.state().terminalId ?? undefined,
  serviceItemCode: 'MZ06',
  formId: 'MZ06',
  formVersion: 1,
  channel: 'counter' as const,
  applicant: { name, idType: 'resident_id' as const, idNumber: '360121195001011234', phone: '13800000000' },
  formData: exampleFormData({ applicantName: `离线${name}` }),
});

const appOn = async (t: Terminal, id: string) => (await t.db.applications.findOne(id).exec())?.toMutableJSON() ?? null;

for (const backend of backends()) {
  test.describe(`station hub with real terminals (province on ${backend.name})`, () => {
    test.describe.configure({ mode: 'serial', timeout: 480_000 });
    let province: Platform;
    let cleanup: () => Promise<void>;
    let proxy: FaultProxy;
    let hub: HubProcess | null = null;
    let dataDir: string;
    let port: number;
    const terminals: Terminal[] = [];

    test.beforeAll(async () => {
      const s = await backend.setup();
      cleanup = s.cleanup;
      province = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 1000 });
      const u = new URL(province.url);
      proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
      dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
      port = await freePort();
    });
    test.afterAll(async () => {
      for (const t of terminals.splice(0)) await t.close();
      if (hub) await kill(hub, 'SIGTERM');
      await proxy?.close();
      await province?.close();
      await cleanup?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('filed during a provincial cut, drained exactly once through a SIGKILL of the hub, status flows back live', async () => {
      const hubArgs = ['--upstream', proxy.url, '--data-dir', dataDir, '--port', String(port), '--upstream-batch', '4'];
      hub = await startHubProcess([...hubArgs, '--enroll-code', await province.createEnrollCode(STATION)]);
      expect(hub.stderr()).toContain(`STATION ${STATION}`);
      const code = ((await hubCall(hub.url, 'POST', paths.adminEnrollCodes, { stationId: STATION })) as { code: string }).code;
      const t = await startTerminal({ platformUrl: hub.url, enrollCode: code, backoffMs: 200 });
      terminals.push(t);
      expect(t.feature.state()).toMatchObject({ enrolled: true, stationId: STATION });
      await t.startSync();
      const items = await province.store.countDocuments('service_items');
      await eventually(async () => (await t.db.service_items.count().exec()) === items, 60_000, 'catalog through the hub');
      await eventually(async () => (await t.db.station_config.count().exec()) >= 1, 20_000, 'station config through the hub');

      // The province is cut for the whole filing scenario; the hall keeps filing and queueing.
      proxy.set({ kind: 'drop' });
      await eventually(async () => (await hubStatus(hub!.url)).upstream?.reachable === false, 20_000, 'the hub sees the cut');
      const filed: string[] = [];
      for (let i = 0; i < 20; i++) {
        const app = await createDraft(t.db, draftInput(t, `${i}`), t.salt);
        await submitApplication(t.db, app.id);
        filed.push(app.id);
      }
      // The hall's queue runs at the hub: a kiosk issues its tickets there by command (main's queue client).
      const tickets: string[] = [];
      for (let i = 0; i < 6; i++) {
        const issued = await queueCommand(t.feature.platform()!, { type: 'issue', commandId: uuidv7(), category: 'general', priority: i % 3 === 0 ? 'elderly' : 'normal', serviceItemCode: null, applicationId: null });
        expect(issued).toMatchObject({ status: 'waiting', stationId: STATION });
        tickets.push(issued!.id);
      }
      await t.db.evaluations.insert(exampleEvaluation());
      await eventually(async () => (await t.replication!.pendingCount()) === 0, 30_000, 'the terminal pushed everything to the hub');
      const held = await hubStatus(hub.url);
      expect(held.upstream).toMatchObject({ reachable: false, pending: { applications: 20, queue_tickets: 6, evaluations: 1 } });
      for (const id of filed) expect((await appOn(t, id))?.status).toBe('submitted'); // the hub invented nothing
      for (const id of filed) expect(await province.store.getDocument('applications', id)).toBeNull();
      // The terminal says so: connected to its station hub, the province behind it unreachable.
      const viaHub = await eventually(async () => {
        const s = t.feature.state();
        // Main asks the hub every 15 s while online: wait for an answer given after the last push.
        return s.server === 'station' && s.upstream?.reachable === false && s.upstream.pending === 27 ? s : null;
      }, 40_000, 'the terminal learns the province is unreachable through its hub');
      expect(viaHub.online).toBe(true);
      expect(viaHub.error).toBeNull();
      expect(viaHub.upstream).toMatchObject({ pending: 27, error: { code: 'PROVINCE_UNREACHABLE' } });
      // Main sends the code; the words are the catalogue's (zh-CN, as the station's counter shows them).
      const words = { t: i18n.global.t, te: i18n.global.te } as Parameters<typeof syncErrorText>[1];
      expect(viaHub.upstream!.error!.message).toBeUndefined();
      expect(syncErrorText(viaHub.upstream!.error!, words)).toContain('省级政务服务平台');

      // Every write of a document at the province, seen by the database itself (a trigger), not by
      // the code under test: what was written, and whether it rewrote the state already stored.
      await province.store.db.query(`CREATE TABLE e2e_write_log (n bigserial PRIMARY KEY, collection text, id text, status text, same_as_before boolean)`);
      await province.store.db.query(`CREATE FUNCTION e2e_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO e2e_write_log (collection, id, status, same_as_before)
            VALUES (NEW.collection, NEW.id, NEW.data->>'status', TG_OP = 'UPDATE' AND OLD.data = NEW.data);
          RETURN NULL;
        END $$`);
      await province.store.db.query(`CREATE TRIGGER e2e_log_write AFTER INSERT OR UPDATE ON documents FOR EACH ROW
        WHEN (NEW.collection IN ('applications', 'queue_tickets', 'evaluations')) EXECUTE FUNCTION e2e_log_write()`);
      const writtenBefore = province.store.counters.pushWritten;
      // The province comes back slowly (each answer delayed); the hub is killed in the middle of its drain.
      proxy.set({ kind: 'delay', ms: 150 });
      const count = async () => (await province.store.listApplications({ stationId: STATION, limit: 500 })).filter((a) => filed.includes(a.id)).length;
      await eventually(async () => (await count()) >= 4, 60_000, 'the drain started');
      const atKill = await count();
      await kill(hub, 'SIGKILL');
      expect(atKill).toBeLessThan(20);
      proxy.set({ kind: 'pass' });
      // The terminal sees its hub gone and keeps working offline.
      const hubDown = await eventually(async () => (t.feature.state().online === false ? t.feature.state() : null), 20_000, 'the terminal notices the hub is gone');
      expect(hubDown.error?.code).toBe('HUB_OFFLINE');
      expect(hubDown.error?.message).toBeUndefined();
      expect(syncErrorText(hubDown.error!, words)).toContain('站点服务器');
      expect(hubDown.upstream).toBeNull();
      const whileDown = await createDraft(t.db, draftInput(t, 'hub-down'), t.salt);
      await submitApplication(t.db, whileDown.id);
      filed.push(whileDown.id);

      hub = await startHubProcess(hubArgs); // no code: the enrollment is in the hub's database
      // The application filed while the hub was down reaches it on the terminal's next retry, which may
      // come after the hub has drained what it held: first the terminal has pushed it, then the hub drained.
      await eventually(async () => (await t.replication!.pendingCount()) === 0, 60_000, 'the terminal pushed the application filed while its hub was down');
      await eventually(async () => {
        const s = await hubStatus(hub!.url);
        return s.upstream?.reachable && Object.values(s.upstream.pending).every((n) => n === 0) ? s : null;
      }, 90_000, 'drained after the restart');
      expect(await count()).toBe(21);
      // Exactly once: one write per document state at the province, none replayed. What was held at
      // the hub through the cut and the SIGKILL (20 applications, 6 tickets, 1 evaluation) is written
      // once each. The application filed while the hub was down may also arrive as its draft first:
      // the terminal's replication retries the batch that failed with the hub gone as it was (RxDB),
      // so the hub can hold and pass on the draft before the submission (seen in 1 run in 12 under load).
      const log = await province.store.db.query<{ collection: string; id: string; status: string | null; same_as_before: boolean }>('SELECT collection, id, status, same_as_before FROM e2e_write_log ORDER BY n');
      expect(log.filter((w) => w.same_as_before)).toEqual([]);
      const heldAtHub = [...filed.slice(0, 20), ...tickets];
      for (const id of heldAtHub) expect(log.filter((w) => w.id === id), id).toHaveLength(1);
      expect(log.filter((w) => w.collection === 'evaluations')).toHaveLength(1);
      expect([['synced'], ['draft', 'synced']]).toContainEqual(log.filter((w) => w.id === whileDown.id).map((w) => w.status));
      expect(log).toHaveLength(heldAtHub.length + 1 + log.filter((w) => w.id === whileDown.id).length);
      // The platform's own count of written rows agrees with the database's.
      expect(province.store.counters.pushWritten - writtenBefore).toBe(log.length);
      for (const id of filed) {
        const doc = (await province.store.getDocument('applications', id)) as ApplicationDoc;
        expect(doc.statusHistory.filter((h) => h.status === 'synced')).toHaveLength(1);
      }
      // Status flows back down to the terminal: synced, then a 受理 live.
      await eventually(async () => {
        for (const id of filed) if ((await appOn(t, id))?.status !== 'synced') return false;
        return true;
      }, 60_000, 'synced on the terminal');
      await province.store.backOffice(filed[3]!, 'accept', { actor: 'S001' });
      const accepted = await eventually(async () => {
        const d = await appOn(t, filed[3]!);
        return d?.status === 'accepted' ? d : null;
      }, 30_000, '受理 reaches the terminal');
      expect(accepted.acceptanceNo).toMatch(new RegExp(`^${STATION}-`));
      for (const id of tickets) expect(await province.store.getDocument('queue_tickets', id)).toMatchObject({ id, stationId: STATION });
      // Main asks the hub every 15 s while online.
      await eventually(async () => (t.feature.state().upstream?.reachable && t.feature.state().upstream?.pending === 0 ? t.feature.state() : null), 40_000, 'the terminal sees the province back');
      expect(t.feature.state()).toMatchObject({ online: true, server: 'station', error: null, upstream: { pending: 0, rejected: 0, error: null } });
    });
  });
}
