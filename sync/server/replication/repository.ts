// Replication's storage side: pull (a page of documents after a checkpoint, per station) and push
// (each row decided on its own: written, unchanged, conflict or rejected; compare-and-set writes).
// Stateless between calls (everything in the database), so many processes can share one PostgreSQL.
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  createValidator,
  documentSchemas,
  formSchemaDocId,
  issuesOf,
  PULL_HISTORY,
  sameDocumentState,
  stripLocalFields,
  TERMINAL_SUBMIT_STATUSES,
  type ApplicationDoc,
  type Checkpoint,
  type CollectionName,
  type PushResponse,
  type QueueTicketDoc,
  type Rejection,
} from '../../protocol/index';
import type { Database } from '../db/driver';
import { announce, byId, noticeStations, retryRetryable, type DocRow } from '../db/documents';
import { leasedTicketCheck } from '../queue/leases';
import { checkTerminalWrite, visibilityOf, visibleTo, type FormLookup, type RuleOptions } from '../rules';
import { applicantLookupHash, plainIdNumber, provinceLookupSalt } from '../id-hash';
import { tongbanLookup, type TongbanRouter } from '../tongban';

/** Who pushes: a terminal (`hub`: a station hub relaying its hall's records upstream) or the platform itself (back office, seed, upstream). */
export type Writer = { kind: 'terminal'; terminalId: string; stationId: string; hub?: boolean } | { kind: 'platform'; actor: string };

export interface StoreCounters {
  pushWritten: number;
  pushUnchanged: number;
  pushConflicts: number;
  pushRejections: number;
  pulledDocuments: number;
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

/** The form versions a push's submissions name: their validators, and the position each was read at. */
interface FormsRead {
  lookup: FormLookup;
  /** Read from this process's cache, not from the database for this push. */
  cached: boolean;
  /** The form version a submission is checked against and its position (null: not a submission, or no such form). */
  guardOf(app: ApplicationDoc): { id: string; seq: number } | null;
}

/** Collections other than applications never consult a form. */
const NO_FORMS_READ: FormsRead = { lookup: () => ({ missing: 'unknown' }), cached: false, guardOf: () => null };

interface CasWrite {
  id: string;
  doc: Record<string, unknown>;
  hash: string | null;
  stations: string[] | null;
  /** The seq the decision was based on; null = the document did not exist. */
  expected: number | null;
  /** Written only if this form version is still at this position (the submission was checked against it). */
  form: { id: string; seq: number } | null;
}

export class Replication {
  readonly counters: StoreCounters = { pushWritten: 0, pushUnchanged: 0, pushConflicts: 0, pushRejections: 0, pulledDocuments: 0 };

  constructor(
    private readonly db: Database,
    /** How terminal writes are decided (a station hub holds submissions for the province). */
    private readonly rules: RuleOptions,
    /** 通办: routes applications received with a 通办 choice to the handling division. */
    private readonly tongban: TongbanRouter,
    /** The province's ID lookup hash key (sync/server/terminals). */
    private readonly idHashKey: () => Promise<string>,
  ) {}

  /** A page of `collection` after `since` visible to `stationId` (see `pullRows`). */
  async pull(collection: CollectionName, since: Checkpoint, limit: number, stationId: string | null, recentDays?: number) {
    const rows = await this.pullRows<Record<string, unknown>>('data', collection, since, limit, stationId, recentDays);
    const last = rows.at(-1);
    return { documents: rows.map((r) => r.data), checkpoint: { seq: last ? Number(last.seq) : since.seq } };
  }

  /**
   * The same page as `pull`, as the JSON text of its answer: the documents as the database writes
   * them out (`jsonb` as text), never parsed into objects and serialised again here. A page of a
   * thousand service items is most of a pull's CPU otherwise, on the platform and the hub alike.
   */
  async pullJson(collection: CollectionName, since: Checkpoint, limit: number, stationId: string | null, recentDays?: number): Promise<string> {
    const rows = await this.pullRows<string>('data::text', collection, since, limit, stationId, recentDays);
    const last = rows.at(-1);
    return `{"documents":[${rows.map((r) => r.data).join(',')}],"checkpoint":{"seq":${last ? Number(last.seq) : since.seq}}}`;
  }

