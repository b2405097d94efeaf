/**
 * Test/bench entry injected into a browser-host page (Chromium): the renderer's real store code
 * (Dexie/IndexedDB, encryption, replication through the real bridge) behind `window.__store`.
 * Built by ./store-bundle.ts.
 */
import { startTerminalStore, type TerminalStore } from '../renderer/db/terminal-store';
import { createDraft, submitApplication } from '../renderer/db/applications';
import { openTerminalDatabase } from '../renderer/db/database';
import { toLocal } from '../renderer/db/modifiers';
import { uuidv7, type ApplicationDoc } from '../sync/protocol';
import { call } from '../renderer/bridge/client';
import { exampleFormData } from '../sync/protocol';

let store: TerminalStore | null = null;

function need(): TerminalStore {
  if (!store) throw new Error('store not open');
  return store;
}

async function rawDump(): Promise<string> {
  const out: string[] = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(info.name!);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    for (const name of Array.from(db.objectStoreNames)) {
      const all = await new Promise<unknown[]>((resolve, reject) => {
        const r = db.transaction(name, 'readonly').objectStore(name).getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      out.push(`${info.name}/${name}: ${JSON.stringify(all)}`);
    }
    db.close();
  }
  return out.join('\n');
}

const api = {
  async open(name = 'terminal') {
    store = await startTerminalStore({ name });
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
  async benchOpen(name: string) {
    const key = await call('store.key', { database: name });
    const db = await openTerminalDatabase({ name, password: key.password, storage: { kind: 'dexie' } });
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
  /** Bulk-writes `n` submitted applications into the replicating store (bench: push throughput). */
  async benchSubmitBulk(n: number, stationId: string): Promise<string[]> {
    const db = need().db;
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
  },
  heap(): number | null {
    const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return m ? m.usedJSHeapSize : null;
  },
};

(window as unknown as { __store: typeof api }).__store = api;
export type StoreApi = typeof api;
