/**
 * Retention: applications that reached a final status on the platform and are synced are removed
 * from the terminal after the station's `retentionDays` (station_config). Never touches anything
 * the platform has not acknowledged or that sits in quarantine. The purge is local only: the
 * replication never pushes it (see the push modifier in ./replication.ts) and the tombstones are
 * cleaned up so no PII remains.
 */
import type { ApplicationStatus } from '../../sync/protocol';
import type { TerminalDatabase } from './database';
import { quarantineKey } from './quarantine';
import type { ApplicationLocal } from './schemas';

export const FINAL_STATUSES: readonly ApplicationStatus[] = ['completed', 'rejected', 'withdrawn'];
const DAY = 86_400_000;

export interface PurgeOptions {
  retentionDays: number;
  now?: number;
  /** True when the local state of this application is not acknowledged by the platform yet. */
  isPending: (id: string) => Promise<boolean>;
}

/** When the application became final, by the platform's clock (its last history entry). */
function finalAt(doc: ApplicationLocal): number | null {
  const last = [...doc.statusHistory].reverse().find((h) => h.status === doc.status);
  if (!last || last.by !== 'platform' && doc.status !== 'withdrawn') return null;
  const t = Date.parse(last.at);
  return Number.isFinite(t) ? t : null;
}

/** Ids that would be purged (for the UI and tests). */
export async function purgeCandidates(db: TerminalDatabase, options: PurgeOptions): Promise<string[]> {
  const now = options.now ?? Date.now();
  const cutoff = now - options.retentionDays * DAY;
  const docs = await db.applications.find({ selector: { status: { $in: [...FINAL_STATUSES] } } }).exec();
  const out: string[] = [];
  for (const d of docs) {
    const doc = d.toJSON() as ApplicationLocal;
    const at = finalAt(doc);
    if (at === null || at > cutoff) continue;
    // Withdrawn only counts once the platform has it (the terminal set it; the platform stored it).
    if (await options.isPending(doc.id)) continue;
    if (await db.sync_quarantine.findOne(quarantineKey('applications', doc.id)).exec()) continue;
    out.push(doc.id);
  }
  return out;
}

export async function purgeExpired(db: TerminalDatabase, options: PurgeOptions): Promise<number> {
  const ids = await purgeCandidates(db, options);
  if (ids.length === 0) return 0;
  await db.applications.bulkRemove(ids);
  // Remove the tombstones (they still carry the encrypted PII) right away.
  await db.applications.storageInstance.cleanup(0);
  return ids.length;
}

/** Retention days of the station (from the synced station_config); default 180. */
export async function retentionDaysOf(db: TerminalDatabase, stationId: string | null): Promise<number> {
  const docs = await db.station_config.find().exec();
  const own = docs.find((d) => d.stationId === stationId) ?? (docs.length === 1 ? docs[0] : undefined);
  return own?.retentionDays ?? 180;
}
