/**
 * The station's time zone as main knows it, for the paper main lays out itself (the A4 受理回执, the
 * thermal slips): the terminal configuration's `timeZone` (an override, validated when the file is
 * read) wins; else the zone of the station's `station_config` as last seen in a pull (kept in
 * `<dataDir>/sync/station-zone.json`, so a restart offline still prints in the station's zone); else
 * Asia/Shanghai. The renderer resolves the same order from `app.info` and its synced station_config.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone } from '../../sync/protocol/station-time';
import type { Logger } from './log';
import { writeFileAtomicSync } from './atomic-file';

export interface StationZone {
  /** The zone to print and compute "today" in. */
  get(): string;
  /** Takes the zone from pulled station_config documents (of `stationId` when known). */
  learn(docs: readonly unknown[], stationId: string | null): void;
}

export function createStationZone(options: { override?: string | undefined; dataDir: string; log?: Pick<Logger, 'info' | 'warn'> }): StationZone {
  const file = path.join(options.dataDir, 'sync', 'station-zone.json');
  let learned: string | null = null;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { timeZone?: unknown };
    if (typeof saved.timeZone === 'string' && isTimeZone(saved.timeZone)) learned = saved.timeZone;
  } catch {
    // none yet (or unreadable): the default until the next pull of station_config
  }
  const override = options.override && isTimeZone(options.override) ? options.override : null;
  return {
    get: () => override ?? learned ?? DEFAULT_STATION_TIME_ZONE,
    learn(docs, stationId) {
      for (const d of docs) {
        if (!d || typeof d !== 'object') continue;
        const doc = d as { stationId?: unknown; id?: unknown; timeZone?: unknown; _deleted?: unknown };
        if (doc._deleted === true) continue;
        if (stationId && doc.stationId !== stationId && doc.id !== stationId) continue;
        const tz = typeof doc.timeZone === 'string' && isTimeZone(doc.timeZone) ? doc.timeZone : DEFAULT_STATION_TIME_ZONE;
        if (tz === learned) continue;
        learned = tz;
        try {
          writeFileAtomicSync(file, JSON.stringify({ timeZone: tz }));
        } catch {
          options.log?.warn('station-zone.save-failed');
        }
        options.log?.info('station-zone.learned', { timeZone: tz });
      }
    },
  };
}
