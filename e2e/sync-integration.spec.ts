/**
 * Terminal ⇄ real platform (PGlite and PostgreSQL): convergence of two terminals after concurrent
 * offline edits, back-office status live (SSE) and after a reconnect, quarantine of refused
 * documents, a FORM_INVALID refusal corrected in the form (the clerk's 补正 editor saves through
 * updateForm), a terminal clock 3 days wrong. Node only (no browser): main's sync feature + the
 * renderer's RxDB + replication, see ./sync-harness.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { canonicalJson, paths, type ApplicationDoc } from '../sync/protocol';
import { startPlatform, type Platform } from '../sync/server/platform';
import { backends, enroll } from '../sync/server/test/helpers';
import { createDraft, saveCorrection, setTerminalStatus, submitApplication, updateForm } from '../renderer/db/applications';
import { toLocal } from '../renderer/db/modifiers';
import { listQuarantine, editQuarantined, openFormRefusal, refusalText, refusedFieldsOf, retryQuarantined } from '../renderer/db/quarantine';
import { i18n } from '../renderer/i18n';
import { refusalLine } from '../renderer/i18n/refusal';
import { exampleEvaluation, exampleFormData, exampleApplication, uuidv7, type QueueTicketDoc } from '../sync/protocol';
import { eventually, startTerminal, type Terminal } from './sync-harness';
import { startFaultProxy } from './sync-fault-proxy';
import { syncErrorText } from '../renderer/sync/sync-error';

const STATION = '360121201';
const DAY = 86_400_000;
/** The catalogue in zh-CN (the terminal's words for a refusal; renderer/i18n/refusal.ts). */
const zhWords = { t: (k: string, p: Record<string, string | number>) => i18n.global.t(k, p, { locale: 'zh-CN' }), te: (k: string) => i18n.global.te(k, 'zh-CN') };

