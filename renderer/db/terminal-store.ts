/**
 * Starts the terminal's store in a window: asks main for the database key (memory only), opens
 * the database (the packed storage, ./packed-storage.ts), and — in the leader window only (RxDB leader election) — starts replication
 * through the bridge and the daily retention purge. The key is never written anywhere.
 */
import { call, on } from '../bridge/client';
import type { StreamEvent } from '../../sync/protocol';
import { DEFAULT_DB_NAME, openTerminalDatabase, type TerminalDatabase } from './database';
import { startReplication, type SyncBridge, type TerminalReplication } from './replication';
import { purgeExpired, retentionDaysOf } from './retention';
import { localStorageMarker, lookupSalts, rederiveIdHashes } from './id-hash';
import { followStationConfig } from '../shared/station-zone';
import { countSetAside, onRecordsSetAside } from './packed-storage';

export interface TerminalStore {
  db: TerminalDatabase;
  /** Salt for ID-number lookups (memory only): the province-wide one once main has it (./id-hash.ts). */
  idHashSalt: string;
  /** Salts a lookup by ID number tries (current first, then this terminal's legacy one). */
  lookupSalts: string[];
  /** Set once this window leads and replicates. */
  replication: () => TerminalReplication | null;
  /**
   * How many damaged records the packed storage set aside in this database so far (kept for support,
   * ./packed-storage.ts); absent for a store that has none (memory, Dexie).
   */
  damagedRecords?: () => Promise<number>;
  /** Calls `listener` whenever records of this database are set aside (this window or another); returns the unsubscribe. */
  onDamaged?: (listener: () => void) => () => void;
  close(): Promise<void>;
}

/** The bridge as the replication wants it. */
export const bridgeSync: SyncBridge = {
  pull: (input) => call('sync.pull', input),
  push: (input) => call('sync.push', input),
  lookup: (input) => call('sync.lookupApplications', input),
  onStream: (listener: (e: StreamEvent) => void) => on('sync.stream', listener),
  report: async (r) => {
    await call('sync.report', r);
  },
};

const PURGE_EVERY_MS = 6 * 60 * 60 * 1000;

export async function startTerminalStore(options: { name?: string; onReplication?: (r: TerminalReplication) => void; /** Benchmarks only: the earlier Dexie store, as the baseline. */ storage?: 'packed' | 'dexie' } = {}): Promise<TerminalStore> {
  const name = options.name ?? DEFAULT_DB_NAME;
  const key = await call('store.key', { database: name });
  const db = await openTerminalDatabase({ name, password: key.password, storage: { kind: options.storage ?? 'packed' } });
  // Re-derive stored lookup hashes when the key changed (upgrade, or the province key arrived).
  await rederiveIdHashes(db, key, localStorageMarker(name)).catch(() => undefined);
  const unfollowZone = followStationConfig(db.station_config);
  let replication: TerminalReplication | null = null;
  let purgeTimer: ReturnType<typeof setInterval> | null = null;
  let closed = false;

  const startWhenEnrolled = async () => {
    // Replicate only in the leader window; others read the same IndexedDB and see every change.
    await db.waitForLeadership();
    if (closed) return;
    let state = await call('sync.status');
    while (!state.replicationId && !closed) {
      await new Promise<void>((resolve) => {
        const off = on('sync.state', (s) => {
          if (s.replicationId) {
            state = s;
            off();
            resolve();
          }
        });
        setTimeout(() => {
          off();
          resolve();
        }, 5000);
      });
      if (!state.replicationId) state = await call('sync.status').catch(() => state);
    }
    if (closed || !state.replicationId) return;
    replication = startReplication(db, bridgeSync, { identifier: state.replicationId });
    options.onReplication?.(replication);
    const purge = async () => {
      if (!replication) return;
      const r = replication;
      const days = await retentionDaysOf(db, state.stationId);
      await purgeExpired(db, { retentionDays: days, isPending: (id) => r.isPending('applications', id) }).catch(() => 0);
    };
    setTimeout(() => void purge(), 60_000);
    purgeTimer = setInterval(() => void purge(), PURGE_EVERY_MS);
  };
  void startWhenEnrolled();

  return {
    db,
    idHashSalt: key.idHashSalt,
    lookupSalts: lookupSalts(key),
    replication: () => replication,
    ...((options.storage ?? 'packed') === 'packed'
      ? {
          damagedRecords: () => countSetAside(name),
          onDamaged: (listener: () => void) =>
            onRecordsSetAside((e) => {
              if (e.databaseName === name) listener();
            }),
        }
      : {}),
    async close() {
      closed = true;
      unfollowZone();
      if (purgeTimer) clearInterval(purgeTimer);
      await replication?.stop();
      await db.close();
    },
  };
}
