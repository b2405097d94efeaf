// Requests and responses of every endpoint under /api/v1. Paths are built here so both sides agree.
import { z } from 'zod';
import { API_PREFIX, docId, isoTimestamp, sha256Hex, shortText, stationId, wholeObject } from './common';
import { collectionName, REFUSAL_ISSUE_CODE_PATTERN, refusalParams, staffDoc, supplementRequest, type CollectionName } from './documents';
import { APPLICATION_STATUSES, type BackOfficeAction } from './status';
import { MAX_FORM_ISSUES } from './forms/validate';
import { sealIssue, sealRequest } from './seal-format';

/** Size bounds the platform enforces (a terminal should chunk below them). */
export const LIMITS = {
  /** Max JSON body of any request, bytes. */
  maxBodyBytes: 4 * 1024 * 1024,
  /** Max rows in one push. */
  maxPushRows: 500,
  /** Max and default `limit` of a pull. */
  maxPullLimit: 1000,
  defaultPullLimit: 200,
  /** Max size of one attachment, bytes. */
  maxAttachmentBytes: 32 * 1024 * 1024,
} as const;

export const paths = {
  health: `${API_PREFIX}/health`,
  metrics: `${API_PREFIX}/metrics`,
  enroll: `${API_PREFIX}/terminals/enroll`,
  me: `${API_PREFIX}/terminals/me`,
  staffLogin: `${API_PREFIX}/staff/login`,
  pull: (collection: CollectionName) => `${API_PREFIX}/sync/${collection}/pull`,
  push: (collection: CollectionName) => `${API_PREFIX}/sync/${collection}/push`,
  stream: `${API_PREFIX}/sync/stream`,
  /** Older cases on demand (the bounded pull left them on the platform). */
  applicationLookup: `${API_PREFIX}/sync/applications/lookup`,
  attachment: (sha256: string) => `${API_PREFIX}/attachments/${sha256}`,
  adminEnrollCodes: `${API_PREFIX}/admin/enroll-codes`,
  adminApplications: `${API_PREFIX}/admin/applications`,
  adminApplication: (id: string) => `${API_PREFIX}/admin/applications/${id}`,
  adminAction: (id: string, action: BackOfficeAction) => `${API_PREFIX}/admin/applications/${id}/${action}`,
  adminDocuments: (collection: CollectionName) => `${API_PREFIX}/admin/documents/${collection}`,
  adminStaffPin: (staffId: string) => `${API_PREFIX}/admin/staff/${staffId}/pin`,
  adminPage: '/admin',
  /** The station queue (sync/protocol/queue.ts). */
  queueCommands: `${API_PREFIX}/queue/commands`,
  queueState: `${API_PREFIX}/queue/state`,
  queueLease: `${API_PREFIX}/queue/lease`,
  /** The server's place in the tree and, on a station hub, its upstream state. */
  stationStatus: `${API_PREFIX}/station/status`,
} as const;

// ---------------------------------------------------------------- auth

/** Every terminal call: `Authorization: Bearer <terminal token>`; admin calls: `Bearer <admin token>`. */
export const AUTH_HEADER = 'authorization';
/** Optional: the client's protocol version; below the minimum the server answers CLIENT_UPGRADE_REQUIRED. */
export const PROTOCOL_HEADER = 'x-sync-protocol';

// ---------------------------------------------------------------- enrollment

export const enrollRequest = z.strictObject({
  code: z.string().min(4).max(64),
  /** Free-form label shown in the back office (hostname, window). No PII. */
  label: shortText(100).optional(),
  /** `station_hub`: a hall's station hub enrolling upstream (it relays its queue's ticket records). Default `terminal`. */
  kind: z.enum(['terminal', 'station_hub']).optional(),
  /** 电子印章: the terminal's own SM2 public key with its proof of possession; the answer's `seal` certifies it (sync/protocol/seal.ts). */
  seal: sealRequest.optional(),
});
export type EnrollRequest = z.infer<typeof enrollRequest>;

export const enrollResponse = z.object({
  terminalId: docId,
  stationId,
  /** Bearer token; shown once, stored hashed on the platform. */
  token: z.string().min(20),
  /**
   * The province's key of the applicant ID lookup hash (`applicantIdHash`), hex: the same for every
   * terminal, so one resident is one person at every terminal. A secret: kept in main's secret store.
   * Absent from older platforms.
   */
  idHashKey: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** 电子印章: the station's seal certificate for the key in the request's `seal`, and the platform's root key. Absent when not asked, or when a station hub could not reach the province. */
  seal: sealIssue.optional(),
});
export type EnrollResponse = z.infer<typeof enrollResponse>;

