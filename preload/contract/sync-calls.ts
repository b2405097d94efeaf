/**
 * Bridge calls and events of the terminal store's replication.
 *
 * The renderer keeps the data (RxDB); main keeps the network and the credentials. The renderer's
 * pull/push handlers call `sync.pull` / `sync.push`; main talks HTTP to the platform with the
 * terminal token, validates what the platform answers, and relays the platform's SSE stream as
 * `sync.stream` events. zod only: this file is shared with the sandboxed renderer.
 */
import { z } from 'zod';
import { call, ErrorParams, NoInput, type CallSpec } from './spec';
import { checkpoint, collectionName, docId, LIMITS, MAX_LOOKUP_HASHES, MAX_LOOKUP_RESULTS, refusalIssueList, refusalParams, refusedFieldList, sha256Hex, streamEvent, wholeObject } from '../../sync/protocol';

/** A document as it crosses the bridge (validated per collection by main against the protocol). */
const anyDoc = wholeObject;

export const SyncPullInput = z
  .object({
    collection: collectionName,
    /** The RxDB checkpoint from the last pull of this collection; null = from the start. */
    checkpoint: checkpoint.nullable(),
    limit: z.int().min(1).max(LIMITS.maxPullLimit),
  })
  .strict();

export const SyncPullOutput = z.object({
  documents: z.array(anyDoc),
  checkpoint,
  /** Documents the platform sent that failed validation; left out of `documents` (logged by main). */
  skipped: z.int().min(0),
});

/** Older cases on demand: one application by id (a receipt's QR code), or an applicant's by the hashes of the ID number. */
export const SyncLookupInput = z.union([
  z.object({ id: docId }).strict(),
  z.object({ applicantIdHashes: z.array(sha256Hex).min(1).max(MAX_LOOKUP_HASHES) }).strict(),
]);
export const SyncLookupOutput = z.object({ documents: z.array(anyDoc).max(MAX_LOOKUP_RESULTS) });

export const SyncPushRow = z
  .object({
    assumedMasterState: anyDoc.nullable().optional(),
    newDocumentState: anyDoc,
  })
  .strict();

/**
 * Why a pushed document was not accepted. The platform's rejection codes plus two of the terminal's
 * own: `TOO_LARGE` (a single document above the platform's body limit) and `MALFORMED` (the document
 * could not be sent at all).
 */
export const SyncRejection = z.object({
  id: z.string().max(200),
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/),
  /** The platform's English (logs; shown when the catalogue has no words for the code), or the Chinese words of a platform from before `params`. */
  message: z.string().max(2000),
  /** `FORM_INVALID`: the refused fields, each path once, at most 20. */
  fields: refusedFieldList.optional(),
  /** The parameters of the refusal's words (the renderer's catalogue, `refusal.<code>`). */
  params: refusalParams.optional(),
  /** `FORM_INVALID`: what is wrong, problem by problem (validator code and params), at most 20. */
  issues: refusalIssueList.optional(),
});
export type SyncRejection = z.infer<typeof SyncRejection>;

export const SyncPushInput = z
  .object({
    collection: collectionName,
    rows: z.array(SyncPushRow).max(LIMITS.maxPushRows),
  })
  .strict();

export const SyncPushOutput = z.object({
  /** The platform's state of each document whose assumed master state was stale (RxDB conflicts). */
  conflicts: z.array(anyDoc),
  /** Documents refused for a rule; everything else in the batch was applied. */
  rejections: z.array(SyncRejection),
  /** Entries of the platform's `issues` main left out as malformed (logged by the renderer; no values). */
  droppedFields: z.int().min(0).max(1_000_000).optional(),
  /**
   * Ids of rows the platform accepted but stored otherwise than pushed (e.g. `submitted` stored as
   * `synced`); their stored state is in `conflicts`. Not refusals: the renderer adopts the stored
   * state as the platform's and releases any quarantined copy.
   */
  adjusted: z.array(z.string().max(200)).max(LIMITS.maxPushRows).optional(),
});

/**
 * The problem the sync status page shows, with what to do about it. Main sends the code (and any
 * params) only: the renderer says it in the UI language (`errors.SYNC_<code>`, renderer/sync/sync-error.ts).
 * `message` is the renderer's own words for its local store report (already in the UI language).
 */
export const SyncError = z.object({
  code: z.string().max(64),
  /** Names and numbers the words need (same shape as a bridge error's `params`). */
  params: ErrorParams.optional(),
  message: z.string().max(500).optional(),
  at: z.string().max(40),
});
export type SyncError = z.infer<typeof SyncError>;

/** Counts the leader window reports about its local store (no PII). */
export const SyncLocalReport = z
  .object({
    /** Documents written locally that the platform has not acknowledged yet. */
    pending: z.int().min(0),
    /** Documents the platform refused (kept locally, editable, retryable). */
    quarantined: z.int().min(0),
    /** Wall-clock time (ms) the last replication cycle finished without error; informational. */
    lastSyncAt: z.number().nullable(),
    /** Is a replication cycle running right now. */
    active: z.boolean(),
    /** A store-side problem (e.g. quota, a document that cannot be written), in the renderer's words. */
    error: SyncError.nullable(),
    /** When the store tries again by itself after such a problem (ms, wall clock); null or absent = none due. */
    retryAt: z.number().nullable().optional(),
  })
  .strict();
