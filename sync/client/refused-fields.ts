/**
 * The fields of a `FORM_INVALID` refusal, as they travel from the platform's push answer
 * (`rejection.issues[]`) to the terminal's quarantine entry: `{path, keyword}` (what is wrong with
 * each travels beside them as `issues` of code and params, worded by the terminal's catalogue),
 * checked with the protocol's `refusedField` (form paths as the shared validator names them), at
 * most MAX_REFUSED_FIELDS, each path once. A refusal's word parameters are sanitized here too.
 *
 * Every step that receives them from outside (the transport from the platform, the quarantine from
 * the bridge, the migration from old entries) runs `sanitizeRefusedFields`: anything that is not a
 * well-formed entry is dropped, never thrown. Pure (zod + protocol): runs in main and in the renderer.
 */
import {
  MAX_REFUSAL_ISSUES,
  MAX_REFUSAL_PARAMS,
  MAX_REFUSED_FIELDS,
  REFUSAL_ISSUE_CODE_PATTERN,
  REFUSAL_PARAM_MAX_CHARS,
  REFUSAL_PARAM_NAME_PATTERN,
  refusedField,
  type RefusalIssue,
  type RefusalParams,
  type RefusedField,
} from '../protocol/index';

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
 * The parameters of a refusal's words (`rejection.params`, each issue's `params`) as the terminal
 * keeps them: members named like identifiers whose value is a string (cut to
 * REFUSAL_PARAM_MAX_CHARS) or a finite number, at most MAX_REFUSAL_PARAMS; anything else (not an
 * object, other names, other types) is dropped and counted, never thrown. Looks at no more than
 * 100 members of a hostile object; only own enumerable members, read once.
 */
export function sanitizeRefusalParams(input: unknown): { params: RefusalParams; dropped: number } {
  if (input === undefined || input === null) return { params: {}, dropped: 0 };
  if (typeof input !== 'object' || Array.isArray(input)) return { params: {}, dropped: 1 };
  const params: RefusalParams = {};
  const keys = Object.keys(input);
  let dropped = Math.max(0, keys.length - 100);
  for (const key of keys.slice(0, 100)) {
    const value: unknown = (input as Record<string, unknown>)[key];
    const kept = typeof value === 'string' ? value.slice(0, REFUSAL_PARAM_MAX_CHARS) : typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    if (kept === undefined || !REFUSAL_PARAM_NAME_PATTERN.test(key) || Object.keys(params).length >= MAX_REFUSAL_PARAMS) {
      dropped++;
      continue;
    }
    params[key] = kept;
  }
  return { params, dropped };
}

/**
 * The problems of a `FORM_INVALID` refusal as the terminal words them (the platform's
 * `issues[].code` and `params`), in the platform's order, at most MAX_REFUSAL_ISSUES, looking at no
 * more than 1000 entries. An entry with a malformed code, one over the limit, and each malformed
 * parameter are dropped and counted; an entry that is not an object with a `code` (platforms before
 * codes sent Chinese messages instead; garbage) is skipped without a count, as `sanitizeRefusedFields`
 * reads the same list and counts what is malformed in it. A list that is not an array counts once.
 */
export function sanitizeRefusalIssues(input: unknown): { issues: RefusalIssue[]; dropped: number } {
  if (input === undefined || input === null) return { issues: [], dropped: 0 };
  if (!Array.isArray(input)) return { issues: [], dropped: 1 };
  const issues: RefusalIssue[] = [];
  let dropped = 0;
  for (const x of input.slice(0, 1000)) {
    const entry = x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as { code?: unknown; params?: unknown }) : null;
    if (!entry || entry.code === undefined) continue;
    if (typeof entry.code !== 'string' || !REFUSAL_ISSUE_CODE_PATTERN.test(entry.code) || issues.length >= MAX_REFUSAL_ISSUES) {
      dropped++;
      continue;
    }
    const p = sanitizeRefusalParams(entry.params);
    dropped += p.dropped;
    issues.push({ code: entry.code, params: p.params });
  }
  return { issues, dropped };
}
