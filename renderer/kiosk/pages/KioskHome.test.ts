// @vitest-environment happy-dom
/**
 * The kiosk home shows the station's own welcome text and notices (station_config.kioskContent, as
 * synced down), and the built-in welcome before there is any. The terminal store is a stand-in
 * holding station_config documents; blank or garbage notices are left out.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import { createPinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '../../i18n';
import { fakeStation } from '../../db/fixtures';
import type { StationConfigDoc } from '../../../sync/protocol';
import { BehaviorSubject, map } from 'rxjs';

// The station_config collection: its live query emits what is stored now, then each change.
const live = new BehaviorSubject<unknown[]>([]);
vi.mock('../kiosk-store', () => ({
  kioskStore: async () => ({ db: { station_config: { find: () => ({ $: live.pipe(map((list) => list.map((d) => ({ toMutableJSON: () => d })))) }) } } }),
}));

let app: App | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
  document.body.innerHTML = '';
});

async function mountHome(): Promise<HTMLElement> {
  const { default: KioskHome } = await import('./KioskHome.vue');
  const stub = { render: () => h('div') };
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['kiosk-home', 'kiosk-services', 'kiosk-progress', 'kiosk-queue', 'kiosk-evaluation'].map((name) => ({ name, path: `/${name}`, component: name === 'kiosk-home' ? KioskHome : stub })),
  });
  const root = document.createElement('div');
  document.body.append(root);
  app = createApp({ render: () => h(KioskHome) });
  app.use(createPinia()).use(i18n).use(router);
  app.mount(root);
  for (let i = 0; i < 5; i++) await nextTick();
  await new Promise((r) => setTimeout(r, 0));
  await nextTick();
  return root;
}

describe('KioskHome', () => {
  it('shows the station’s welcome text and its notices', async () => {
    live.next([fakeStation({ kioskContent: { welcome: '欢迎来到莲塘镇便民服务中心', notices: ['本周六上午正常办公', '  ', '医保缴费截止12月31日'] } })]);
    const root = await mountHome();
    expect(root.querySelector('[data-testid="kiosk-welcome"]')!.textContent).toBe('欢迎来到莲塘镇便民服务中心');
    const notices = [...root.querySelectorAll('[data-testid="kiosk-notices"] li')].map((li) => li.textContent);
    expect(notices).toEqual(['本周六上午正常办公', '医保缴费截止12月31日']);
    expect(root.querySelector('[data-testid="kiosk-notices"] h2')!.textContent).toBe('通知公告');
  });

  it('before the first sync (or with an empty welcome): the built-in welcome and no notice box', async () => {
    live.next([]);
    let root = await mountHome();
    expect(root.querySelector('[data-testid="kiosk-welcome"]')!.textContent).toBe(i18n.global.t('kiosk.welcome'));
    expect(root.querySelector('[data-testid="kiosk-notices"]')).toBeNull();
    app!.unmount();
    live.next([{ ...fakeStation(), kioskContent: { welcome: ' ', notices: [42, null] } } as unknown as StationConfigDoc]);
    root = await mountHome();
    expect(root.querySelector('[data-testid="kiosk-welcome"]')!.textContent).toBe(i18n.global.t('kiosk.welcome'));
    expect(root.querySelector('[data-testid="kiosk-notices"]')).toBeNull();
  });

  it('shows the content when it arrives by sync after the home screen opened', async () => {
    live.next([]);
    const root = await mountHome();
    expect(root.querySelector('[data-testid="kiosk-notices"]')).toBeNull();
    live.next([fakeStation({ kioskContent: { welcome: '欢迎', notices: ['今天下午停电检修'] } })]);
    await nextTick();
    expect(root.querySelector('[data-testid="kiosk-welcome"]')!.textContent).toBe('欢迎');
    expect(root.querySelector('[data-testid="kiosk-notices"] li')!.textContent).toBe('今天下午停电检修');
  });
});
