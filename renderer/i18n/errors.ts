/**
 * Words for an error that crossed a boundary (a bridge call's envelope, a BridgeError, a device or
 * sync failure): the code and its parameters are looked up in the catalogue (`errors.<code>`), so
 * the text follows the UI language. Handlers that still send their own Chinese `userMessage` are
 * shown as before until their words move here (scripts/eslint-rules/han-literal-pending.mjs).
 */
import type { Composer } from 'vue-i18n';

export interface ErrorLike {
  code: string;
  params?: Record<string, string | number> | undefined;
  userMessage?: string | undefined;
}

type Words = Pick<Composer, 't' | 'te'>;

/** The error's code, parameters and handler text, from anything a call may throw or answer with. */
export function errorLike(e: unknown): ErrorLike | null {
  if (!e || typeof e !== 'object') return null;
  const o = e as { code?: unknown; params?: unknown; userMessage?: unknown };
  if (typeof o.code !== 'string') return null;
  const params = o.params && typeof o.params === 'object' && !Array.isArray(o.params) ? (o.params as Record<string, string | number>) : undefined;
  return { code: o.code, ...(params ? { params } : {}), ...(typeof o.userMessage === 'string' && o.userMessage ? { userMessage: o.userMessage } : {}) };
}

/** Role codes in `role` / `roles` (comma-separated) become the roles' names. */
function wordsFor(params: Record<string, string | number>, { t, te }: Words): Record<string, string | number> {
  const roleName = (r: string) => (te(`clerk.roles.${r}`) ? t(`clerk.roles.${r}`) : r);
  const out: Record<string, string | number> = { ...params };
  if (typeof params.role === 'string') out.role = roleName(params.role);
  if (typeof params.roles === 'string') out.roles = params.roles.split(',').filter(Boolean).map(roleName).join(t('errors.or'));
  return out;
}

/** A finer code for the words (`params.detail`), when one code covers several situations (e.g. NOT_FOUND of what). */
const DETAIL = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * The text for people: the catalogue's `errors.<params.detail>` or `errors.<code>` when it has one,
 * else the handler's own text, else `fallback` (the page's own words for "this did not work"), else
 * a generic line with the code.
 */
export function errorText(e: unknown, words: Words, fallback?: string): string {
  const err = errorLike(e);
  if (!err) return fallback ?? words.t('errors.unknown', { code: 'UNKNOWN' });
  const detail = err.params?.detail;
  if (typeof detail === 'string' && DETAIL.test(detail) && words.te(`errors.${detail}`)) return words.t(`errors.${detail}`, wordsFor(err.params ?? {}, words));
  if (words.te(`errors.${err.code}`)) return words.t(`errors.${err.code}`, wordsFor(err.params ?? {}, words));
  if (err.userMessage) return err.userMessage;
  return fallback ?? words.t('errors.unknown', { code: err.code });
}
