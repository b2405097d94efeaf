/**
 * Integration harness: one terminal = main's real sync feature (HTTP transport, SSE relay,
 * enrollment, key store) + the renderer's real RxDB database and replication, joined by direct
 * calls instead of IPC (the bridge's validation is covered by the bridge specs). Memory storage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calls, events } from '../preload/contract';
import type { CallerContext } from '../main/core/dispatcher';
import { createEventHub } from '../main/core/events';
import { createLogger } from '../main/core/log';
import { TerminalConfig } from '../main/core/config';
import { createSyncFeature, type SyncFeature } from '../main/sync/feature';
import { openTerminalDatabase, type TerminalDatabase } from '../renderer/db/database';
import { startReplication, type SyncBridge, type TerminalReplication } from '../renderer/db/replication';
import type { StreamEvent } from '../sync/protocol';

const caller: CallerContext = { origin: 'test', role: 'clerk', senderId: 'test' };

export interface Terminal {
  name: string;
  dataDir: string;
  feature: SyncFeature;
  db: TerminalDatabase;
  replication: TerminalReplication | null;
  salt: string;
  /** (Re)start replication. */
  startSync(): Promise<void>;
  /** Stop replication (the terminal "goes offline" from the renderer's side). */
  stopSync(): Promise<void>;
  close(): Promise<void>;
}

let n = 0;
const SYNCED = ['service_items', 'applications', 'queue_tickets', 'evaluations', 'station_config', 'staff'] as const;

export async function startTerminal(options: { platformUrl: string; enrollCode: string; name?: string; dataDir?: string; backoffMs?: number }): Promise<Terminal> {
  const name = options.name ?? `term${n++}`;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sync-it-'));
  const log = createLogger({ level: 'error' });
  const hub = createEventHub(log);
  const config = TerminalConfig.parse({ role: 'clerk', platform: { url: options.platformUrl, enrollCode: options.enrollCode } });
  const feature = createSyncFeature({ config, log, events: hub, dataDir, host: 'browser' }, { backoff: { baseMs: options.backoffMs ?? 200, maxMs: 2000 }, timeoutMs: 5000 });
  await feature.start();
  await feature.ready();
  const h = feature.handlers;
  // Validate inputs and outputs against the contract, as the dispatcher does.
  const bridge: SyncBridge = {
    pull: async (input) => calls['sync.pull'].output.parse(await h['sync.pull'](calls['sync.pull'].input.parse(input), caller)),
    push: async (input) => calls['sync.push'].output.parse(await h['sync.push'](calls['sync.push'].input.parse(input), caller)),
    onStream: (listener) =>
      hub.subscribe((event, payload) => {
        if (event === 'sync.stream') listener(events['sync.stream'].parse(payload) as StreamEvent);
      }),
    report: async (r) => {
      await h['sync.report'](calls['sync.report'].input.parse(r), caller);
    },
  };
  const key = await h['store.key']({ database: name }, caller);
  // Two terminals share this process: open 7 of the 9 collections each (free tier: 16 per process).
  const db = await openTerminalDatabase({ name: `${name}-${Date.now()}`, password: key.password, storage: { kind: 'memory', validate: true }, multiInstance: false, collections: SYNCED });
  const t: Terminal = {
    name,
    dataDir,
    feature,
    db,
    replication: null,
    salt: key.idHashSalt,
    async startSync() {
      if (t.replication) return;
      const id = feature.state().replicationId;
      if (!id) throw new Error(`terminal not enrolled: ${JSON.stringify(feature.state().error)}`);
      t.replication = startReplication(db, bridge, { identifier: id, retryTime: 300, reportEveryMs: 0, collections: SYNCED });
    },
    async stopSync() {
      await t.replication?.stop();
      t.replication = null;
    },
    async close() {
      await t.stopSync();
      await db.close();
      await feature.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export { eventually } from '../sync/server/test/helpers';
