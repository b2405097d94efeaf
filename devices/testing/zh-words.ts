/**
 * Tests only: the zh-CN words the renderer shows for a device error or status, read straight from the
 * catalogue (renderer/i18n/locales/zh-CN.json; devices/ may not import renderer/ code). The lookup is
 * the one of renderer/i18n/errors.ts (errorText / deviceStatusText), whose own tests check it against
 * vue-i18n; here it lets device tests assert the same words they asserted before the words moved.
 */
import { readFileSync } from 'node:fs';

type Tree = { [key: string]: string | Tree };
const zh = JSON.parse(readFileSync(new URL('../../renderer/i18n/locales/zh-CN.json', import.meta.url), 'utf8')) as Tree;

function at(path: string): string | undefined {
  let node: string | Tree | undefined = zh;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

function fill(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (k === 'device' && typeof v === 'string') return at(`device.role.${v}`) ?? v;
    return v === undefined ? `{${k}}` : String(v);
  });
}

/** The zh-CN text at a catalogue key (e.g. `clerk.calling.levels.5`); throws when there is none. */
export function zhWords(key: string): string {
  const text = at(key);
  if (text === undefined) throw new Error(`no zh-CN words at ${key}`);
  return text;
}

/** The zh-CN words of a device error (`{ code, params }` as it travels); throws when there are none. */
export function zhErrorWords(e: { code: string; params?: Record<string, string | number> | undefined }): string {
  const params = e.params ?? {};
  const variant = String(params.variant);
  for (const key of [`errors.device.${e.code}.${variant}`, `errors.device.ANY.${variant}`, `errors.device.${e.code}.any`]) {
    const text = at(key);
    if (text !== undefined) return fill(text, params);
  }
  throw new Error(`no zh-CN words for device error ${e.code} (variant ${variant})`);
}

/** The zh-CN words of a device status (`device.status.<say>`, else its error words). */
export function zhStatusWords(s: { say: string; params?: Record<string, string | number> | undefined }): string {
  const text = at(`device.status.${s.say}`);
  return text !== undefined ? fill(text, s.params ?? {}) : zhErrorWords({ code: s.say, params: { variant: 'any', ...s.params } });
}
