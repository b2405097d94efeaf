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

/** Deep equality of two document states, ignoring RxDB-local members. */
export function sameDocumentState(a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return canonicalJson(stripLocalFields(a)) === canonicalJson(stripLocalFields(b));
}
