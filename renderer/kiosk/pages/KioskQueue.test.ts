// @vitest-environment happy-dom
/**
 * 排队取号 while the station hub is down: the page lists what the kiosk can still issue (its leased
 * numbers, `queue.offline`), says the hub is offline, shows and prints the offline ticket with the
 * people ahead unknown (never a made-up count), and sends the resident to the window when no leased
 * number is left. The bridge (main) is the one thing faked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, type App } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { RouterView, createMemoryHistory, createRouter } from 'vue-router';
import { exampleQueueTicket } from '../../../sync/protocol';
import type { TerminalBridge } from '../../../preload/contract';
import type { QueueOfflineStatus } from '../../../preload/contract/queue-calls';
import { i18n } from '../../i18n';
import { useAppStore } from '../../stores/app';
import KioskQueue from './KioskQueue.vue';

const UNREACHABLE = { code: 'QUEUE_UNREACHABLE', message: 'hub unreachable: GET /api/v1/queue/state: connect ECONNREFUSED' };

function fakeBridge(status: QueueOfflineStatus) {
  const calls: { name: string; input: unknown }[] = [];
  const ticket = exampleQueueTicket({ number: 'A004', leased: true });
  const bridge: TerminalBridge = {
    kind: 'browser',
    async invoke(name, input) {
      calls.push({ name, input });
      if (name === 'queue.state') return { ok: false, error: UNREACHABLE };
      if (name === 'queue.offline') return { ok: true, value: status };
      if (name === 'queue.issue') return { ok: true, value: { ticket, offline: true } };
      if (name === 'devices.printTicket') return { ok: true, value: { ok: true } };
      return { ok: true, value: null };
    },
    on: () => () => undefined,
  };
  return { bridge, calls, ticket };
}

const status = (remaining: number): QueueOfflineStatus => ({
  timeZone: 'Asia/Shanghai',
  stationDay: '2026-12-05',
  categories: [
    { code: 'general', name: '综合业务', prefix: 'A', remaining },
    { code: 'civil', name: '民政救助', prefix: 'C', remaining: 0 },
  ],
  pending: 0,
  refused: [],
  lastContactAt: null,
  enabled: true,
});

let app: App | null = null;
let root: HTMLElement;
const $ = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);

async function mount(bridge: TerminalBridge): Promise<void> {
  (window as { terminal?: TerminalBridge }).terminal = bridge;
  const pinia = createPinia();
  setActivePinia(pinia);
  const store = useAppStore();
  store.info = { productName: 't', version: '0', role: 'kiosk', host: 'browser', demo: false, locale: 'zh-CN', stationName: '测试镇便民服务中心', kiosk: { idleTimeoutSec: 30, countdownSec: 5, elderlyTimeoutFactor: 2 } };
  store.status = 'ready';
  const stub = { render: () => h('div') };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'kiosk-home', component: stub },
      { path: '/identify', name: 'kiosk-identify', component: stub },
      { path: '/queue', name: 'kiosk-queue', component: KioskQueue },
    ],
  });
  await router.push('/queue');
  await router.isReady();
  root = document.createElement('div');
  document.body.append(root);
  app = createApp({ render: () => h(RouterView) });
  app.use(pinia).use(i18n).use(router);
  app.mount(root);
}

beforeEach(() => {
  i18n.global.locale.value = 'zh-CN';
});
afterEach(() => {
  app?.unmount();
  app = null;
  root?.remove();
  delete (window as { terminal?: TerminalBridge }).terminal;
});

describe('KioskQueue with the hub down', () => {
  it('issues from the leased numbers, says the hub is offline and that people ahead are unknown, prints that', async () => {
    const f = fakeBridge(status(3));
    await mount(f.bridge);
    await vi.waitFor(() => expect($('queue-hub-offline')?.textContent).toContain('服务站主机暂时离线'));
    expect($('queue-offline')).toBeNull();
    expect($('queue-cat-general')?.textContent).toContain('本机还可取 3 个号');
    expect(($('queue-cat-civil') as HTMLButtonElement).disabled).toBe(true);
    $('queue-cat-general')!.click();
    await vi.waitFor(() => expect($('queue-number')?.textContent).toBe('A004'));
    expect($('queue-offline-ticket')?.textContent).toBe('服务站主机暂时离线：您的号已取好，叫号时请留意大屏；前面人数暂无法获取。');
    expect($('queue-ahead')?.textContent).toBe('前面人数暂无法获取');
    expect($('queue-wait')).toBeNull();
    await vi.waitFor(() => expect(f.calls.some((c) => c.name === 'devices.printTicket')).toBe(true));
    const printed = f.calls.find((c) => c.name === 'devices.printTicket')!.input as Record<string, unknown>;
    expect(printed).toMatchObject({ ticketNumber: 'A004', waitingCount: null, notice: '服务站主机离线时取号，请留意大屏叫号' });
    expect(f.calls.find((c) => c.name === 'queue.issue')!.input).toMatchObject({ category: 'general', priority: 'normal' });
  });

  it('sends the resident to the window when no leased number is left', async () => {
    await mount(fakeBridge(status(0)).bridge);
    await vi.waitFor(() => expect($('queue-offline-exhausted')?.textContent).toContain('请直接到窗口'));
    expect($('queue-cat-general')).toBeNull();
  });

  it('a terminal without leases says it cannot issue (no categories invented)', async () => {
    await mount(fakeBridge({ ...status(0), categories: [], enabled: false }).bridge);
    await vi.waitFor(() => expect($('queue-offline')?.textContent).toBe('暂时连不上服务站的排队叫号服务（服务站主机或网络故障），请稍后再试，或直接到窗口咨询工作人员。'));
    expect($('queue-hub-offline')).toBeNull();
  });

  it('speaks English when the kiosk is switched to it', async () => {
    i18n.global.locale.value = 'en-US';
    await mount(fakeBridge(status(2)).bridge);
    await vi.waitFor(() => expect($('queue-hub-offline')?.textContent).toContain('offline'));
    expect($('queue-cat-general')?.textContent).toContain('2 numbers left on this kiosk');
  });
});
