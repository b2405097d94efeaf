/** Electron only: secrets sealed with the OS keychain through `safeStorage` (DPAPI, Keychain, libsecret). */
import { safeStorage } from 'electron';
import { fileSecretStore, type SecretStore } from './secrets';

export function electronSecretStore(dir: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) throw new Error('safeStorage is not available');
  return fileSecretStore(dir, {
    kind: 'safeStorage',
    seal: (b) => safeStorage.encryptString(b.toString('base64')),
    open: (b) => Buffer.from(safeStorage.decryptString(b), 'base64'),
  });
}
