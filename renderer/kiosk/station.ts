/**
 * The station this kiosk serves, as synced down (`station_config`): its time zone (the date
 * picker's "today") and its kiosk content (welcome text and notices on the home screen). Before the
 * first sync, or if the store cannot be read, the defaults stand: Asia/Shanghai and no content.
 */
import type { StationConfigDoc } from '../../sync/protocol';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone } from '../../sync/protocol/station-time';
import type { TerminalDatabase } from '../db/database';

export interface KioskStation {
  timeZone: string;
  welcome: string;
  notices: string[];
  /** The station's division code (6, 9 or 12 digits; '' before the first sync): where 通办 routes from. */
  divisionCode: string;
}

export const NO_STATION: KioskStation = { timeZone: DEFAULT_STATION_TIME_ZONE, welcome: '', notices: [], divisionCode: '' };

/** The station's settings from the terminal store (the first station_config document). */
export async function readKioskStation(db: Pick<TerminalDatabase, 'station_config'>): Promise<KioskStation> {
  return stationFromDocs(await db.station_config.find().exec());
}

/** Follows the synced station_config: `onChange` now and after every sync that changes it. */
export function watchKioskStation(db: Pick<TerminalDatabase, 'station_config'>, onChange: (s: KioskStation) => void): () => void {
  const sub = db.station_config.find().$.subscribe((docs) => onChange(stationFromDocs(docs)));
  return () => sub.unsubscribe();
}

/** The settings from station_config documents (the first one); garbage in the content is left out. */
export function stationFromDocs(docs: readonly { toMutableJSON(): unknown }[]): KioskStation {
  const doc = docs[0]?.toMutableJSON() as StationConfigDoc | undefined;
  if (!doc) return NO_STATION;
  const tz = typeof doc.timeZone === 'string' && isTimeZone(doc.timeZone) ? doc.timeZone : DEFAULT_STATION_TIME_ZONE;
  const welcome = typeof doc.kioskContent?.welcome === 'string' ? doc.kioskContent.welcome.trim() : '';
  const notices = Array.isArray(doc.kioskContent?.notices) ? doc.kioskContent.notices.filter((n): n is string => typeof n === 'string' && n.trim().length > 0).map((n) => n.trim()) : [];
  const divisionCode = typeof doc.divisionCode === 'string' && /^\d{6}(\d{3}(\d{3})?)?$/.test(doc.divisionCode) ? doc.divisionCode : '';
  return { timeZone: tz, welcome, notices, divisionCode };
}
