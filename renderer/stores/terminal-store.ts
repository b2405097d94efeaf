/**
 * The window's one terminal store (RxDB through renderer/db/terminal-store), opened on first use
 * and shared by every page of the window (kiosk or clerk), the audit log and the sync store. A
 * failed open is forgotten so the next use tries again.
 */
import { startTerminalStore, type TerminalStore } from '../db/terminal-store';
import { useSyncStore } from './sync';

let opening: Promise<TerminalStore> | null = null;

export function windowStore(): Promise<TerminalStore> {
  opening ??= startTerminalStore().then((store) => {
    void useSyncStore().init(store);
    return store;
  });
  opening.catch(() => {
    opening = null;
  });
  return opening;
}
