// Province scale: several stateless platform processes over one PostgreSQL. A terminal enrolled on
// one instance works on another, and a push through one reaches SSE clients of the other (LISTEN/NOTIFY).
import { describe, expect, it } from 'vitest';
import { exampleApplication, paths } from '../protocol/index';
import { databaseRateCounter } from './rate-limits';
import { openEventLog, usePostgresInstances } from './test/cluster';
import { client, enroll, pullAll } from './test/helpers';
import { requirePostgres } from './test/pg-cluster';

describe.runIf(requirePostgres())('two platform instances over one PostgreSQL', () => {
  const start = usePostgresInstances();

  it('share enrollment, documents and change notifications', async () => {
    const {
      adminToken,
      instances: [one, two],
    } = await start(2);
    if (!one || !two) throw new Error('two instances expected');
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
  });

  it('share rate limits: a token and an address get one allowance whichever process they reach', async () => {
    const {
      instances: [one, two],
    } = await start(2, { security: { rateLimits: { enroll: { perAddress: 6 }, push: { perToken: 6, perAddress: 1000 } } } });
    if (!one || !two) throw new Error('two instances expected');
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
  }, 60_000);
});
