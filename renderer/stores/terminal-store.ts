/**
 * The window's one terminal store (RxDB through renderer/db/terminal-store), opened on first use
 * and shared by every page of the window (kiosk or clerk), the audit log and the sync store. A
 * failed open is forgotten so the next use tries again; why it failed stays in `storeOpenFailure`
 * until an open succeeds, so the kiosk and the counter can say so instead of failing silently.
 */
import { readonly, ref } from 'vue';
import { startTerminalStore, type TerminalStore } from '../db/terminal-store';
import { log } from '../shared/log';
import { isStorageFull } from '../shared/storage-full';
import { useSyncStore } from './sync';

/** Why this window's store last failed to open: the disk or quota is full, or anything else; null once open (or never tried). */
export type StoreOpenFailure = 'quota' | 'failed';

const failure = ref<StoreOpenFailure | null>(null);
export const storeOpenFailure = readonly(failure);

const recoveries = ref(0);
/**
 * How many times an open succeeded after a failed one. The kiosk remounts its page on a change: a
 * page that found no store when it was shown (the home's station welcome and notices, the catalog)
 * reads it again. The counter does not remount (a clerk may have typed into a form meanwhile).
 */
export const storeRecoveries = readonly(recoveries);

let opening: Promise<TerminalStore> | null = null;


export function windowStore(): Promise<TerminalStore> {
  if (opening) return opening;
  const attempt = startTerminalStore().then((store) => {
    if (failure.value) recoveries.value++;
    failure.value = null;
    void useSyncStore().init(store);
    return store;
  });
  opening = attempt;
  attempt.catch((e: unknown) => {
    if (opening === attempt) opening = null;
    failure.value = isStorageFull(e) ? 'quota' : 'failed';
    // The error's class only: a message may carry names or numbers from a document.
    log('error', 'store.open-failed', { error: e instanceof Error ? e.name : typeof e, quota: failure.value === 'quota' });
  });
  return attempt;
}