/** `GET /terminals/me`; carries `idHashKey` too, for terminals enrolled before the platform handed it out. */
export const meResponse = z.object({ terminalId: docId, stationId, label: z.string().nullable(), idHashKey: z.string().regex(/^[0-9a-f]{64}$/).optional() });
export type MeResponse = z.infer<typeof meResponse>;

// ---------------------------------------------------------------- pull

/** The pull checkpoint: the platform-assigned sequence of the last document returned. */
export const checkpoint = z.object({ seq: z.int().min(0) });
export type Checkpoint = z.infer<typeof checkpoint>;

/**
 * Query of `GET /sync/:collection/pull`: `checkpoint` is the `seq` of the last checkpoint (absent or
 * empty = from the start). Unknown/old checkpoint formats are treated as "from the start".
 */
/** Longest window a bounded pull may ask for (`recentDays`), about ten years. */
export const MAX_RECENT_DAYS = 3650;

export const pullQuery = z.object({
  checkpoint: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPullLimit).optional(),
  /**
   * Bounded pull (a terminal's initial sync): of the collections that grow with the station's
   * history (PULL_HISTORY), only documents the platform wrote in the last `recentDays` days, plus
   * those still open however old. Other collections ignore it. Absent = everything.
   */
  recentDays: z.coerce.number().int().min(1).max(MAX_RECENT_DAYS).optional(),
});

/** Most applications one lookup answers (newest first). */
export const MAX_LOOKUP_RESULTS = 50;
/** Most applicant hashes one lookup may name (every salt the station used). */
export const MAX_LOOKUP_HASHES = 8;

/**
 * `GET /sync/applications/lookup`: the caller's station's applications by id (a receipt's QR code)
 * or by applicant hash (an ID card; `applicantIdHash` repeated, one per salt), however old: what a
 * bounded pull left on the platform. Exactly one of the two.
 */
export const applicationLookupQuery = z
  .object({
    id: docId.optional(),
    applicantIdHash: z.union([sha256Hex, z.array(sha256Hex).min(1).max(MAX_LOOKUP_HASHES)]).optional(),
  })
  .strict()
  .refine((q) => (q.id === undefined) !== (q.applicantIdHash === undefined), 'give exactly one of id and applicantIdHash');
export type ApplicationLookupQuery = z.infer<typeof applicationLookupQuery>;

/**
 * Collections that grow with the station's history, for the bounded pull: a document older than the
 * window is still sent while its `status` is one of `openStatuses` (an application not yet
 * completed or withdrawn; no queue ticket: yesterday's numbers are void). Older closed documents are
 * fetched on demand (the clerk's search) instead of by every new terminal.
 */
export const PULL_HISTORY: Readonly<Partial<Record<CollectionName, { openStatuses: readonly string[] }>>> = {
  applications: { openStatuses: APPLICATION_STATUSES.filter((s) => s !== 'completed' && s !== 'withdrawn') },
  queue_tickets: { openStatuses: [] },
};

/** A pull's answer: `{documents, checkpoint}`; pass the checkpoint back unchanged (it equals the input when there is nothing new). */
export type PullResponse<D = Record<string, unknown>> = { documents: D[]; checkpoint: Checkpoint };

/** Parses the checkpoint query value; anything unrecognised means "from the start". */
export function parseCheckpointParam(raw: string | undefined): Checkpoint {
  if (raw === undefined || raw === '') return { seq: 0 };
  if (/^\d{1,15}$/.test(raw)) return { seq: Number(raw) };
  try {
    const parsed: unknown = JSON.parse(raw);
    const r = checkpoint.safeParse(parsed);
    if (r.success) return r.data;
  } catch {
    /* old or foreign format */
  }
  return { seq: 0 };
}

// ---------------------------------------------------------------- push

export const pushRow = z.strictObject({
  /** The state the terminal last saw from the platform; null for a new document. */
  assumedMasterState: wholeObject.nullable().optional(),
  newDocumentState: wholeObject,
});
export type PushRow<D = Record<string, unknown>> = { assumedMasterState?: D | null; newDocumentState: D };

export const pushRequest = z.array(pushRow).max(LIMITS.maxPushRows);

