// @vitest-environment happy-dom
/**
 * The window's store when it cannot open (a full disk, a damaged profile): the failure is kept for
 * the UI (quota vs anything else), logged in English by its class only, forgotten once an open
 * succeeds; a retry opens again; the kiosk and the counter say it in the UI language with a retry.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { i18n } from '../i18n';

const start = vi.fn();
const logged: unknown[][] = [];
vi.mock('../db/terminal-store', () => ({ startTerminalStore: () => start() }));
vi.mock('../shared/log', () => ({ log: (...args: unknown[]) => logged.push(args) }));
vi.mock('./sync', () => ({ useSyncStore: () => ({ init: async () => undefined }) }));

const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await nextTick();
  }
};

let app: App | null = null;
let root: HTMLElement | null = null;
beforeEach(() => {
  vi.resetModules();
  start.mockReset();
  logged.length = 0;
  setActivePinia(createPinia());
});
afterEach(() => {
  app?.unmount();
  app = null;
  root?.remove();
  i18n.global.locale.value = 'zh-CN';
});

const quota = () => Object.assign(new Error('QuotaExceededError: the quota has been exceeded for 居民 320123199001011234'), { name: 'QuotaExceededError' });

describe('windowStore when the store cannot open', () => {
  it('keeps why (quota, then anything else) until an open succeeds; logs the class only; a retry opens again', async () => {
    const { windowStore, storeOpenFailure } = await import('./terminal-store');
    const store = { db: {} };
    start.mockRejectedValueOnce(quota()).mockRejectedValueOnce(new TypeError('Failed to execute transaction on 张三')).mockResolvedValueOnce(store);
    expect(storeOpenFailure.value).toBeNull();
    await expect(windowStore()).rejects.toThrow(/quota/);
    await settle();
    expect(storeOpenFailure.value).toBe('quota');
    await expect(windowStore()).rejects.toThrow(TypeError);
    await settle();
    expect(storeOpenFailure.value).toBe('failed');
    expect(await windowStore()).toBe(store);
    expect(storeOpenFailure.value).toBeNull();
    // Opened once: later uses share it.
    expect(await windowStore()).toBe(store);
    expect(start).toHaveBeenCalledTimes(3);
    // One English line per failure, by class; nothing of the message (names, ID numbers).
    expect(logged).toEqual([
      ['error', 'store.open-failed', { error: 'QuotaExceededError', quota: true }],
      ['error', 'store.open-failed', { error: 'TypeError', quota: false }],
    ]);
    expect(JSON.stringify(logged)).not.toMatch(/居民|张三|3201/);
  });

  it('counts an open that succeeds after a failure (the kiosk remounts its page on it), not a first one', async () => {
    const first = await import('./terminal-store');
    start.mockResolvedValueOnce({ db: {} });
    await first.windowStore();
    expect(first.storeRecoveries.value).toBe(0);
    vi.resetModules();
    const { windowStore, storeRecoveries } = await import('./terminal-store');
    start.mockRejectedValueOnce(quota()).mockRejectedValueOnce(quota()).mockResolvedValueOnce({ db: {} });
    await expect(windowStore()).rejects.toThrow(/quota/);
    await expect(windowStore()).rejects.toThrow(/quota/);
    await settle();
    expect(storeRecoveries.value).toBe(0);
    await windowStore();
    expect(storeRecoveries.value).toBe(1);
    await windowStore();
    expect(storeRecoveries.value).toBe(1);
  });

  it('the notice says it in Chinese (kiosk: go to a window; counter: what to do), in English too, and its retry opens the store', async () => {
    const { windowStore, storeOpenFailure } = await import('./terminal-store');
    const { default: Notice } = await import('../shared/components/StoreFailureNotice.vue');
    start.mockRejectedValueOnce(quota());
    await windowStore().catch(() => undefined);
    await settle();
    expect(storeOpenFailure.value).toBe('quota');
    root = document.createElement('div');
    document.body.append(root);
    app = createApp({ render: () => [h(Notice, { audience: 'kiosk' }), h(Notice, { audience: 'clerk' })] });
    app.use(i18n);
    app.mount(root);
    await settle();
    const notices = [...root.querySelectorAll('[data-testid="store-failure"]')];
    expect(notices.map((n) => n.getAttribute('role'))).toEqual(['alert', 'alert']);
    expect(notices[0]!.textContent).toContain('本机存储空间已满，暂时无法办理业务，请到服务窗口咨询。');
    expect(notices[1]!.textContent).toContain('请清理磁盘空间后重试');
    i18n.global.locale.value = 'en-US';
    await settle();
    expect(notices[0]!.textContent).toContain('Please ask at a service window.');
    i18n.global.locale.value = 'zh-CN';
    // The retry fails differently, then opens.
    start.mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce({ db: {} });
    (root.querySelector('[data-testid="store-failure-retry"]') as HTMLButtonElement).click();
    await settle();
    expect(root.querySelector('[data-testid="store-failure"]')!.textContent).toContain('本机数据暂时无法打开');
    (root.querySelector('[data-testid="store-failure-retry"]') as HTMLButtonElement).click();
    await settle();
    expect(storeOpenFailure.value).toBeNull();
    expect(root.querySelector('[data-testid="store-failure"]')).toBeNull();
    expect(start).toHaveBeenCalledTimes(3);
  });
});
