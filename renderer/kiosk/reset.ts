/**
 * What "a new person arrives" means for the kiosk: forget the resident (session store), turn
 * elderly mode off, drop the resident's sessionStorage keys (`terminal.session.*` and the
 * elderly flag), and show the home screen. Keys that belong to the terminal, not the person
 * (the browser bridge's `terminal.bridge` token), stay.
 */
import { ELDERLY_KEY, SESSION_KEY_PREFIX, removeKeysWithPrefix } from '../shared/session-storage';

export interface KioskResetDeps {
  session: { wipe(): void };
  /** The kiosk journey (card, form, receipts, ticket); optional for callers that have none. */
  journey?: { wipe(): void };
  elderly: { set(on: boolean): void };
  storage: Storage | null;
  navigateHome(): void | Promise<unknown>;
}

export function resetKioskSession(deps: KioskResetDeps): void {
  deps.session.wipe();
  deps.journey?.wipe();
  deps.elderly.set(false);
  removeKeysWithPrefix(deps.storage, SESSION_KEY_PREFIX);
  removeKeysWithPrefix(deps.storage, ELDERLY_KEY);
  void Promise.resolve(deps.navigateHome()).catch(() => undefined);
}
