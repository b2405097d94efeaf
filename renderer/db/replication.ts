/**
 * Replication of the terminal's collections with the platform, through main (the renderer has no
 * network): `replicateRxCollection` per synced collection whose pull/push handlers call the bridge
 * (`sync.pull`, `sync.push`); the platform's SSE stream arrives as `sync.stream` events and becomes
 * each replication's `stream$` (`RESYNC` → pull everything; `CHANGE` → pull that collection).
 *
 * Only the leader window replicates (RxDB leader election across windows of one profile).
 * Rejected documents go to quarantine before the push handler returns, so the answer "done" to
 * RxDB never loses a refused document; a `FORM_INVALID` rejection's `fields` go with it.
 *
 * A document pulled while its push is in flight may be skipped by RxDB for good (see `PullRace`):
 * the pull checkpoint is then moved back and the collection pulled again.
 *
 * A local write that fails (a full disk, any storage error) while storing a pulled page or recording
 * a push answer is not tried again by RxDB: its protocol reports the error and waits for the next
 * change or RESYNC, which may never come. So such an error (code LOCAL_STORAGE_FULL or SYNC_FAILED,
 * not a bridge code, whose calls RxDB retries itself) re-syncs that collection after `retryTime`,
 * doubling up to `LOCAL_RETRY_MAX_MS` while it keeps failing; `retryAt` in the report says when. The
 * checkpoints did not move past what was not stored, so the re-sync pulls and pushes exactly that
 * again; once it goes through, nothing more is scheduled.
 */
