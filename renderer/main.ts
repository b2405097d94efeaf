/**
 * Renderer entry. Order matters: elderly mode is applied to <html> before the first paint, the
 * host is asked who we are (`app.info`) before the router decides the first screen, and the app
 * mounts whatever happens (a bridge failure shows the error screen, never a blank page).
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n, isAppLocale, setLocale, DEFAULT_LOCALE } from './i18n';
import { createAppRouter } from './router';
import { useAppStore } from './stores/app';
import { useElderlyStore } from './stores/elderly';
import { log } from './shared/log';
import './shared/styles/base.css';

async function bootstrap(): Promise<void> {
  const pinia = createPinia();
  const app = createApp(App);
  app.use(pinia);
  app.use(i18n);
  useElderlyStore(pinia);

  const appStore = useAppStore(pinia);
  await appStore.load();
  const info = appStore.info;
  setLocale(info && isAppLocale(info.locale) ? info.locale : DEFAULT_LOCALE);
  if (info) document.documentElement.dataset.role = info.role;

  app.config.errorHandler = (error) => {
    log('error', 'renderer.error', { name: error instanceof Error ? error.name : typeof error });
    console.error(error);
  };
  window.addEventListener('unhandledrejection', (event) => {
    const reason: unknown = event.reason;
    log('error', 'renderer.unhandled_rejection', { name: reason instanceof Error ? reason.name : typeof reason });
  });

  const router = createAppRouter();
  app.use(router);
  await router.isReady().catch(() => undefined);
  app.mount('#app');

  if (info) log('info', 'renderer.ready', { role: info.role, host: info.host, demo: info.demo });
  else log('warn', 'renderer.bridge_failed', { code: appStore.error?.code ?? 'UNKNOWN' });
}

void bootstrap();
