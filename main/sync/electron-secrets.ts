/** Electron only: its `safeStorage` (DPAPI, Keychain, libsecret/kwallet), for ./secrets.ts to judge and use. */
import { safeStorage } from 'electron';
import type { SafeStorageLike } from './secrets';

export function electronSafeStorage(): SafeStorageLike {
  return safeStorage;
}