import { Subject, filter, firstValueFrom, type Subscription } from 'rxjs';
import { getAssumedMasterState, getLastCheckpointDoc, normalizeMangoQuery, prepareQuery, setCheckpoint, type RxCollection, type RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { COLLECTION_POLICY, COLLECTIONS, LIMITS, type Checkpoint, type CollectionName, type StreamEvent } from '../../sync/protocol';
import type { SyncLocalReport, SyncRejection } from '../../preload/contract/sync-calls';
import { BridgeErrorShape } from '../../preload/contract';
import { onAcceptedCheck, onLocalDiscard, type TerminalDatabase } from './database';
import { toLocal, toProtocol } from './modifiers';
import { quarantine, quarantineKey, releaseAccepted } from './quarantine';
import { platformUnchangedSinceRefusal, sameState } from '../../sync/client/ownership';
import { log } from '../shared/log';
import { isStorageFull } from '../shared/storage-full';
import { i18n } from '../i18n';

const withoutMeta = (d: Doc): Doc => {
  const { _meta: _m, _rev: _r, _attachments: _a, ...rest } = d;
  return rest;
};

type Doc = Record<string, unknown>;

/** One row of a push (the bridge's `sync.push`). */
export type PushRow = Parameters<SyncBridge['push']>[0]['rows'][number];
type PushAnswer = Awaited<ReturnType<SyncBridge['push']>>;

/** What replication needs from main; the renderer's bridge client provides it (tests: direct calls). */
export interface SyncBridge {
  pull(input: { collection: CollectionName; checkpoint: Checkpoint | null; limit: number }): Promise<{ documents: Doc[]; checkpoint: Checkpoint; skipped: number }>;
  push(input: { collection: CollectionName; rows: { assumedMasterState?: Doc | null; newDocumentState: Doc }[] }): Promise<{ conflicts: Doc[]; rejections: SyncRejection[]; droppedFields?: number; adjusted?: string[] }>;
  onStream(listener: (event: StreamEvent) => void): () => void;
  report?(report: SyncLocalReport): Promise<void>;
  /** Older cases on demand (`sync.lookupApplications`): what the bounded pull left on the platform. */
  lookup?(query: ApplicationLookup): Promise<{ documents: Doc[] }>;
}

/** One application by id (a receipt's QR code), or an applicant's by the hashes of the ID number. */
export type ApplicationLookup = { id: string } | { applicantIdHashes: string[] };

export interface ReplicationOptions {
  /** Distinguishes checkpoints per platform and station (e.g. `${platformUrl}|${stationId}`). */
  identifier: string;
  pullBatchSize?: number;
  /** Documents RxDB's upstream handles at once (default `PUSH_READ`); requests carry at most `LIMITS.maxPushRows` of them. */
  pushBatchSize?: number;
  /** ms between retries of a failed pull/push (RxDB adds none; main backs off the stream). */
  retryTime?: number;
  /** Replicate only once the window is the leader (default true). */
  waitForLeadership?: boolean;
  /** Report counts to main this often, ms (default 2000); 0 = never. */
  reportEveryMs?: number;
  /** How long `lookupOlder` waits for an applications pull to get through (default 20 s). */
  lookupTimeoutMs?: number;
  collections?: readonly CollectionName[];
}

export interface LocalSyncState extends SyncLocalReport {
  /** Per collection: last error message (English, for logs), if any. */
  errors: Partial<Record<CollectionName, string>>;
}

export interface TerminalReplication {
  readonly states: ReadonlyMap<CollectionName, RxReplicationState<Doc, Checkpoint>>;
  /** Current local state (counts, last sync). */
  snapshot(): LocalSyncState;
  readonly state$: Subject<LocalSyncState>;
  /** Pull and push everything now. */
  resync(): void;
  /** Resolves when every replication is in sync (only meaningful online). */
  awaitInSync(): Promise<void>;
  /** Documents written locally the platform has not acknowledged (up collections). */
  pendingCount(): Promise<number>;
  /** Ids of documents waiting for the platform (diagnostics). */
  pendingIds(collection: CollectionName): Promise<string[]>;
  /** Is this document's latest local state still waiting for the platform? */
  isPending(collection: CollectionName, id: string): Promise<boolean>;
  /**
   * Older cases on demand: asks the platform for applications the bounded pull left out and stores
   * them as pulled (then they follow the platform like any other). Answers the platform's documents.
   * The platform is asked inside the next applications pull, after its page: what it answers is at
   * least as new as anything pulled before, so a late answer never overwrites a newer state.
   */
  lookupOlder(query: ApplicationLookup): Promise<Doc[]>;
  stop(): Promise<void>;
}

/** Documents one push request carries: the platform's most (fewer round trips, fewer commits). */
const PUSH_BATCH = LIMITS.maxPushRows;
/**
 * Documents RxDB's upstream reads and prepares at once (its push `batchSize`), sent as requests of
 * `PUSH_BATCH` all in flight together. RxDB's upstream handles one such batch at a time (read, push,
 * write the answers' conflicts), so with one request per batch the window and the platform took turns,
 * each idle while the other worked; with five in flight the platform works on them together (on
 * PostgreSQL, in parallel) and the window has fewer turns. A 10k backlog in Chromium: ≈ 5.4 s →
 * 3.0–3.8 s (bench/README.md). A window's longest busy stretch grows with it (≈ 0.2 → 0.5 s during
 * such a backlog); a usual push (a few documents) is one request as before.
 */
const PUSH_READ = 5 * PUSH_BATCH;

/** Above this many candidates the pending count is the index count (an upper bound). */
const EXACT_PENDING_LIMIT = 200;

/**
 * RxDB's downstream skips a pulled document whose local state differs from the state it assumes the
 * platform has (a local write not yet acknowledged), yet moves the pull checkpoint past it: it counts
 * on the push meeting the platform's newer state as a conflict. That holds for a push sent after the
 * newer state was written. It fails for a push the platform applied *before* another writer changed
 * the document (the back office's 受理, another terminal) when the pull with that newer state is
 * processed before the push answer: the answer says "applied" (or carries the state stored then),
 * RxDB records that as the platform's state, and nothing delivers the newer one again (found by the
 * fuzzer on PostgreSQL: seed 700062, `fuzz/race.test.ts`). So each collection keeps the ids of its
 * pushes in flight and, for an id pulled meanwhile (or pulled after its answer but before RxDB is done
 * with that answer), the checkpoint its batch started from; once the push is answered and the upstream
 * is idle, the pull checkpoint goes back there and the collection is pulled again: the platform sends
 * the document's current state, which RxDB now applies. A needless rewind only re-pulls a few documents.
 */
interface PullRace {
  /** Ids in push requests not yet answered (count of requests). */
  inFlight: Map<string, number>;
  /** Ids pulled while in flight → the lowest checkpoint seq their batches started from, and the state pulled last. */
  pulledWhileInFlight: Map<string, { from: number; doc: Doc }>;
  /** Ids whose push was answered since the upstream was last idle (RxDB may not have recorded the answer yet) → the state answered. */
  settling: Map<string, Doc>;
  /** Where the pull checkpoint goes back to at the next rewind; null = none due. */
  rewindTo: number | null;
  rewindScheduled: boolean;
  idle: Subscription | null;
}
const UP = COLLECTIONS.filter((c) => COLLECTION_POLICY[c].direction !== 'down');
/** How long every replication must stay idle before a cycle counts as ended (see `settleIdle`). */
const IDLE_SETTLE_MS = 30;
/** The longest wait between re-syncs after a failed local write (see the header). */
export const LOCAL_RETRY_MAX_MS = 60_000;
/** A failure this long after a re-sync's wait still counts as that re-sync failing (the wait doubles). */
const LOCAL_RETRY_MARGIN_MS = 5_000;
/** Errors of the replication's own local writes (not the bridge's, which RxDB retries itself). */
const LOCAL_FAILURES = new Set(['LOCAL_STORAGE_FULL', 'SYNC_FAILED']);

export function startReplication(db: TerminalDatabase, bridge: SyncBridge, options: ReplicationOptions): TerminalReplication {
  const states = new Map<CollectionName, RxReplicationState<Doc, Checkpoint>>();
  const streams = new Map<CollectionName, Subject<RxReplicationPullStreamItem<Doc, Checkpoint>>>();
  const subs: Subscription[] = [];
  const state$ = new Subject<LocalSyncState>();
  const local: LocalSyncState = { pending: 0, quarantined: 0, lastSyncAt: null, active: false, error: null, retryAt: null, errors: {} };
  const activeBy = new Map<CollectionName, boolean>();
  // A cycle ends when every replication has stayed idle for IDLE_SETTLE_MS: a RESYNC makes RxDB's
  // upstream active and idle again before its downstream starts, and that moment is not a sync (it
  // was counted as one, with the failure right after it: 上次成功同步 at a failed cycle's start).
  let erroredSinceActive = false;
  let settling: ReturnType<typeof setTimeout> | null = null;
  function settleIdle() {
    settling = null;
    if ([...activeBy.values()].some(Boolean)) return;
    local.active = false;
    if (!erroredSinceActive) {
      local.lastSyncAt = Date.now();
      local.error = null;
      local.errors = {};
    }
    void refreshCounts();
  }
  const list = options.collections ?? COLLECTIONS;

  onLocalDiscard(db.name, (collection, doc, reason) => {
    const id = String(doc.id ?? '');
    void quarantine(db, { collection, docId: id, code: 'LOCAL_OVERRIDDEN', message: reason, doc }).catch(() => undefined);
  });
  // Rows the platform accepted but stored otherwise (push answer `adjusted`): what we pushed and what
  // it stored, until RxDB's conflict step (right after the push handler returns) adopts the stored state.
  const adjustedRows = new Map<string, { pushed: Doc; stored: Doc }>();
  onAcceptedCheck(db.name, (collection, localDoc, master) => {
    const key = `${collection}|${String(master.id)}`;
    const a = adjustedRows.get(key);
    if (!a) return false;
    adjustedRows.delete(key);
    return sameState(a.stored, master) && sameState(a.pushed, localDoc);
  });

  // Re-syncs after a failed local write (see the header): per collection, the pending timer, the
  // wait it used and when the last one fired. The wait doubles when the failure comes back within a
  // wait (plus a margin) of the re-sync; a failure long after starts again from `retryTime`. No
  // event order is assumed (RxDB's active$ of the two directions interleaves).
  const localRetries = new Map<CollectionName, { timer: ReturnType<typeof setTimeout> | null; at: number; waitMs: number; firedAt: number }>();
  const baseRetryMs = Math.max(1, options.retryTime ?? 5000);
  function noteRetryAt() {
    const ats = [...localRetries.values()].filter((r) => r.timer !== null).map((r) => r.at);
    const at = ats.length ? Math.min(...ats) : null;
    if (at === local.retryAt) return;
    local.retryAt = at;
    state$.next(snapshot());
    void report();
  }
  function scheduleLocalRetry(name: CollectionName) {
    const was = localRetries.get(name);
    if (was?.timer) return; // one re-sync pending is enough
    const now = Date.now();
    const soonAfter = was && now - was.firedAt <= was.waitMs + LOCAL_RETRY_MARGIN_MS;
    const waitMs = soonAfter ? Math.min(was.waitMs * 2, LOCAL_RETRY_MAX_MS) : baseRetryMs;
    const entry = { timer: null as ReturnType<typeof setTimeout> | null, at: now + waitMs, waitMs, firedAt: 0 };
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.firedAt = Date.now();
      log('info', 'sync.local-retry', { collection: name, waitMs });
      streams.get(name)?.next('RESYNC');
      noteRetryAt();
    }, waitMs);
    localRetries.set(name, entry);
    noteRetryAt();
  }

  const races = new Map<CollectionName, PullRace>();
  const raceOf = (name: CollectionName): PullRace => {
    let r = races.get(name);
    if (!r) races.set(name, (r = { inFlight: new Map(), pulledWhileInFlight: new Map(), settling: new Map(), rewindTo: null, rewindScheduled: false, idle: null }));
    return r;
  };

  /** After the upstream is idle: the pull checkpoint back to `seq` (the lowest asked for), then pull again. */
  function scheduleRewind(name: CollectionName, seq: number) {
    const race = raceOf(name);
    race.rewindTo = race.rewindTo === null ? seq : Math.min(race.rewindTo, seq);
    const internal = states.get(name)?.internalReplicationState;
    if (race.rewindScheduled || !internal) return;
    race.rewindScheduled = true;
    void firstValueFrom(internal.events.active.up.pipe(filter((active) => !active)))
      .then(() => {
        // In the downstream's own queue: after the batches being processed, before the next pull.
        internal.streamQueue.down = internal.streamQueue.down.then(async () => {
          race.rewindScheduled = false;
          const to = race.rewindTo;
          race.rewindTo = null;
          if (to === null || internal.events.canceled.getValue()) return;
          const at = (await getLastCheckpointDoc(internal, 'down')) as Checkpoint | undefined;
          if (at && at.seq > to) await setCheckpoint(internal, 'down', { seq: to });
          log('info', 'sync.pull-rewound', { collection: name, from: at?.seq ?? null, to });
          streams.get(name)?.next('RESYNC');
        });
      })
      .catch(() => {
        race.rewindScheduled = false;
      });
  }

  /** The pull handler saw `docs` (a batch pulled from `since`): note those racing a push. */
  function notePulled(name: CollectionName, since: Checkpoint | null, docs: Doc[]) {
    const race = races.get(name);
    if (!race || (race.inFlight.size === 0 && race.settling.size === 0)) return;
    const from = since?.seq ?? 0;
    for (const d of docs) {
      const id = String(d.id);
      if (race.inFlight.has(id)) {
        const seen = race.pulledWhileInFlight.get(id);
        race.pulledWhileInFlight.set(id, { from: Math.min(seen?.from ?? from, from), doc: d });
      } else {
        // Answered, not yet recorded by RxDB: a state other than the answered one may be skipped.
        const answered = race.settling.get(id);
        if (answered && !sameState(answered, d)) scheduleRewind(name, from);
      }
    }
  }

  function pushStarted(name: CollectionName, ids: string[]) {
    const race = raceOf(name);
    for (const id of ids) race.inFlight.set(id, (race.inFlight.get(id) ?? 0) + 1);
  }

  /** `answered`: per id, the state the platform answered (its stored state, or the pushed one); null = the push failed. */
  function pushEnded(name: CollectionName, ids: string[], answered: Map<string, Doc> | null) {
    const race = raceOf(name);
    for (const id of ids) {
      const n = (race.inFlight.get(id) ?? 1) - 1;
      if (n > 0) race.inFlight.set(id, n);
      else race.inFlight.delete(id);
    }
    if (!answered) return; // RxDB pushes these again; their pulls are still noted
    const internal = states.get(name)?.internalReplicationState;
    if (internal && !race.idle) {
      race.idle = internal.events.active.up.pipe(filter((active) => !active)).subscribe(() => race.settling.clear());
      subs.push(race.idle);
    }
    for (const id of ids) {
      const state = answered.get(id);
      if (state && race.settling.size < 10_000) race.settling.set(id, state);
      const seen = race.pulledWhileInFlight.get(id);
      if (!seen) continue;
      race.pulledWhileInFlight.delete(id);
      // Our own write coming back (or the state the answer carries) needs nothing; another may have been skipped.
      if (!state || !sameState(state, seen.doc)) scheduleRewind(name, seen.from);
    }
  }

  /**
   * One RxDB push batch as requests of at most `PUSH_BATCH` rows, all in flight together (distinct
   * documents: RxDB's batch holds each once), their answers joined. Every request is waited for before
   * a failure is thrown, so that what counts as in flight (the pull race above) stays exact; RxDB then
   * pushes the whole batch again, and the platform answers the rows it already stored as unchanged.
   */
  async function pushInRequests(name: CollectionName, rows: PushRow[]): Promise<PushAnswer> {
    if (rows.length <= PUSH_BATCH) return bridge.push({ collection: name, rows });
    const parts: PushRow[][] = [];
    for (let i = 0; i < rows.length; i += PUSH_BATCH) parts.push(rows.slice(i, i + PUSH_BATCH));
    const settled = await Promise.allSettled(parts.map((part) => bridge.push({ collection: name, rows: part })));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const answers = settled.map((s) => (s as PromiseFulfilledResult<PushAnswer>).value);
    const adjusted = answers.flatMap((a) => a.adjusted ?? []);
    const dropped = answers.reduce((n, a) => n + (a.droppedFields ?? 0), 0);
    return {
      conflicts: answers.flatMap((a) => a.conflicts),
      rejections: answers.flatMap((a) => a.rejections),
      ...(adjusted.length ? { adjusted } : {}),
      ...(dropped ? { droppedFields: Math.min(dropped, 1_000_000) } : {}),
    };
  }

  for (const name of list) {
    const collection = (db as unknown as Record<string, RxCollection<Doc>>)[name]!;
    const stream = new Subject<RxReplicationPullStreamItem<Doc, Checkpoint>>();
    streams.set(name, stream);
    const policy = COLLECTION_POLICY[name];
    const state = replicateRxCollection<Doc, Checkpoint>({
      collection,
      replicationIdentifier: `platform:${options.identifier}:${name}`,
      live: true,
      retryTime: options.retryTime ?? 5000,
      waitForLeadership: options.waitForLeadership ?? true,
      autoStart: true,
      // Kiosk and display windows are often "hidden" behind others: replicate regardless.
      toggleOnDocumentVisible: false,
      pull: {
        batchSize: options.pullBatchSize ?? (policy.direction === 'down' ? 1000 : 500),
        stream$: stream.asObservable(),
        modifier: (d) => toLocal(name, d) as typeof d,
        handler: async (checkpoint, batchSize) => {
          const r = await bridge.pull({ collection: name, checkpoint: checkpoint ?? null, limit: batchSize });
          if (name === 'applications' && lookups.length) r.documents = await withLookups(r.documents);
          if (name === 'applications') r.documents = await withoutStaleRefused(r.documents);
          notePulled(name, checkpoint ?? null, r.documents);
          if (r.skipped > 0) setError('BAD_RESPONSE', i18n.global.t('platform.skipped', { n: r.skipped, collection: i18n.global.t(`platform.collections.${name}`) }));
          return { documents: r.documents as never[], checkpoint: r.checkpoint };
        },
      },
      ...(policy.direction !== 'down'
        ? {
            push: {
              batchSize: options.pushBatchSize ?? PUSH_READ,
              // Local purges (retention) are never pushed: the platform keeps its records.
              modifier: (d: Doc) => (name === 'applications' && d._deleted ? null : toProtocol(name, d)) as typeof d,
              handler: async (rows) => {
                const ids = rows.map((row) => String((row.newDocumentState as Doc).id));
                const sent = new Map(rows.map((row, i) => [ids[i]!, row.newDocumentState as Doc]));
                const basedOn = new Map<string, Doc | null | undefined>();
                rows.forEach((row, i) => {
                  if (!basedOn.has(ids[i]!)) basedOn.set(ids[i]!, row.assumedMasterState as Doc | null | undefined);
                });
                pushStarted(name, ids);
                let answered: Map<string, Doc> | null = null;
                let r: Awaited<ReturnType<SyncBridge['push']>>;
                try {
                  r = await pushInRequests(
                    name,
                    rows.map((row) => ({ assumedMasterState: row.assumedMasterState ?? null, newDocumentState: row.newDocumentState as Doc })),
                  );
                  answered = new Map(sent);
                  for (const c of r.conflicts) if (answered.has(String(c.id))) answered.set(String(c.id), c);
                  // A refusal leaves the platform's state as it was: the state the push was based on.
                  for (const rej of r.rejections) {
                    const was = basedOn.get(rej.id);
                    if (was) answered.set(rej.id, was);
                  }
                } finally {
                  pushEnded(name, ids, answered);
                }
                const rejected = new Set<string>();
                if (r.droppedFields) log('warn', 'sync.refused-fields-dropped', { collection: name, dropped: r.droppedFields });
                for (const rej of r.rejections) {
                  const doc = sent.get(rej.id);
                  if (!doc) continue; // not something we sent: ignore (hostile or confused platform)
                  rejected.add(rej.id);
                  // `fields`, `params`, `issues` are checked again by quarantine(); bad ones never cost the copy.
                  await quarantine(db, { collection: name, docId: rej.id, code: rej.code, message: rej.message, fields: rej.fields, params: rej.params, issues: rej.issues, doc });
                }
                // Accepted = neither refused nor in conflict, or accepted and stored otherwise (`adjusted`).
                const adjusted = new Set((r.adjusted ?? []).filter((id) => sent.has(id) && !rejected.has(id)));
                if (adjustedRows.size > 10_000) adjustedRows.clear(); // entries are consumed at once; never grows in practice
                for (const c of r.conflicts) {
                  const id = String(c.id);
                  if (adjusted.has(id)) adjustedRows.set(`${name}|${id}`, { pushed: sent.get(id)!, stored: c });
                }
                const conflicted = new Set(r.conflicts.map((c) => String(c.id)).filter((id) => !adjusted.has(id)));
                await releaseAccepted(db, name, [...sent.keys()].filter((id) => !rejected.has(id) && !conflicted.has(id)));
                if (rejected.size) void refreshCounts();
                return r.conflicts.map((c) => toLocal(name, c)) as never[];
              },
            },
          }
        : {}),
    });
    states.set(name, state);
    subs.push(
      state.error$.subscribe((err) => {
        erroredSinceActive = true;
        const { code, message } = replicationError(err);
        local.errors[name] = message;
        setError(code, messageFor(code));
        if (LOCAL_FAILURES.has(code)) {
          log('warn', 'sync.local-write-failed', { collection: name, code });
          scheduleLocalRetry(name);
        }
      }),
      state.active$.subscribe((active) => {
        activeBy.set(name, active);
        const any = [...activeBy.values()].some(Boolean);
        if (any) {
          // The cycle goes on (a moment idle between RxDB's two directions is not its end).
          if (settling) clearTimeout(settling);
          settling = null;
          if (!local.active) {
            local.active = true;
            erroredSinceActive = false;
            void refreshCounts();
          }
        } else if (local.active && !settling) {
          settling = setTimeout(settleIdle, IDLE_SETTLE_MS);
        }
      }),
    );
  }

  /**
   * A submission the platform refused stays what the terminal filed until it is corrected or
   * dismissed. The push answer carried no conflict for it (sending it again would only be refused
   * again), so RxDB records the refused state as the platform's and applies any other state pulled
   * later over it. A re-pull of the state the platform kept (a pull-race rewind, an older-cases
   * lookup) would so turn the refused submission back into the platform's draft or 补正 state, and the
   * correction would then edit that instead of resending the submission. Such a state is dropped here;
   * one in which the platform moved on (`platformUnchangedSinceRefusal`) is applied as usual.
   */
  async function withoutStaleRefused(page: Doc[]): Promise<Doc[]> {
    if (page.length === 0) return page;
    const entries = await db.sync_quarantine.findByIds(page.map((d) => quarantineKey('applications', String(d.id)))).exec();
    const open = new Map<string, Doc>();
    for (const q of entries.values()) if (q.state === 'open' && q.code !== 'LOCAL_OVERRIDDEN') open.set(q.docId, q.toMutableJSON().doc as Doc);
    if (open.size === 0) return page;
    const locals = await db.applications.findByIds([...open.keys()]).exec();
    const stale = new Set<string>();
    for (const d of page) {
      const id = String(d.id);
      const refused = open.get(id);
      const local = locals.get(id);
      if (refused && local && local.status === refused.status && platformUnchangedSinceRefusal(d, refused)) stale.add(id);
    }
    if (stale.size) log('info', 'sync.refused-kept', { collection: 'applications', skipped: stale.size });
    return stale.size ? page.filter((d) => !stale.has(String(d.id))) : page;
  }

  /** Lookups asked for (lookupOlder), answered inside the next applications pull. */
  const lookups: { query: ApplicationLookup; resolve: (docs: Doc[]) => void; reject: (e: unknown) => void }[] = [];
  async function withLookups(page: Doc[]): Promise<Doc[]> {
    const found = new Map<string, Doc>();
    for (const l of lookups.splice(0)) {
      try {
        const r = await bridge.lookup!(l.query);
        for (const d of r.documents) found.set(String(d.id), d);
        l.resolve(r.documents);
      } catch (e) {
        l.reject(e);
      }
    }
    return found.size ? [...page.filter((d) => !found.has(String(d.id))), ...found.values()] : page;
  }
  function lookupOlder(query: ApplicationLookup): Promise<Doc[]> {
    const stream = streams.get('applications');
    if (!bridge.lookup || !stream) return Promise.reject(new Error('older cases cannot be fetched here (no applications replication)'));
    return new Promise<Doc[]>((resolve, reject) => {
      // A pull that keeps failing (offline) never gets to the lookup: give up after a while.
      const entry = {
        query,
        resolve: (docs: Doc[]) => {
          clearTimeout(timer);
          resolve(docs);
        },
        reject: (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      };
      const timer = setTimeout(() => {
        const at = lookups.indexOf(entry);
        if (at >= 0) lookups.splice(at, 1);
        reject(Object.assign(new Error('older cases: no applications pull got through in time'), { code: 'OFFLINE' }));
      }, options.lookupTimeoutMs ?? 20_000);
      lookups.push(entry);
      stream.next('RESYNC');
    });
  }

  const unsubscribeStream = bridge.onStream((event) => {
    if (event.type === 'RESYNC') {
      for (const s of streams.values()) s.next('RESYNC');
    } else {
      streams.get(event.collection)?.next('RESYNC');
    }
  });

  function setError(code: string, message: string) {
    local.error = { code: code.slice(0, 64), message, at: new Date().toISOString() };
    state$.next(snapshot());
    void report();
  }

  function snapshot(): LocalSyncState {
    return { ...local, errors: { ...local.errors } };
  }

  /**
   * Pending = a local state the platform has not acknowledged: the document changed after the
   * upstream checkpoint and differs from the state RxDB assumes the platform has. (Documents written
   * by pulls are above the checkpoint too, but equal to the assumed master state.)
   */
  async function pendingIn(name: CollectionName, ids?: string[]): Promise<number> {
    return (await pendingIdsIn(name, ids)).length;
  }

  async function pendingIdsIn(name: CollectionName, ids?: string[]): Promise<string[]> {
    const st = states.get(name);
    const internal = st?.internalReplicationState;
    if (!st || !internal || !UP.includes(name)) return [];
    const coll = (db as unknown as Record<string, RxCollection<Doc>>)[name]!;
    const cp = await upCheckpoint(st);
    // Above the checkpoint = a later write time, or the checkpoint's own time with a later id. A bulk
    // write (a pulled page, a batch filed offline) gives all its documents one time: selecting the
    // whole time would count them (and read them) again once pushed. Two index ranges on
    // [_meta.lwt, id]; `_meta` is indexed and queryable but not in the document type.
    const ranges: { '_meta.lwt'?: unknown; id?: Record<string, unknown> }[] = cp ? [{ '_meta.lwt': { $gt: cp.lwt } }, { '_meta.lwt': cp.lwt, id: { $gt: cp.id } }] : [{}];
    if (ids) for (const r of ranges) r.id = { ...r.id, $in: ids };
    if (!ids) {
      // Many documents above the checkpoint = a backlog of local writes: count them by index (cheap)
      // instead of decrypting and comparing each one while the push is busy with them.
      // Counted by the storage (RxDB's count() refuses _meta selectors).
      let above = 0;
      for (const selector of ranges) {
        const query = normalizeMangoQuery(coll.schema.jsonSchema, { selector, sort: [{ '_meta.lwt': 'asc' }, { id: 'asc' }] } as never);
        above += (await coll.storageInstance.count(prepareQuery(coll.schema.jsonSchema, query))).count;
      }
      if (above > EXACT_PENDING_LIMIT) return new Array<string>(above).fill('');
    }
    const above: Doc[] = [];
    for (const selector of ranges) for (const d of await coll.find({ selector: selector as never }).exec()) above.push(d.toJSON(true) as unknown as Doc);
    if (above.length === 0) return [];
    const assumed = await getAssumedMasterState(internal, above.map((d) => String(d.id)));
    const out: string[] = [];
    for (const d of above) {
      const m = assumed[String(d.id)];
      if (!m || !sameState(withoutMeta(d), withoutMeta(m.docData as Doc))) out.push(String(d.id));
    }
    return out;
  }

  async function isPending(name: CollectionName, id: string): Promise<boolean> {
    return (await pendingIn(name, [id])) > 0;
  }

  async function pendingCount(): Promise<number> {
    let n = 0;
    for (const name of UP) n += await pendingIn(name);
    return n;
  }

  async function refreshCounts() {
    try {
      local.pending = await pendingCount();
      local.quarantined = await db.sync_quarantine.count().exec();
    } catch {
      /* closing */
    }
    state$.next(snapshot());
    await report();
  }

  async function report() {
    if (!bridge.report) return;
    const { errors: _e, ...r } = snapshot();
    await bridge.report(r).catch(() => undefined);
  }

  // Recount after local writes (debounced) and at least every `reportEveryMs`.
  let debounce: ReturnType<typeof setTimeout> | null = null;
  const changes = db.$.subscribe(() => {
    if (debounce) return;
    debounce = setTimeout(() => {
      debounce = null;
      void refreshCounts();
    }, 300);
  });
  const timer = options.reportEveryMs === 0 ? null : setInterval(() => void refreshCounts(), options.reportEveryMs ?? 10_000);
  const qsub = db.sync_quarantine.count().$.subscribe((n) => {
    if (n !== local.quarantined) {
      local.quarantined = n;
      state$.next(snapshot());
      void report();
    }
  });
  void refreshCounts();

  return {
    states,
    state$,
    snapshot,
    resync() {
      for (const s of states.values()) s.reSync();
    },
    async awaitInSync() {
      await Promise.all([...states.values()].map((s) => s.awaitInSync()));
    },
    pendingCount,
    pendingIds: (c) => pendingIdsIn(c),
    isPending,
    lookupOlder,
    async stop() {
      for (const l of lookups.splice(0)) l.reject(new Error('replication stopped'));
      if (timer) clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      if (settling) clearTimeout(settling);
      for (const r of localRetries.values()) if (r.timer) clearTimeout(r.timer);
      localRetries.clear();
      changes.unsubscribe();
      qsub.unsubscribe();
      unsubscribeStream();
      for (const s of subs) s.unsubscribe();
      onLocalDiscard(db.name, null);
      onAcceptedCheck(db.name, null);
      await Promise.all([...states.values()].map((s) => s.cancel()));
    },
  };
}

