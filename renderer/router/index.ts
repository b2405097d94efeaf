/**
 * Routes by role. Hash history: the app is loaded from `app://terminal/index.html` in Electron and
 * from the browser host's 127.0.0.1 server, and neither serves deep paths.
 * The role from `app.info` decides which screens a window may show: a kiosk never reaches the clerk
 * screens by editing its URL.
 */
import { createRouter, createWebHashHistory, type RouteMeta, type RouteRecordRaw, type RouteRecordSingleView, type Router } from 'vue-router';
import type { Role } from '../../preload/contract';
import { i18n } from '../i18n';
import { useAppStore } from '../stores/app';

declare module 'vue-router' {
  interface RouteMeta {
    /** The role allowed to show this screen. */
    role?: Role;
    /** i18n key of the page title (document title, headings). */
    titleKey?: string;
    /** Kiosk feature shown by the placeholder page. */
    feature?: 'services' | 'progress' | 'queue' | 'evaluation';
  }
}

const kioskFeature = (path: string, feature: NonNullable<RouteMeta['feature']>, component: RouteRecordSingleView['component']): RouteRecordRaw => ({
  path,
  name: `kiosk-${feature}`,
  component,
  meta: { role: 'kiosk', feature, titleKey: `kiosk.feature.${feature}` },
});

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'root', component: { render: () => null } },
  {
    path: '/kiosk',
    component: () => import('../kiosk/KioskLayout.vue'),
    meta: { role: 'kiosk' },
    children: [
      { path: '', name: 'kiosk-home', component: () => import('../kiosk/pages/KioskHome.vue'), meta: { role: 'kiosk', titleKey: 'kiosk.welcome' } },
      kioskFeature('services', 'services', () => import('../kiosk/pages/KioskServices.vue')),
      kioskFeature('progress', 'progress', () => import('../kiosk/pages/KioskProgress.vue')),
      kioskFeature('queue', 'queue', () => import('../kiosk/pages/KioskQueue.vue')),
      kioskFeature('evaluation', 'evaluation', () => import('../kiosk/pages/KioskEvaluation.vue')),
      { path: 'services/:code', name: 'kiosk-guide', component: () => import('../kiosk/pages/KioskServiceGuide.vue'), meta: { role: 'kiosk', titleKey: 'kiosk.guide.title' } },
      { path: 'identify', name: 'kiosk-identify', component: () => import('../kiosk/pages/KioskIdentify.vue'), meta: { role: 'kiosk', titleKey: 'kiosk.identify.title' } },
      { path: 'apply/:code', name: 'kiosk-apply', component: () => import('../kiosk/pages/KioskApply.vue'), meta: { role: 'kiosk', titleKey: 'kiosk.apply.title' } },
      { path: 'submitted', name: 'kiosk-submitted', component: () => import('../kiosk/pages/KioskSubmitted.vue'), meta: { role: 'kiosk', titleKey: 'kiosk.submitted.title' } },
    ],
  },
  {
    path: '/clerk',
    component: () => import('../clerk/ClerkShell.vue'),
    meta: { role: 'clerk' },
    children: [
      { path: '', name: 'clerk-home', redirect: { name: 'clerk-new' } },
      { path: 'new', name: 'clerk-new', component: () => import('../clerk/pages/NewCasePage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.newCase' } },
      { path: 'cases', name: 'clerk-cases', component: () => import('../clerk/pages/CasesPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.cases' } },
      { path: 'calling', name: 'clerk-calling', component: () => import('../clerk/pages/CallingPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.calling' } },
      { path: 'dashboard', name: 'clerk-dashboard', component: () => import('../clerk/pages/DashboardPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.dashboard' } },
      { path: 'seal', name: 'clerk-seal', component: () => import('../clerk/pages/SealPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.seal' } },
      { path: 'sync', name: 'clerk-sync', component: () => import('../clerk/pages/SyncPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.sync' } },
      { path: 'devices', name: 'clerk-devices', component: () => import('../clerk/pages/DevicesPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.devices' } },
      { path: 'settings', name: 'clerk-settings', component: () => import('../clerk/pages/SettingsPage.vue'), meta: { role: 'clerk', titleKey: 'clerk.nav.settings' } },
    ],
  },
  { path: '/display', name: 'display', component: () => import('../display/DisplayScreen.vue'), meta: { role: 'display', titleKey: 'display.title' } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/** Where a navigation may go, given the window's role (null while unknown: no redirects). */
export function guardTarget(toPath: string, toRole: Role | undefined, role: Role | null, home: string): string | true {
  if (!role) return true;
  if (toPath === '/' || (toRole && toRole !== role)) return home;
  return true;
}

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHashHistory(), routes });

  router.beforeEach((to) => {
    const app = useAppStore();
    const roles = to.matched.map((record) => record.meta.role).filter((r): r is Role => !!r);
    return guardTarget(to.path, roles[roles.length - 1], app.role, app.homePath);
  });

  router.afterEach((to) => {
    const product = i18n.global.t('app.productName');
    const key = to.meta.titleKey;
    document.title = key ? `${i18n.global.t(key)} - ${product}` : product;
  });

  return router;
}
