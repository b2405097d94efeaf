// Contract tests of what every module shares, on PGlite and on PostgreSQL (a throwaway cluster, see
// test/pg-cluster.ts): health, metrics, API and protocol versions, tokens, the admin document upsert.
// Each module tests its own endpoints beside its code (replication/, terminals/, staff/, attachments/, backoffice/).
import { describe, expect, it } from 'vitest';
import { paths } from '../protocol/index';
import type { Platform } from './platform';
import { backends, CONTRACT_STATIONS, client, enroll, useContractPlatform, type Client } from './test/helpers';

const { A } = CONTRACT_STATIONS;

describe.each(backends())('platform contract on $name', (backend) => {
  let p: Platform;
  let a: Client; // terminal of station A
  let admin: Client;
  useContractPlatform(backend, (env) => ({ p, a, admin } = env));

  // ------------------------------------------------------------ public endpoints

  it('health and metrics', async () => {
    const h = await fetch(`${p.url}${paths.health}`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', protocolVersion: 1, storage: backend.name });
    // Metrics need the admin token (or the scrape-only metrics token; sync/server/security/logs.test.ts).
    expect((await fetch(`${p.url}${paths.metrics}`)).status).toBe(401);
    const m = await fetch(`${p.url}${paths.metrics}`, { headers: { authorization: `Bearer ${p.adminToken}` } });
    expect(m.status).toBe(200);
    const text = await m.text();
    expect(text).toContain('platform_push_rows_total{outcome="written"}');
    expect(text).toContain('platform_sse_clients');
    expect(text).not.toMatch(/测试人|36012119/);
  });

  it('old or unknown API versions and protocol versions get an upgrade error', async () => {
    const r = await fetch(`${p.url}/api/v0/sync/applications/pull`);
    expect(r.status).toBe(410);
    expect(await r.json()).toMatchObject({ error: { code: 'API_VERSION_UNSUPPORTED', supportedVersions: ['v1'] } });
    const r2 = await a.req('GET', paths.pull('service_items'), undefined, { 'x-sync-protocol': '0' });
    expect(r2.status).toBe(426);
    expect(r2.json.error.code).toBe('CLIENT_UPGRADE_REQUIRED');
    const r3 = await a.req('GET', '/api/v1/nothing-here');
    expect(r3.status).toBe(404);
    expect(r3.json.error.code).toBe('NOT_FOUND');
  });

  it('requests without a valid token are refused; admin endpoints need the admin token', async () => {
    expect((await client(p.url, 'not-a-real-token-xyz').req('GET', paths.pull('service_items'))).status).toBe(401);
    expect((await fetch(p.url + paths.pull('service_items'))).status).toBe(401);
    const r = await a.req('POST', paths.adminEnrollCodes, { stationId: A });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('FORBIDDEN');
    expect((await admin.req('POST', paths.adminEnrollCodes, { stationId: A })).json.code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect((await admin.req('POST', paths.adminEnrollCodes, { station: 1 })).status).toBe(400);
    // A revoked terminal is refused at once.
    const t = await enroll(p, A);
    expect((await t.req('GET', paths.me)).status).toBe(200);
    expect((await admin.req('POST', `/api/v1/admin/terminals/${t.terminalId}/revoke`, {})).status).toBe(200);
    const gone = await t.req('GET', paths.me);
    expect(gone.status).toBe(401);
    expect(gone.json.error.code).toBe('UNAUTHORIZED');
  });

  it('admin document upsert validates, and the admin page is served', async () => {
    const bad = await admin.req('PUT', paths.adminDocuments('service_items'), [{ id: 'X' }]);
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.length).toBeGreaterThan(0);
    // The back-office web app (sync/server/backoffice): 503 with a hint until `npm run build` made it.
    const page = await fetch(`${p.url}/admin`);
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toMatch(page.status === 200 ? /\/admin\/assets\/index-[\w-]+\.js/ : /npm run build/);
  });
});
