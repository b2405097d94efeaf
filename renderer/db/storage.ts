/**
 * The one place that chooses the RxDB storage: Dexie (Chromium IndexedDB) in the app, memory in
 * unit tests. Field encryption (AES-256-GCM on WebCrypto, legacy crypto-js members read and migrated;
 * ./field-encryption.ts) wraps either; schema validation (z-schema, no eval, so it
 * also works under the CSP) only when asked for (tests, development) — the platform validates every
 * push anyway, and main validates every pull.
 */
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateZSchemaStorage } from 'rxdb/plugins/validate-z-schema';
import { wrappedFieldEncryptionStorage } from './field-encryption';

export type StorageKind = 'dexie' | 'memory';

export interface StorageOptions {
  kind: StorageKind;
  /** Validate every write against the schema (tests and development). */
  validate?: boolean;
  /** For Dexie outside a browser (fake-indexeddb in tests). */
  indexedDB?: unknown;
  IDBKeyRange?: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage generics vary per implementation
export function createStorage(options: StorageOptions): RxStorage<any, any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let storage: RxStorage<any, any> =
    options.kind === 'memory'
      ? getRxStorageMemory()
      : getRxStorageDexie({
          // A submitted application is on disk (fsync) before the UI says so: power cuts included.
          chromeTransactionDurability: 'strict',
          ...(options.indexedDB ? { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange } : {}),
        } as Parameters<typeof getRxStorageDexie>[0]);
  if (options.validate) storage = wrappedValidateZSchemaStorage({ storage });
  return wrappedFieldEncryptionStorage({ storage });
}
