// An API failure as the officer reads it: Chinese (or English) by error code, never the server's English text.
import { ApiError } from './api';
import { i18n } from './i18n';

export function errorText(e: unknown): string {
  const t = i18n.global.t as (key: string) => string;
  const te = i18n.global.te as (key: string) => boolean;
  const code = e instanceof ApiError ? e.code : 'unknown';
  return te(`errors.${code}`) ? t(`errors.${code}`) : t('errors.unknown');
}
