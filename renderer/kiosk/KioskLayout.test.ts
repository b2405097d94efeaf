// @vitest-environment happy-dom
/**
 * The kiosk layout in a DOM: idle countdown overlay, 继续办理, reset to home with the session
 * wiped and elderly mode off. Timers are vitest's fake timers (the machine's browser clock uses
 * the global setTimeout and Date.now).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { RouterView, createMemoryHistory, createRouter, type Router } from 'vue-router';
import { i18n } from '../i18n';
import { routes } from '../router';
import { useAppStore } from '../stores/app';
import { useElderlyStore } from '../stores/elderly';
import { useSessionStore } from '../stores/session';
import { applyElderlyToDocument } from '../shared/elderly';
import type { AppInfo } from '../../preload/contract';

const info: AppInfo = {
  productName: '乡镇便民服务终端',
  version: '0.0.0-test',
  role: 'kiosk',
  host: 'browser',
  demo: true,
  locale: 'zh-CN',
  stationName: '测试镇便民服务中心',
  kiosk: { idleTimeoutSec: 30, countdownSec: 5, elderlyTimeoutFactor: 2 },
};

let app: App;
let router: Router;
let pinia: Pinia;
let root: HTMLElement;

/** Let dynamic imports, router navigation and Vue renders settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    await vi.advanceTimersByTimeAsync(0);
    await nextTick();
  }
}

async function tick(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

const $ = (testid: string): HTMLElement | null => root.querySelector(`[data-testid="${testid}"]`);

beforeEach(async () => {
  vi.useFakeTimers({ shouldAdvanceTime: false });
  sessionStorage.clear();
  applyElderlyToDocument(document, false);
  pinia = createPinia();
  setActivePinia(pinia);
  const appStore = useAppStore();
  appStore.info = info;
  appStore.status = 'ready';
  router = createRouter({ history: createMemoryHistory(), routes });
  root = document.createElement('div');
  document.body.append(root);
  app = createApp({ render: () => h(RouterView) });
  app.use(pinia).use(i18n).use(router);
  await router.push('/kiosk');
  await router.isReady();
  app.mount(root);
  await settle();
});

afterEach(() => {
  app.unmount();
  root.remove();
  vi.useRealTimers();
});

describe('kiosk layout', () => {
  it('renders the home tiles and the station name', () => {
    expect($('kiosk-home')).not.toBeNull();
    for (const tile of ['services', 'progress', 'queue', 'evaluation']) expect($(`kiosk-tile-${tile}`)).not.toBeNull();
    expect($('elderly-toggle')?.getAttribute('aria-pressed')).toBe('false');
    expect($('station-name')?.textContent).toBe('测试镇便民服务中心');
    expect(document.documentElement.classList.contains('kiosk-locked')).toBe(true);
  });

  it('the elderly tile toggles elderly mode (aria-pressed, data-elderly, sessionStorage)', async () => {
    $('elderly-toggle')?.click();
    await settle();
    expect($('elderly-toggle')?.getAttribute('aria-pressed')).toBe('true');
    expect(document.documentElement.dataset.elderly).toBe('true');
    expect(sessionStorage.getItem('terminal.elderly')).toBe('1');
  });

  it('stays quiet on an untouched home screen', async () => {
    await tick(10 * 60_000);
    expect($('idle-overlay')).toBeNull();
  });

  it('away from home: countdown after the idle timeout, 继续办理 returns, then a reset goes home and wipes', async () => {
    const session = useSessionStore();
    session.touch();
    sessionStorage.setItem('terminal.session.step', '2');
    await router.push('/kiosk/queue');
    await settle();
    expect($('kiosk-queue')).not.toBeNull();

    await tick(29_000);
    expect($('idle-overlay')).toBeNull();
    await tick(1_000);
    expect($('idle-overlay')).not.toBeNull();
    expect($('idle-countdown')?.textContent).toContain('5 秒');
    await tick(2_000);
    expect($('idle-countdown')?.textContent).toContain('3 秒');

    $('idle-continue')?.click();
    await settle();
    expect($('idle-overlay')).toBeNull();
    expect(router.currentRoute.value.name).toBe('kiosk-queue');

    // A pointerdown elsewhere during the countdown also keeps the session.
    await tick(30_000);
    expect($('idle-overlay')).not.toBeNull();
    window.dispatchEvent(new Event('pointerdown'));
    await settle();
    expect($('idle-overlay')).toBeNull();

    await tick(30_000 + 5_000);
    expect($('idle-overlay')).toBeNull();
    expect(router.currentRoute.value.name).toBe('kiosk-home');
    expect(session.active).toBe(false);
    expect(sessionStorage.getItem('terminal.session.step')).toBeNull();
  });

  it('elderly mode doubles the timeouts and is switched off by the reset', async () => {
    useElderlyStore().set(true);
    await settle();
    await tick(59_000);
    expect($('idle-overlay')).toBeNull();
    await tick(1_000);
    expect($('idle-countdown')?.textContent).toContain('10 秒');
    await tick(10_000);
    expect($('idle-overlay')).toBeNull();
    expect(useElderlyStore().enabled).toBe(false);
    expect(document.documentElement.dataset.elderly).toBeUndefined();
    expect(sessionStorage.getItem('terminal.elderly')).toBeNull();
  });
});