export type SyncLocalReport = z.infer<typeof SyncLocalReport>;

/** What every window knows about sync; main merges its transport state with the leader's report. */
export const SyncState = z.object({
  /** `demo` = the embedded platform on loopback; `configured` = a real platform; `none` = not set up. */
  mode: z.enum(['demo', 'configured', 'none']),
  /** Enrolled with the platform (has a terminal token). */
  enrolled: z.boolean(),
  stationId: z.string().max(64).nullable(),
  /** Identifies the platform + station the local checkpoints belong to (the renderer's replication id). */
  replicationId: z.string().max(300).nullable(),
  terminalId: z.string().max(128).nullable(),
  /** The SSE stream to the platform is open. */
  online: z.boolean(),
  /** Last time (ms) main talked to the platform successfully. */
  lastContactAt: z.number().nullable(),
  /** Reconnect attempts since the stream was last open. */
  attempts: z.int().min(0),
  /** Next reconnect (ms), when offline. */
  nextRetryAt: z.number().nullable(),
  /** The transport's current problem (a code; the renderer says it, with what to do). */
  error: SyncError.nullable(),
  local: SyncLocalReport,
  /**
   * What this terminal syncs with: the province directly, or a station hub (站点服务器) on the hall's
   * LAN; null until known. Kept across restarts, so "hub unreachable" is said even before first contact.
   */
  server: z.enum(['province', 'station']).nullable().optional(),
  /** Through a station hub: the hub's link to the province, as the hub last reported it (null when unknown). */
  upstream: z
    .object({
      reachable: z.boolean(),
      /** When the hub last talked to the province (ms). */
      lastContactAt: z.number().nullable(),
      /** Documents and attachments the hub holds for the province. */
      pending: z.int().min(0),
      /** Documents the province refused (kept at the hub with the reason). */
      rejected: z.int().min(0),
      /** PROVINCE_UNREACHABLE while the province cannot be reached (a code; the renderer says it). */
      error: SyncError.nullable(),
    })
    .nullable()
    .optional(),
});
export type SyncState = z.infer<typeof SyncState>;

export const StoreKeyOutput = z.object({
  /** Password for RxDB field encryption of this database (base64url, derived per database name). */
  password: z.string().min(32).max(128),
  /**
   * Key of the `applicantIdHash` lookups (hex, HMAC-SHA256): derived from the province's key the
   * platform hands out at enrollment (`idHashScope: 'province'`, the same on every terminal), or,
   * until this terminal has it, from its own master key (`'terminal'`).
   */
  idHashSalt: z.string().regex(/^[0-9a-f]{64}$/),
  idHashScope: z.enum(['province', 'terminal']).optional(),
  /** A short fingerprint of `idHashSalt`: the renderer re-derives its stored hashes when it changes. */
  idHashKeyId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  /** The per-terminal salt of releases before the province key (SHA-256 of `salt:ID`), to find documents not yet re-derived. */
  legacyIdHashSalt: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export const syncCalls = {
  /** One page of documents from the platform after `checkpoint`. Errors: OFFLINE, UNAUTHORIZED, NOT_ENROLLED, BAD_RESPONSE. */
  'sync.pull': call({ input: SyncPullInput, output: SyncPullOutput, timeoutMs: 60_000 }),
  /**
   * The station's applications the bounded pull left on the platform (older closed cases), by id or
   * applicant hashes; the renderer stores them as pulled. Errors as for `sync.pull`.
   */
  'sync.lookupApplications': call({ input: SyncLookupInput, output: SyncLookupOutput, timeoutMs: 30_000 }),
  /** Pushes rows; answers the conflicts and the per-document rejections. Errors as for `sync.pull`. */
  'sync.push': call({ input: SyncPushInput, output: SyncPushOutput, timeoutMs: 120_000 }),
  /** The merged sync state (also pushed as `sync.state`). */
  'sync.status': call({ input: NoInput, output: SyncState }),
  /** Reconnect now (skips the backoff) and ask every window to resync. */
  'sync.retry': call({ input: NoInput, output: z.object({ requested: z.boolean() }) }),
  /** The leader window reports its local counts; main merges and broadcasts them. */
  'sync.report': call({ input: SyncLocalReport, output: z.null() }),
  /**
   * The database encryption key of this terminal, derived per database name from the master key
   * main keeps (safeStorage / 0600 file). Keep it in memory only; never persist or log it.
   */
  'store.key': call({
    input: z.object({ database: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/) }).strict(),
    output: StoreKeyOutput,
    roles: ['kiosk', 'clerk', 'display'],
    // Main waits up to 15 s for a first enrollment to learn the province lookup key (the embedded
    // demo platform can take that long to boot on a slow machine): the bridge must outwait it.
    timeoutMs: 45_000,
  }),
} as const satisfies Record<string, CallSpec>;

export const syncEvents = {
  /** A platform stream event: `RESYNC` after every (re)connect, `CHANGE` when a collection advanced. */
  'sync.stream': streamEvent,
  /** The merged sync state changed. */
  'sync.state': SyncState,
} as const satisfies Record<string, z.ZodType>;
