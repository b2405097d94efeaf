/* eslint-disable @typescript-eslint/no-explicit-any -- tests read loosely-typed JSON responses */
// The queue on province scale: two platform processes over one PostgreSQL, 10 counters spread over
// both calling while 3 kiosks issue. No ticket is called twice, no number is issued twice, every
// ticket is called exactly once.
import { describe, expect, it } from 'vitest';
import { paths, uuidv7, type StationConfigDoc } from '../../protocol/index';
import type { Platform } from '../platform';
import { demoStations } from '../seed/demo';
import { usePostgresInstances } from '../test/cluster';
import { client, enroll, type Client } from '../test/helpers';
import { requirePostgres } from '../test/pg-cluster';

const A = '360121201';

describe.runIf(requirePostgres())('queue over two platform instances and one PostgreSQL', () => {
  const start = usePostgresInstances();

  it('concurrent call_next across instances never yields the same ticket', async () => {
    const { adminToken, one, two } = await start();
    const windows = Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1), name: `${i + 1}号窗口`, categories: ['general', 'social'] }));
    const cfg: StationConfigDoc = { ...demoStations().find((s) => s.id === A)!, windows, updatedAt: new Date().toISOString() };
    expect((await client(one.url, adminToken).req('PUT', paths.adminDocuments('station_config'), [cfg])).status).toBe(200);

    const on = (c: Client, p: Platform) => client(p.url, c.token, c.terminalId, c.stationId);
    const kiosks = await Promise.all([0, 1, 2].map(async (i) => on(await enroll(one, A), i % 2 ? two : one)));
    const counters = await Promise.all(windows.map(async (_, i) => on(await enroll(one, A), i % 2 ? two : one)));

    const TOTAL = 90;
    let issuing = true;
    const issued: any[] = [];
    const issuers = kiosks.map(async (k, i) => {
      for (let n = 0; n < TOTAL / kiosks.length; n++) {
        const r = await k.req('POST', paths.queueCommands, { type: 'issue', commandId: uuidv7(), category: n % 2 ? 'social' : 'general', priority: (n + i) % 4 === 0 ? 'elderly' : 'normal' });
        expect(r.status).toBe(200);
        issued.push(r.json.ticket);
      }
    });
    const calls = new Map<string, string[]>();
    const callers = counters.map(async (c, i) => {
      const w = windows[i]!.id;
      for (;;) {
        const r = await c.req('POST', paths.queueCommands, { type: 'call_next', commandId: uuidv7(), window: w, staffId: 'S001' });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        const t = r.json.ticket;
        if (!t) {
          if (!issuing) return;
          await new Promise((res) => setTimeout(res, 5));
          continue;
        }
        calls.set(t.id, [...(calls.get(t.id) ?? []), w]);
        expect((await c.req('POST', paths.queueCommands, { type: 'finish', commandId: uuidv7(), ticketId: t.id, window: w })).status).toBe(200);
      }
    });
    await Promise.all(issuers);
    issuing = false;
    await Promise.all(callers);

    expect(issued).toHaveLength(TOTAL);
    const numbers = issued.map((t) => t.number);
    expect(new Set(numbers).size).toBe(TOTAL);
    expect(numbers.filter((n) => n.startsWith('A')).sort()).toEqual(Array.from({ length: TOTAL / 2 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`));
    expect([...calls.values()].filter((ws) => ws.length > 1)).toEqual([]);
    expect(calls.size).toBe(TOTAL);
    expect(new Set([...calls.values()].flat()).size).toBeGreaterThan(2);
    const rows = await one.store.db.query<{ n: string }>("SELECT count(*) AS n FROM documents WHERE collection = 'queue_tickets' AND data->>'status' = 'done'");
    expect(Number(rows[0]!.n)).toBe(TOTAL);
  }, 120_000);
});
