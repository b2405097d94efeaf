/**
 * The fields of a `FORM_INVALID` refusal, as they travel from the platform's push answer
 * (`rejection.issues[]`) to the terminal's quarantine entry: `{path, keyword}` only (the Chinese
 * messages stay in the reason text), checked with the protocol's `refusedField` (form paths as the
 * shared validator names them), at most MAX_REFUSED_FIELDS, each path once.
 *
 * Every step that receives them from outside (the transport from the platform, the quarantine from
 * the bridge, the migration from old entries) runs `sanitizeRefusedFields`: anything that is not a
 * well-formed entry is dropped, never thrown. Pure (zod + protocol): runs in main and in the renderer.
 */
import { MAX_REFUSED_FIELDS, refusedField, type RefusedField } from '../protocol/index';

/** What the sanitizer kept and how many entries it dropped (for an English log line, never the values). */
export interface SanitizedFields {
  fields: RefusedField[];
  dropped: number;
}

/**
 * Keeps the well-formed `{path, keyword}` entries of `input` (extra members such as the platform's
 * `message` are ignored), first occurrence of each path, at most MAX_REFUSED_FIELDS. Anything else
 * (not an array, not an object, a path that is not a form path, a keyword that is not a keyword) is
 * dropped. Looks at no more than 1000 entries of a hostile array.
 */
export function sanitizeRefusedFields(input: unknown): SanitizedFields {
  if (input === undefined || input === null) return { fields: [], dropped: 0 };
  if (!Array.isArray(input)) return { fields: [], dropped: 1 };
  const fields: RefusedField[] = [];
  let dropped = Math.max(0, input.length - 1000);
  for (const x of input.slice(0, 1000)) {
    const entry = x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as { path?: unknown; keyword?: unknown }) : null;
    const path = entry?.path;
    // A missing keyword is unknown (''); a keyword of another type is garbage.
    const keyword = entry && entry.keyword === undefined ? '' : entry?.keyword;
    const parsed = refusedField.safeParse({ path, keyword });
    if (!parsed.success) {
      dropped++;
      continue;
    }
    if (fields.some((f) => f.path === parsed.data.path)) continue; // the same field twice (two keywords): once
    if (fields.length >= MAX_REFUSED_FIELDS) {
      dropped++;
      continue;
    }
    fields.push(parsed.data);
  }
  return { fields, dropped };
}

/**
 * The field list the reason text ends with, for people (the sync centre shows the reason as it is):
 * `（字段：idNumber、members.0.phone）`, or '' without fields.
 */
export const fieldsSuffix = (fields: readonly RefusedField[]): string => (fields.length ? `（字段：${fields.map((f) => f.path).join('、')}）` : '');

/**
 * The reason text without the field list `fieldsSuffix` appended (the platform's own words). The
 * fields themselves are never read back from the text: they travel and are stored as `fields`.
 */
export function withoutFieldsSuffix(message: string): string {
  const at = message.lastIndexOf('（字段：');
  return at >= 0 && message.endsWith('）') ? message.slice(0, at) : message;
}
