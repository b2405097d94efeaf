/**
 * The station's time zone in the renderer: the terminal configuration's override (`app.info`
 * `timeZone`) wins, else the synced station_config's `timeZone`, else Asia/Shanghai. Every date a
 * person reads, prints or signs, and every "today", goes through these helpers, never through the
 * machine's zone (CI and many terminals run in UTC).
 */
import { computed, shallowRef } from 'vue';
import {
  addDays,
  DEFAULT_STATION_TIME_ZONE,
  isTimeZone,
  stationClock,
  stationDate,
  stationDateTime,
  stationDayEnd,
  stationDayStart,
} from '../../sync/protocol/station-time';

const override = shallowRef<string | null>(null);
const synced = shallowRef<string | null>(null);

/** The zone in effect (reactive). */
export const stationZone = computed(() => override.value ?? synced.value ?? DEFAULT_STATION_TIME_ZONE);
export const stationTimeZone = (): string => stationZone.value;

/** From `app.info` (the terminal configuration; main validated it). */
export function setZoneOverride(tz: string | null | undefined): void {
  override.value = tz && isTimeZone(tz) ? tz : null;
}

/** From the synced station_config documents (the station's own, when its id is known). */
export function setSyncedZone(docs: readonly { stationId?: string; timeZone?: string | undefined }[], stationId?: string | null): void {
  const mine = docs.filter((d) => !stationId || d.stationId === stationId);
  const tz = mine.find((d) => d.timeZone)?.timeZone;
  synced.value = tz && isTimeZone(tz) ? tz : null;
}

/** Follows the station_config collection; returns the unsubscribe. */
export function followStationConfig(collection: { find(): { $: { subscribe(fn: (docs: { toJSON(): unknown }[]) => void): { unsubscribe(): void } } } }, stationId?: () => string | null): () => void {
  const sub = collection.find().$.subscribe((docs) => setSyncedZone(docs.map((d) => d.toJSON() as { stationId?: string; timeZone?: string }), stationId?.() ?? null));
  return () => sub.unsubscribe();
}

const valid = (iso: string | Date | number | null | undefined): boolean => iso !== null && iso !== undefined && iso !== '' && !Number.isNaN(new Date(iso).getTime());

/** `YYYY-MM-DD HH:mm` in the station zone; '' for nothing, the input as given when it is no date. */
export const fmtDateTime = (iso: string | Date | number | null | undefined): string => (valid(iso) ? stationDateTime(iso!, stationZone.value) : typeof iso === 'string' ? iso : '');
/** `YYYY-MM-DD` in the station zone. */
export const fmtDate = (iso: string | Date | number | null | undefined): string => (valid(iso) ? stationDate(iso!, stationZone.value) : typeof iso === 'string' ? iso : '');
/** `HH:mm` in the station zone. */
export const fmtTime = (iso: string | Date | number): string => {
  if (!valid(iso)) return '';
  const c = stationClock(iso, stationZone.value);
  return `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
};

/** The station's today, `YYYY-MM-DD`. */
export const stationToday = (now: Date = new Date()): string => stationDate(now, stationZone.value);
/** `days` after the station's today. */
export const stationDayFromToday = (days: number, now: Date = new Date()): string => addDays(stationToday(now), days);
/** ISO instants bounding a station day. */
export const dayStartIso = (day: string): string => stationDayStart(day, stationZone.value);
export const dayEndIso = (day: string): string => stationDayEnd(day, stationZone.value);
