// Hash history: every screen is /admin/#/…, so the platform serves one index.html and needs no
// fallback route. Screens check the roles only to hide what the server would refuse anyway.
import { createRouter, createWebHashHistory } from 'vue-router';
import { api, officer, type SignedInOfficer } from './api';
import type { OfficerRole } from '../../sync/protocol/backoffice';

declare module 'vue-router' {
  interface RouteMeta {
    roles?: OfficerRole[];
    public?: boolean;
  }
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/queue' },
    { path: '/sign-in', name: 'sign-in', component: () => import('./views/SignIn.vue'), meta: { public: true } },
    { path: '/queue', name: 'queue', component: () => import('./views/Queue.vue') },
    { path: '/applications/:id', name: 'application', component: () => import('./views/ApplicationView.vue'), props: true },
    { path: '/dashboard', name: 'dashboard', component: () => import('./views/Dashboard.vue') },
    { path: '/stations', name: 'stations', component: () => import('./views/Stations.vue'), meta: { roles: ['admin'] } },
    { path: '/officers', name: 'officers', component: () => import('./views/Officers.vue'), meta: { roles: ['admin'] } },
    { path: '/audit', name: 'audit', component: () => import('./views/Audit.vue'), meta: { roles: ['admin'] } },
    { path: '/:rest(.*)', redirect: '/queue' },
  ],
});

router.beforeEach(async (to) => {
  if (officer.value === undefined) {
    officer.value = await api<{ officer: SignedInOfficer | null }>('GET', '/session').then(
      (r) => r.officer,
      () => null,
    );
  }
  if (to.meta.public) return officer.value ? { name: 'queue' } : true;
  if (!officer.value) return { name: 'sign-in', query: to.fullPath !== '/queue' ? { next: to.fullPath } : {} };
  if (to.meta.roles && !to.meta.roles.some((r) => officer.value!.roles.includes(r))) return { name: 'queue' };
  return true;
});

/**
 * A screen's code is loaded when first shown. If that load fails (a network hiccup, a platform just
 * updated to new file names), the router's navigation fails and the officer would stay on the old
 * screen with nothing said: load the page afresh at the screen asked for, once per minute at most
 * (a second failure in that time stays where it is rather than loop).
 */
const RELOADED_KEY = 'bo-chunk-reload-at';
function isChunkLoadError(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported|Unable to preload CSS/i.test(m);
}
router.onError((e, to) => {
  if (!isChunkLoadError(e)) return;
  const last = Number(sessionStorage.getItem(RELOADED_KEY) ?? 0);
  if (Date.now() - last < 60_000) return;
  sessionStorage.setItem(RELOADED_KEY, String(Date.now()));
  window.location.assign(router.resolve(to).href);
  window.location.reload();
});

