/**
 * One terminal for the sync race test and the fuzzer: main's real sync feature (HTTP transport,
 * SSE relay, enrollment, key store, attachment queue) and the renderer's real RxDB database and
 * replication (memory storage), joined by direct calls validated against the bridge contract, as
 * the dispatcher does. The bridge between them can hold answers back (`BridgeFaults`): that is how
 * the tests decide the order in which push and pull answers reach the renderer.
 *
 * A restart ("kill and reopen") closes everything without waiting for the replication to settle
 * and opens it again on the same data folder and database name: the memory storage keeps its state
 * for the process, like IndexedDB keeps it on disk.
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
import type { CollectionName, StreamEvent } from '../sync/protocol';

const caller: CallerContext = { origin: 'test', role: 'clerk', senderId: 'fuzz' };

/** The collections a fuzz terminal opens by default, besides the quarantine (the fuzzer chooses per terminal: `fuzzCollections`). */
export const FUZZ_COLLECTIONS = ['applications', 'queue_tickets', 'evaluations'] as const satisfies readonly CollectionName[];

/**
 * Decides the order in which the renderer gets push and pull answers (per collection; null = no
 * fault). `holdPullMs`: a pull waits (at most this long) until a push of the collection has been
 * answered by the platform, then goes to the platform, so it carries what that push stored.
 * `pushAnswerMs`: the push answer reaches the renderer this long after those held pulls were
 * answered. Together: a push answer delivered after a concurrent pull answer (issue 11).
 */
export interface BridgeFaults {
  /**
   * Answer ordering: pulls are held until a push of the collection was answered by the platform;
   * then `afterPushApplied` runs (e.g. another writer changes a pushed document), the held pulls are
   * released (and answered), and the push answer reaches the renderer `pushAnswerMs` later.
   */
  order?: (collection: CollectionName) => { holdPullMs: number; pushAnswerMs: number; afterPushApplied?: (ids: string[]) => Promise<void> } | null;
  /** Send each push twice (the first answer is lost, as when a retried request had arrived). */
  duplicatePush?: (collection: CollectionName) => boolean;
}

