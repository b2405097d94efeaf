// Province scale: several stateless platform processes over one PostgreSQL. A terminal enrolled on
// one instance works on another, and a push through one reaches SSE clients of the other (LISTEN/NOTIFY).
import { describe, expect, it } from 'vitest';
import { exampleApplication, paths } from '../protocol/index';
import { databaseRateCounter } from './rate-limits';
import { openEventLog, usePostgresInstances } from './test/cluster';
import { TOKEN_CACHE_MS, Terminals } from './terminals/repository';
import { client, enroll, eventually, pullAll } from './test/helpers';
import { requirePostgres } from './test/pg-cluster';

describe.runIf(requirePostgres())('two platform instances over one PostgreSQL', () => {
  const start = usePostgresInstances();

  it('share enrollment, documents and change notifications', async () => {
    const { adminToken, one, two } = await start();
    const t1 = await enroll(one, '360121201');
    const t2 = client(two.url, t1.token);
    expect((await t2.req('GET', paths.me)).json.stationId).toBe('360121201');

    const stream = await openEventLog(two.url, t1.token);
    const events = stream.events;
    const doc = exampleApplication({ status: 'submitted' });
    const pushed = await t1.push('applications', [{ newDocumentState: doc }]);
    expect(pushed.written).toBe(1);
    await stream.until((e) => e.type === 'CHANGE' && e.collection === 'applications');
    stream.close();
    expect(events[0]).toEqual({ type: 'RESYNC' });
    expect(events).toContainEqual({ type: 'CHANGE', collection: 'applications', checkpoint: pushed.checkpoint });
    expect((await pullAll(t2, 'applications')).docs.map((d) => d.id)).toContain(doc.id);
    // The back office on instance two sees and decides what came in through instance one.
    const accepted = await client(two.url, adminToken).req('POST', `${paths.adminApplication(doc.id)}/accept`, {});
    expect(accepted.json.status).toBe('accepted');
  }, 120_000);

  it('share rate limits: a token and an address get one allowance whichever process they reach', async () => {
    const { one, two } = await start({ security: { rateLimits: { enroll: { perAddress: 6 }, push: { perToken: 6, perAddress: 1000 } } } });
    // Enrollment from one address, alternating between the processes: 6 in all, not 6 each.
    const enrollOn = async (p: typeof one) => (await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: await one.createEnrollCode('360121201') }) })).status;
    const enrolled = [];
    for (let i = 0; i < 8; i++) enrolled.push(await enrollOn(i % 2 ? two : one));
    expect(enrolled).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    // Pushes of one token, alternating: 6 pass, the 7th is refused by either process with Retry-After.
    const code = await one.store.createEnrollCode('360121100');
    const direct = await one.store.terminals.enroll(code.code, 'limits'); // not through HTTP: the address is spent
    const t = client(one.url, direct.token);
    const on = (p: typeof one) => client(p.url, t.token);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await on(i % 2 ? two : one).req('POST', paths.push('applications'), [])).status);
    expect(statuses).toEqual(Array(6).fill(200));
    for (const p of [one, two]) {
      const r = await on(p).req('POST', paths.push('applications'), []);
      expect(r.status).toBe(429);
      expect(r.json.error.code).toBe('RATE_LIMITED');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    // The counters are rows of the shared database.
    const other = await enroll(two, '360121100').catch((e: unknown) => e);
    expect(String(other)).toMatch(/enroll 429/); // the address's 6 enrollments are used up
    const rows = await one.store.db.query<{ key: string; hits: number }>('SELECT key, hits FROM rate_limit_counters ORDER BY key');
    expect(rows.find((r) => r.key === `push:token:${direct.terminalId}`)?.hits).toBe(8);
    expect(rows.find((r) => r.key.startsWith('enroll:ip:'))?.hits).toBeGreaterThanOrEqual(9);

    // A window starts at a key's first request (the database's clock) and a request after it starts anew.
    const count = databaseRateCounter(two.store.db);
    const first = await count('test:window', 500);
    expect(first.current).toBe(1);
    expect(first.ttl).toBeGreaterThan(0);
    expect(first.ttl).toBeLessThanOrEqual(500);
    expect((await databaseRateCounter(one.store.db)('test:window', 500)).current).toBe(2);
    await new Promise((r) => setTimeout(r, 600));
    expect((await count('test:window', 500)).current).toBe(1);
  }, 120_000);

  it('a revocation through one process stops the token on the other at once, not after its token cache', async () => {
    const { adminToken, one, two } = await start();
    const t = await enroll(one, '360121201');
    const onTwo = client(two.url, t.token);
    // Process two caches the token from this lookup on, until at least primed + TOKEN_CACHE_MS: a 401
    // before then means the cached entry was dropped by the notice, not expired.
    let primed = Date.now();
    expect((await onTwo.req('GET', paths.me)).status).toBe(200);
    expect((await client(one.url, adminToken).req('POST', `/api/v1/admin/terminals/${t.terminalId}/revoke`, {})).status).toBe(200);
    await eventually(async () => (await onTwo.req('GET', paths.me)).status === 401, TOKEN_CACHE_MS, 'the revocation on process two', 20);
    expect(Date.now() - primed).toBeLessThan(TOKEN_CACHE_MS);
    // A revocation by another writer over the database (a script, another process) is heard too.
    const u = await enroll(two, '360121201');
    const uOnOne = client(one.url, u.token);
    primed = Date.now();
    expect((await uOnOne.req('GET', paths.me)).status).toBe(200);
    const cli = new Terminals(one.store.db, one.store.documents);
    expect(await cli.revokeTerminal(u.terminalId)).toBe(true);
    await eventually(async () => (await uOnOne.req('GET', paths.me)).status === 401, TOKEN_CACHE_MS, 'the revocation by the other writer, on process one', 20);
    expect(Date.now() - primed).toBeLessThan(TOKEN_CACHE_MS);
    // Revoking an unknown terminal notifies nothing and says so.
    expect(await cli.revokeTerminal('no-such-terminal')).toBe(false);
  }, 120_000);

  it('a lost LISTEN connection (a killed backend, a database restart) is made again: streams hear what they missed and every change after, revocations arrive again', async () => {
    const { adminToken, one, two } = await start();
    const t1 = await enroll(one, '360121201');
    const stream = await openEventLog(two.url, t1.token);
    expect(await stream.until((e) => e.type === 'RESYNC')).toBe(true);
    const onTwo = client(two.url, t1.token);
    expect((await onTwo.req('GET', paths.me)).status).toBe(200); // token cached on process two
    // Every listening backend of both processes is ended, as a failover or restart would.
    const killed = await one.store.db.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()");
    expect(killed.length).toBe(4); // changes and revocations, in each process
    // Back: the stream hears a change of every collection (notices of the gap are gone), then a new write.
    expect(await stream.until((e) => e.type === 'CHANGE' && e.collection === 'applications', 10_000), 'the changes missed while the connection was away').toBe(true);
    expect(await stream.until((e) => e.type === 'CHANGE' && e.collection === 'service_items')).toBe(true);
    const pushed = await t1.push('applications', [{ newDocumentState: exampleApplication({ status: 'submitted' }) }]);
    expect(await stream.until((e) => e.type === 'CHANGE' && e.checkpoint.seq === pushed.checkpoint.seq)).toBe(true);
    stream.close();
    const listening = await one.store.db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN %'");
    expect(Number(listening[0]!.n)).toBe(4);
    // The revocation notice reaches process two's token cache again (refused before the cache expires).
    const primed = Date.now();
    expect((await onTwo.req('GET', paths.me)).status).toBe(200);
    expect((await client(one.url, adminToken).req('POST', `/api/v1/admin/terminals/${t1.terminalId}/revoke`, {})).status).toBe(200);
    await eventually(async () => (await onTwo.req('GET', paths.me)).status === 401, TOKEN_CACHE_MS, 'the revocation on process two after the reconnect', 20);
    expect(Date.now() - primed).toBeLessThan(TOKEN_CACHE_MS);
  }, 120_000);
});