  /**
   * A page of `collection` after `since` visible to `stationId` (null: every station's). With
   * `recentDays`, a history collection (PULL_HISTORY) sends only what was written within that many
   * days plus what is still open: paging stays exact, as the filter only skips rows.
   * Only positions below doc_horizon() are read: written by transactions that have finished (in this
   * statement's snapshot), so a transaction still open can never commit below the checkpoint answered.
   */
  private async pullRows<D>(data: 'data' | 'data::text', collection: CollectionName, since: Checkpoint, limit: number, stationId: string | null, recentDays?: number) {
    const history = recentDays === undefined ? undefined : PULL_HISTORY[collection];
    const rows = await this.db.query<{ seq: string | number; data: D }>(
      `SELECT seq, ${data} AS data FROM documents
        WHERE collection = $1 AND seq > $2 AND seq < doc_horizon() AND ($3::text IS NULL OR stations IS NULL OR $3::text = ANY(stations))
          AND ($5::int IS NULL OR updated_at >= now() - make_interval(days => $5::int) OR data->>'status' = ANY($6::text[]))
        ORDER BY seq LIMIT $4`,
      [collection, since.seq, stationId, limit, history ? recentDays : null, history ? [...history.openStatuses] : []],
    );
    this.counters.pulledDocuments += rows.length;
    return rows;
  }

