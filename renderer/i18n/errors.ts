/**
 * Words for an error that crossed a boundary (a bridge call's envelope, a BridgeError, a device or
 * sync failure): the code and its parameters are looked up in the catalogue (`errors.<code>`), so
 * the text follows the UI language. A Chinese `userMessage` sent by an older main or platform is
 * shown when the catalogue has no entry for the code.
 *
 * Device errors (devices/errors.ts) carry a `variant` param: their words are
 * `errors.device.<code>.<variant>`, else `errors.device.ANY.<variant>` (one text for any code, e.g.
 * a failed link), else `errors.device.<code>.any`; device codes such as TIMEOUT or NOT_FOUND are
 * also other features' codes, hence their own block.
 */
import type { Composer } from 'vue-i18n';
import { isStorageFull } from '../shared/storage-full';

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

/** Catalogue keys are plain names: a code or variant with anything else in it is not looked up. */
const KEY_PART = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Role codes in `role` / `roles` (comma-separated) become the roles' names; a device role code in
 * `device` becomes the device's name (`device.role.<code>`).
 */
export function wordsFor(params: Record<string, string | number>, { t, te }: Words): Record<string, string | number> {
  const roleName = (r: string) => (te(`clerk.roles.${r}`) ? t(`clerk.roles.${r}`) : r);
  const out: Record<string, string | number> = { ...params };
  if (typeof params.role === 'string') out.role = roleName(params.role);
  if (typeof params.roles === 'string') out.roles = params.roles.split(',').filter(Boolean).map(roleName).join(t('errors.or'));
  if (typeof params.device === 'string') out.device = deviceName(params.device, { t, te });
  return out;
}

/** A device role's name (`device.role.<role>`), or the code itself when the catalogue has none. */
export function deviceName(role: string, { t, te }: Words): string {
  return KEY_PART.test(role) && te(`device.role.${role}`) ? t(`device.role.${role}`) : role;
}

/** The catalogue key of a device error's words (see the top of this file), or null when it is not one. */
function deviceErrorKey(code: string, params: Record<string, string | number>, { te }: Words): string | null {
  const variant = params.variant;
  if (typeof variant !== 'string' || !KEY_PART.test(variant) || !KEY_PART.test(code)) return null;
  for (const key of [`errors.device.${code}.${variant}`, `errors.device.ANY.${variant}`, `errors.device.${code}.any`]) if (te(key)) return key;
  return null;
}

/** A finer code for the words (`params.detail`), when one code covers several situations (e.g. NOT_FOUND of what). */
const DETAIL = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * The text for people: a full local disk (`errors.LOCAL_STORAGE_FULL`, an error without a code:
 * IndexedDB's QuotaExceededError); the catalogue's words for the code (a device error's; else
 * `errors.<params.detail>`, else `errors.<code>`) when it has them, else the handler's own text,
 * else `fallback` (the page's own words for "this did not work"), else a generic line with the code.
 */
export function errorText(e: unknown, words: Words, fallback?: string): string {
  // The local store's disk or quota is full: nothing was saved here, and retrying will not help until there is space.
  if (isStorageFull(e) && !errorLike(e)) return words.t('errors.LOCAL_STORAGE_FULL');
  const err = errorLike(e);
  if (!err) return fallback ?? words.t('errors.unknown', { code: 'UNKNOWN' });
  const deviceKey = deviceErrorKey(err.code, err.params ?? {}, words);
  if (deviceKey) return words.t(deviceKey, wordsFor(err.params ?? {}, words));
  const detail = err.params?.detail;
  if (typeof detail === 'string' && DETAIL.test(detail) && words.te(`errors.${detail}`)) return words.t(`errors.${detail}`, wordsFor(err.params ?? {}, words));
  if (KEY_PART.test(err.code) && err.code !== 'device' && words.te(`errors.${err.code}`)) return words.t(`errors.${err.code}`, wordsFor(err.params ?? {}, words));
  if (err.userMessage) return err.userMessage;
  return fallback ?? words.t('errors.unknown', { code: err.code });
}

/** A device status's words (`device.status.<say>`, else the device error words of that code), as the clerk devices page and the dashboard show them. */
export function deviceStatusText(s: { say: string; params?: Record<string, string | number> | undefined }, words: Words): string {
  if (KEY_PART.test(s.say) && words.te(`device.status.${s.say}`)) return words.t(`device.status.${s.say}`, wordsFor(s.params ?? {}, words));
  return errorText({ code: s.say, params: { variant: 'any', ...s.params } }, words);
}
