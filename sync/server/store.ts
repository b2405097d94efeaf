// The platform's storage logic: pull, push, back office, enrollment, staff, attachments.
// Stateless between calls (everything in the database), so many processes can share one PostgreSQL.
import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import {
  BACK_OFFICE_TRANSITIONS,
  backOfficeActionRequest,
  canonicalJson,
  collectionName,
  createValidator,
  documentSchemas,
  formSchemaDocId,
  issuesOf,
  sameDocumentState,
  stripLocalFields,
  TERMINAL_SUBMIT_STATUSES,
  type ApplicationDoc,
  type BackOfficeAction,
  type BackOfficeActionRequest,
  type Checkpoint,
  type CollectionName,
  type ErrorCode,
  type PinVerifier,
  type PushResponse,
  type QueueTicketDoc,
  type Rejection,
  type StaffDoc,
} from '../protocol/index';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone, stationDate } from '../protocol/station-time';
import type { Database, Queryable } from './db/driver';
import { leasedTicketCheck } from './queue-leases';
import { checkTerminalWrite, visibilityOf, visibleTo, type FormLookup, type RuleOptions } from './rules';
import { applicantLookupHash, plainIdNumber, provinceLookupSalt, TERMINAL_HASHED_STATUSES } from './id-hash';
import { PlatformExchange, tongbanLookup, TongbanRouter, type TongbanExchange } from './tongban';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export const CHANGES_CHANNEL = 'sync_changes';
/** How long a process trusts a token lookup. */
export const TOKEN_CACHE_MS = 5_000;

/** Who is writing: an enrolled terminal (rules apply) or the platform itself (back office, seed, upstream). */
/** Who pushes: a terminal (`hub`: a station hub relaying its hall's records upstream) or the platform itself. */
export type Writer = { kind: 'terminal'; terminalId: string; stationId: string; hub?: boolean } | { kind: 'platform'; actor: string };

export interface ChangeNotice {
  collection: CollectionName;
  seq: number;
  /** Stations that may see the change; null = every terminal. */
  stations: string[] | null;
}

/** A request-level failure with a stable code (mapped to HTTP by the API layer). */
export class PlatformError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
/** Deepest nesting of objects/arrays a pushed document may have (forms are flat; documents ~5). */
const MAX_DOCUMENT_DEPTH = 32;

/** Iterative (no recursion: hostile depth must not exhaust the stack). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Collections other than applications never consult a form. */
const NO_FORMS: FormLookup = () => ({ missing: 'unknown' });

const lockKey = (collection: string) => {
  // Stable 31-bit key per collection for pg_advisory_xact_lock: writes to one collection commit in
  // sequence order, so a pull never skips a sequence number that commits later.
  const h = createHash('sha256').update(`collection:${collection}`).digest();
  return h.readInt32BE(0);
};

interface CasWrite {
  id: string;
  doc: Record<string, unknown>;
  hash: string | null;
  stations: string[] | null;
  /** The seq the decision was based on; null = the document did not exist. */
  expected: number | null;
}

/** Stations to notify of a batch: null (everyone) if any document is global or the list is long. */
function noticeStations(writes: { stations: string[] | null }[]): string[] | null {
  const union = new Set<string>();
  for (const w of writes) {
    if (w.stations === null) return null;
    for (const s of w.stations) union.add(s);
  }
  return union.size <= 200 ? [...union] : null;
}

interface DocRow {
  id: string;
  seq: string | number;
  stations: string[] | null;
  data: Record<string, unknown>;
  last_push_hash: string | null;
}

/** Who asks about an attachment: an enrolled terminal (or station hub) of a station, or the back office. */
export type AttachmentCaller = { terminalId: string; stationId: string } | { backOffice: true };
export interface AttachmentState {
  sha256: string;
  received: number;
  size: number | null;
  complete: boolean;
}
/** Quota and expiry of unfinished uploads, per uploading terminal. */
export interface PartialUploadPolicy {
  /** Unfinished uploads a terminal may hold at once. */
  maxUploads: number;
  /** Their announced (else received) bytes, together. */
  maxBytes: number;
  /** An unfinished upload with no byte for this long is removed (its terminal starts again at 0). */
  expireMs: number;
}
export const DEFAULT_PARTIAL_UPLOADS: PartialUploadPolicy = { maxUploads: 32, maxBytes: 256 * 1024 * 1024, expireMs: 72 * 3_600_000 };
const BACK_OFFICE: AttachmentCaller = { backOffice: true };
/** The owner recorded for bytes the back office uploaded. Not a station id (those are digits). */
export const PLATFORM_OWNER = '#platform';
const stationOf = (c: AttachmentCaller) => ('backOffice' in c ? null : c.stationId);
const uploaderOf = (c: AttachmentCaller) => ('backOffice' in c ? PLATFORM_OWNER : c.terminalId);

export interface StoreCounters {
  pushWritten: number;
  pushUnchanged: number;
  pushConflicts: number;
  pushRejections: number;
  pulledDocuments: number;
}

export class Store {
  readonly counters: StoreCounters = { pushWritten: 0, pushUnchanged: 0, pushConflicts: 0, pushRejections: 0, pulledDocuments: 0 };

  /** 通办: the adapter that takes routed applications (sync/server/tongban.ts); an integrator replaces it. */
  tongbanExchange: TongbanExchange = new PlatformExchange();
  /** Called when the exchange refuses a route (kept as failed, tried again); the app logs it. */
  onTongbanError: (e: unknown, applicationId: string) => void = () => undefined;
  readonly tongban: TongbanRouter;

  constructor(
    readonly db: Database,
    /** How terminal writes are decided (a station hub holds submissions for the province). */
    readonly rules: RuleOptions = {},
  ) {
    this.tongban = new TongbanRouter(db, () => this.tongbanExchange, (e, id) => this.onTongbanError(e, id));
  }

  // ------------------------------------------------------------------ pull

