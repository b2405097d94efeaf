/**
 * The clerk window's audit log on the RxDB `audit_events` collection (synced up, append-only).
 * `audit()` never blocks a screen: it waits for the store and the terminal identity, appends, and
 * reports a failure as a PII-free log line.
 */
import type { AuditEventDoc } from '../../sync/protocol';
import { enrolledStation } from '../shared/station-identity';
import { clerkStore } from '../clerk/terminal-store';
import { log as appLog } from '../shared/log';
import { AuditLog, type AuditInput, type AuditStore } from './chain';

let current: Promise<AuditLog> | null = null;

export function rxAuditStore(db: { audit_events: { find(q: unknown): { exec(): Promise<{ toJSON(): unknown }[]> }; insert(d: unknown): Promise<unknown> } }): AuditStore {
  return {
    async all(terminalId) {
      const docs = await db.audit_events.find({ selector: { terminalId } }).exec();
      return docs.map((d) => d.toJSON() as AuditEventDoc);
    },
    async insert(e) {
      await db.audit_events.insert(e);
    },
  };
}

function auditLog(): Promise<AuditLog> {
  current ??= (async () => {
    const [store, id] = await Promise.all([clerkStore(), enrolledStation()]);
    return new AuditLog(rxAuditStore(store.db as never), { stationId: () => id.stationId, terminalId: () => id.terminalId });
  })();
  current.catch(() => {
    current = null;
  });
  return current;
}

/** Appends an event; resolves when it is stored (callers may ignore the promise). */
export async function audit(input: AuditInput): Promise<AuditEventDoc | null> {
  try {
    return await (await auditLog()).append(input);
  } catch (e) {
    appLog('warn', 'audit.append-failed', { action: input.action, error: e instanceof Error ? e.name : 'unknown' });
    return null;
  }
}
