// 受理号 (acceptance number): `<station>-<yyyymmdd>-<nnnn>`, a counter per station and day (table
// acceptance_counters), the day in the station's time zone. Taken inside the accepting transaction.
import { DEFAULT_STATION_TIME_ZONE, isTimeZone, stationDate } from '../../protocol/station-time';
import type { Queryable } from '../db/driver';

/** The station's IANA time zone from its station_config (absent or unknown = Asia/Shanghai). */
export async function stationTimeZone(tx: Queryable, stationId: string): Promise<string> {
  const rows = await tx.query<{ tz: string | null }>("SELECT data->>'timeZone' AS tz FROM documents WHERE collection = 'station_config' AND data->>'stationId' = $1 LIMIT 1", [stationId]);
  const tz = rows[0]?.tz;
  return tz && isTimeZone(tz) ? tz : DEFAULT_STATION_TIME_ZONE;
}

/** 受理号: `<station>-<yyyymmdd>-<nnnn>`, a counter per station and day, the day in the station's time zone. */
export async function nextAcceptanceNo(tx: Queryable, stationId: string, nowIso: string): Promise<string> {
  const day = stationDate(nowIso, await stationTimeZone(tx, stationId)).replaceAll('-', '');
  const scope = `${stationId}:${day}`;
  const rows = await tx.query<{ last_value: number }>(
    `INSERT INTO acceptance_counters (scope, last_value) VALUES ($1, 1)
     ON CONFLICT (scope) DO UPDATE SET last_value = acceptance_counters.last_value + 1 RETURNING last_value`,
    [scope],
  );
  return `${stationId}-${day}-${String(rows[0]!.last_value).padStart(4, '0')}`;
}
