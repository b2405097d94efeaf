/**
 * What "a new person arrives" means for the kiosk: forget the resident (session store), turn
 * elderly mode off, drop every `terminal.*` sessionStorage key, and show the home screen.
 */
import { STORAGE_PREFIX, removeKeysWithPrefix } from '../shared/session-storage';

export interface KioskResetDeps {
  session: { wipe(): void };
  elderly: { set(on: boolean): void };
  storage: Storage | null;
  navigateHome(): void | Promise<unknown>;
}

export function resetKioskSession(deps: KioskResetDeps): void {
  deps.session.wipe();
  deps.elderly.set(false);
  removeKeysWithPrefix(deps.storage, STORAGE_PREFIX);
  void Promise.resolve(deps.navigateHome()).catch(() => undefined);
}