async function admin(p: Platform, path: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(p.url + path, { method: 'POST', headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(j)}`);
  return j;
}

const draftInput = (t: Terminal, name: string) => ({
  stationId: STATION,
  terminalId: t.feature.state().terminalId ?? undefined,
  serviceItemCode: 'MZ06',
  formId: 'MZ06',
  formVersion: 1,
  channel: 'counter' as const,
  applicant: { name, idType: 'resident_id' as const, idNumber: '360121195001011234', phone: '13800000000' },
  // Valid for the demo form MZ06@1: the platform checks the form data of every submission.
  formData: exampleFormData({ applicantName: `测试${name}` }),
});

async function appOn(t: Terminal, id: string) {
  return (await t.db.applications.findOne(id).exec())?.toMutableJSON() ?? null;
}

for (const backend of backends()) {
  test.describe(`sync with the real platform (${backend.name})`, () => {
    test.describe.configure({ mode: 'serial', timeout: 120_000 });
    let platform: Platform;
    let cleanup: () => Promise<void>;
    const terminals: Terminal[] = [];
    const newTerminal = async (url = platform.url) => {
      const t = await startTerminal({ platformUrl: url, enrollCode: await platform.createEnrollCode(STATION) });
      terminals.push(t);
      return t;
    };

    test.beforeAll(async () => {
      const s = await backend.setup();
      cleanup = s.cleanup;
      platform = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 1000 });
    });
    test.afterEach(async () => {
      for (const t of terminals.splice(0)) await t.close();
    });
    test.afterAll(async () => {
      await platform?.close();
      await cleanup?.();
    });

    test('initial sync, then two terminals converge after concurrent offline edits', async () => {
      const a = await newTerminal();
      const b = await newTerminal();
      await a.startSync();
      await b.startSync();
      const items = await platform.store.countDocuments('service_items');
      for (const t of [a, b]) {
        await eventually(async () => (await t.db.service_items.count().exec()) === items, 30_000, 'catalog');
        await eventually(async () => (await t.db.station_config.count().exec()) >= 1, 10_000, 'station config');
        // Staff PIN verifiers stay in main: the renderer's copies never carry one.
        await eventually(async () => (await t.db.staff.count().exec()) >= 1, 10_000, 'staff');
        const staff = (await t.db.staff.find().exec()).map((d) => d.toJSON() as { id: string; pinVerifier: unknown });
        expect(staff.every((d) => d.pinVerifier === null)).toBe(true);
        expect(((await platform.store.getDocument('staff', staff[0]!.id)) as { pinVerifier: unknown }).pinVerifier).not.toBeNull();
      }
      const app = await createDraft(a.db, draftInput(a, '甲'), a.salt);
      // Queue tickets are the platform's: issued and changed by queue commands, replicated to every terminal.
      const counter = await enroll(platform, STATION);
      const command = async (body: Record<string, unknown>) => {
        const r = await counter.req('POST', paths.queueCommands, { commandId: uuidv7(), ...body });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        return r.json.ticket as QueueTicketDoc;
      };
      const ticket = await command({ type: 'issue', category: 'general', priority: 'normal' });
      await eventually(async () => (await b.db.queue_tickets.findOne(ticket.id).exec()) !== null, 15_000, 'ticket on B');
      await eventually(() => appOn(b, app.id), 15_000, 'draft on B');
      await eventually(async () => (await a.db.queue_tickets.findOne(ticket.id).exec()) !== null, 15_000, 'ticket on A');

      // Both go offline and edit the same documents.
      await a.stopSync();
      await b.stopSync();
      await updateForm(a.db, app.id, { formData: { applicantName: '甲', note: 'A' } }, a.salt);
      await updateForm(b.db, app.id, { formData: { applicantName: '甲', note: 'B' } }, b.salt);
      // Meanwhile a counter calls and starts the ticket on the platform.
      expect((await command({ type: 'call_next', window: '1', staffId: 'S001' })).id).toBe(ticket.id);
      await command({ type: 'start', ticketId: ticket.id, window: '1' });
      const offlineApp = await createDraft(b.db, draftInput(b, '乙'), b.salt);
      await submitApplication(b.db, offlineApp.id);

      await a.startSync();
      await a.replication!.awaitInSync();
      await b.startSync();
      await b.replication!.awaitInSync();

      const server = async () => (await platform.store.getDocument('applications', app.id)) as ApplicationDoc;
      await eventually(async () => {
        const [sa, la, lb] = [await server(), await appOn(a, app.id), await appOn(b, app.id)];
        return la && lb && canonicalJson(la.formData) === canonicalJson(sa.formData) && canonicalJson(lb.formData) === canonicalJson(sa.formData);
      }, 20_000, 'application converged');
      expect((await server()).formData).toEqual({ applicantName: '甲', note: 'B' }); // the later push merged over the earlier
      await eventually(async () => {
        const ta = await a.db.queue_tickets.findOne(ticket.id).exec();
        const tb = await b.db.queue_tickets.findOne(ticket.id).exec();
        return ta?.status === 'serving' && tb?.status === 'serving';
      }, 20_000, 'ticket converged');
      expect(((await platform.store.getDocument('queue_tickets', ticket.id)) as { status: string }).status).toBe('serving');
      await eventually(async () => (await appOn(a, offlineApp.id))?.status === 'synced' && (await appOn(b, offlineApp.id))?.status === 'synced', 20_000, 'offline submission synced on both');
      await eventually(async () => (await a.replication!.pendingCount()) === 0 && (await b.replication!.pendingCount()) === 0, 10_000, 'nothing pending');
    });

    test('a back-office status reaches the terminal live (SSE) and after a reconnect', async () => {
      const target = new URL(platform.url);
      const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port) });
      try {
        const a = await newTerminal(proxy.url);
        await a.startSync();
        const app = await createDraft(a.db, draftInput(a, '丙'), a.salt);
        await submitApplication(a.db, app.id);
        await eventually(async () => (await appOn(a, app.id))?.status === 'synced', 15_000, 'synced');
        await eventually(async () => a.feature.state().online, 10_000, 'stream open');

        const t0 = Date.now();
        await admin(platform, paths.adminAction(app.id, 'accept'), { actor: 'op1' });
        const accepted = await eventually(async () => {
          const d = await appOn(a, app.id);
          return d?.status === 'accepted' ? d : null;
        }, 5_000, 'accepted live');
        expect(accepted.acceptanceNo).toMatch(/^360121201-\d{8}-\d{4}$/);
        expect(Date.now() - t0).toBeLessThan(5_000);

        // Network cut: the back office decides meanwhile; the decision arrives after reconnect.
        proxy.set({ kind: 'drop' });
        await eventually(async () => !a.feature.state().online, 10_000, 'offline noticed');
        // Main sends the code; the words are the catalogue's (zh-CN, as the counter shows them).
        const offline = a.feature.state().error!;
        expect(['OFFLINE', 'TIMEOUT']).toContain(offline.code);
        expect(offline.message).toBeUndefined();
        expect(syncErrorText(offline, { t: i18n.global.t, te: i18n.global.te } as Parameters<typeof syncErrorText>[1])).toMatch(/离线|无法连接|超时/);
        await admin(platform, paths.adminAction(app.id, 'approve'), { actor: 'op1', reason: '符合条件' });
        await new Promise((r) => setTimeout(r, 1500));
        expect((await appOn(a, app.id))?.status).toBe('accepted');
        proxy.set({ kind: 'pass' });
        const approved = await eventually(async () => {
          const d = await appOn(a, app.id);
          return d?.status === 'approved' ? d : null;
        }, 20_000, 'approved after reconnect');
        expect(approved.decision?.outcome).toBe('approved');
        // The pull after reconnect may land before the stream reports itself open again.
        await eventually(async () => a.feature.state().online, 10_000, 'online again');
      } finally {
        await proxy.close();
      }
    });

    test('refused documents are quarantined with the reason, never block the rest, and can be fixed and retried', async () => {
      const a = await newTerminal();
      await a.startSync();
      const ok1 = await createDraft(a.db, draftInput(a, '丁'), a.salt);
      await submitApplication(a.db, ok1.id);
      // Claims a 受理号 the platform never gave: PLATFORM_OWNED_FIELD.
      const forged = toLocal('applications', exampleApplication({ status: 'submitted', acceptanceNo: 'FAKE-1', submittedAt: new Date().toISOString() }));
      await a.db.applications.insert(forged as never);
      // 差评 without reasons: INVALID_DOCUMENT (a rule the local schema does not know).
      const badEval = exampleEvaluation({ level: 1, reasons: [] });
      await a.db.evaluations.insert(badEval);
      const goodEval = exampleEvaluation({ level: 5 });
      await a.db.evaluations.insert(goodEval);
      // A wrong ID check digit in the form: FORM_INVALID, with the platform's Chinese reason.
      const badForm = await createDraft(a.db, { ...draftInput(a, '戊'), formData: exampleFormData({ idNumber: '360121194010010025' }) }, a.salt);
      await submitApplication(a.db, badForm.id);

      await eventually(async () => (await listQuarantine(a.db)).length === 3, 15_000, 'three quarantined');
      const q = await listQuarantine(a.db);
      expect(q.map((x) => x.code).sort()).toEqual(['FORM_INVALID', 'INVALID_DOCUMENT', 'PLATFORM_OWNED_FIELD']);
      expect(q.find((x) => x.code === 'INVALID_DOCUMENT')?.message).toMatch(/reasons/);
      // the platform sends the code and the words' parameters (its English stays for logs); the
      // terminal words them from its catalogue: in zh-CN the platform's sentence of before, field list after
      const formRefusal = q.find((x) => x.code === 'FORM_INVALID')!;
      expect(formRefusal).toMatchObject({ params: { total: 1 }, issues: [{ code: 'idChecksum', params: { name: '身份证号' } }] });
      expect(formRefusal.message).toMatch(/^formData does not match .*idNumber \(pattern\)/);
      expect(refusalLine(formRefusal, zhWords)).toBe('表单内容有1处不符合要求：身份证号校验位不正确，请核对后重新输入。请核对修改后重新提交。（字段：idNumber）');
      // the fields travel as data from the platform's issues (transport → bridge → quarantine), with the keyword
      expect(q.find((x) => x.code === 'FORM_INVALID')?.fields).toEqual([{ path: 'idNumber', keyword: 'pattern' }]);
      expect(q.filter((x) => x.code !== 'FORM_INVALID').map((x) => x.fields)).toEqual([[], []]);
      expect(await platform.store.getDocument('applications', badForm.id)).toBeNull();
      // the others went through
      await eventually(async () => (await appOn(a, ok1.id))?.status === 'synced', 15_000, 'good app synced');
      // The evaluations replicate on their own: the good one may still be in its own batch, after the bad one's.
      await eventually(async () => (await platform.store.getDocument('evaluations', goodEval.id)) !== null, 15_000, 'good evaluation on the platform');
      expect(await platform.store.getDocument('evaluations', badEval.id)).toBeNull();
      await eventually(async () => (a.replication!.snapshot().quarantined === 3 ? true : (await a.replication!.pendingCount(), false)), 10_000, 'quarantined count');

      // Fix and retry the evaluation.
      const evKey = q.find((x) => x.code === 'INVALID_DOCUMENT')!.key;
      await editQuarantined(a.db, evKey, { ...badEval, reasons: ['等待时间长'] });
      await retryQuarantined(a.db, evKey);
      await eventually(async () => (await platform.store.getDocument('evaluations', badEval.id)) !== null, 15_000, 'evaluation accepted after retry');
      await eventually(async () => (await listQuarantine(a.db)).length === 2, 10_000, 'released');
      // Fix the form and retry: accepted.
      const formKey = q.find((x) => x.code === 'FORM_INVALID')!.key;
      const refused = q.find((x) => x.code === 'FORM_INVALID')!.doc;
      await editQuarantined(a.db, formKey, { ...refused, formData: exampleFormData({ applicantName: '测试戊' }) });
      await retryQuarantined(a.db, formKey);
      await eventually(async () => ((await platform.store.getDocument('applications', badForm.id)) as ApplicationDoc | null)?.status === 'synced', 15_000, 'fixed form accepted after retry');
      await eventually(async () => (await listQuarantine(a.db)).length === 1, 10_000, 'released');
      // The forged application stays quarantined (retrying it unchanged is refused again).
      const appKey = (await listQuarantine(a.db))[0]!.key;
      await retryQuarantined(a.db, appKey);
      await eventually(async () => (await listQuarantine(a.db))[0]?.state === 'open', 15_000, 'refused again');
      expect((await listQuarantine(a.db))[0]?.attempts).toBe(1);
      expect(await platform.store.getDocument('applications', String(forged.id))).toBeNull();
    });

    test('a FORM_INVALID refusal is corrected in the form (updateForm) and accepted; a refused resubmission after 补正 too', async () => {
      const a = await newTerminal();
      await a.startSync();
      const app = await createDraft(a.db, { ...draftInput(a, '己'), formData: exampleFormData({ bankAccount: '12' }) }, a.salt);
      await submitApplication(a.db, app.id);
      await eventually(async () => !!(await openFormRefusal(a.db, app.id)), 15_000, 'FORM_INVALID quarantined');
      const q = (await openFormRefusal(a.db, app.id))!;
      // What the case detail and the editor read from the real refusal: the stored field (with the
      // validator's keyword, carried from the platform's issues) and the platform's words.
      expect(q.fields).toEqual([{ path: 'bankAccount', keyword: 'pattern' }]);
      expect(refusedFieldsOf(q)).toEqual([{ path: 'bankAccount', keyword: 'pattern' }]);
      expect(refusalText(q)).toMatch(/^表单内容有1处不符合要求/);
      expect(refusalText(q)).not.toContain('字段');
      await updateForm(a.db, app.id, { formData: exampleFormData({ bankAccount: '6217000000000000777' }) }, a.salt);
      await eventually(async () => ((await platform.store.getDocument('applications', app.id)) as ApplicationDoc | null)?.status === 'synced', 15_000, 'corrected application accepted');
      expect(((await platform.store.getDocument('applications', app.id)) as ApplicationDoc).formData.bankAccount).toBe('6217000000000000777');
      await eventually(async () => (await listQuarantine(a.db)).length === 0, 10_000, 'quarantine released');

      // 补正 flags the bank account; the terminal resubmits a still-wrong value, is refused, corrects it.
      await admin(platform, `${paths.adminApplication(app.id)}/accept`);
      await admin(platform, `${paths.adminApplication(app.id)}/supplement`, { reasons: ['银行账号有误'], fields: ['bankAccount'] });
      await eventually(async () => (await appOn(a, app.id))?.status === 'supplement_required', 15_000, '补正 on the terminal');
      expect((await appOn(a, app.id))!.supplement?.fields).toEqual(['bankAccount']);
      await updateForm(a.db, app.id, { formData: exampleFormData({ bankAccount: '34' }) }, a.salt);
      await setTerminalStatus(a.db, app.id, 'resubmitted');
      await eventually(async () => !!(await openFormRefusal(a.db, app.id)), 15_000, 'refused resubmission quarantined');
      expect(((await platform.store.getDocument('applications', app.id)) as ApplicationDoc).status).toBe('supplement_required');
      // The editor saves through saveCorrection: the local status may have fallen back to
      // supplement_required (the platform's state pulled after the refusal) or still be resubmitted.
      await saveCorrection(a.db, app.id, { formData: exampleFormData({ bankAccount: '6217000000000000888' }) }, a.salt);
      await eventually(async () => ((await platform.store.getDocument('applications', app.id)) as ApplicationDoc).status === 'resubmitted', 20_000, 'corrected resubmission accepted');
      expect(((await platform.store.getDocument('applications', app.id)) as ApplicationDoc).formData.bankAccount).toBe('6217000000000000888');
      await eventually(async () => (await listQuarantine(a.db)).length === 0, 15_000, 'quarantine released after the resubmission');
    });

    test('a terminal clock 3 days wrong changes nothing', async () => {
      const fast = await newTerminal();
      const slow = await newTerminal();
      await fast.startSync();
      await slow.startSync();
      const future = new Date(Date.now() + 3 * DAY);
      const past = new Date(Date.now() - 3 * DAY);
      const af = await createDraft(fast.db, draftInput(fast, '未来'), fast.salt, future);
      await submitApplication(fast.db, af.id, future);
      const as = await createDraft(slow.db, draftInput(slow, '过去'), slow.salt, past);
      await submitApplication(slow.db, as.id, past);
      for (const [t, id] of [[fast, af.id], [slow, as.id]] as [Terminal, string][]) {
        await eventually(async () => (await appOn(t, id))?.status === 'synced', 15_000, 'synced despite clock');
        await admin(platform, paths.adminAction(id, 'accept'));
        await eventually(async () => (await appOn(t, id))?.status === 'accepted', 10_000, 'accepted despite clock');
      }
      // Each terminal sees the other's application too (checkpoints are sequences, not clocks).
      await eventually(async () => (await appOn(fast, as.id))?.status === 'accepted' && (await appOn(slow, af.id))?.status === 'accepted', 15_000, 'cross-visible');
      // Edits made later in real time but "earlier" by the slow clock still win as the later write.
      const d2 = await createDraft(slow.db, draftInput(slow, '改前'), slow.salt, past);
      await eventually(() => appOn(fast, d2.id), 15_000, 'draft on fast');
      await updateForm(fast.db, d2.id, { formData: { applicantName: '快钟' } }, fast.salt, future);
      await eventually(async () => (await appOn(slow, d2.id))?.formData.applicantName === '快钟', 15_000, 'fast edit on slow');
      await updateForm(slow.db, d2.id, { formData: { applicantName: '慢钟' } }, slow.salt, past);
      await eventually(async () => (await appOn(fast, d2.id))?.formData.applicantName === '慢钟', 15_000, 'slow edit (later in real time) wins');
    });
  });
}

test.describe('faults: drops, delays, cuts, server restarts', () => {
  test.describe.configure({ timeout: 240_000 });
  test('every submitted application reaches the platform exactly once and every status comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-fault-'));
    let platform = await startPlatform({ dataDir: join(dir, 'pg'), seedDemo: true, heartbeatMs: 500 });
    const port = Number(new URL(platform.url).port);
    const proxy = await startFaultProxy({ host: '127.0.0.1', port });
    const t = await startTerminal({ platformUrl: proxy.url, enrollCode: await platform.createEnrollCode(STATION), backoffMs: 100 });
    try {
      await t.startSync();
      const ids: string[] = [];
      const submitSome = async (k: number) => {
        for (let i = 0; i < k; i++) {
          const d = await createDraft(t.db, draftInput(t, `故障${ids.length}`), t.salt);
          await submitApplication(t.db, d.id);
          ids.push(d.id);
        }
      };
      await submitSome(5);
      proxy.set({ kind: 'delay', ms: 150 });
      await submitSome(5);
      proxy.set({ kind: 'cut', bytes: 300 }); // answers cut after their headers: pushes applied, answers lost
      await submitSome(5);
      await new Promise((r) => setTimeout(r, 1500));
      proxy.set({ kind: 'drop' });
      await submitSome(5);
      await new Promise((r) => setTimeout(r, 800));
      // The server is killed and restarts on the same port with the same database.
      await platform.close();
      proxy.set({ kind: 'pass' });
      await submitSome(5);
      await new Promise((r) => setTimeout(r, 800));
      platform = await startPlatform({ dataDir: join(dir, 'pg'), port, heartbeatMs: 500 });
      proxy.set({ kind: 'cut', bytes: 2000 });
      await submitSome(5);
      await new Promise((r) => setTimeout(r, 1000));
      proxy.set({ kind: 'pass' });

      await eventually(async () => {
        for (const id of ids) if (!(await platform.store.getDocument('applications', id))) return false;
        return true;
      }, 60_000, 'all applications on the server');
      for (const id of ids) {
        const d = (await platform.store.getDocument('applications', id)) as ApplicationDoc;
        // Exactly once: one submission, one receipt (a replay would be "unchanged", never a second entry).
        expect(d.statusHistory.filter((h) => h.status === 'submitted')).toHaveLength(1);
        expect(d.statusHistory.filter((h) => h.status === 'synced')).toHaveLength(1);
      }
      const list = (await platform.store.listApplications({ stationId: STATION, limit: 500 })).filter((a) => ids.includes(a.id));
      expect(list).toHaveLength(ids.length);

      // Every platform status reaches the terminal, again through faults.
      proxy.set({ kind: 'delay', ms: 50 });
      for (const id of ids) await admin(platform, paths.adminAction(id, 'accept'));
      proxy.set({ kind: 'drop' });
      await new Promise((r) => setTimeout(r, 500));
      proxy.set({ kind: 'pass' });
      await eventually(async () => {
        for (const id of ids) if ((await appOn(t, id))?.status !== 'accepted') return false;
        return true;
      }, 60_000, 'all accepted on the terminal');
      await eventually(async () => (await t.replication!.pendingCount()) === 0, 10_000, 'nothing pending');
      expect(await listQuarantine(t.db)).toEqual([]);
      expect(proxy.stats.cut + proxy.stats.dropped).toBeGreaterThan(0);
    } finally {
      await t.close();
      await proxy.close();
      await platform.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