  /**
   * Applications by id or applicant hash (any of `hashes`), newest first, at most `limit`, visible
   * to `stationId` (null: every station's): the on-demand fetch of cases a bounded pull left out.
   */
  async lookupApplications(query: { id?: string; hashes?: readonly string[] }, limit: number, stationId: string | null): Promise<Record<string, unknown>[]> {
    const rows = await this.db.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM documents
        WHERE collection = 'applications' AND ($1::text IS NULL OR stations IS NULL OR $1::text = ANY(stations))
          AND (($2::text IS NOT NULL AND id = $2::text) OR data->>'applicantIdHash' = ANY($3::text[]))
        ORDER BY data->>'createdAt' DESC, id LIMIT $4`,
      [stationId, query.id ?? null, [...(query.hashes ?? [])], limit],
    );
    return rows.map((r) => r.data);
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
      const raw = stripLocalFields(row.newDocumentState);
      const parsed = schema.safeParse(raw);
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
      candidates.push({ index, id, assumed, next, raw, hash: sha256(canonical) });
    });

    // Forms compiled before are used without a query: each write of a submission carries the
    // position of the form version it was checked against, and is made only if that version is still
    // there (casWrite); a rewritten form sends its rows back here, to be checked again on a fresh read.
    const checksForms = writer.kind === 'terminal' && collection === 'applications';
    const apps = candidates.map((c) => c.next as ApplicationDoc);
    let forms = checksForms ? await this.formLookup(apps, true) : NO_FORMS_READ;
    const leased = writer.kind === 'terminal' && collection === 'queue_tickets' ? await leasedTicketCheck(this.db, writer.terminalId, writer.stationId, candidates.map((c) => c.next as QueueTicketDoc)) : undefined;
    const lookupSalt = collection === 'applications' && writer.kind === 'terminal' ? provinceLookupSalt(await this.idHashKey()) : null;
    const tongban = writer.kind === 'terminal' && collection === 'applications' ? await tongbanLookup(this.db, apps) : undefined;
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
    // First round: a row pushed as new (no assumed state: most of a push) is not read but decided as
    // absent and inserted only if absent; one that exists after all (a replay whose answer was lost,
    // another terminal's write) is read and decided again in the next round, as is a refusal decided
    // on that guess. A push of new documents so takes one round trip to the database, not two.
    let pending = candidates;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const guessed = new Set(attempt === 0 ? pending.filter((c) => c.assumed === null).map((c) => c.id) : []);
      const toRead = pending.filter((c) => !guessed.has(c.id)).map((c) => c.id);
      const existing = toRead.length === 0 ? [] : await this.db.query<DocRow>(
        'SELECT id, seq, stations, data, last_push_hash FROM documents WHERE collection = $1 AND id = ANY($2::text[])',
        [collection, toRead],
      );
      const byId = new Map(existing.map((r) => [r.id, r]));
      /** Guessed rows whose decision was a refusal: decided again on the stored state. */
      const recheck = new Set<string>();
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
          const r = checkTerminalWrite(collection, cur?.data ?? null, c.next, writer.stationId, now, forms.lookup, writer.hub ? { ...this.rules, fromStationHub: true } : this.rules, leased, tongban);
          if (!r.ok) {
            // A refusal made on a guess, or on forms not read for this push, is made again on fresh reads.
            if (guessed.has(c.id) || forms.cached) {
              recheck.add(c.id);
              continue;
            }
            const { ok: _ok, ...why } = r;
            rejections.push({ id: c.id, index: c.index, ...why });
            continue;
          }
          // The province's lookup hash, whatever salt the terminal used (an adjustment it learns below).
          // Only a hash the terminal chose to send (null: the terminal keeps the case unmatched).
          const idNumber = lookupSalt && typeof r.doc.applicantIdHash === 'string' ? plainIdNumber(r.doc) : null;
          const doc = idNumber && lookupSalt ? { ...r.doc, applicantIdHash: applicantLookupHash(lookupSalt, idNumber) } : r.doc;
          writes.push({ id: c.id, doc, hash: c.hash, stations: visibilityOf(collection, doc), expected, form: checksForms ? forms.guardOf(c.next as ApplicationDoc) : null });
        } else {
          writes.push({ id: c.id, doc: c.next, hash: null, stations: visibilityOf(collection, c.next), expected, form: null });
        }
      }
      if (recheck.size > 0 && forms.cached) forms = await this.formLookup(apps, false);
      if (writes.length === 0) {
        if (recheck.size === 0) break;
        pending = pending.filter((c) => recheck.has(c.id));
        continue;
      }
      const result = await this.casWrite(collection, writes);
      written += result.written.size;
      if (result.staleForms.size > 0) {
        // A form version was rewritten since it was compiled: its rows were not written; read the forms again.
        for (const id of result.staleForms) this.formCache.delete(id);
        forms = await this.formLookup(apps, false);
      }
      const pendingById = new Map(pending.map((c) => [c.id, c]));
      // What was stored differs from what was pushed (a status the platform assigns, a normalised
      // member): answer the stored state in the same exchange (see `adjusted` in protocol/api.ts).
      for (const w of writes) {
        if (!result.written.has(w.id)) continue;
        if (collection === 'applications' && w.doc.tongban && w.doc.status === 'synced') received.push(w.doc as ApplicationDoc);
        const raw = pendingById.get(w.id)!.raw;
        if (!sameDocumentState(w.doc, raw)) {
          conflicts.push(w.doc);
          adjusted.push(w.id);
        }
      }
      lastSeq = Math.max(lastSeq, result.seq);
      const tried = new Set(writes.map((w) => w.id));
      pending = pending.filter((c) => (tried.has(c.id) && !result.written.has(c.id)) || recheck.has(c.id));
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
   * The form schemas the submissions of a push name, compiled once per form version and process. With
   * `cachedWillDo`, versions all compiled already are used with no query (the write checks that each
   * is still at the position it was compiled from: casWrite); otherwise one query reads them (a
   * version compiled already costs only its position). A deleted (`_deleted`) form version still
   * validates: a field laptop may submit days after the form was retired.
   */
  private async formLookup(apps: ApplicationDoc[], cachedWillDo: boolean): Promise<FormsRead> {
    const ids = [...new Set(apps.filter((a) => TERMINAL_SUBMIT_STATUSES.includes(a.status)).map((a) => formSchemaDocId(a.formId, a.formVersion)))];
    const found = new Map<string, ReturnType<FormLookup>>();
    const seqs = new Map<string, number>();
    const read = (cached: boolean): FormsRead => ({
      cached,
      lookup: (formId, version) => found.get(formSchemaDocId(formId, version)) ?? { missing: 'unknown' },
      guardOf: (app) => {
        if (!TERMINAL_SUBMIT_STATUSES.includes(app.status)) return null;
        const id = formSchemaDocId(app.formId, app.formVersion);
        const seq = seqs.get(id);
        return seq === undefined ? null : { id, seq };
      },
    });
    if (cachedWillDo && ids.length > 0 && ids.every((id) => this.formCache.has(id))) {
      for (const id of ids) {
        const hit = this.formCache.get(id)!;
        found.set(id, hit.entry);
        seqs.set(id, hit.seq);
      }
      return read(true);
    }
    if (ids.length > 0) {
      // The versions compiled already are not sent again: only their position is read (a form schema
      // is several kilobytes of JSON, and every push of a submission names one).
      const cached = new Map(ids.flatMap((id) => {
        const hit = this.formCache.get(id);
        return hit ? [[id, hit] as const] : [];
      }));
      const rows = await this.db.query<{ id: string; seq: string | number; data: Record<string, unknown> | null }>(
        `SELECT d.id, d.seq, CASE WHEN d.seq = k.seq THEN NULL ELSE d.data END AS data
           FROM documents d LEFT JOIN unnest($2::text[], $3::bigint[]) AS k(id, seq) ON k.id = d.id
          WHERE d.collection = 'form_schemas' AND d.id = ANY($1::text[])`,
        [ids, [...cached.keys()], [...cached.values()].map((h) => h.seq)],
      );
      for (const r of rows) {
        const seq = Number(r.seq);
        const hit = cached.get(r.id);
        if (r.data === null) {
          // Only the version compiled already comes without its data.
          if (hit?.seq === seq) {
            found.set(r.id, hit.entry);
            seqs.set(r.id, seq);
          }
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
        seqs.set(r.id, seq);
      }
    }
    return read(false);
  }

  /**
   * One statement, its own transaction, no lock beyond the rows it writes: writes each row only if it
   * is still at `expected` (null = must not exist), at positions from this transaction's id
   * (doc_position()); the change notice follows in its own transaction (`announce`: a NOTIFY inside
   * would serialise the commits of all pushes again), before the push is answered. An UPDATE re-checks `seq` on the latest row version; an
   * INSERT … ON CONFLICT DO NOTHING sees rows inserted concurrently: both are safe although the
   * snapshot predates the rows' locks. Rows are taken in id order (two pushes of the same documents
   * wait for each other instead of deadlocking); a deadlock or serialization failure PostgreSQL still
   * reports rolled the statement back, and it runs again (bounded).
   */
  private async casWrite(collection: CollectionName, unsorted: CasWrite[]): Promise<{ written: Set<string>; seq: number; staleForms: Set<string> }> {
    const writes = byId(unsorted);
    const rows = await retryRetryable(() => this.db.query<{ ids: string[] | null; seq: string | number | null; stale_forms: string[] | null }>(
      `WITH u AS MATERIALIZED (
         SELECT u.*, j.data, (u.form_id IS NULL OR EXISTS (SELECT 1 FROM documents f WHERE f.collection = 'form_schemas' AND f.id = u.form_id AND f.seq = u.form_seq)) AS form_ok
           FROM unnest($2::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[]) WITH ORDINALITY AS u(id, h, st, expected, form_id, form_seq, ord)
           JOIN jsonb_array_elements($3::jsonb) WITH ORDINALITY AS j(data, ord) ON j.ord = u.ord),
       upd AS (
         UPDATE documents d
            SET seq = doc_position(),
                stations = CASE WHEN u.st IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.st::jsonb)) END,
                data = u.data, last_push_hash = u.h, updated_at = now()
           FROM u
          WHERE u.expected IS NOT NULL AND u.form_ok AND d.collection = $1 AND d.id = u.id AND d.seq = u.expected
         RETURNING d.id, d.seq),
       ins AS (
         INSERT INTO documents (collection, id, seq, stations, data, last_push_hash, updated_at)
         SELECT $1, u.id, doc_position(),
                CASE WHEN u.st IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.st::jsonb)) END,
                u.data, u.h, now()
           FROM u
          WHERE u.expected IS NULL AND u.form_ok
          ORDER BY u.ord
         ON CONFLICT (collection, id) DO NOTHING
         RETURNING id, seq),
       w AS (SELECT id, seq FROM upd UNION ALL SELECT id, seq FROM ins)
       SELECT (SELECT array_agg(id) FROM w) AS ids, (SELECT max(seq) FROM w) AS seq,
              (SELECT array_agg(DISTINCT form_id) FROM u WHERE NOT form_ok) AS stale_forms`,
      [
        collection,
        writes.map((w) => w.id),
        // The documents as one JSON array, not a text[] of JSON texts: the driver escapes every quote
        // of an array element (measured: 5 % of the platform's CPU under batches of 100).
        JSON.stringify(writes.map((w) => w.doc)),
        writes.map((w) => w.hash),
        writes.map((w) => (w.stations === null ? null : JSON.stringify(w.stations))),
        writes.map((w) => (w.expected === null ? null : String(w.expected))),
        writes.map((w) => w.form?.id ?? null),
        writes.map((w) => (w.form ? String(w.form.seq) : null)),
      ],
    ));
    const r = rows[0];
    const written = new Set(r?.ids ?? []);
    const seq = r?.seq === null || r?.seq === undefined ? 0 : Number(r.seq);
    if (written.size > 0) await announce(this.db, { collection, seq, stations: noticeStations(writes.filter((w) => written.has(w.id))) });
    return { written, seq, staleForms: new Set(r?.stale_forms ?? []) };
  }
}