async function upCheckpoint(st: RxReplicationState<Doc, Checkpoint>): Promise<{ id: string; lwt: number } | undefined> {
  const internal = st.internalReplicationState;
  if (!internal) return undefined;
  return (await getLastCheckpointDoc(internal, 'up')) as { id: string; lwt: number } | undefined;
}

/** The bridge error codes with their own words (`platform.replication.<code>`); any other code reads as `failed`. */
const REPLICATION_WORDS = ['OFFLINE', 'TIMEOUT', 'UNAUTHORIZED', 'NOT_ENROLLED', 'UPGRADE_REQUIRED', 'BAD_RESPONSE', 'BRIDGE_UNAVAILABLE', 'TIMEOUT_BRIDGE', 'LOCAL_STORAGE_FULL'] as const;

/**
 * The code and English message of what a replication's `error$` emits: RxDB's RC_PULL / RC_PUSH
 * wrap the handler's errors (as plain JSON) in `parameters.errors`; a local write that rejected
 * (its storage's error, e.g. IndexedDB's QuotaExceededError, a DOMException whose `code` is a
 * number) comes through as it is. A code the bridge contract allows (`BridgeErrorShape`: 2 to 64
 * capitals, digits and `_`) is kept; without one, a full disk is LOCAL_STORAGE_FULL and anything
 * else SYNC_FAILED.
 */