/** Per-document rejection reasons. */
export const REJECTION_CODES = [
  /** The document does not match its schema (details in `message`). */
  'INVALID_DOCUMENT',
  /** The document belongs to (or claims) another station. */
  'WRONG_STATION',
  /** The application is not in a status the terminal may edit. */
  'NOT_EDITABLE',
  /** The status change is not one a terminal may make. */
  'INVALID_TRANSITION',
  /** A platform-owned field (受理号, supplement, decision, platform history) was set or changed. */
  'PLATFORM_OWNED_FIELD',
  /** Audit events and evaluations cannot be changed once written. */
  'APPEND_ONLY',
  /** assumedMasterState.id differs from newDocumentState.id. */
  'ID_MISMATCH',
  /** The same id appears twice in one batch (only the first is applied). */
  'DUPLICATE_IN_BATCH',
  /** A submitted application names a form (`formId@formVersion`) the platform does not have. */
  'UNKNOWN_FORM',
  /** A submitted application's `formData` does not match its form schema (`issues` say where). */
  'FORM_INVALID',
  /** A queue ticket pushed by a terminal that is not inside a number block it leased (`POST /queue/lease`). */
  'LEASE_INVALID',
  /** An application's 通办 choice (`tongban`) names an unknown division or one that does not accept its item. */
  'TONGBAN_INVALID',
] as const;
export const rejectionCode = z.enum(REJECTION_CODES);
export type RejectionCode = z.infer<typeof rejectionCode>;

/**
 * One problem of a form's data: property path, the JSON Schema keyword, a message (English from
 * platforms that send `code`; Chinese from earlier ones), and what is wrong for people: the
 * validator's `code` and `params` (the terminal words it with its catalogue's `forms.issue.<code>`).
 */
export const formIssue = z.object({
  path: z.string().max(200),
  keyword: z.string().max(40),
  message: z.string().max(300),
  code: z.string().regex(REFUSAL_ISSUE_CODE_PATTERN).optional(),
  params: refusalParams.optional(),
});
export type FormIssue = z.infer<typeof formIssue>;

export const rejection = z.object({
  /** The `id` of the newDocumentState when readable, else `#<row index>`. */
  id: z.string(),
  index: z.int().min(0),
  code: rejectionCode,
  /** English, for logs and integrators; never echoes values. */
  message: z.string(),
  /**
   * What the terminal's words need (its catalogue's `refusal.<code>`): `FORM_INVALID` `{total}`
   * (with `issues`), `UNKNOWN_FORM` `{form, why}` (`unknown` | `unsupported`), `TONGBAN_INVALID`
   * `{reason}` (a TongbanProblem reason, `LOCKED` or `NO_REGISTRY`) and `divisionCode` where the
   * sentence names it. Absent from earlier platforms (they sent `userMessage`).
   */
  params: refusalParams.optional(),
  /** Chinese words for the people at the terminal, from platforms before `params`; no longer sent. */
  userMessage: z.string().max(2000).optional(),
  /** `FORM_INVALID`: the first problems by field (at most MAX_FORM_ISSUES), each with its `code` and `params`. */
  issues: z.array(formIssue).max(MAX_FORM_ISSUES).optional(),
});
export type Rejection = z.infer<typeof rejection>;

export const pushResponse = z.object({
  /** The platform's current state of every document whose assumedMasterState was stale (RxDB conflicts). */
  conflicts: z.array(wholeObject),
  /** Documents refused for a rule; the rest of the batch was applied. */
  rejections: z.array(rejection),
  /** Rows written (new or changed). */
  written: z.int().min(0),
  /** Rows that were already in that state (idempotent replays). */
  unchanged: z.int().min(0),
  /**
   * Ids of rows the platform applied but whose stored state differs from the pushed one: it
   * assigned a status (a pushed `submitted` is stored as `synced` with a platform history entry),
   * normalised a member, or had already applied this exact push and moved the document on since (a
   * replay). The stored state of each is in `conflicts`, so a client that adopts `conflicts` as the
   * platform's state (RxDB) learns it in this exchange and never records the pushed state as the
   * platform's. Unlike a conflict, such a row was accepted: nothing needs resolving or resending,
   * and a refused copy kept for it can be released. Absent from platforms before this member (read
   * absent as empty); at most one entry per row, never an id that was not pushed.
   */
  adjusted: z.array(z.string()).optional(),
  /** Checkpoint after this push (for information). */
  checkpoint,
});
export type PushResponse<D = Record<string, unknown>> = Omit<z.infer<typeof pushResponse>, 'conflicts'> & { conflicts: D[] };

// ---------------------------------------------------------------- stream (SSE)

/**
 * `GET /sync/stream` is `text/event-stream`. Each event is `data: <json>` of this union. `RESYNC` is
 * sent first on every (re)connection; the client then pulls every collection. `CHANGE` says a
 * collection advanced to `checkpoint` (the client pulls it). Comments (`: ping`) keep the line open.
 */
export const streamEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('RESYNC') }),
  z.object({ type: z.literal('CHANGE'), collection: collectionName, checkpoint }),
]);
export type StreamEvent = z.infer<typeof streamEvent>;

// ---------------------------------------------------------------- attachments

