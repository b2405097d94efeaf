// Canonical JSON: sorted keys, no whitespace. Both sides use it to compare document states.

/** Fields RxDB adds locally; never part of the replicated state. */
export const LOCAL_ONLY_FIELDS = ['_rev', '_meta', '_attachments'] as const;
const LOCAL_ONLY = new Set<string>(LOCAL_ONLY_FIELDS);

/** Removes RxDB-local members from a document (shallow): the document itself when it has none (no copy). */
export function stripLocalFields<T extends Record<string, unknown>>(doc: T): T {
  // The platform strips every pushed document, and what terminals push has no local member.
  if (!LOCAL_ONLY_FIELDS.some((k) => Object.hasOwn(doc, k))) return doc;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(doc);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!LOCAL_ONLY.has(k)) out[k] = doc[k];
  }
  return out as T;
}

/** Member names as JSON strings, remembered: documents of one kind repeat the same few dozen names. */
const QUOTED = new Map<string, string>();
function quotedKey(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (k.length <= 64) {
      if (QUOTED.size >= 10_000) QUOTED.clear(); // names from hostile data cannot grow it without bound
      QUOTED.set(k, q);
    }
  }
  return q;
}

export function canonicalJson(value: unknown): string {
  // Signatures (seal.ts) and the audit chain hash this string: its bytes never change. Written with
  // plain loops (no entries/filter/map/join per object): the platform hashes every pushed document.
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      if (!(i in value)) continue; // a hole (never from JSON) stays empty, as join() left it
      const v: unknown = value[i];
      out += canonicalJson(v === undefined ? null : v);
    }
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  // sort() without a comparator orders by UTF-16 code units, as `a < b` does.
  const keys = Object.keys(o).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = o[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${quotedKey(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
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
  return canonicalEqual(a, b, LOCAL_ONLY_FIELDS);
}
