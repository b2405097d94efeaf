/**
 * Test/bench entry injected into a browser-host page (Chromium): the renderer's real store code
 * (Dexie/IndexedDB, encryption, replication through the real bridge) behind `window.__store`.
 * Built by ./store-bundle.ts.
 */
import { startTerminalStore, type TerminalStore } from '../renderer/db/terminal-store';
import { createDraft, saveCorrection, setTerminalStatus, submitApplication, updateForm, type DraftInput } from '../renderer/db/applications';
import { openTerminalDatabase } from '../renderer/db/database';
import { protocolDocuments, toLocal, toProtocol } from '../renderer/db/modifiers';
import { APPLICATION_STATUSES, uuidv7, type ApplicationDoc } from '../sync/protocol';
import { call } from '../renderer/bridge/client';
import { exampleApplication, exampleEvaluation, exampleFormData } from '../sync/protocol';
import { hashIdNumber } from '../renderer/db/applications';
import { queryCases, summaryCsv, type CaseFilter } from '../renderer/clerk/cases/query';
import { summaryCounts } from '../renderer/db/counts';
import { dumpIndexedDb } from './idb-dump';
import { createRxDatabase } from 'rxdb';
import { createStorage } from '../renderer/db/storage';
import { quarantineSchemaV0 } from '../renderer/db/migrations';
import { listQuarantine, openFormRefusal, quarantineKey, refusalText } from '../renderer/db/quarantine';
import type { CollectionName } from '../sync/protocol';

let store: TerminalStore | null = null;

type BenchDb = Awaited<ReturnType<typeof openTerminalDatabase>>;
/** The CSV's column titles as the clerk page passes them in zh-CN (clerk.cases.summaryCsvHeader). */
const CSV_HEADER = ['事项编码', '事项名称', '状态', '件数'] as const;

const benchDb = (): BenchDb => (globalThis as unknown as { __benchDb: BenchDb }).__benchDb;
/** Clerk-case bench: the sync state the list filters by, and the ID-number salt. */
const cases = { pending: new Set<string>(), quarantined: new Set<string>(), salt: 'b'.repeat(64) };
/** RxDB answers a repeated query from its cache: the bench measures cold queries. */
const forgetQueries = () => (benchDb().applications as unknown as { _queryCache: { _map: Map<string, unknown> } })._queryCache._map.clear();
/** Resident k's ID number (18 characters; the check digit is not checked by the store). */
const benchIdNumber = (k: number) => `36012119500101${String(k % 10_000).padStart(4, '0')}`;

function need(): TerminalStore {
  if (!store) throw new Error('store not open');
  return store;
}

const rawDump = dumpIndexedDb;

/** `n` submitted applications of `stationId` (demo form MZ06@1), written locally in bulks of 1,000. */
async function submitBulk(db: BenchDb, n: number, stationId: string): Promise<string[]> {
  const ids: string[] = [];
  const docs = Array.from({ length: n }, (_, i) => {
    const at = new Date().toISOString();
    const id = uuidv7();
    ids.push(id);
    return toLocal('applications', {
      id, _deleted: false, updatedAt: at, stationId, serviceItemCode: 'MZ06', formId: 'MZ06', formVersion: 1, channel: 'counter',
      applicant: { name: `批量${i}`, idNumber: '360121195001011234' }, applicantIdHash: null, agent: null, authorization: null,
      formData: exampleFormData({ applicantName: `批量${i}` }), materials: [], status: 'submitted', acceptanceNo: null, supplement: null, decision: null,
      statusHistory: [{ status: 'draft', at, by: 'terminal' }, { status: 'submitted', at, by: 'terminal' }], createdAt: at, submittedAt: at,
    });
  });
  for (let i = 0; i < docs.length; i += 1000) await db.applications.bulkInsert(docs.slice(i, i + 1000) as never[]);
  return ids;
}

