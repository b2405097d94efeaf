/**
 * The clerk window's one terminal store (RxDB through renderer/db/terminal-store), opened once per
 * window and shared by every clerk page, the audit log and the sync store.
 */
import { startTerminalStore, type TerminalStore } from '../db/terminal-store';
import { useSyncStore } from '../stores/sync';

let opening: Promise<TerminalStore> | null = null;

export function clerkStore(): Promise<TerminalStore> {
  opening ??= startTerminalStore().then((store) => {
    void useSyncStore().init(store);
    return store;
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}
