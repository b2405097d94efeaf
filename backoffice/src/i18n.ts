// vue-i18n with messages compiled at build time (@intlify/unplugin-vue-i18n; the page's CSP has no
// 'unsafe-eval'). Status labels are the staff catalogue of the terminal (renderer/i18n/locales,
// clerk.cases.status), so a status reads the same at the counter and in the back office.
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.json';
import enUS from './locales/en-US.json';
import terminalZh from '../../renderer/i18n/locales/zh-CN.json';
import terminalEn from '../../renderer/i18n/locales/en-US.json';

export type Locale = 'zh-CN' | 'en-US';

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': { ...zhCN, status: terminalZh.clerk.cases.status },
    'en-US': { ...enUS, status: terminalEn.clerk.cases.status },
  },
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}
