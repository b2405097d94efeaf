/**
 * The renderer's sessionStorage keys. sessionStorage holds UI flags only, never personal data
 * (ID numbers, names, form drafts stay in memory in the Pinia session store).
 */
export const STORAGE_PREFIX = 'terminal.';
/** '1' while elderly mode (适老化) is on for this browsing session. */
export const ELDERLY_KEY = `${STORAGE_PREFIX}elderly`;
/** Prefix of keys that belong to one resident's kiosk session; wiped with the session. */
export const SESSION_KEY_PREFIX = `${STORAGE_PREFIX}session.`;

/** sessionStorage, or null where it is unavailable (disabled storage, opaque origin). */
export function sessionStore(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Remove every key starting with `prefix`; returns the removed keys. */
export function removeKeysWithPrefix(storage: Storage | null, prefix: string): string[] {
  if (!storage) return [];
  const doomed: string[] = [];
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    if (key !== null && key.startsWith(prefix)) doomed.push(key);
  }
  for (const key of doomed) storage.removeItem(key);
  return doomed;
}
