/**
 * vue-i18n in Composition API mode. Messages are JSON files precompiled at build time by
 * @intlify/unplugin-vue-i18n (runtime-only build): the strict CSP (no 'unsafe-eval') forbids
 * compiling messages in the page. Never pass message strings that are not in these files.
 */
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.json' with { type: 'json' };
import enUS from './locales/en-US.json' with { type: 'json' };
import { Locale } from '../../preload/contract';

/** The locales are the contract's (main validates `app.setLocale` against the same list). */
export const SUPPORTED_LOCALES = Locale.options;
export type AppLocale = Locale;
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';

/** The shape of every locale file: zh-CN is the reference (the key parity test checks en-US). */
export type MessageSchema = typeof zhCN;

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
  missingWarn: false,
  fallbackWarn: false,
});

export const isAppLocale = (value: unknown): value is AppLocale =>
  typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);

/** Switch the UI language and keep `<html lang>` in step (screen readers, CJK line breaking). */
export function setLocale(locale: AppLocale, doc: Document = document): void {
  i18n.global.locale.value = locale;
  doc.documentElement.lang = locale;
}
