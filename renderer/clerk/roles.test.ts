// @vitest-environment happy-dom
/**
 * Role rules in the clerk window (preload/contract/permissions.ts): the menu and the pages a role
 * may open, and the sync centre's repair actions (raw edit, discard) for the station admin only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, h, nextTick, type App } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import ElementPlus from 'element-plus';
import { can, ClerkRole, rolesWith, ROLE_CAPABILITIES } from '../../preload/contract/permissions';
import { i18n } from '../i18n';
import { useSyncStore } from '../stores/sync';
import type { QuarantineDoc } from '../db/schemas';
import SyncStatusPanel from '../sync/SyncStatusPanel.vue';
import { clerkNav, navFor, pathAllowed } from './nav';

describe('capabilities', () => {
  it('counter work for counter and station admin, repair for the station admin; nothing without a role', () => {
    expect(rolesWith('queue.call')).toEqual(['counter', 'station-admin']);
    expect(rolesWith('sync.repair')).toEqual(['station-admin']);
    expect(can(null, 'queue.call')).toBe(false);
    expect(can(undefined, 'sync.repair')).toBe(false);
    // a role string that is not one of ours (e.g. from a newer platform) has nothing
    expect(can('root' as never, 'sync.repair')).toBe(false);
    expect(Object.keys(ROLE_CAPABILITIES).sort()).toEqual([...ClerkRole.options].sort());
  });

  it('站点看板: counter staff and the station admin see it, only the station admin exports it', () => {
    expect(rolesWith('dashboard.view')).toEqual(['counter', 'station-admin']);
    expect(rolesWith('dashboard.export')).toEqual(['station-admin']);
    expect(navFor('assistant').map((e) => e.id)).not.toContain('dashboard');
    expect(navFor('counter').map((e) => e.id)).toContain('dashboard');
    expect(pathAllowed('/clerk/dashboard', 'assistant')).toBe(false);
    expect(pathAllowed('/clerk/dashboard', 'counter')).toBe(true);
  });
});

describe('the clerk menu by role', () => {
  it('hides 叫号 from the assistant, shows it to counter and station admin; every other entry is for everyone', () => {
    const ids = (role: ClerkRole | null) => navFor(role).map((e) => e.id);
    expect(ids('assistant')).toEqual(['new', 'cases', 'seal', 'sync', 'devices', 'settings']);
    expect(ids('counter')).toEqual(clerkNav.map((e) => e.id));
    expect(ids('station-admin')).toEqual(clerkNav.map((e) => e.id));
    expect(ids(null)).not.toContain('calling');
  });

  it('refuses the 叫号 page (and below it) to the assistant by path; other paths are open', () => {
    expect(pathAllowed('/clerk/calling', 'assistant')).toBe(false);
    expect(pathAllowed('/clerk/calling/next', 'assistant')).toBe(false);
    expect(pathAllowed('/clerk/calling', 'counter')).toBe(true);
    expect(pathAllowed('/clerk/cases', 'assistant')).toBe(true);
    expect(pathAllowed('/clerk/callingx', 'assistant')).toBe(true);
    expect(pathAllowed('/clerk', 'assistant')).toBe(true);
  });
});

describe('sync centre repair actions', () => {
  let app: App | null = null;
  afterEach(() => {
    app?.unmount();
    app = null;
    document.body.innerHTML = '';
  });
  const entry: QuarantineDoc = {
    key: 'applications:0190a0b0-0000-7000-8000-000000000001',
    targetCollection: 'applications',
    docId: '0190a0b0-0000-7000-8000-000000000001',
    code: 'FORM_INVALID',
    message: '申请表有 1 处不符合要求',
    at: 1,
    attempts: 0,
    doc: { id: '0190a0b0-0000-7000-8000-000000000001' },
    state: 'open',
    fields: [],
  } as QuarantineDoc;

  async function mount(canRepair: boolean | undefined): Promise<HTMLElement> {
    const pinia = createPinia();
    setActivePinia(pinia);
    useSyncStore().quarantine = [entry];
    const root = document.createElement('div');
    document.body.append(root);
    app = createApp({ render: () => h(SyncStatusPanel, canRepair === undefined ? {} : { canRepair }) });
    app.use(pinia).use(ElementPlus).use(i18n).mount(root);
    await nextTick();
    return root;
  }

  it('offers resend to everyone, but raw edit and discard only with the repair capability', async () => {
    let root = await mount(false);
    expect(root.querySelector('[data-testid="sync-q-retry"]')).not.toBeNull();
    expect(root.querySelector('[data-testid="sync-q-edit"]')).toBeNull();
    expect(root.querySelector('[data-testid="sync-q-dismiss"]')).toBeNull();
    expect(root.querySelector('[data-testid="sync-q-admin-only"]')?.textContent).toContain('仅限站点管理员');
    app!.unmount();

    root = await mount(undefined); // the default is the safe one
    expect(root.querySelector('[data-testid="sync-q-edit"]')).toBeNull();
    app!.unmount();

    root = await mount(true);
    expect(root.querySelector('[data-testid="sync-q-edit"]')).not.toBeNull();
    expect(root.querySelector('[data-testid="sync-q-dismiss"]')).not.toBeNull();
    expect(root.querySelector('[data-testid="sync-q-admin-only"]')).toBeNull();
  });
});
