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
