// Canonical JSON: sorted keys, no whitespace. Both sides use it to compare document states.

/** Fields RxDB adds locally; never part of the replicated state. */
export const LOCAL_ONLY_FIELDS = ['_rev', '_meta', '_attachments'] as const;

/** Removes RxDB-local members from a document (shallow). */
export function stripLocalFields<T extends Record<string, unknown>>(doc: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (!(LOCAL_ONLY_FIELDS as readonly string[]).includes(k)) out[k] = v;
  }
  return out as T;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * `canonicalJson(a) === canonicalJson(b)`, without building either string: the terminal compares
 * every pulled and pushed document with its local state this way (many per second during a sync).
 * `skipTop` names top-level members both sides ignore (e.g. LOCAL_ONLY_FIELDS).
 */
export function canonicalEqual(a: unknown, b: unknown, skipTop: readonly string[] = []): boolean {
  if (a === b && skipTop.length === 0) return true;
  const aObj = a !== null && typeof a === 'object';
  const bObj = b !== null && typeof b === 'object';
  if (!aObj || !bObj) return !aObj && !bObj && JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!canonicalEqual(a[i] === undefined ? null : a[i], b[i] === undefined ? null : b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k of Object.keys(ao)) {
    if (ao[k] === undefined || skipTop.includes(k)) continue;
    count++;
    if (!Object.prototype.hasOwnProperty.call(bo, k) || bo[k] === undefined || !canonicalEqual(ao[k], bo[k])) return false;
  }
  for (const k of Object.keys(bo)) if (bo[k] !== undefined && !skipTop.includes(k)) count--;
  return count === 0;
}

/** Deep equality of two document states, ignoring RxDB-local members. */
export function sameDocumentState(a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return canonicalJson(stripLocalFields(a)) === canonicalJson(stripLocalFields(b));
}