/**
 * `PUT /attachments/:sha256` with `Content-Type: application/octet-stream` and
 * `Content-Range: bytes <start>-<end>/<total>` (or no Content-Range for a whole upload). `start` must
 * equal the received offset (learn it with `HEAD`: header `Upload-Offset`, and `Upload-Length` once
 * known). The response tells the new state; `complete` once the bytes hash to the id.
 */
export const attachmentStatus = z.object({
  sha256: z.string(),
  received: z.int().min(0),
  size: z.int().min(0).nullable(),
  complete: z.boolean(),
});
export type AttachmentStatus = z.infer<typeof attachmentStatus>;
export const UPLOAD_OFFSET_HEADER = 'upload-offset';
export const UPLOAD_LENGTH_HEADER = 'upload-length';

// ---------------------------------------------------------------- staff login

export const staffLoginRequest = z.strictObject({
  staffId: docId,
  pin: z.string().regex(/^\d{4,12}$/, '4–12 digits'),
});
export const staffLoginResponse = z.object({
  staff: staffDoc,
  /** When the terminal may use the cached verifier offline until. */
  offlineValidUntil: isoTimestamp,
});
export type StaffLoginResponse = z.infer<typeof staffLoginResponse>;

// ---------------------------------------------------------------- health

export const healthResponse = z.object({
  status: z.literal('ok'),
  protocolVersion: z.int(),
  storage: z.enum(['pglite', 'postgres']),
  role: z.enum(['province', 'station']),
  time: isoTimestamp,
});

// ---------------------------------------------------------------- station hub status

/** Counts of documents waiting to go upstream, per upward collection (+ attachments). */
export const hubPendingCounts = z.object({
  applications: z.int().min(0),
  queue_tickets: z.int().min(0),
  evaluations: z.int().min(0),
  audit_events: z.int().min(0),
  attachments: z.int().min(0),
});

/**
 * `GET /station/status` (terminal or admin token). On a province: `{role: 'province', upstream: null}`.
 * On a station hub: its upstream link. `upstream.reachable` is false while the province cannot be
 * reached (the hall keeps working; the hub drains when it returns). Messages are English (logs);
 * a terminal shows its own Chinese text by `lastError.code`.
 */
export const stationStatusResponse = z.object({
  role: z.enum(['province', 'station']),
  stationId: stationId.nullable(),
  upstream: z
    .object({
      url: z.string().max(300),
      enrolled: z.boolean(),
      reachable: z.boolean(),
      streamOpen: z.boolean(),
      lastContactAt: isoTimestamp.nullable(),
      lastDrainAt: isoTimestamp.nullable(),
      nextRetryAt: isoTimestamp.nullable(),
      lastError: z.object({ code: z.string().max(64), message: z.string().max(500), at: isoTimestamp }).nullable(),
      pending: hubPendingCounts,
      drained: z.int().min(0),
      rejectedCount: z.int().min(0),
      /** The newest refusals (at most 50): kept at the hub with the province's reason. */
      rejected: z
        .array(z.object({ collection: collectionName.or(z.literal('attachments')), id: z.string().max(200), code: z.string().max(64), message: z.string().max(2000), at: isoTimestamp }))
        .max(50),
    })
    .nullable(),
});
export type StationStatus = z.infer<typeof stationStatusResponse>;

// ---------------------------------------------------------------- back office (admin token)

export const createEnrollCodeRequest = z.strictObject({
  stationId,
  /** Minutes until the code expires (default 1440). */
  ttlMinutes: z.int().min(1).max(60 * 24 * 30).optional(),
});
export const createEnrollCodeResponse = z.object({ code: z.string(), stationId, expiresAt: isoTimestamp });

export const backOfficeActionRequest = z.strictObject({
  /** Operator id recorded in the status history (not a resident). */
  actor: shortText(100).optional(),
  note: shortText(1000).optional(),
  /** `supplement`: the reasons (补正内容); required. */
  reasons: z.array(shortText(500).min(1)).min(1).max(20).optional(),
  /** `supplement`: due date. */
  dueDate: z.iso.date().optional(),
  /** `supplement`: form fields to correct (paths as the form validator reports them), at most 30. */
  fields: supplementRequest.shape.fields,
  /** `supplement`: material codes of the application's service item to provide again, at most 50. */
  materials: supplementRequest.shape.materials,
  /** `reject` / `approve`: the decision text. */
  reason: shortText(2000).optional(),
});
export type BackOfficeActionRequest = z.infer<typeof backOfficeActionRequest>;

export const adminListApplicationsQuery = z.object({
  status: z.string().max(40).optional(),
  stationId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const setStaffPinRequest = z.strictObject({ pin: z.string().regex(/^\d{4,12}$/, '4–12 digits') });
