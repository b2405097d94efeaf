/**
 * Whether an error from the local store (IndexedDB through RxDB) means the disk or the browser's
 * quota is full: a QuotaExceededError (by name, whatever object carries it), or a message that says
 * so. Used to say "本机存储空间已满" instead of a raw English message, on open and on a write.
 */
export function isStorageFull(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const { name, message } = e as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || (typeof message === 'string' && /quota|disk is full|no space/i.test(message));
}
