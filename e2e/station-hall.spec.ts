/**
 * The station as one system, end to end in Debian Chromium (issue 15, first acceptance item): a
 * province (reference platform, demo seed) behind the TCP fault proxy, a station hub as its own
 * process (`npm run platform -- serve --role station`, PGlite in a folder) enrolled upstream and
 * pulled (catalog, station config, staff) before the province is cut, and four browser hosts enrolled
 * with the hub only: the kiosk (emulated ID card reader and printer on socat ptys), counter window 1,
 * counter window 2 and the hall display.
 *
 * With the province cut for the whole hall scenario: residents file at the kiosk (card read) and take
 * tickets (one 70+ by card → elderly priority, two declaring 残疾人优先); the counters call next and the
 * order follows the policy (priorityRatio 2 per window); the display shows each call and each window's
 * number and announces every call (the speech calls are observed: Web Speech where the page has a
 * zh-CN voice, else main's `devices.announce`; each said twice). The hub is SIGKILLed with two tickets
 * at the windows; while it is down the kiosk issues A901 from the block it leased (offline ticket,
 * people ahead unknown, printed); the hub restarts on the same folder and port: no ticket lost, none
 * numbered twice, the offline ticket pushed once and called in age order, the windows' priority
 * streaks kept; the hall goes on (new tickets continue the numbering), every ticket
 * is finished and rated on the counter's screen (好差评 linked to the ticket and its application).
 * Then the province returns: the hub drains everything exactly once, and the province's decisions
 * (受理, 办结 approve) flow back live to the kiosk's 进度查询 page; 查询完毕，退出 wipes the resident's
 * session before the next one puts her card on the reader.
 * Screenshots: test-results/screens/station-*.png. Users' actions are Playwright clicks on the real UI;
 * HTTP calls are only checks (and the province's back office).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { paths, type EvaluationDoc, type QueueTicketDoc } from '../sync/protocol';
import { PlatformClient } from '../sync/client/transport';
import { queueState } from '../sync/client/queue';
import { startPlatform, type Platform } from '../sync/server/platform';
import { startFaultProxy, type FaultProxy } from './sync-fault-proxy';
import { ROOT, startHost, type RunningHost } from './host';
import { startKioskDevices, type KioskDevices } from './kiosk-devices';
import { DEMO_ADMIN, DEMO_COUNTER, seriousViolations, signIn, waitEnrolled } from './clerk-helpers';
import { freePort, hubEnrollCode, hubStatus, killHub, startHubProcess, type HubProcess } from './hub-process';
import { fileKioskApplication } from './kiosk-steps';
import { eventually } from './sync-harness';

const STATION = '360121201';
const STATION_NAME = '南新乡便民服务中心';
const SCREENS = join(ROOT, 'test-results', 'screens');

test.describe.configure({ mode: 'serial', timeout: 1_200_000 });

let province: Platform;
let proxy: FaultProxy;
let hub: HubProcess | null = null;
let hubArgs: string[] = [];
let hubDir: string;
let devices: KioskDevices;
let checker: PlatformClient;
const hosts: Record<'kiosk' | 'counter1' | 'counter2' | 'display', RunningHost | null> = { kiosk: null, counter1: null, counter2: null, display: null };

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, `station-${name}.png`), fullPage: true });
}

/** The province's back office (admin API), as the provincial system decides. */
async function decide(id: string, action: 'accept' | 'approve'): Promise<void> {
  const r = await fetch(`${province.url}${paths.adminAction(id, action)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${province.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ actor: 'e2e-province', ...(action === 'approve' ? { reason: '符合条件，予以办理' } : {}) }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

const byNumber = (a: QueueTicketDoc, b: QueueTicketDoc) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);
const hubTickets = async () => ((await checker.pull('queue_tickets', { seq: 0 }, 500)).documents as unknown as QueueTicketDoc[]).sort(byNumber);
const provinceTickets = async () => (await province.store.pull('queue_tickets', { seq: 0 }, 500, STATION)).documents as unknown as QueueTicketDoc[];

// ---------------------------------------------------------------- speech calls

/**
 * Records every speech call the display makes: Web Speech utterances (the page's own zh-CN voice)
 * and `devices.announce` calls to main (its offline engine) on the browser host's bridge socket.
 * `said()` lists each text as many times as it is to be spoken.
 */
async function recordSpeech(page: Page): Promise<{ said: () => Promise<string[]>; via: () => Promise<string | null> }> {
  await page.addInitScript(() => {
    const w = window as unknown as { __spoken: string[] };
    w.__spoken = [];
    const synth = globalThis.speechSynthesis;
    if (synth) {
      const speak = synth.speak.bind(synth);
      synth.speak = (u: SpeechSynthesisUtterance) => {
        w.__spoken.push(u.text);
        speak(u);
      };
    }
  });
  const viaMain: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      try {
        const m = JSON.parse(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString()) as { type?: string; name?: string; input?: { text?: string; repeat?: number } };
        if (m.type === 'call' && m.name === 'devices.announce' && m.input?.text) for (let i = 0; i <= (m.input.repeat ?? 0); i++) viaMain.push(m.input.text);
      } catch {
        /* not a bridge call */
      }
    }),
  );
  return {
    said: async () => [...(await page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken)), ...viaMain],
    via: () => page.locator('html').getAttribute('data-announce-via'),
  };
}

// ---------------------------------------------------------------- the kiosk, the counters, the display

/** From the kiosk's home: 排队取号, 综合业务 (optionally 残疾人优先 first); returns the number shown, then 完成. */
async function takeTicket(kiosk: Page, opts: { disabled?: boolean; elderlyByCard?: boolean; shotName?: string } = {}): Promise<string> {
  await kiosk.getByTestId('kiosk-tile-queue').click();
  await expect(kiosk.getByTestId('queue-cat-general')).toBeVisible({ timeout: 30_000 });
  await expect(kiosk.getByTestId('queue-ticket')).toHaveCount(0);
  if (opts.elderlyByCard) await expect(kiosk.getByTestId('queue-elderly')).toBeVisible();
  if (opts.disabled) {
    await kiosk.getByTestId('queue-priority-disabled').click();
    await expect(kiosk.getByTestId('queue-priority-disabled')).toHaveAttribute('aria-checked', 'true');
  }
  const printed = await devices.count();
  await kiosk.getByTestId('queue-cat-general').click();
  await expect(kiosk.getByTestId('queue-number')).toHaveText(/^A\d{3}$/, { timeout: 20_000 });
  const number = (await kiosk.getByTestId('queue-number').textContent())!.trim();
  await expect.poll(() => devices.count(), { timeout: 15_000 }).toBeGreaterThan(printed);
  if (opts.shotName) await shot(kiosk, opts.shotName);
  await kiosk.getByTestId('queue-done').click();
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  return number;
}

/** 叫下一位 at a counter: the hub picks the ticket; the counter sees it called. */
async function callNext(counter: Page, expected: string): Promise<void> {
  await expect(counter.getByTestId('calling-current-none')).toBeVisible({ timeout: 30_000 });
  await expect(counter.getByTestId('calling-next')).toBeEnabled({ timeout: 30_000 });
  await counter.getByTestId('calling-next').click();
  await expect(counter.getByTestId('calling-current-number')).toHaveText(expected, { timeout: 20_000 });
  await expect(counter.getByTestId('calling-current-status')).toHaveText('已叫号');
}

/** 开始办理, 办结, and the resident rates on the counter's screen (no evaluator device on these counters). */
async function finishAndRate(counter: Page, number: string, level: 3 | 4 | 5, shotName?: string): Promise<void> {
  await expect(counter.getByTestId('calling-current-number')).toHaveText(number, { timeout: 20_000 });
  await counter.getByTestId('calling-start').click();
  await expect(counter.getByTestId('calling-current-status')).toHaveText('办理中', { timeout: 20_000 });
  await counter.getByTestId('calling-finish').click();
  await expect(counter.getByTestId(`calling-rate-${level}`)).toBeVisible({ timeout: 20_000 });
  if (shotName) await shot(counter, shotName);
  await counter.getByTestId(`calling-rate-${level}`).click();
  await expect(counter.getByTestId('calling-rating-saved')).toBeVisible();
  await counter.getByTestId('calling-rating-close').click();
  await expect(counter.getByTestId('calling-current-none')).toBeVisible({ timeout: 20_000 });
}

/** The display shows the call large, on its window, and each window's current number. */
async function displayShows(display: Page, number: string, window: '1' | '2', otherWindow: string | null): Promise<void> {
  await expect(display.getByTestId('display-current-ticket')).toHaveText(number, { timeout: 20_000 });
  await expect(display.getByTestId('display-current-please')).toHaveText(`请 ${number} 号到 ${window} 号窗口办理`);
  await expect(display.getByTestId(`display-window-${window}`)).toContainText(number);
  const other = window === '1' ? '2' : '1';
  await expect(display.getByTestId(`display-window-${other}`)).toContainText(otherWindow ?? '空闲');
  await expect(display.locator('html')).toHaveAttribute('data-announcement', `请 ${number} 号到 ${window} 号窗口办理`, { timeout: 20_000 });
}

/**
 * The kiosk while the hub PC is down: 取号 goes on from the block of numbers the kiosk leased while the
 * hub answered (A901…, main/queue/leases.ts). The ticket says it was issued offline and that the
 * people ahead cannot be known; it is printed as usual. Returns the numbers issued.
 */
async function kioskWhileHubDown(kiosk: Page): Promise<string[]> {
  await kiosk.getByTestId('kiosk-tile-queue').click();
  await expect(kiosk.getByTestId('queue-hub-offline')).toBeVisible({ timeout: 30_000 });
  await expect(kiosk.getByTestId('queue-ticket')).toHaveCount(0);
  await shot(kiosk, 'kiosk-hub-down');
  const printed = await devices.count();
  await kiosk.getByTestId('queue-cat-general').click();
  await expect(kiosk.getByTestId('queue-number')).toHaveText(/^A9\d\d$/, { timeout: 20_000 });
  const number = (await kiosk.getByTestId('queue-number').textContent())!.trim();
  await expect(kiosk.getByTestId('queue-offline-ticket')).toBeVisible();
  await expect(kiosk.getByTestId('queue-ahead')).toHaveText('前面人数暂无法获取');
  await expect.poll(() => devices.count(), { timeout: 15_000 }).toBeGreaterThan(printed);
  await shot(kiosk, 'kiosk-ticket-hub-down');
  await kiosk.getByTestId('queue-done').click();
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  return [number];
}

// ---------------------------------------------------------------- set-up

test.beforeAll(async () => {
  test.setTimeout(300_000);
  province = await startPlatform({ seedDemo: true, heartbeatMs: 1000 });
  const u = new URL(province.url);
  proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
  hubDir = mkdtempSync(join(tmpdir(), 'station-hall-hub-'));
  hubArgs = ['--upstream', proxy.url, '--data-dir', hubDir, '--port', String(await freePort())];
  hub = await startHubProcess([...hubArgs, '--enroll-code', await province.createEnrollCode(STATION)]);
  // A terminal identity for the checks only (reads at the hub over the same API the terminals use).
  checker = new PlatformClient({ baseUrl: hub.url, timeoutMs: 10_000 });
  checker.token = (await checker.enroll(await hubEnrollCode(hub.url, STATION), 'e2e checker')).token;
  // The hub has pulled what the hall needs from the province before the cut.
  const items = await province.store.countDocuments('service_items');
  await eventually(async () => (await checker.pull('service_items', { seq: 0 }, 1000)).documents.length === items, 120_000, 'the hub pulled the catalog');
  await eventually(async () => (await checker.pull('station_config', { seq: 0 }, 10)).documents.length >= 1, 60_000, 'the hub pulled the station config');
  await eventually(async () => (await checker.pull('staff', { seq: 0 }, 100)).documents.length >= 2, 60_000, 'the hub pulled the staff');
  await eventually(async () => (await checker.pull('form_schemas', { seq: 0 }, 1000)).documents.length > 0, 60_000, 'the hub pulled the forms');

  // The province is cut from here on; the terminals know only the hub.
  proxy.set({ kind: 'drop' });
  await eventually(async () => (await hubStatus(hub!.url)).upstream?.reachable === false, 60_000, 'the hub sees the cut');

  devices = await startKioskDevices();
  const enrolled = async (role: 'kiosk' | 'clerk' | 'display', extra: Record<string, unknown> = {}) =>
    startHost({ role, config: { role, stationName: STATION_NAME, platform: { url: hub!.url, enrollCode: await hubEnrollCode(hub!.url, STATION) }, ...extra } });
  hosts.kiosk = await enrolled('kiosk', { devices: devices.config, kiosk: { idleTimeoutSec: 600 } });
  hosts.counter1 = await enrolled('clerk', { queue: { window: '1' } });
  hosts.counter2 = await enrolled('clerk', { queue: { window: '2' } });
  hosts.display = await enrolled('display');
});

test.afterAll(async () => {
  for (const h of Object.values(hosts)) await h?.stop();
  await devices?.stop();
  if (hub) await killHub(hub, 'SIGTERM');
  await proxy?.close();
  await province?.close();
  if (hubDir) rmSync(hubDir, { recursive: true, force: true });
});

async function openPages(browser: Browser) {
  const page = async (url: string, viewport = { width: 1280, height: 900 }) => {
    const p = await (await browser.newContext({ viewport })).newPage();
    return { p, url };
  };
  const display = await page(hosts.display!.url, { width: 1920, height: 1080 });
  const speech = await recordSpeech(display.p);
  await display.p.goto(display.url);
  const kiosk = await page(hosts.kiosk!.url);
  await kiosk.p.goto(kiosk.url);
  const counter1 = await page(hosts.counter1!.url);
  await counter1.p.goto(counter1.url);
  const counter2 = await page(hosts.counter2!.url);
  await counter2.p.goto(counter2.url);
  return { display: display.p, kiosk: kiosk.p, counter1: counter1.p, counter2: counter2.p, speech };
}

test('the hall through one hub: province cut throughout, hub SIGKILLed mid-scenario, then the province returns', async ({ browser }) => {
  const { display, kiosk, counter1, counter2, speech } = await openPages(browser);
  const calls: string[] = [];
  const called = (number: string, window: '1' | '2') => calls.push(`请 ${number} 号到 ${window} 号窗口办理`);

  // ---- The hall opens during the cut: live, empty, no sample data.
  await waitEnrolled(display);
  await expect(display.getByTestId('display-current-none')).toHaveText('暂无叫号', { timeout: 30_000 });
  await expect(display.getByTestId('display-windows').locator('li')).toHaveCount(2);
  await expect(display.getByText('示例数据')).toHaveCount(0);
  await shot(display, 'display-empty');

  for (const [counter, who, window] of [[counter1, DEMO_COUNTER, '1'], [counter2, DEMO_ADMIN, '2']] as const) {
    await signIn(counter, who);
    await counter.getByTestId('clerk-nav-calling').click();
    await expect(counter.getByTestId('calling-next')).toBeEnabled({ timeout: 30_000 });
    await expect(counter.getByTestId('calling-window')).toContainText(`${window}号窗口`);
  }

  // ---- Residents at the kiosk (the province unreachable all along).
  await waitEnrolled(kiosk);
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  // 1: 王建国 files 城乡居民参保登记 with his card, then takes a ticket for it (linked to the application).
  const app1 = await fileKioskApplication(kiosk, devices, 'resident');
  await shot(kiosk, 'kiosk-filed-during-cut');
  await kiosk.getByTestId('submitted-progress').click();
  await expect(kiosk.getByTestId(`progress-${app1}`)).toHaveAttribute('data-status', 'submitted');
  await kiosk.getByTestId('kiosk-back-home').click();
  const t1 = await takeTicket(kiosk, { shotName: 'kiosk-ticket-1' });
  // 2: someone takes a ticket without a card.
  const t2 = await takeTicket(kiosk);
  // 3: 雷𠈌英 (born 1952: 70+ by the card) files in 长者模式, then takes a ticket: elderly priority.
  const app2 = await fileKioskApplication(kiosk, devices, 'resident-long-term', { elderly: true });
  await kiosk.getByTestId('submitted-progress').click();
  await expect(kiosk.getByTestId(`progress-${app2}`)).toHaveAttribute('data-status', 'submitted');
  await kiosk.getByTestId('kiosk-back-home').click();
  const t3 = await takeTicket(kiosk, { elderlyByCard: true, shotName: 'kiosk-ticket-elderly' });
  // 4, 5: two residents declare 残疾人优先.
  const t4 = await takeTicket(kiosk, { disabled: true });
  const t5 = await takeTicket(kiosk, { disabled: true });
  expect([t1, t2, t3, t4, t5]).toEqual(['A001', 'A002', 'A003', 'A004', 'A005']);
  await expect(display.getByTestId('display-waiting-general')).toContainText('5 人', { timeout: 20_000 });
  await expect(counter1.getByTestId('calling-waiting-general')).toHaveText('5', { timeout: 20_000 });
  const issued = await hubTickets();
  expect(issued.map((t) => [t.number, t.priority, t.applicationId])).toEqual([
    ['A001', 'normal', app1],
    ['A002', 'normal', null],
    ['A003', 'elderly', app2],
    ['A004', 'disabled', null],
    ['A005', 'disabled', null],
  ]);

  // ---- The counters call: priority first (per window, at most 2 in a row while an ordinary ticket waits).
  await callNext(counter1, 'A003');
  called('A003', '1');
  await displayShows(display, 'A003', '1', null);
  await callNext(counter2, 'A004');
  called('A004', '2');
  await displayShows(display, 'A004', '2', 'A003');
  await shot(counter2, 'counter2-called');
  await shot(display, 'display-two-windows');
  const beforeKill = await queueState(checker);

  // ---- The hub PC loses power (SIGKILL) with two tickets at the windows and three waiting.
  await killHub(hub!, 'SIGKILL');
  const leased = await kioskWhileHubDown(kiosk);
  await expect(counter1.getByTestId('calling-stale')).toBeVisible({ timeout: 30_000 });
  await shot(counter1, 'counter1-hub-down');
  await expect(display.getByTestId('display-error')).toBeVisible({ timeout: 30_000 });
  await shot(display, 'display-hub-down');

  // Restarted on the same folder and port (no code: its enrollment is in its database), the province still cut.
  hub = await startHubProcess(hubArgs);
  expect(leased).toEqual(['A901']);
  // The kiosk pushes its offline ticket once the hub answers again (its outbox, main/queue/leases.ts).
  const ticketsAfter = await eventually(async () => {
    const t = await hubTickets();
    return t.length === 6 ? t : null;
  }, 90_000, 'the offline ticket reached the restarted hub');
  expect(ticketsAfter.map((t) => t.number).sort()).toEqual(['A001', 'A002', 'A003', 'A004', 'A005', ...leased].sort());
  expect(ticketsAfter.find((t) => t.number === 'A901')).toMatchObject({ leased: true, status: 'waiting', priority: 'normal' });
  const afterRestart = await queueState(checker);
  expect(afterRestart.windows.map((w) => [w.id, w.current?.number ?? null, w.current?.status ?? null])).toEqual([
    ['1', 'A003', 'called'],
    ['2', 'A004', 'called'],
  ]);
  // The line kept everyone who waited, plus the ticket issued while the hub was down.
  expect(afterRestart.waitingTickets.map((w) => w.number).sort()).toEqual([...beforeKill.waitingTickets.map((w) => w.number), 'A901'].sort());
  await expect(display.getByTestId('display-error')).toHaveCount(0, { timeout: 30_000 });
  await expect(counter1.getByTestId('calling-stale')).toHaveCount(0, { timeout: 30_000 });

  // The hall goes on: the numbering continues (never A001 again).
  const t6 = await takeTicket(kiosk, { disabled: true });
  const t7 = await takeTicket(kiosk, { shotName: 'kiosk-ticket-after-restart' });
  expect([t6, t7]).toEqual(['A006', 'A007']);

  // Window 1 (one priority call in its streak before the kill): A005 (2nd in a row), then the oldest
  // ordinary A001 although A006 (priority) waits; window 2 likewise: A006, then A002; then the
  // ordinary ones by age: A901 (taken while the hub was down), A007.
  await finishAndRate(counter1, 'A003', 5, 'counter1-rating');
  await callNext(counter1, 'A005');
  called('A005', '1');
  await displayShows(display, 'A005', '1', 'A004');
  await finishAndRate(counter1, 'A005', 4);
  await callNext(counter1, 'A001');
  called('A001', '1');
  await displayShows(display, 'A001', '1', 'A004');
  await finishAndRate(counter2, 'A004', 5);
  await callNext(counter2, 'A006');
  called('A006', '2');
  await displayShows(display, 'A006', '2', 'A001');
  await finishAndRate(counter2, 'A006', 3);
  await callNext(counter2, 'A002');
  called('A002', '2');
  await displayShows(display, 'A002', '2', 'A001');
  await finishAndRate(counter1, 'A001', 5);
  await callNext(counter1, 'A901');
  called('A901', '1');
  await displayShows(display, 'A901', '1', 'A002');
  await shot(display, 'display-after-restart');
  await finishAndRate(counter2, 'A002', 4);
  await callNext(counter2, 'A007');
  called('A007', '2');
  await displayShows(display, 'A007', '2', 'A901');
  await finishAndRate(counter1, 'A901', 4);
  await finishAndRate(counter2, 'A007', 5);
  await expect(display.getByTestId('display-window-1')).toContainText('空闲', { timeout: 20_000 });
  await expect(display.getByTestId('display-window-2')).toContainText('空闲', { timeout: 20_000 });
  await expect(display.getByText('示例数据')).toHaveCount(0);

  // Every call announced once, in order, each said twice ("repeated once"); nothing announced again after the restart.
  await expect.poll(async () => (await speech.said()).length, { timeout: 30_000 }).toBe(calls.length * 2);
  expect(await speech.said()).toEqual(calls.flatMap((c) => [c, c]));
  const via = await speech.via();
  expect(['web-speech', 'main']).toContain(via);
  console.log(`station hall: ${calls.length} calls announced via ${via === 'main' ? "main's offline engine (devices.announce)" : 'Web Speech'}`);
  expect(await display.locator('html').getAttribute('data-announcement-count')).toBe(String(calls.length));

  // ---- All at the hub, nothing at the province yet.
  const done = await hubTickets();
  expect(done).toHaveLength(8);
  expect(new Set(done.map((t) => t.number)).size).toBe(8);
  expect(done.every((t) => t.status === 'done')).toBe(true);
  await eventually(async () => {
    const s = await hubStatus(hub!.url);
    return s.upstream?.reachable === false && s.upstream.pending.applications === 2 && s.upstream.pending.queue_tickets === 8 && s.upstream.pending.evaluations === 8 ? s : null;
  }, 120_000, 'the hub holds the hall\'s work for the province');
  for (const id of [app1, app2]) expect(await province.store.getDocument('applications', id)).toBeNull();
  expect(await provinceTickets()).toEqual([]);

  // ---- The province returns: the hub drains everything exactly once.
  proxy.set({ kind: 'pass' });
  const drained = await eventually(async () => {
    const s = await hubStatus(hub!.url);
    return s.upstream?.reachable && Object.values(s.upstream.pending).every((n) => n === 0) ? s : null;
  }, 180_000, 'the hub drained after the province returned');
  expect(drained.upstream!.rejectedCount).toBe(0);
  const apps = (await province.store.listApplications({ stationId: STATION, limit: 500 })).filter((a) => a.id === app1 || a.id === app2);
  expect(apps.map((a) => a.id).sort()).toEqual([app1, app2].sort());
  for (const a of apps) expect(a.statusHistory.filter((h) => h.status === 'synced')).toHaveLength(1);
  const up = await provinceTickets();
  expect(up.map((t) => [t.number, t.status, t.window, t.priority]).sort()).toEqual(
    [
      ['A001', 'done', '1', 'normal'],
      ['A002', 'done', '2', 'normal'],
      ['A003', 'done', '1', 'elderly'],
      ['A004', 'done', '2', 'disabled'],
      ['A005', 'done', '1', 'disabled'],
      ['A006', 'done', '2', 'disabled'],
      ['A007', 'done', '2', 'normal'],
      ['A901', 'done', '1', 'normal'],
    ].sort(),
  );
  expect(up.find((t) => t.number === 'A003')).toMatchObject({ staffId: DEMO_COUNTER.id, applicationId: app2 });
  expect(up.find((t) => t.number === 'A004')).toMatchObject({ staffId: DEMO_ADMIN.id });
  const evaluations = ((await province.store.pull('evaluations', { seq: 0 }, 500, STATION)).documents as unknown as EvaluationDoc[]).filter((e) => up.some((t) => t.id === e.ticketId));
  expect(evaluations).toHaveLength(8);
  const rated = (n: string) => evaluations.find((e) => e.ticketId === up.find((t) => t.number === n)!.id);
  expect(rated('A001')).toMatchObject({ level: 5, applicationId: app1, channel: 'counter_device', staffId: DEMO_COUNTER.id });
  expect(rated('A003')).toMatchObject({ level: 5, applicationId: app2, channel: 'counter_device', staffId: DEMO_COUNTER.id });
  expect(rated('A006')).toMatchObject({ level: 3, applicationId: null, staffId: DEMO_ADMIN.id });

  // ---- Status flows back down to the kiosk, live: 王建国 checks his progress with his card.
  await kiosk.getByTestId('kiosk-tile-progress').click();
  await expect(kiosk.getByTestId('kiosk-progress')).toBeVisible();
  await devices.present('resident');
  const row = kiosk.getByTestId(`progress-${app1}`);
  await expect(row).toHaveAttribute('data-status', 'synced', { timeout: 60_000 });
  await devices.remove();
  await decide(app1, 'accept');
  await expect(row).toHaveAttribute('data-status', 'accepted', { timeout: 60_000 });
  await expect(row.getByTestId('progress-acceptance')).toContainText(STATION);
  await shot(kiosk, 'kiosk-progress-accepted');
  await decide(app1, 'approve');
  await expect(row).toHaveAttribute('data-status', 'approved', { timeout: 60_000 });
  await shot(kiosk, 'kiosk-progress-approved');
  expect(await seriousViolations(kiosk)).toEqual([]);
  // 王建国 is done: 查询完毕，退出 wipes his session; the next person at the screen sees nothing of it.
  await kiosk.getByTestId('progress-done').click();
  await expect(kiosk.getByTestId('kiosk-home')).toBeVisible();
  expect(await kiosk.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('terminal.session.')))).toEqual([]);
  await kiosk.getByTestId('kiosk-tile-progress').click();
  await expect(kiosk.getByTestId('progress-scan')).toBeVisible();
  await expect(kiosk.getByTestId(`progress-${app1}`)).toHaveCount(0);
  // Next, 雷𠈌英 puts her card on the reader: her application, 受理 by the province meanwhile.
  await decide(app2, 'accept');
  await devices.present('resident-long-term');
  await expect(kiosk.getByTestId(`progress-${app2}`)).toHaveAttribute('data-status', 'accepted', { timeout: 60_000 });
  await expect(kiosk.getByTestId(`progress-${app1}`)).toHaveCount(0);
  await devices.remove();
  // Nothing went up twice after the decisions either.
  expect((await province.store.listApplications({ stationId: STATION, limit: 500 })).filter((a) => a.id === app1 || a.id === app2)).toHaveLength(2);
  expect((await provinceTickets()).length).toBe(8);
  await shot(display, 'display-end');
});
