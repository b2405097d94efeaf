// The platform's side of issue 12: the 受理号's day is the station's day (TZ=UTC, 23:30 UTC is the
// next morning in Jiangxi), and every terminal gets the same province key for the ID lookup hash.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleApplication, meResponse, paths } from '../protocol/index';
import { startPlatform, type Platform } from './platform';
import { client, enroll, type Client } from './test/helpers';

const A = '360121201';
const B = '360121100';

describe('platform: station day and province lookup key (PGlite)', () => {
  let p: Platform;
  let a: Client;
  let admin: Client;
  beforeAll(async () => {
    p = await startPlatform({ seedDemo: true, heartbeatMs: 200 });
    a = await enroll(p, A);
    admin = client(p.url, p.adminToken);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await p?.close();
  });

  it('受理号 carries the station day, not the UTC day', async () => {
    const doc = exampleApplication({ stationId: A, status: 'submitted' });
    expect((await a.push('applications', [{ newDocumentState: doc }])).rejections).toEqual([]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-04T23:30:00.000Z'));
    const accepted = await admin.req('POST', paths.adminAction(doc.id, 'accept'), { actor: 'op1' });
    vi.useRealTimers();
    expect(accepted.status).toBe(200);
    expect(accepted.json.acceptanceNo).toMatch(new RegExp(`^${A}-20261205-\\d{4}$`));
  });

  it('hands every terminal of the province the same ID hash key, at enrollment and on /terminals/me', async () => {
    const codes = await Promise.all([p.createEnrollCode(A), p.createEnrollCode(B)]);
    const answers = await Promise.all(
      codes.map(async (code) => (await fetch(p.url + paths.enroll, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json() as Promise<{ idHashKey?: string; token: string }>),
    );
    expect(answers[0]!.idHashKey).toMatch(/^[0-9a-f]{64}$/);
    expect(answers[1]!.idHashKey).toBe(answers[0]!.idHashKey);
    const me = meResponse.parse((await a.req('GET', paths.me)).json);
    expect(me.idHashKey).toBe(answers[0]!.idHashKey);
    // not without a token
    expect((await fetch(p.url + paths.me)).status).toBe(401);
  });
});