const api = {
  async open(name = 'terminal', storage: 'packed' | 'dexie' = 'packed') {
    store = await startTerminalStore({ name, storage });
    return true;
  },
  async close() {
    await store?.close();
    store = null;
  },
  isLeader: () => need().db.isLeader(),
  replicating: () => need().replication() !== null,
  async writeApplications(n: number, prefix: string, submit = true): Promise<string[]> {
    const s = need();
    const st = await call('sync.status');
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = await createDraft(s.db, {
        stationId: st.stationId ?? '360121201',
        serviceItemCode: 'MZ06',
        formId: 'MZ06',
        formVersion: 1,
        channel: 'counter',
        applicant: { name: `${prefix}${i}`, idType: 'resident_id', idNumber: '360121195001011234', phone: '13800000000', address: '南新乡测试路1号' },
        formData: exampleFormData({ applicantName: `${prefix}${i}` }), // valid for MZ06@1: the platform checks submissions
      }, s.idHashSalt);
      if (submit) await submitApplication(s.db, d.id);
      ids.push(d.id);
    }
    return ids;
  },
  async statuses(ids: string[]): Promise<Record<string, string>> {
    const docs = await need().db.applications.findByIds(ids).exec();
    return Object.fromEntries([...docs.entries()].map(([id, d]) => [id, d.status]));
  },
  async count(collection: 'applications' | 'service_items' | 'form_schemas'): Promise<number> {
    return need().db[collection].count().exec();
  },
  /**
   * Resolves (with the ms it waited) once each collection of `targets` holds at least that many
   * documents: exact counts, taken again after each write to those collections rather than polled
   * (a poll's own count queries compete with the writes a benchmark waits for); rejects after
   * `timeoutMs`.
   */
  waitForCounts(targets: Partial<Record<'applications' | 'service_items' | 'form_schemas', number>>, timeoutMs: number): Promise<number> {
    const db = need().db;
    const names = Object.keys(targets) as ('applications' | 'service_items' | 'form_schemas')[];
    const started = performance.now();
    return new Promise<number>((resolve, reject) => {
      let running = false;
      let again = false;
      let finished = false;
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        for (const sub of subs) sub.unsubscribe();
        if (error) reject(error);
        else resolve(performance.now() - started);
      };
      const check = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            let all = true;
            for (const n of names) if ((await db[n].count().exec()) < targets[n]!) all = false;
            if (all) return finish();
          } while (again && !finished);
        } catch (e) {
          finish(e as Error);
        } finally {
          running = false;
        }
      };
      const subs = names.map((n) => db[n].eventBulks$.subscribe(() => void check()));
      const timer = setTimeout(() => finish(new Error(`waitForCounts: not reached within ${timeoutMs} ms`)), timeoutMs);
      void check();
    });
  },
  async pending(): Promise<number | null> {
    return (await need().replication()?.pendingCount()) ?? null;
  },
  async pendingDetail(): Promise<unknown> {
    const r = need().replication();
    if (!r) return null;
    const ids = await r.pendingIds('applications');
    const docs = await need().db.applications.findByIds(ids.slice(0, 3)).exec();
    return JSON.parse(JSON.stringify({ n: ids.length, ids: ids.slice(0, 3), sample: [...docs.values()].map((d) => ({ id: d.id, status: d.status, hist: d.statusHistory.map((h) => h.status) })) })) as unknown;
  },
  rawDump,
  // ------------------------------------------------------------ benchmarks
  async benchOpen(name: string, kind: 'packed' | 'dexie' = 'packed') {
    const key = await call('store.key', { database: name });
    const db = await openTerminalDatabase({ name, password: key.password, storage: { kind } });
    (globalThis as unknown as { __benchDb: typeof db }).__benchDb = db;
    return true;
  },
  async benchInsertApplications(n: number, stationId: string): Promise<number> {
    const db = (globalThis as unknown as { __benchDb: Awaited<ReturnType<typeof openTerminalDatabase>> }).__benchDb;
    const statuses: ApplicationDoc['status'][] = ['draft', 'submitted', 'synced', 'accepted', 'in_review', 'approved'];
    const docs = Array.from({ length: n }, (_, i) => {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
      return toLocal('applications', {
        id: uuidv7(),
        _deleted: false,
        updatedAt: at,
        stationId,
        serviceItemCode: `SI${i % 50}`,
        formId: 'F1',
        formVersion: 1,
        channel: 'counter',
        applicant: { name: `申请人${i}`, idNumber: '360121195001011234' },
        applicantIdHash: null,
        agent: null,
        authorization: null,
        formData: { a: i },
        materials: [],
        status: statuses[i % statuses.length]!,
        acceptanceNo: null,
        supplement: null,
        decision: null,
        statusHistory: [{ status: 'draft', at, by: 'terminal' }],
        createdAt: at,
        submittedAt: null,
      });
    });
    const t0 = performance.now();
    for (let i = 0; i < docs.length; i += 1000) await db.applications.bulkInsert(docs.slice(i, i + 1000) as never[]);
    return performance.now() - t0;
  },
  async benchListQuery(status: string, limit: number): Promise<{ ms: number; n: number }> {
    const db = (globalThis as unknown as { __benchDb: Awaited<ReturnType<typeof openTerminalDatabase>> }).__benchDb;
    const t0 = performance.now();
    const docs = await db.applications.find({ selector: { status: status as ApplicationDoc['status'] }, sort: [{ updatedAt: 'desc' }], limit }).exec();
    return { ms: performance.now() - t0, n: docs.length };
  },
  /**
   * Clerk-case bench: `n` applications over `days` days from `startMs` (UTC), 50 service items,
   * every status, 5 assistants (every 5th application without one: kiosk), `residents` residents.
   * The newest 300 are pending sync, 5 of them quarantined. Returns the insert time (ms).
   */
  async benchInsertCases(n: number, days: number, startMs: number, residents: number, stationId: string): Promise<number> {
    const db = benchDb();
    const hashes = await Promise.all(Array.from({ length: residents }, (_, k) => hashIdNumber(cases.salt, benchIdNumber(k))));
    const step = (days * 86_400_000) / n;
    const docs = Array.from({ length: n }, (_, i) => {
      const at = new Date(startMs + Math.floor(i * step)).toISOString();
      const kiosk = i % 5 === 4;
      const staffId = `S00${Math.floor(i / 3) % 5}`;
      const status = APPLICATION_STATUSES[i % APPLICATION_STATUSES.length]!;
      const k = (i * 7) % residents;
      return toLocal('applications', {
        id: uuidv7(startMs + i), _deleted: false, updatedAt: at, stationId, serviceItemCode: `S${String(i % 50).padStart(2, '0')}`, formId: 'F1', formVersion: 1,
        channel: kiosk ? 'kiosk' : 'counter',
        applicant: { name: `申请人${k}`, idType: 'resident_id', idNumber: benchIdNumber(k), phone: '13800000000', address: '南新乡测试路1号' },
        applicantIdHash: hashes[k]!,
        agent: kiosk ? null : { kind: 'village_assistant', staffId, name: `代办员${staffId}` },
        authorization: null, formData: { applicantName: `申请人${k}`, idNumber: benchIdNumber(k), note: 'x'.repeat(200) }, materials: [],
        status, acceptanceNo: null, supplement: null, decision: null,
        statusHistory: [{ status: 'draft', at, by: 'terminal', ...(kiosk ? {} : { actor: staffId }) }], createdAt: at, submittedAt: null,
      });
    });
    const newest = docs.slice(-300).map((d) => d.id as string);
    cases.pending = new Set(newest);
    cases.quarantined = new Set(newest.slice(0, 5));
    const t0 = performance.now();
    for (let i = 0; i < docs.length; i += 1000) await db.applications.bulkInsert(docs.slice(i, i + 1000) as never[]);
    return performance.now() - t0;
  },
  /** One page of the clerk's case list (renderer/clerk/cases/query.ts), cold. */
  async benchCases(filter: CaseFilter, limit: number, page = 0): Promise<{ ms: number; n: number; decrypted: number; more: boolean }> {
    forgetQueries();
    const t0 = performance.now();
    const r = await queryCases(benchDb(), filter, { idHashSalt: cases.salt, pending: cases.pending, quarantined: cases.quarantined }, limit, page);
    return { ms: performance.now() - t0, n: r.rows.length, decrypted: r.decrypted, more: r.more };
  },
  /** The daily summary as the clerk page makes it: counts (no decryption) + CSV. */
  async benchSummary(fromIso?: string, toIso?: string): Promise<{ ms: number; total: number; rows: number; csvChars: number }> {
    const t0 = performance.now();
    const rows = await summaryCounts(benchDb(), fromIso, toIso);
    const csv = summaryCsv(rows.map((r) => ({ ...r, serviceName: `事项${r.service}` })), CSV_HEADER);
    return { ms: performance.now() - t0, total: rows.reduce((n, r) => n + r.count, 0), rows: rows.length, csvChars: csv.length };
  },
  /** The summary as it was before (find() over the range: every document decrypted), for comparison. */
  async benchSummaryDecrypting(fromIso?: string, toIso?: string): Promise<{ ms: number; total: number }> {
    forgetQueries();
    const t0 = performance.now();
    const range: Record<string, string> = {};
    if (fromIso) range.$gte = fromIso;
    if (toIso) range.$lte = toIso;
    const docs = await benchDb().applications.find({ selector: { createdAt: Object.keys(range).length ? range : { $gt: '' } } }).exec();
    const counts = new Map<string, number>();
    for (const d of docs) counts.set(`${d.serviceItemCode}\u0000${d.status}`, (counts.get(`${d.serviceItemCode}\u0000${d.status}`) ?? 0) + 1);
    summaryCsv([...counts].map(([k, count]) => ({ service: k.split('\u0000')[0]!, status: k.split('\u0000')[1]!, count })), CSV_HEADER);
    return { ms: performance.now() - t0, total: docs.length };
  },
  /** Bulk-writes `n` submitted applications into the replicating store (bench: push throughput). */
  async benchSubmitBulk(n: number, stationId: string): Promise<string[]> {
    return submitBulk(need().db, n, stationId);
  },
  /**
   * A backlog filed while the terminal did not sync (field staff offline): `n` submitted
   * applications written into database `name` opened without its replication, then closed.
   */
  async benchWriteBacklog(name: string, n: number, stationId: string, kind: 'packed' | 'dexie' = 'packed'): Promise<number> {
    const key = await call('store.key', { database: name });
    const db = await openTerminalDatabase({ name, password: key.password, storage: { kind } });
    try {
      return (await submitBulk(db, n, stationId)).length;
    } finally {
      await db.close();
    }
  },
  /**
   * sync_quarantine v0 → v1 on a real IndexedDB: writes v0 entries (encrypted, as an older terminal
   * did), closes, opens the database with the current code (which migrates) and returns what the
   * sync centre and the 补正 editor would read.
   */
  async quarantineMigration(): Promise<{ entries: { docId: string; code: string; fields: unknown; reason: string | null; docIntact: boolean; attempts: number }[]; formInvalidId: string; otherId: string }> {
    const name = `qmig-${Date.now()}`;
    const { password } = await call('store.key', { database: name });
    const refused = exampleApplication({ status: 'submitted' });
    const other = exampleEvaluation({ level: 1, reasons: [] });
    const old = await createRxDatabase({ name, storage: createStorage({ kind: 'dexie' }), password, multiInstance: false });
    await old.addCollections({ sync_quarantine: { schema: quarantineSchemaV0 } });
    const entry = (collection: string, id: string, code: string, message: string, doc: object) => ({ key: quarantineKey(collection, id), targetCollection: collection, docId: id, code, message, at: 1, attempts: 2, doc, state: 'open' });
    await old.sync_quarantine!.bulkInsert([
      entry('applications', refused.id, 'FORM_INVALID', '表单内容有2处不符合要求：请填写手机号。请核对修改后重新提交。（字段：phone、members.0.name）', refused),
      entry('evaluations', other.id, 'INVALID_DOCUMENT', 'reasons are required（字段：reasons）', other),
    ] as never[]);
    await old.close();
    const db = await openTerminalDatabase({ name, password, storage: { kind: 'packed' } });
    try {
      const entries = (await listQuarantine(db)).map((q) => ({
        docId: q.docId,
        code: q.code,
        fields: q.fields,
        reason: refusalText(q),
        docIntact: JSON.stringify(q.doc) === JSON.stringify(q.docId === refused.id ? refused : other),
        attempts: q.attempts,
      }));
      return { entries, formInvalidId: refused.id, otherId: other.id };
    } finally {
      await db.close();
    }
  },
  // ---- the sync fuzzer's terminal in Chromium (e2e/fuzz-chromium.ts): the same local operations the
  // Node fuzz terminal performs on its RxDB database, here on the real Dexie/IndexedDB store.
  async fuzzCreate(input: DraftInput, at: string): Promise<string> {
    const s = need();
    return (await createDraft(s.db, input, s.idHashSalt, new Date(at))).id;
  },
  async fuzzAppIds(statuses: string[]): Promise<string[]> {
    const docs = await need().db.applications.find({ selector: { status: { $in: statuses } }, sort: [{ id: 'asc' }] }).exec();
    return docs.map((d) => d.id);
  },
  async fuzzApp(id: string): Promise<ApplicationDoc | null> {
    const d = await need().db.applications.findOne(id).exec();
    return d ? (toProtocol('applications', d.toJSON(true) as Record<string, unknown>) as unknown as ApplicationDoc) : null;
  },
  async fuzzUpdateForm(id: string, patch: Parameters<typeof updateForm>[2], at: string): Promise<void> {
    const s = need();
    await updateForm(s.db, id, patch, s.idHashSalt, new Date(at));
  },
  async fuzzSetStatus(id: string, status: Parameters<typeof setTerminalStatus>[2], at: string): Promise<void> {
    await setTerminalStatus(need().db, id, status, new Date(at));
  },
  async fuzzSaveCorrection(id: string, patch: Parameters<typeof saveCorrection>[2], at: string): Promise<void> {
    const s = need();
    await saveCorrection(s.db, id, patch, s.idHashSalt, new Date(at));
  },
  async fuzzInsertEvaluation(doc: Record<string, unknown>): Promise<void> {
    await need().db.evaluations.insert(doc as never);
  },
  async fuzzPutAttachment(bytesBase64: string, fileName: string) {
    return call('attachments.put', { bytes: bytesBase64, mimeType: 'application/pdf', fileName });
  },
  /** Every document of a collection, in the protocol's form (as the invariants compare them). */
  async fuzzDocs(c: CollectionName): Promise<Record<string, unknown>[]> {
    return protocolDocuments(need().db, c);
  },
  async fuzzSignIn(staffId: string, pin: string): Promise<string> {
    return (await call('staff.login', { staffId, pin })).state;
  },
  async fuzzTerminalId(): Promise<string | null> {
    return (await call('sync.status')).terminalId;
  },
  fuzzResync(): boolean {
    const r = need().replication();
    r?.resync();
    return !!r;
  },
  async fuzzQuarantined(c: CollectionName, id: string): Promise<string> {
    const q = await need().db.sync_quarantine.findOne(quarantineKey(c, id)).exec();
    return q ? ` (quarantined ${q.state}: ${q.code} ${q.message.slice(0, 200)})` : '';
  },
  async fuzzLookupOlder(id: string): Promise<number> {
    const r = need().replication();
    if (!r) throw new Error('OFFLINE: no replication');
    return (await r.lookupOlder({ id })).length;
  },
  async fuzzOpenRefusal(id: string): Promise<Record<string, unknown> | null> {
    return (await openFormRefusal(need().db, id))?.doc ?? null;
  },
  heap(): number | null {
    const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return m ? m.usedJSHeapSize : null;
  },
};

(window as unknown as { __store: typeof api }).__store = api;
export type StoreApi = typeof api;
