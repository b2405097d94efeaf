// Province scale: several stateless platform processes over one PostgreSQL. A terminal enrolled on
// one instance works on another, and a push through one reaches SSE clients of the other (LISTEN/NOTIFY).
import { afterAll, describe, expect, it } from 'vitest';
import { exampleApplication, paths, streamEvent, type StreamEvent } from '../protocol/index';
import { startPlatform, type Platform } from './platform';
import { client, enroll, pullAll } from './test/helpers';
import { requirePostgres, startTestDatabase, type TestDatabase } from './test/pg-cluster';

describe.runIf(requirePostgres())('two platform instances over one PostgreSQL', () => {
  let db: TestDatabase;
  const instances: Platform[] = [];
  afterAll(async () => {
    for (const p of instances) await p.close();
    await db?.stop();
  });

  it('share enrollment, documents and change notifications', async () => {
    db = await startTestDatabase();
    const adminToken = 'adm_shared_admin_token_0123456789';
    const one = await startPlatform({ databaseUrl: db.url, adminToken, seedDemo: true });
    instances.push(one);
    const two = await startPlatform({ databaseUrl: db.url, adminToken });
    instances.push(two);
    const t1 = await enroll(one, '360121201');
    const t2 = client(two.url, t1.token);
    expect((await t2.req('GET', paths.me)).json.stationId).toBe('360121201');

    const events: StreamEvent[] = [];
    const ac = new AbortController();
    const res = await fetch(two.url + paths.stream, { headers: { authorization: `Bearer ${t1.token}` }, signal: ac.signal });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    void (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += dec.decode(value, { stream: true });
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const data = buf.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
            buf = buf.slice(i + 2);
            if (data) events.push(streamEvent.parse(JSON.parse(data.slice(6))));
          }
        }
      } catch {
        /* aborted */
      }
    })();
    const doc = exampleApplication({ status: 'submitted' });
    const pushed = await t1.push('applications', [{ newDocumentState: doc }]);
    expect(pushed.written).toBe(1);
    const t0 = Date.now();
    while (!events.some((e) => e.type === 'CHANGE' && e.collection === 'applications') && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(events[0]).toEqual({ type: 'RESYNC' });
    expect(events).toContainEqual({ type: 'CHANGE', collection: 'applications', checkpoint: pushed.checkpoint });
    expect((await pullAll(t2, 'applications')).docs.map((d) => d.id)).toContain(doc.id);
    // The back office on instance two sees and decides what came in through instance one.
    const accepted = await client(two.url, adminToken).req('POST', `${paths.adminApplication(doc.id)}/accept`, {});
    expect(accepted.json.status).toBe('accepted');
  });
});