export function replicationError(err: unknown): { code: string; message: string } {
  const o = (err && typeof err === 'object' ? err : {}) as { message?: unknown; parameters?: { errors?: unknown } };
  const inner = Array.isArray(o.parameters?.errors) ? (o.parameters.errors[0] as { code?: unknown; message?: unknown } | undefined) : undefined;
  const first = inner && typeof inner === 'object' ? inner : undefined;
  const text = typeof first?.message === 'string' ? first.message : typeof o.message === 'string' ? o.message : 'replication failed';
  // A bridge or platform error keeps its code (whatever its message says); only an error without
  // one (a storage's DOMException, whose code is a number) can be the local disk being full.
  const named = typeof first?.code === 'string' && BridgeErrorShape.shape.code.safeParse(first.code).success ? first.code : null;
  const code = named ?? (isStorageFull(first) || isStorageFull(err) ? 'LOCAL_STORAGE_FULL' : 'SYNC_FAILED');
  return { code, message: text.slice(0, 300) };
}

/** Actionable words, in the UI language, for a bridge error code of a replication cycle (mirrors sync/client/errors.ts). */
export function messageFor(code: string | undefined): string {
  const known = (REPLICATION_WORDS as readonly string[]).includes(code ?? '');
  return i18n.global.t(`platform.replication.${known ? code : 'failed'}`);
}