  async pull(collection: CollectionName, since: Checkpoint, limit: number, stationId: string | null) {
    const rows = await this.db.query<{ seq: string | number; data: Record<string, unknown> }>(
      `SELECT seq, data FROM documents
        WHERE collection = $1 AND seq > $2 AND ($3::text IS NULL OR stations IS NULL OR $3::text = ANY(stations))
        ORDER BY seq LIMIT $4`,
      [collection, since.seq, stationId, limit],
    );
    this.counters.pulledDocuments += rows.length;
    const last = rows.at(-1);
    return { documents: rows.map((r) => r.data), checkpoint: { seq: last ? Number(last.seq) : since.seq } };
  }

  // ------------------------------------------------------------------ push

  /**
   * Applies a batch. Each row is decided on its own: written, unchanged (replay), conflict (stale
   * assumed state: the current state is returned) or rejected (rule/validation, with a code).
   */
  async push(collection: CollectionName, rows: { assumedMasterState?: Record<string, unknown> | null; newDocumentState: Record<string, unknown> }[], writer: Writer): Promise<PushResponse> {
    const schema = documentSchemas[collection];
    const rejections: Rejection[] = [];
    const candidates: { index: number; id: string; assumed: Record<string, unknown> | null; next: Record<string, unknown>; raw: Record<string, unknown>; hash: string }[] = [];
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      const rawId = typeof row.newDocumentState.id === 'string' ? row.newDocumentState.id.slice(0, 128) : `#${index}`;
      const parsed = schema.safeParse(stripLocalFields(row.newDocumentState));
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        rejections.push({ id: rawId, index, code: 'INVALID_DOCUMENT', message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
        return;
      }
      const next = parsed.data as Record<string, unknown>;
      const id = next.id as string;
      if (nestedDeeperThan(next, MAX_DOCUMENT_DEPTH)) {
        rejections.push({ id, index, code: 'INVALID_DOCUMENT', message: `objects and arrays may be nested at most ${MAX_DOCUMENT_DEPTH} deep` });
        return;
      }
      const canonical = canonicalJson(next);
      if (canonical.includes('\\u0000')) {
        rejections.push({ id, index, code: 'INVALID_DOCUMENT', message: 'strings may not contain NUL characters' });
        return;
      }
      const assumed = row.assumedMasterState ? stripLocalFields(row.assumedMasterState) : null;
      if (assumed && assumed.id !== id) {
        rejections.push({ id, index, code: 'ID_MISMATCH', message: 'assumedMasterState.id differs from newDocumentState.id' });
        return;
      }
      if (seen.has(id)) {
        rejections.push({ id, index, code: 'DUPLICATE_IN_BATCH', message: 'the same id appears earlier in this batch' });
        return;
      }
      seen.add(id);
      candidates.push({ index, id, assumed, next, raw: stripLocalFields(row.newDocumentState), hash: sha256(canonical) });
    });

