/**
 * Words that become data or sound in the hall rather than text on a screen — a note stored on an
 * application, the hall display's spoken call — are in the station's language (zh-CN) whatever the
 * screen's language, read from the same catalogue.
 */
import { i18n } from './index';

export const STATION_LOCALE = 'zh-CN';

/** The catalogue's `key` in the station's language, with `params`. */
export function stationWords(key: string, params: Record<string, string | number> = {}): string {
  return i18n.global.t(key, params, { locale: STATION_LOCALE });
}
