/* eslint-disable @typescript-eslint/no-explicit-any -- test helpers read loosely-typed JSON responses */
// Test helpers: a terminal client over real HTTP, and the list of storage backends to run against.
import { afterAll, beforeAll } from 'vitest';
import { paths, type CollectionName, type PushResponse } from '../../protocol/index';
import { startPlatform, type Platform, type PlatformOptions } from '../platform';
import { requirePostgres, startTestDatabase, type TestDatabase } from './pg-cluster';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Options for startPlatform (a fresh database), and a cleanup. */
  setup(): Promise<{ options: PlatformOptions; cleanup(): Promise<void> }>;
}

export function backends(): Backend[] {
  const list: Backend[] = [{ name: 'pglite', setup: async () => ({ options: {}, cleanup: async () => undefined }) }];
  if (requirePostgres()) {
    list.push({
      name: 'postgres',
      setup: async () => {
        const db: TestDatabase = await startTestDatabase();
        return { options: { databaseUrl: db.url }, cleanup: () => db.stop() };
      },
    });
  }
  return list;
}

export interface Client {
  token: string;
  terminalId: string;
  stationId: string;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Headers }>;
  pull(collection: CollectionName, checkpoint?: number, limit?: number): Promise<{ documents: any[]; checkpoint: { seq: number } }>;
  push(collection: CollectionName, rows: unknown[]): Promise<PushResponse>;
}

export function client(baseUrl: string, token: string, terminalId = '', stationId = ''): Client {
  const req: Client['req'] = async (method, path, body, headers = {}) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, text, headers: res.headers };
  };
  return {
    token,
    terminalId,
    stationId,
    req,
    async pull(collection, checkpoint = 0, limit = 200) {
      const r = await req('GET', `${paths.pull(collection)}?checkpoint=${checkpoint}&limit=${limit}`);
      if (r.status !== 200) throw new Error(`pull ${r.status} ${r.text}`);
      return r.json;
    },
    async push(collection, rows) {
      const r = await req('POST', paths.push(collection), rows);
      if (r.status !== 200) throw new Error(`push ${r.status} ${r.text}`);
      return r.json;
    },
  };
}

export async function enroll(p: Pick<Platform, 'url' | 'createEnrollCode'>, stationId: string): Promise<Client> {
  const code = await p.createEnrollCode(stationId);
  const res = await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, label: 'test' }) });
  const j = (await res.json()) as { token: string; terminalId: string; stationId: string };
  if (res.status !== 200) throw new Error(`enroll ${res.status} ${JSON.stringify(j)}`);
  return client(p.url, j.token, j.terminalId, j.stationId);
}

/** Pulls everything from `since`, page by page. */
export async function pullAll(c: Client, collection: CollectionName, since = 0, limit = 100): Promise<{ docs: any[]; checkpoint: number; pages: number }> {
  const docs: any[] = [];
  let cp = since;
  let pages = 0;
  for (;;) {
    const r = await c.pull(collection, cp, limit);
    pages++;
    docs.push(...r.documents);
    if (r.documents.length === 0) return { docs, checkpoint: cp, pages };
    cp = r.checkpoint.seq;
  }
}

/** Polls `check` every `everyMs` until it returns a truthy value; throws, naming `what` and the last error, after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, what = 'condition', everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The two demo stations the HTTP contract tests use. */
export const CONTRACT_STATIONS = { A: '360121201', B: '360121100' } as const;

export interface ContractPlatform {
  p: Platform;
  /** Two terminals of station A and one of station B. */
  a: Client;
  a2: Client;
  b: Client;
  /** The admin token's client. */
  admin: Client;
}

/**
 * For a module's HTTP contract tests: a demo-seeded platform on `backend` (SSE heartbeat 200 ms), made
 * before the file's tests and closed after them; `take` receives it once it is up.
 */
export function useContractPlatform(backend: Backend, take: (env: ContractPlatform) => void): void {
  let p: Platform | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const s = await backend.setup();
    cleanup = s.cleanup;
    p = await startPlatform({ ...s.options, seedDemo: true, heartbeatMs: 200 });
    const [a, a2, b] = await Promise.all([enroll(p, CONTRACT_STATIONS.A), enroll(p, CONTRACT_STATIONS.A), enroll(p, CONTRACT_STATIONS.B)]);
    take({ p, a, a2, b, admin: client(p.url, p.adminToken) });
  });
  afterAll(async () => {
    await p?.close();
    await cleanup?.();
  });
}
