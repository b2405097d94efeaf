/**
 * Opens the terminal's RxDB database: the collections of ./schemas.ts with their migrations,
 * conflict handlers (field ownership, ../../sync/client/ownership.ts) and the storage of
 * ./storage.ts. The encryption password comes from main (`store.key`) and lives in memory only.
 */
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxConflictHandler } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import type {
  AuditEventDoc,
  CollectionName,
  EvaluationDoc,
  FormSchemaDoc,
  QueueTicketDoc,
  ServiceItemDoc,
  RendererStaffDoc,
  StationConfigDoc,
} from '../../sync/protocol';
import { resolveConflict, sameState } from '../../sync/client/ownership';
import { ALL_SCHEMAS, applicationLocalOnly, LOCAL_ONLY_COLLECTIONS, type ApplicationLocal, type KioskDraftDoc, type LocalCollectionName, type QuarantineDoc } from './schemas';
import { MIGRATIONS } from './migrations';
import { createStorage, type StorageOptions } from './storage';
import { toLocal, toProtocol } from './modifiers';

addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBLeaderElectionPlugin);

export interface TerminalCollections {
  service_items: RxCollection<ServiceItemDoc>;
  form_schemas: RxCollection<FormSchemaDoc>;
  applications: RxCollection<ApplicationLocal>;
  queue_tickets: RxCollection<QueueTicketDoc>;
  evaluations: RxCollection<EvaluationDoc>;
  audit_events: RxCollection<AuditEventDoc>;
  staff: RxCollection<RendererStaffDoc>;
  station_config: RxCollection<StationConfigDoc>;
  sync_quarantine: RxCollection<QuarantineDoc>;
  kiosk_drafts: RxCollection<KioskDraftDoc>;
}
export type TerminalDatabase = RxDatabase<TerminalCollections>;

export interface OpenOptions {
  /** Database name (IndexedDB database prefix). */
  name?: string;
  /** Encryption password (from `store.key`); ≥ 8 characters. */
  password: string;
  storage: StorageOptions;
  /** Several windows share the database (leader election); default true for the IndexedDB storages. */
  multiInstance?: boolean;
  /**
   * Open only these collections (plus sync_quarantine). Tests that run several terminals in one
   * process use it: the open-source tier keeps at most 13 collections open per JS process (rxdb 17.6).
   */
  collections?: readonly LocalCollectionName[];
  /** Ignore a second open of the same name in this JS process (tests). */
  ignoreDuplicate?: boolean;
}

export const DEFAULT_DB_NAME = 'terminal';

/**
 * Local changes the platform would override are copied into quarantine here by the conflict
 * handler (never lost). Set by the replication layer; no-op when nothing listens.
 */
export type DiscardListener = (collection: CollectionName, local: Record<string, unknown>, reason: string) => void;
const discardListeners = new Map<string, DiscardListener>();
export function onLocalDiscard(dbName: string, listener: DiscardListener | null): void {
  if (listener) discardListeners.set(dbName, listener);
  else discardListeners.delete(dbName);
}

/**
 * Whether a conflict is in fact the platform's acceptance of this very push, stored otherwise than
 * pushed (protocol: the push answer's `adjusted`): then the stored state is taken as it is, never
 * merged with the local copy (a merge would push the pushed state again, and again) and nothing
 * local counts as discarded. Set by the replication layer, which knows what it pushed.
 */
export type AcceptedCheck = (collection: CollectionName, local: Record<string, unknown>, master: Record<string, unknown>) => boolean;
const acceptedChecks = new Map<string, AcceptedCheck>();
export function onAcceptedCheck(dbName: string, check: AcceptedCheck | null): void {
  if (check) acceptedChecks.set(dbName, check);
  else acceptedChecks.delete(dbName);
}

function conflictHandler(dbName: string, collection: CollectionName): RxConflictHandler<Record<string, unknown>> {
  type D = Record<string, unknown> & { id: string; _deleted: boolean };
  return {
    isEqual: (a, b) => sameState(a, b),
    resolve: async (input) => {
      if (acceptedChecks.get(dbName)?.(collection, toProtocol(collection, input.newDocumentState), toProtocol(collection, input.realMasterState))) {
        return input.realMasterState;
      }
      const r = resolveConflict(collection, {
        newDocumentState: toProtocol(collection, input.newDocumentState) as D,
        realMasterState: toProtocol(collection, input.realMasterState) as D,
        ...(input.assumedMasterState ? { assumedMasterState: toProtocol(collection, input.assumedMasterState) as D } : {}),
      });
      if (r.discardedLocal) discardListeners.get(dbName)?.(collection, toProtocol(collection, input.newDocumentState), r.reason ?? 'overridden by the platform');
      return toLocal(collection, r.doc) as typeof input.realMasterState;
    },
  };
}

export async function openTerminalDatabase(options: OpenOptions): Promise<TerminalDatabase> {
  const name = options.name ?? DEFAULT_DB_NAME;
  const db = await createRxDatabase<TerminalCollections>({
    name,
    storage: createStorage(options.storage),
    password: options.password,
    multiInstance: options.multiInstance ?? options.storage.kind !== 'memory',
    eventReduce: true,
    ignoreDuplicate: options.ignoreDuplicate ?? false,
    closeDuplicates: false,
  });
  try {
    const defs: Record<string, unknown> = {};
    for (const [collection, schema] of Object.entries(ALL_SCHEMAS)) {
      if (options.collections && collection !== 'sync_quarantine' && !options.collections.includes(collection as LocalCollectionName)) continue;
      defs[collection] = {
        schema,
        ...(MIGRATIONS[collection as keyof typeof MIGRATIONS] ? { migrationStrategies: MIGRATIONS[collection as keyof typeof MIGRATIONS] } : {}),
        ...(!LOCAL_ONLY_COLLECTIONS.includes(collection) ? { conflictHandler: conflictHandler(name, collection as CollectionName) } : {}),
      };
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one loop over heterogeneous collection creators
    await db.addCollections(defs as any);
    // Local writes (insert, modify, patch, upsert) keep the derived local-only members right;
    // replicated writes get them from the pull modifier (./modifiers.ts toLocal).
    if (db.applications) {
      const derive = (d: ApplicationLocal) => void Object.assign(d, applicationLocalOnly(d));
      db.applications.preInsert(derive, false);
      db.applications.preSave(derive, false);
    }
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
