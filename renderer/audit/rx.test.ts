import { afterAll, describe, expect, it } from 'vitest';
import { memoryDb } from '../db/test-helpers';
import type { TerminalDatabase } from '../db/database';
import { AuditLog, verifyChain } from './chain';
import { rxAuditStore } from './service';

let db: TerminalDatabase | null = null;
afterAll(async () => db?.close());

describe('audit chain on the RxDB audit_events collection', () => {
  it('verifies, then reports the break after one stored event is altered in the database', async () => {
    db = await memoryDb();
    const store = rxAuditStore(db as never);
    const log = new AuditLog(store, { stationId: () => '360121201', terminalId: () => 'T-1' });
    for (let i = 0; i < 8; i++) await log.append({ actor: { type: 'staff', id: 'S002' }, action: 'application.submit', target: { type: 'application', id: `a${i}` } });
    expect(await log.verify()).toMatchObject({ ok: true, count: 8 });

    // someone with access to the local database rewrites event 5's target
    const all = await db.audit_events.find({ sort: [{ id: 'asc' }] }).exec();
    const victim = all[5]!;
    await victim.incrementalPatch({ target: { type: 'application', id: 'forged' } });

    const r = await verifyChain(await store.all('T-1'));
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toEqual({ index: 5, id: victim.id, reason: 'hash-mismatch' });
  });
});
