/**
 * The one place that chooses the RxDB storage: packed (./packed-storage.ts: memory for reads, many
 * documents per IndexedDB record on disk; it takes over a Dexie store of earlier versions on first
 * open) in the app, Dexie (one IndexedDB record per document, the earlier store) on request, memory
 * in unit tests. Field encryption (AES-256-GCM on WebCrypto, legacy crypto-js members read and migrated;
 * ./field-encryption.ts) wraps either; schema validation (z-schema, no eval, so it
 * also works under the CSP) only when asked for (tests, development) — the platform validates every
 * push anyway, and main validates every pull.
 */
import type { RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateZSchemaStorage } from 'rxdb/plugins/validate-z-schema';
import { wrappedFieldEncryptionStorage } from './field-encryption';
import { getRxStoragePacked, type LegacySource, type PackedLocks } from './packed-storage';

export type StorageKind = 'packed' | 'dexie' | 'memory';

export interface StorageOptions {
  kind: StorageKind;
  /** Validate every write against the schema (tests and development). */
  validate?: boolean;
  /** For Dexie outside a browser (fake-indexeddb in tests). */
  indexedDB?: unknown;
  IDBKeyRange?: unknown;
  /** Packed only: the lock across windows (default navigator.locks). */
  locks?: PackedLocks;
  /** Packed only: the channel class windows tell each other of writes by (default the global one). */
  BroadcastChannel?: typeof BroadcastChannel | null;
}

/** The Dexie database the Dexie storage keeps one collection in (its naming, rxdb storage-dexie). */
export const dexieDatabaseName = (databaseName: string, collectionName: string, schemaVersion: number): string =>
  `rxdb-dexie-${databaseName}--${schemaVersion}--${collectionName}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage generics vary per implementation
function dexieStorage(options: StorageOptions): RxStorage<any, any> {
  return getRxStorageDexie({
    // A submitted application is on disk (fsync) before the UI says so: power cuts included.
    chromeTransactionDurability: 'strict',
    ...(options.indexedDB ? { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange } : {}),
  } as Parameters<typeof getRxStorageDexie>[0]);
}

/** The Dexie store of earlier versions, as the packed storage's source on first open. */
function dexieLegacy(options: StorageOptions): LegacySource {
  const idb = (options.indexedDB ?? globalThis.indexedDB) as IDBFactory;
  let names: Promise<Set<string>> | null = null;
  return {
    storage: dexieStorage(options),
    async has(params) {
      // Listed once per storage: databases are only deleted here, never created.
      names ??= idb.databases().then((list) => new Set(list.map((d) => d.name ?? '')));
      return (await names).has(dexieDatabaseName(params.databaseName, params.collectionName, params.schema.version));
    },
    async drop(params) {
      const name = dexieDatabaseName(params.databaseName, params.collectionName, params.schema.version);
      await new Promise<void>((resolve, reject) => {
        const r = idb.deleteDatabase(name);
        r.onsuccess = () => resolve();
        r.onerror = () => reject(r.error ?? new Error('deleting the Dexie database failed'));
      });
      (await names)?.delete(name);
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage generics vary per implementation
export function createStorage(options: StorageOptions): RxStorage<any, any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let storage: RxStorage<any, any> =
    options.kind === 'memory'
      ? getRxStorageMemory()
      : options.kind === 'dexie'
        ? dexieStorage(options)
        : getRxStoragePacked({
            ...(options.indexedDB ? { indexedDB: options.indexedDB as IDBFactory, IDBKeyRange: options.IDBKeyRange as typeof IDBKeyRange } : {}),
            ...(options.locks ? { locks: options.locks } : {}),
            ...(options.BroadcastChannel !== undefined ? { BroadcastChannel: options.BroadcastChannel } : {}),
            legacy: dexieLegacy(options),
            // A kiosk draft's personal data is overwritten before removal (renderer/kiosk/drafts.ts):
            // no earlier copy may stay behind in an older record.
            rewriteAfterWrite: ['kiosk_drafts'],
          });
  if (options.validate) storage = wrappedValidateZSchemaStorage({ storage });
  return wrappedFieldEncryptionStorage({ storage });
}