export interface FuzzTerminal {
  readonly name: string;
  readonly dataDir: string;
  feature: SyncFeature;
  db: TerminalDatabase;
  replication: TerminalReplication | null;
  /** The salt for applicant ID hashes (from main's key store). */
  salt: string;
  stationId: string;
  terminalId: string;
  /** Counters of the bridge (tests). */
  stats: { pushes: number; pulls: number; delayedPushes: number; heldPulls: number; duplicatedPushes: number };
  faults: BridgeFaults;
  /** Pulls the bridge holds back right now (`BridgeFaults.order`). */
  heldPulls(): number;
  startSync(): Promise<void>;
  stopSync(): Promise<void>;
  /** Closes everything at once (no waiting for in-flight work) and opens it again. */
  restart(): Promise<void>;
  /**
   * Re-enrollment after the token was revoked: the operator gives the terminal a new one-time code;
   * the old enrollment record goes, the data (and the replication checkpoints) stay.
   */
  reenroll(code: string): Promise<void>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

let n = 0;

export interface TerminalOptions {
  platformUrl: string;
  enrollCode: string;
  name?: string;
  backoffMs?: number;
  faults?: BridgeFaults;
  /** Replication retry after a failed pull/push, ms. */
  retryTime?: number;
  collections?: readonly CollectionName[];
  /** Schema validation of every local write (default true, as in tests; the app runs without: bench/sync-client.bench.ts). */
  validate?: boolean;
  /** `platform.recentDays` of the terminal's configuration (the bounded initial sync; default the config's). */
  recentDays?: number;
}

export async function startFuzzTerminal(options: TerminalOptions): Promise<FuzzTerminal> {
  const name = options.name ?? `fz${n++}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sync-fuzz-'));
  const dbName = `${name}-${Date.now().toString(36)}-${n++}`;
  const collections = options.collections ?? FUZZ_COLLECTIONS;
  const held = new Set<{ collection: CollectionName; release: () => Promise<void> }>();
  let enrollCode = options.enrollCode;
  const stats = { pushes: 0, pulls: 0, delayedPushes: 0, heldPulls: 0, duplicatedPushes: 0 };

  async function open() {
    const log = createLogger({ level: 'error', stderr: false, sink: () => undefined });
    const hub = createEventHub(log);
    const config = TerminalConfig.parse({ role: 'clerk', platform: { url: options.platformUrl, enrollCode, ...(options.recentDays ? { recentDays: options.recentDays } : {}) } });
    const feature = createSyncFeature({ config, log, events: hub, dataDir, host: 'browser' }, {
      backoff: { baseMs: options.backoffMs ?? 100, maxMs: 1000 },
      timeoutMs: 5000,
      attachments: { backoff: { baseMs: 50, maxMs: 500 } },
      attachmentFlushMs: 3000,
    });
    await feature.start();
    await feature.ready();
    const h = feature.handlers;
    const bridge: SyncBridge = {
      pull: async (input) => {
        const o = t.faults.order?.(input.collection);
        let done: (() => void) | null = null;
        if (o && o.holdPullMs > 0) {
          // Held until a push of this collection is answered by the platform (or the hold times out).
          await new Promise<void>((go) => {
            const timer = setTimeout(() => {
              held.delete(entry);
              go();
            }, o.holdPullMs);
            const entry = {
              collection: input.collection,
              release: () => {
                clearTimeout(timer);
                stats.heldPulls++;
                go();
                return new Promise<void>((r) => (done = r));
              },
            };
            held.add(entry);
          });
        }
        try {
          const out = calls['sync.pull'].output.parse(await h['sync.pull'](calls['sync.pull'].input.parse(input), caller));
          stats.pulls++;
          return out;
        } finally {
          // The renderer gets the pull answer first; the push answer follows.
          setTimeout(() => (done as (() => void) | null)?.(), 0);
        }
      },
      push: async (input) => {
        if (t.faults.duplicatePush?.(input.collection)) {
          stats.duplicatedPushes++;
          await Promise.resolve(h['sync.push'](calls['sync.push'].input.parse(input), caller)).catch(() => undefined);
        }
        const out = calls['sync.push'].output.parse(await h['sync.push'](calls['sync.push'].input.parse(input), caller));
        stats.pushes++;
        const o = t.faults.order?.(input.collection);
        if (o) {
          await o.afterPushApplied?.(input.rows.map((r) => String((r.newDocumentState as { id?: unknown }).id)));
          const releases = [...held].filter((e) => e.collection === input.collection);
          for (const e of releases) held.delete(e);
          if (releases.length) stats.delayedPushes++;
          await Promise.all(releases.map((e) => e.release()));
          if (o.pushAnswerMs > 0) await new Promise((r) => setTimeout(r, o.pushAnswerMs));
        }
        return out;
      },
      lookup: async (input) => calls['sync.lookupApplications'].output.parse(await h['sync.lookupApplications'](calls['sync.lookupApplications'].input.parse(input), caller)),
      onStream: (listener) =>
        hub.subscribe((event, payload) => {
          if (event === 'sync.stream') listener(events['sync.stream'].parse(payload) as StreamEvent);
        }),
    };
    const key = await h['store.key']({ database: 'terminal' }, caller);
    const db = await openTerminalDatabase({ name: dbName, password: key.password, storage: { kind: 'memory', validate: options.validate ?? true }, multiInstance: false, collections });
    return { feature, db, bridge, salt: key.idHashSalt };
  }

  const first = await open();
  let bridge = first.bridge;
  const st = first.feature.state();
  if (!st.enrolled || !st.stationId || !st.terminalId) throw new Error(`terminal ${name} did not enroll: ${JSON.stringify(st.error)}`);
  const t: FuzzTerminal = {
    name,
    dataDir,
    feature: first.feature,
    db: first.db,
    replication: null,
    salt: first.salt,
    stationId: st.stationId,
    terminalId: st.terminalId,
    stats,
    faults: options.faults ?? {},
    heldPulls: () => held.size,
    async startSync() {
      if (t.replication) return;
      const id = t.feature.state().replicationId;
      if (!id) throw new Error(`terminal ${name} not enrolled`);
      t.replication = startReplication(t.db, bridge, { identifier: id, retryTime: options.retryTime ?? 200, reportEveryMs: 0, waitForLeadership: false, collections });
    },
    async stopSync() {
      const r = t.replication;
      t.replication = null;
      await r?.stop();
    },
    async restart() {
      const r = t.replication;
      t.replication = null;
      // No waiting for in-flight pushes or pulls: cancel, close, reopen.
      await Promise.allSettled([r?.stop(), t.db.close(), t.feature.close()]);
      const next = await open();
      t.feature = next.feature;
      t.db = next.db;
      bridge = next.bridge;
      await t.startSync();
    },
    async reenroll(code: string) {
      const r = t.replication;
      t.replication = null;
      await Promise.allSettled([r?.stop(), t.db.close(), t.feature.close()]);
      rmSync(join(dataDir, 'sync', 'enrollment.json'), { force: true });
      enrollCode = code;
      const next = await open();
      t.feature = next.feature;
      t.db = next.db;
      bridge = next.bridge;
      const s2 = t.feature.state();
      if (!s2.enrolled || !s2.terminalId) throw new Error(`terminal ${name} did not re-enroll: ${JSON.stringify(s2.error)}`);
      t.terminalId = s2.terminalId;
      await t.startSync();
    },
    async close(o = {}) {
      await t.stopSync().catch(() => undefined);
      await t.db.close().catch(() => undefined);
      await t.feature.close().catch(() => undefined);
      if (!o.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export { eventually } from '../sync/server/test/helpers';