    const forms = writer.kind === 'terminal' && collection === 'applications' ? await this.formLookup(candidates.map((c) => c.next as ApplicationDoc)) : NO_FORMS;
    const leased = writer.kind === 'terminal' && collection === 'queue_tickets' ? await leasedTicketCheck(this.db, writer.terminalId, writer.stationId, candidates.map((c) => c.next as QueueTicketDoc)) : undefined;
    const lookupSalt = collection === 'applications' && writer.kind === 'terminal' ? provinceLookupSalt(await this.idHashKey()) : null;
    const tongban = writer.kind === 'terminal' && collection === 'applications' ? await tongbanLookup(this.db, candidates.map((c) => c.next as ApplicationDoc)) : undefined;
    /** Applications stored by this push that the platform received with a 通办 choice (routed below). */
    const received: ApplicationDoc[] = [];
    const conflicts: Record<string, unknown>[] = [];
    /** Rows applied but stored otherwise than pushed; their stored state is in `conflicts` too. */
    const adjusted: string[] = [];
    let written = 0;
    let unchanged = 0;
    let lastSeq = 0;
    // Optimistic concurrency: decide on a plain read, then write each row only if it is still at the
    // sequence that was read (compare-and-set). Rows that lost a race are decided again on fresh state.
    let pending = candidates;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const existing = await this.db.query<DocRow>(
        'SELECT id, seq, stations, data, last_push_hash FROM documents WHERE collection = $1 AND id = ANY($2::text[])',
        [collection, pending.map((c) => c.id)],
      );
      const byId = new Map(existing.map((r) => [r.id, r]));
      if (attempt >= 5) {
        // Pathological contention on the same documents: answer with the current states.
        for (const c of pending) {
          const cur = byId.get(c.id);
          if (cur && (writer.kind !== 'terminal' || visibleTo(cur.stations, writer.stationId))) conflicts.push(cur.data);
        }
        break;
      }
      const now = new Date().toISOString();
      const writes: CasWrite[] = [];
      for (const c of pending) {
        const cur = byId.get(c.id) ?? null;
        if (writer.kind === 'terminal' && cur && !visibleTo(cur.stations, writer.stationId)) {
          // Never reveal another station's document: same answer as a wrong stationId.
          rejections.push({ id: c.id, index: c.index, code: 'WRONG_STATION', message: 'the document belongs to another station' });
          continue;
        }
        if (cur && (cur.last_push_hash === c.hash || sameDocumentState(cur.data, c.next))) {
          unchanged++;
          // A replay of a push the platform applied and then advanced (submitted → synced, accepted…)
          // or normalised: the terminal must learn the stored state from this answer, or it records
          // the pushed state as the platform's and keeps it (its pull checkpoint may already be past
          // this document). The push was applied, so this is an adjustment, not a refusal.
          if (!sameDocumentState(cur.data, c.raw)) {
            conflicts.push(cur.data);
            adjusted.push(c.id);
          }
          continue;
        }
        if (cur && !sameDocumentState(c.assumed, cur.data)) {
          conflicts.push(cur.data);
          continue;
        }
        const expected = cur ? Number(cur.seq) : null;
        if (writer.kind === 'terminal') {
          const r = checkTerminalWrite(collection, cur?.data ?? null, c.next, writer.stationId, now, forms, writer.hub ? { ...this.rules, fromStationHub: true } : this.rules, leased, tongban);
          if (!r.ok) {
            const { ok: _ok, ...why } = r;
            rejections.push({ id: c.id, index: c.index, ...why });
            continue;
          }
          // The province's lookup hash, whatever salt the terminal used (an adjustment it learns below).
          // Only a hash the terminal chose to send (null: the terminal keeps the case unmatched).
          const idNumber = lookupSalt && typeof r.doc.applicantIdHash === 'string' ? plainIdNumber(r.doc) : null;
          const doc = idNumber && lookupSalt ? { ...r.doc, applicantIdHash: applicantLookupHash(lookupSalt, idNumber) } : r.doc;
          writes.push({ id: c.id, doc, hash: c.hash, stations: visibilityOf(collection, doc), expected });
        } else {
          writes.push({ id: c.id, doc: c.next, hash: null, stations: visibilityOf(collection, c.next), expected });
        }
      }
      if (writes.length === 0) break;
      const result = await this.casWrite(collection, writes);
      written += result.written.size;
      // What was stored differs from what was pushed (a status the platform assigns, a normalised
      // member): answer the stored state in the same exchange (see `adjusted` in protocol/api.ts).
      for (const w of writes) {
        if (!result.written.has(w.id)) continue;
        if (collection === 'applications' && w.doc.tongban && w.doc.status === 'synced') received.push(w.doc as ApplicationDoc);
        const raw = pending.find((c) => c.id === w.id)!.raw;
        if (!sameDocumentState(w.doc, raw)) {
          conflicts.push(w.doc);
          adjusted.push(w.id);
        }
      }
      lastSeq = Math.max(lastSeq, result.seq);
      pending = pending.filter((c) => writes.some((w) => w.id === c.id) && !result.written.has(c.id));
    }
    rejections.sort((a, b) => a.index - b.index);
    // 通办: hand what was received to the handling division (once each; a failure is kept and retried).
    if (received.length > 0) {
      await this.tongban.route(received);
      await this.tongban.retry();
    }
    this.counters.pushWritten += written;
    this.counters.pushUnchanged += unchanged;
    this.counters.pushConflicts += conflicts.length;
    this.counters.pushRejections += rejections.length;
    return { conflicts, rejections, written, unchanged, adjusted, checkpoint: { seq: lastSeq } };
  }

  /** Compiled validators by form schema id, with the `seq` they were compiled from (a rewrite recompiles). */
  private readonly formCache = new Map<string, { seq: number; entry: ReturnType<FormLookup> }>();

  /**
   * The form schemas the submissions of a push name, read once per push (one query) and compiled
   * once per form version and process. A deleted (`_deleted`) form version still validates: a field
   * laptop may submit days after the form was retired.
   */
  private async formLookup(apps: ApplicationDoc[]): Promise<FormLookup> {
    const ids = [...new Set(apps.filter((a) => TERMINAL_SUBMIT_STATUSES.includes(a.status)).map((a) => formSchemaDocId(a.formId, a.formVersion)))];
    const found = new Map<string, ReturnType<FormLookup>>();
    if (ids.length > 0) {
      const rows = await this.db.query<{ id: string; seq: string | number; data: Record<string, unknown> }>(
        "SELECT id, seq, data FROM documents WHERE collection = 'form_schemas' AND id = ANY($1::text[])",
        [ids],
      );
      for (const r of rows) {
        const seq = Number(r.seq);
        const hit = this.formCache.get(r.id);
        if (hit?.seq === seq) {
          found.set(r.id, hit.entry);
          continue;
        }
        let entry: ReturnType<FormLookup>;
        try {
          entry = { validate: createValidator(r.data.jsonSchema as Record<string, unknown>) };
        } catch {
          entry = { missing: 'unsupported' }; // UnsupportedSchemaError or a broken pattern
        }
        if (this.formCache.size >= 1000) this.formCache.clear();
        this.formCache.set(r.id, { seq, entry });
        found.set(r.id, entry);
      }
    }
    return (formId, version) => found.get(formSchemaDocId(formId, version)) ?? { missing: 'unknown' };
  }

  /**
   * One statement, its own transaction: takes the collection lock, writes each row only if it is
   * still at `expected` (null = must not exist), and queues the NOTIFY. The lock is held from the
   * first sequence number to the commit (so pulls never skip a later-committing number), and only for
   * this one round trip. An UPDATE re-checks `seq` on the latest row version; an INSERT … ON CONFLICT
   * DO NOTHING sees rows inserted concurrently: both are safe although the snapshot predates the lock.
   */
  private async casWrite(collection: CollectionName, writes: CasWrite[]): Promise<{ written: Set<string>; seq: number }> {
    const stations = noticeStations(writes);
    const rows = await this.db.query<{ ids: string[] | null; seq: string | number | null }>(
      `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock($8::bigint) AS locked),
       u AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) WITH ORDINALITY AS u(id, data, h, st, expected, ord)),
       upd AS (
         UPDATE documents d
            SET seq = nextval('document_seq'),
                stations = CASE WHEN u.st IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.st::jsonb)) END,
                data = u.data::jsonb, last_push_hash = u.h, updated_at = now()
           FROM u, l
          WHERE u.expected IS NOT NULL AND d.collection = $1 AND d.id = u.id AND d.seq = u.expected
         RETURNING d.id, d.seq),
       ins AS (
         INSERT INTO documents (collection, id, seq, stations, data, last_push_hash, updated_at)
         SELECT $1, u.id, nextval('document_seq'),
                CASE WHEN u.st IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.st::jsonb)) END,
                u.data::jsonb, u.h, now()
           FROM u, l
          WHERE u.expected IS NULL
          ORDER BY u.ord
         ON CONFLICT (collection, id) DO NOTHING
         RETURNING id, seq),
       w AS (SELECT id, seq FROM upd UNION ALL SELECT id, seq FROM ins)
       SELECT (SELECT array_agg(id) FROM w) AS ids,
              (SELECT max(seq) FROM w) AS seq,
              (SELECT CASE WHEN count(*) > 0
                      THEN pg_notify($7, json_build_object('collection', $1::text, 'seq', max(seq), 'stations', $9::jsonb)::text) END
                 FROM w) AS notified`,
      [
        collection,
        writes.map((w) => w.id),
        writes.map((w) => JSON.stringify(w.doc)),
        writes.map((w) => w.hash),
        writes.map((w) => (w.stations === null ? null : JSON.stringify(w.stations))),
        writes.map((w) => (w.expected === null ? null : String(w.expected))),
        CHANGES_CHANNEL,
        lockKey(collection),
        JSON.stringify(stations),
      ],
    );
    const r = rows[0];
    return { written: new Set(r?.ids ?? []), seq: r?.seq === null || r?.seq === undefined ? 0 : Number(r.seq) };
  }

  /** Inserts or replaces documents with fresh sequence numbers and notifies listeners (on commit). */
  private async writeDocs(tx: Queryable, collection: CollectionName, writes: { id: string; doc: Record<string, unknown>; hash: string | null; stations: string[] | null }[]): Promise<number> {
    const ids = writes.map((w) => w.id);
    const datas = writes.map((w) => JSON.stringify(w.doc));
    const hashes = writes.map((w) => w.hash);
    const stations = writes.map((w) => (w.stations === null ? null : JSON.stringify(w.stations)));
    const notifyStations = noticeStations(writes);
    // One statement writes the rows and queues the NOTIFY (delivered on commit): the collection lock
    // is held for as few round trips as possible.
    const rows = await tx.query<{ seq: string | number }>(
      `WITH ins AS (
         INSERT INTO documents (collection, id, seq, stations, data, last_push_hash, updated_at)
         SELECT $1, u.id, nextval('document_seq'),
                CASE WHEN u.st IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.st::jsonb)) END,
                u.data::jsonb, u.h, now()
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(id, data, h, st, ord)
          ORDER BY u.ord
         ON CONFLICT (collection, id) DO UPDATE
           SET seq = EXCLUDED.seq, stations = EXCLUDED.stations, data = EXCLUDED.data,
               last_push_hash = EXCLUDED.last_push_hash, updated_at = now()
         RETURNING seq)
       SELECT max(seq) AS seq,
              pg_notify($6, json_build_object('collection', $1::text, 'seq', max(seq), 'stations', $7::jsonb)::text) AS notified
         FROM ins`,
      [collection, ids, datas, hashes, stations, CHANGES_CHANNEL, JSON.stringify(notifyStations)],
    );
    const maxSeq = Number(rows[0]!.seq);
    return maxSeq;
  }

  /**
   * Writes platform-made documents inside the caller's transaction (the queue service): takes the
   * collection lock (held to the commit, so pulls never skip a sequence number), new `seq`s, NOTIFY on commit.
   */
  async writeInTransaction(tx: Queryable, collection: CollectionName, docs: Record<string, unknown>[]): Promise<number> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey(collection)]);
    return this.writeDocs(tx, collection, docs.map((doc) => ({ id: doc.id as string, doc, hash: null, stations: visibilityOf(collection, doc) })));
  }

  /** Platform-side upsert (seed, admin, upstream replication): validated, no terminal rules, no conflicts. */
  async upsertAsPlatform(collection: CollectionName, docs: Record<string, unknown>[], batchSize = 500): Promise<number> {
    const schema = documentSchemas[collection];
    let count = 0;
    for (let i = 0; i < docs.length; i += batchSize) {
      const batch = docs.slice(i, i + batchSize).map((d) => {
        const r = schema.safeParse(d);
        if (!r.success) throw new PlatformError('VALIDATION_FAILED', `invalid ${collection} document`, 400, issuesOf(r.error));
        return r.data as Record<string, unknown>;
      });
      await this.db.transaction(
        (tx) => this.writeDocs(tx, collection, batch.map((doc) => ({ id: doc.id as string, doc, hash: null, stations: visibilityOf(collection, doc) }))),
        { lockKey: lockKey(collection) },
      );
      count += batch.length;
    }
    return count;
  }

  /**
   * Runs `fn` in one transaction holding `collection`'s write lock (the lock pushes take), so
   * nothing else writes the collection meanwhile. `write` stores platform states (validated, fresh
   * sequence numbers, change notices on commit) and answers each id's new seq. The station hub
   * applies upstream states this way, atomically with its own bookkeeping.
   */
  async withCollectionLock<T>(
    collection: CollectionName,
    fn: (tx: Queryable, write: (docs: Record<string, unknown>[]) => Promise<Map<string, number>>) => Promise<T>,
  ): Promise<T> {
    const schema = documentSchemas[collection];
    return this.db.transaction(
      (tx) =>
        fn(tx, async (docs) => {
          if (docs.length === 0) return new Map();
          const parsed = docs.map((d) => {
            const r = schema.safeParse(d);
            if (!r.success) throw new PlatformError('VALIDATION_FAILED', `invalid ${collection} document`, 400, issuesOf(r.error));
            return r.data as Record<string, unknown>;
          });
          await this.writeDocs(tx, collection, parsed.map((doc) => ({ id: doc.id as string, doc, hash: null, stations: visibilityOf(collection, doc) })));
          const rows = await tx.query<{ id: string; seq: string | number }>('SELECT id, seq FROM documents WHERE collection = $1 AND id = ANY($2::text[])', [collection, parsed.map((d) => d.id as string)]);
          return new Map(rows.map((r) => [r.id, Number(r.seq)]));
        }),
      { lockKey: lockKey(collection) },
    );
  }

  async getDocument(collection: CollectionName, id: string): Promise<Record<string, unknown> | null> {
    const rows = await this.db.query<{ data: Record<string, unknown> }>('SELECT data FROM documents WHERE collection = $1 AND id = $2', [collection, id]);
    return rows[0]?.data ?? null;
  }

  async countDocuments(collection: CollectionName): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM documents WHERE collection = $1', [collection]);
    return Number(rows[0]?.n ?? 0);
  }

  // ------------------------------------------------------------------ back office

  async listApplications(filter: { status?: string; stationId?: string; limit?: number }): Promise<ApplicationDoc[]> {
    const rows = await this.db.query<{ data: ApplicationDoc }>(
      `SELECT data FROM documents WHERE collection = 'applications'
         AND ($1::text IS NULL OR data->>'status' = $1) AND ($2::text IS NULL OR $2::text = ANY(stations))
       ORDER BY seq DESC LIMIT $3`,
      [filter.status ?? null, filter.stationId ?? null, filter.limit ?? 100],
    );
    return rows.map((r) => r.data);
  }

  /** accept (受理号) / review / supplement (补正) / approve / reject / complete. */
  /** `allowedFrom` narrows the statuses the action starts from (不予受理: a `reject` before acceptance only). */
  async backOffice(id: string, action: BackOfficeAction, request: BackOfficeActionRequest, allowedFrom?: readonly ApplicationDoc['status'][]): Promise<ApplicationDoc> {
    const t = BACK_OFFICE_TRANSITIONS[action];
    const from = allowedFrom ? t.from.filter((s) => allowedFrom.includes(s)) : t.from;
    // The HTTP layer parses the body already; the CLI and tests call in directly.
    const checked = backOfficeActionRequest.safeParse(request);
    if (!checked.success) throw new PlatformError('VALIDATION_FAILED', `invalid ${action} request`, 400, issuesOf(checked.error));
    const req = checked.data;
    if (action === 'supplement' && !req.reasons?.length) {
      throw new PlatformError('VALIDATION_FAILED', 'supplement needs at least one reason (补正内容)', 400, [{ path: 'reasons', message: 'required' }]);
    }
    if (action !== 'supplement' && (req.fields?.length || req.materials?.length)) {
      throw new PlatformError('VALIDATION_FAILED', `fields and materials belong to a supplement request, not to ${action}`, 400, [{ path: req.fields?.length ? 'fields' : 'materials', message: 'only for supplement' }]);
    }
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<DocRow>("SELECT id, seq, stations, data, last_push_hash FROM documents WHERE collection = 'applications' AND id = $1 FOR UPDATE", [id]);
      const cur = rows[0]?.data as ApplicationDoc | undefined;
      if (!cur) throw new PlatformError('NOT_FOUND', 'no application with this id', 404);
      if (!from.includes(cur.status)) {
        throw new PlatformError('INVALID_TRANSITION', `cannot ${action} an application that is ${cur.status} (allowed from: ${from.join(', ')})`, 409);
      }
      const now = new Date().toISOString();
      const actor = req.actor ?? 'back-office';
      const next: ApplicationDoc = {
        ...cur,
        status: t.to,
        updatedAt: now,
        statusHistory: [...cur.statusHistory, { status: t.to, at: now, by: 'platform', actor, ...(req.note ? { note: req.note } : {}) }],
      };
      if (action === 'accept') next.acceptanceNo = await this.nextAcceptanceNo(tx, cur.stationId, now);
      if (action === 'supplement') {
        const fields = [...new Set(req.fields ?? [])];
        const materials = [...new Set(req.materials ?? [])];
        if (materials.length) await this.checkMaterialCodes(tx, cur.serviceItemCode, materials);
        next.supplement = { reasons: req.reasons ?? [], requestedAt: now, dueDate: req.dueDate ?? null, ...(fields.length ? { fields } : {}), ...(materials.length ? { materials } : {}) };
      }
      if (action === 'approve' || action === 'reject') {
        next.decision = { outcome: action === 'approve' ? 'approved' : 'rejected', decidedAt: now, decidedBy: actor, ...(req.reason ? { reason: req.reason } : {}) };
      }
      const parsed = documentSchemas.applications.parse(next);
      await this.writeDocs(tx, 'applications', [{ id, doc: parsed, hash: null, stations: visibilityOf('applications', parsed) }]);
      return parsed;
    }, { lockKey: lockKey('applications') });
  }

  /**
   * A 补正 may flag only materials the application's service item asks for. When the platform does
   * not have the service item (an integrator's catalog elsewhere), the codes are taken as given.
   */
  private async checkMaterialCodes(tx: Queryable, serviceItemCode: string, codes: string[]): Promise<void> {
    const rows = await tx.query<{ data: { materials?: { code: string }[] } }>("SELECT data FROM documents WHERE collection = 'service_items' AND id = $1", [serviceItemCode]);
    const known = rows[0]?.data.materials;
    if (!known) return;
    const valid = new Set(known.map((m) => m.code));
    const unknown = codes.map((c, i) => ({ c, i })).filter(({ c }) => !valid.has(c));
    if (unknown.length) {
      throw new PlatformError(
        'VALIDATION_FAILED',
        `the service item ${serviceItemCode} has no material ${unknown.map(({ c }) => c).slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`,
        400,
        unknown.slice(0, 20).map(({ i }) => ({ path: `materials.${i}`, message: 'not a material of this service item' })),
      );
    }
  }

  /** The station's IANA time zone from its station_config (absent or unknown = Asia/Shanghai). */
  private async stationTimeZone(tx: Queryable, stationId: string): Promise<string> {
    const rows = await tx.query<{ tz: string | null }>("SELECT data->>'timeZone' AS tz FROM documents WHERE collection = 'station_config' AND data->>'stationId' = $1 LIMIT 1", [stationId]);
    const tz = rows[0]?.tz;
    return tz && isTimeZone(tz) ? tz : DEFAULT_STATION_TIME_ZONE;
  }

  /** 受理号: `<station>-<yyyymmdd>-<nnnn>`, a counter per station and day, the day in the station's time zone. */
  private async nextAcceptanceNo(tx: Queryable, stationId: string, nowIso: string): Promise<string> {
    const day = stationDate(nowIso, await this.stationTimeZone(tx, stationId)).replaceAll('-', '');
    const scope = `${stationId}:${day}`;
    const rows = await tx.query<{ last_value: number }>(
      `INSERT INTO acceptance_counters (scope, last_value) VALUES ($1, 1)
       ON CONFLICT (scope) DO UPDATE SET last_value = acceptance_counters.last_value + 1 RETURNING last_value`,
      [scope],
    );
    return `${stationId}-${day}-${String(rows[0]!.last_value).padStart(4, '0')}`;
  }

  // ------------------------------------------------------------------ enrollment and terminals

  async createEnrollCode(stationId: string, ttlMinutes = 24 * 60): Promise<{ code: string; expiresAt: string }> {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
    let raw = '';
    for (let i = 0; i < 10; i++) raw += alphabet[randomInt(alphabet.length)];
    const expiresAt = new Date(Date.now() + ttlMinutes * 60_000).toISOString();
    await this.db.query('INSERT INTO enroll_codes (code_hash, station_id, expires_at) VALUES ($1, $2, $3)', [sha256(`enroll:${raw}`), stationId, expiresAt]);
    return { code: `${raw.slice(0, 5)}-${raw.slice(5)}`, expiresAt };
  }

  /** Redeems a one-time code: a new terminal id and bearer token (stored as a hash only). */
  async enroll(code: string, label: string | undefined, kind: 'terminal' | 'station_hub' = 'terminal'): Promise<{ terminalId: string; stationId: string; token: string; idHashKey: string }> {
    const normalized = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    const token = `trm_${randomBytes(32).toString('base64url')}`;
    const terminalId = `T-${randomBytes(6).toString('hex')}`;
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ station_id: string }>(
        `UPDATE enroll_codes SET used_at = now(), terminal_id = $2
          WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING station_id`,
        [sha256(`enroll:${normalized}`), terminalId],
      );
      const stationId = rows[0]?.station_id;
      if (!stationId) throw new PlatformError('ENROLL_CODE_INVALID', 'the enrollment code is unknown, used or expired', 400);
      await tx.query('INSERT INTO terminals (id, station_id, token_hash, label, kind) VALUES ($1, $2, $3, $4, $5)', [terminalId, stationId, sha256(token), label ?? null, kind]);
      return { terminalId, stationId, token };
    }).then(async (r) => ({ ...r, idHashKey: await this.idHashKey() }));
  }

  private idHashKeyValue: Promise<string> | null = null;

  /**
   * The province-wide key of the applicant ID lookup hash (32 random bytes, hex), made once and kept
   * in `platform_secrets`: every process over the same database hands out the same key.
   */
  idHashKey(): Promise<string> {
    this.idHashKeyValue ??= (async () => {
      await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('id-hash-key', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32).toString('hex')]);
      const rows = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'id-hash-key'");
      return rows[0]!.value;
    })();
    this.idHashKeyValue.catch(() => {
      this.idHashKeyValue = null;
    });
    return this.idHashKeyValue;
  }

  /**
   * Rewrites the lookup hash of stored applications the platform owns to the province hash, once per
   * key (a marker in platform_secrets): applications stored before there was one key carry their
   * terminal's salt, and their terminal may not change them any more. Answers how many changed.
   */
  async normalizeIdHashes(): Promise<number> {
    const key = await this.idHashKey();
    const marker = createHash('sha256').update(`normalized:${key}`).digest('hex').slice(0, 32);
    const done = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'id-hash-normalized'");
    if (done[0]?.value === marker) return 0;
    const salt = provinceLookupSalt(key);
    const rows = await this.db.query<{ data: Record<string, unknown> }>(
      "SELECT data FROM documents WHERE collection = 'applications' AND data->'applicant'->>'idNumber' IS NOT NULL AND data->>'applicantIdHash' IS NOT NULL",
    );
    const changed = rows
      .map((r) => r.data)
      .filter((d) => !TERMINAL_HASHED_STATUSES.has(String(d.status)))
      .flatMap((d) => {
        const id = plainIdNumber(d);
        const h = id ? applicantLookupHash(salt, id) : null;
        return h && h !== d.applicantIdHash ? [{ ...d, applicantIdHash: h }] : [];
      });
    if (changed.length) await this.upsertAsPlatform('applications', changed);
    await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('id-hash-normalized', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [marker]);
    return changed.length;
  }

  /**
   * Takes the province's key in place of this database's own (a station hub: its hall's terminals
   * must hash a resident's ID number exactly as every other terminal of the province does).
   * Returns whether the stored key changed.
   */
  async adoptIdHashKey(key: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new PlatformError('VALIDATION_FAILED', 'an ID hash key is 64 lowercase hex digits', 400);
    const before = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'id-hash-key'");
    if (before[0]?.value === key) return false;
    await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('id-hash-key', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [key]);
    this.idHashKeyValue = null;
    return true;
  }

  /**
   * Token → terminal, cached for a few seconds per process (a revocation reaches other server
   * processes within TOKEN_CACHE_MS). Unknown tokens are not cached.
   */
  private readonly tokenCache = new Map<string, { value: { terminalId: string; stationId: string; label: string | null; hub: boolean }; until: number }>();

  async terminalByToken(token: string): Promise<{ terminalId: string; stationId: string; label: string | null; hub: boolean } | null> {
    const key = sha256(token);
    const hit = this.tokenCache.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await this.lookupToken(token);
    if (value) {
      if (this.tokenCache.size > 10_000) this.tokenCache.clear();
      this.tokenCache.set(key, { value, until: Date.now() + TOKEN_CACHE_MS });
    } else this.tokenCache.delete(key);
    return value;
  }

  private async lookupToken(token: string): Promise<{ terminalId: string; stationId: string; label: string | null; hub: boolean } | null> {
    const rows = await this.db.query<{ id: string; station_id: string; label: string | null; kind: string }>(
      'SELECT id, station_id, label, kind FROM terminals WHERE token_hash = $1 AND revoked_at IS NULL',
      [sha256(token)],
    );
    const r = rows[0];
    return r ? { terminalId: r.id, stationId: r.station_id, label: r.label, hub: r.kind === 'station_hub' } : null;
  }

  async revokeTerminal(terminalId: string): Promise<boolean> {
    const rows = await this.db.query('UPDATE terminals SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id', [terminalId]);
    for (const [k, v] of this.tokenCache) if (v.value.terminalId === terminalId) this.tokenCache.delete(k);
    return rows.length > 0;
  }

  // ------------------------------------------------------------------ staff

  async setStaffPin(staffId: string, pin: string): Promise<StaffDoc> {
    const cur = (await this.getDocument('staff', staffId)) as StaffDoc | null;
    if (!cur) throw new PlatformError('NOT_FOUND', 'no staff member with this id', 404);
    const next: StaffDoc = { ...cur, pinVerifier: await makePinVerifier(pin), updatedAt: new Date().toISOString() };
    await this.upsertAsPlatform('staff', [next]);
    return next;
  }

  /**
   * Online login at `stationId`: checks the PIN (scrypt) and limits failures to 5 per 15 minutes per
   * station and staff id. A staff id that is unknown, inactive or not of this station is refused
   * before anything is counted (no PIN check): wrong PINs sent with another station's token never
   * lock the real staff member out.
   */
  async staffLogin(staffId: string, pin: string, stationId: string): Promise<StaffDoc> {
    const invalid = () => new PlatformError('INVALID_CREDENTIALS', 'unknown staff id, wrong PIN, or not allowed at this station', 401);
    const staff = (await this.getDocument('staff', staffId)) as StaffDoc | null;
    if (!staff || staff._deleted || !staff.active || !staff.stations.includes(stationId) || !staff.pinVerifier) throw invalid();
    const failures = await this.db.query<{ failures: number }>(
      "SELECT failures FROM staff_login_failures WHERE station_id = $1 AND staff_id = $2 AND window_start > now() - interval '15 minutes'",
      [stationId, staffId],
    );
    if ((failures[0]?.failures ?? 0) >= 5) throw new PlatformError('TOO_MANY_ATTEMPTS', 'too many failed logins; try again in 15 minutes', 429);
    if (!(await verifyPin(pin, staff.pinVerifier))) {
      await this.db.query(
        `INSERT INTO staff_login_failures (station_id, staff_id, failures, window_start) VALUES ($1, $2, 1, now())
         ON CONFLICT (station_id, staff_id) DO UPDATE SET
           failures = CASE WHEN staff_login_failures.window_start > now() - interval '15 minutes' THEN staff_login_failures.failures + 1 ELSE 1 END,
           window_start = CASE WHEN staff_login_failures.window_start > now() - interval '15 minutes' THEN staff_login_failures.window_start ELSE now() END`,
        [stationId, staffId],
      );
      throw invalid();
    }
    await this.db.query('DELETE FROM staff_login_failures WHERE station_id = $1 AND staff_id = $2', [stationId, staffId]);
    return staff;
  }

  // ------------------------------------------------------------------ attachments

  /**
   * May `stationId` read the complete attachment `hash`? (null = the province's back office: yes.)
   * A station reads what it uploaded the bytes of (it is an owner), or what a document shared with it
   * references when that document is also an owner station's: referencing a hash in one's own
   * application grants nothing.
   */
  async attachmentReadable(hash: string, stationId: string | null, q: Queryable = this.db): Promise<boolean> {
    const rows = await q.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = $1 AND complete) AND (
                $2::text IS NULL
             OR EXISTS (SELECT 1 FROM attachment_owners WHERE sha256 = $1 AND station_id = $2)
             OR EXISTS (SELECT 1 FROM documents d
                         WHERE d.collection = 'applications' AND $2::text = ANY(d.stations)
                           AND d.stations && ARRAY(SELECT station_id FROM attachment_owners WHERE sha256 = $1 AND station_id <> $2)
                           AND (d.data->'authorization'->>'letterSha256' = $1
                                OR d.data->'materials' @> jsonb_build_array(jsonb_build_object('attachments', jsonb_build_array(jsonb_build_object('sha256', $1::text))))))) AS ok`,
      [hash, stationId],
    );
    return rows[0]?.ok === true;
  }

  /**
   * The attachment as `caller` sees it: complete when it may read it; otherwise its own partial upload
   * (or null). Without a caller: the back office's view (complete attachments only).
   */
  async attachmentStatus(hash: string, caller: AttachmentCaller = BACK_OFFICE): Promise<AttachmentState | null> {
    if (await this.attachmentReadable(hash, stationOf(caller))) {
      const rows = await this.db.query<{ size: string | number }>('SELECT size FROM attachments WHERE sha256 = $1', [hash]);
      const size = Number(rows[0]!.size);
      return { sha256: hash, received: size, size, complete: true };
    }
    const rows = await this.db.query<{ received: string | number; size: string | number | null }>(
      'SELECT received, size FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2',
      [hash, uploaderOf(caller)],
    );
    const r = rows[0];
    return r ? { sha256: hash, received: Number(r.received), size: r.size === null ? null : Number(r.size), complete: false } : null;
  }

  /**
   * Appends `data` at `offset` (must equal the received count) to the caller's own partial upload.
   * When the total is reached the bytes are hashed: a match makes the caller's station an owner (and
   * stores the bytes unless another station's upload already did); a mismatch discards the upload.
   * A new partial upload is refused over the caller's quota (`policy`); expired ones are removed first.
   */
  async appendAttachment(
    hash: string,
    offset: number,
    data: Buffer,
    total: number | null,
    maxBytes: number,
    caller: AttachmentCaller = BACK_OFFICE,
    policy: PartialUploadPolicy = DEFAULT_PARTIAL_UPLOADS,
  ): Promise<AttachmentState> {
    if (total !== null && total > maxBytes) throw new PlatformError('ATTACHMENT_TOO_LARGE', `attachments are limited to ${maxBytes} bytes`, 413);
    const uploader = uploaderOf(caller);
    const station = stationOf(caller) ?? PLATFORM_OWNER;
    return this.db.transaction(async (tx) => {
      if (await this.attachmentReadable(hash, stationOf(caller), tx)) {
        const size = Number((await tx.query<{ size: string | number }>('SELECT size FROM attachments WHERE sha256 = $1', [hash]))[0]!.size);
        return { sha256: hash, received: size, size, complete: true };
      }
      let rows = await tx.query<{ received: string | number; size: string | number | null }>(
        'SELECT received, size FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2 FOR UPDATE',
        [hash, uploader],
      );
      if (!rows[0]) {
        await tx.query(`DELETE FROM attachment_uploads WHERE updated_at < now() - ($1::text || ' milliseconds')::interval`, [String(policy.expireMs)]);
        const used = await tx.query<{ n: string | number; bytes: string | number | null }>(
          'SELECT count(*) AS n, sum(coalesce(size, received)) AS bytes FROM attachment_uploads WHERE uploader = $1',
          [uploader],
        );
        const n = Number(used[0]?.n ?? 0);
        const bytes = Number(used[0]?.bytes ?? 0);
        if (n + 1 > policy.maxUploads || bytes + (total ?? data.length) > policy.maxBytes) {
          throw new PlatformError(
            'ATTACHMENT_QUOTA_EXCEEDED',
            `this terminal already has ${n} unfinished uploads (${bytes} bytes; at most ${policy.maxUploads} and ${policy.maxBytes} bytes): finish them or wait until they expire (${Math.round(policy.expireMs / 3_600_000)} h after their last byte)`,
            429,
          );
        }
        await tx.query('INSERT INTO attachment_uploads (sha256, uploader, station_id, size) VALUES ($1, $2, $3, $4)', [hash, uploader, station, total]);
        rows = [{ received: 0, size: total }];
      }
      const row = rows[0]!;
      let received = Number(row.received);
      let size = row.size === null ? null : Number(row.size);
      if (total !== null && size !== null && total !== size) {
        throw new PlatformError('ATTACHMENT_OFFSET_MISMATCH', `the total size ${total} differs from the size ${size} announced earlier`, 409);
      }
      if (size === null && total !== null) size = total;
      if (offset !== received) {
        throw new PlatformError('ATTACHMENT_OFFSET_MISMATCH', `upload must continue at offset ${received}, not ${offset}`, 409);
      }
      if (received + data.length > (size ?? maxBytes)) {
        throw new PlatformError(size === null ? 'ATTACHMENT_TOO_LARGE' : 'ATTACHMENT_OFFSET_MISMATCH', 'more bytes than the announced size', size === null ? 413 : 409);
      }
      if (data.length > 0) {
        await tx.query('INSERT INTO attachment_upload_chunks (sha256, uploader, "offset", data) VALUES ($1, $2, $3, $4)', [hash, uploader, received, data]);
        received += data.length;
      }
      await tx.query('UPDATE attachment_uploads SET received = $3, size = $4, updated_at = now() WHERE sha256 = $1 AND uploader = $2', [hash, uploader, received, size]);
      if (size === null || received !== size) return { sha256: hash, received, size, complete: false };
      const h = createHash('sha256');
      const chunks = await tx.query<{ data: Uint8Array }>('SELECT data FROM attachment_upload_chunks WHERE sha256 = $1 AND uploader = $2 ORDER BY "offset"', [hash, uploader]);
      for (const c of chunks) h.update(c.data);
      if (h.digest('hex') !== hash) {
        await tx.query('DELETE FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2', [hash, uploader]);
        return { sha256: hash, received: -1, size, complete: false };
      }
      // The bytes are proven: keep them once (the first station to finish stores them), own them.
      const created = await tx.query(
        'INSERT INTO attachments (sha256, size, received, complete, completed_at) VALUES ($1, $2, $2, true, now()) ON CONFLICT (sha256) DO NOTHING RETURNING sha256',
        [hash, size],
      );
      if (created.length > 0) {
        await tx.query('INSERT INTO attachment_chunks (sha256, "offset", data) SELECT sha256, "offset", data FROM attachment_upload_chunks WHERE sha256 = $1 AND uploader = $2', [hash, uploader]);
      }
      await tx.query('DELETE FROM attachment_uploads WHERE sha256 = $1 AND uploader = $2', [hash, uploader]);
      await tx.query('INSERT INTO attachment_owners (sha256, station_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [hash, station]);
      return { sha256: hash, received, size, complete: true };
    });
  }

  /** Partial uploads (count, bytes received) of one uploader, or of all (tests, metrics). */
  async partialUploads(caller?: AttachmentCaller): Promise<{ uploads: number; bytes: number }> {
    const rows = await this.db.query<{ n: string | number; bytes: string | number | null }>(
      'SELECT count(*) AS n, sum(received) AS bytes FROM attachment_uploads WHERE $1::text IS NULL OR uploader = $1',
      [caller ? uploaderOf(caller) : null],
    );
    return { uploads: Number(rows[0]?.n ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  async *readAttachment(hash: string): AsyncGenerator<Buffer> {
    const chunks = await this.db.query<{ offset: string | number }>('SELECT "offset" FROM attachment_chunks WHERE sha256 = $1 ORDER BY "offset"', [hash]);
    for (const c of chunks) {
      const rows = await this.db.query<{ data: Uint8Array }>('SELECT data FROM attachment_chunks WHERE sha256 = $1 AND "offset" = $2', [hash, c.offset]);
      if (rows[0]) yield Buffer.from(rows[0].data);
    }
  }

  isCollection(name: string): name is CollectionName {
    return collectionName.safeParse(name).success;
  }
}

// ------------------------------------------------------------------ PIN verifiers (scrypt)

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

export async function makePinVerifier(pin: string): Promise<PinVerifier> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, keyLength: SCRYPT.keyLength };
}

export async function verifyPin(pin: string, v: PinVerifier): Promise<boolean> {
  const expected = Buffer.from(v.hash, 'base64');
  const got = await scrypt(pin, Buffer.from(v.salt, 'base64'), v.keyLength, { N: v.N, r: v.r, p: v.p, maxmem: 256 * 1024 * 1024 });
  return got.length === expected.length && timingSafeEqual(got, expected);
}
