import { describe, expect, it } from 'vitest';
import { auditEventDoc } from '../../sync/protocol';
import { AuditLog, memoryAuditStore, verifyChain, hashEvent } from './chain';

const newLog = (start = Date.parse('2026-11-29T08:00:00.000Z')) => {
  const store = memoryAuditStore();
  let t = start;
  const log = new AuditLog(store, { stationId: () => '360121201', terminalId: () => 'T-1', now: () => new Date((t += 1000)) });
  return { store, log };
};

const staff = { type: 'staff' as const, id: 'S002' };

describe('audit hash chain', () => {
  it('appends linked events that pass the protocol schema and verify', async () => {
    const { store, log } = newLog();
    for (let i = 0; i < 5; i++) await log.append({ actor: staff, action: 'application.submit', target: { type: 'application', id: `a${i}` }, details: { n: i } });
    expect(store.events).toHaveLength(5);
    expect(store.events[0]!.prevHash).toBeNull();
    for (let i = 1; i < 5; i++) expect(store.events[i]!.prevHash).toBe(store.events[i - 1]!.hash);
    for (const e of store.events) expect(auditEventDoc.safeParse(e).success).toBe(true);
    const r = await log.verify();
    expect(r).toMatchObject({ ok: true, count: 5, firstBreak: null });
  });

  it('reports the break when one stored event is altered', async () => {
    const { store, log } = newLog();
    for (let i = 0; i < 6; i++) await log.append({ actor: staff, action: 'pii.show', target: { type: 'application', id: `a${i}` } });
    // tamper: someone edits the actor of event 3 directly in storage
    store.events[3]!.actor = { type: 'staff', id: 'S999' };
    const r = await verifyChain(store.events);
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toEqual({ index: 3, id: store.events[3]!.id, reason: 'hash-mismatch' });
  });

  it('detects a re-hashed alteration (the next link breaks) and a deleted event', async () => {
    const { store, log } = newLog();
    for (let i = 0; i < 4; i++) await log.append({ actor: staff, action: 'staff.login', details: { mode: 'offline' } });
    const forged = { ...store.events[1]!, details: { mode: 'online' } };
    forged.hash = await hashEvent(forged);
    const r1 = await verifyChain([store.events[0]!, forged, store.events[2]!, store.events[3]!]);
    expect(r1.firstBreak).toMatchObject({ index: 2, reason: 'prev-mismatch' });
    const r2 = await verifyChain([store.events[0]!, store.events[2]!, store.events[3]!]);
    expect(r2.firstBreak).toMatchObject({ index: 1, reason: 'prev-mismatch' });
  });

  it('keeps the chain linear under concurrent appends and a clock that steps back', async () => {
    const store = memoryAuditStore();
    const log = new AuditLog(store, { stationId: () => '360121201', terminalId: () => 'T-1', now: () => new Date('2026-01-01T00:00:00Z') });
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append({ actor: staff, action: 'x.y', details: { i } })));
    expect((await log.verify()).ok).toBe(true);
    // a new AuditLog on the same store continues the chain
    const log2 = new AuditLog(store, { stationId: () => '360121201', terminalId: () => 'T-1', now: () => new Date('2025-01-01T00:00:00Z') });
    await log2.append({ actor: staff, action: 'x.z' });
    expect(await verifyChain(store.events)).toMatchObject({ ok: true, count: 21 });
  });

  it('refuses PII-looking details and bad action names', async () => {
    const { log } = newLog();
    await expect(log.append({ actor: staff, action: 'a.b', details: { id: '36012119800101123X' } })).rejects.toThrow(/personal/);
    await expect(log.append({ actor: staff, action: 'a.b', details: { phone: '13812345678' } })).rejects.toThrow(/personal/);
    await expect(log.append({ actor: staff, action: 'Bad Action' })).rejects.toThrow(/dotted/);
    // the failures left the chain usable
    await log.append({ actor: staff, action: 'a.b' });
    expect((await log.verify()).ok).toBe(true);
  });
});
