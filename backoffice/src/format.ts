// Dates a person reads, in the province's zone (Asia/Shanghai), never UTC.
import { DEFAULT_STATION_TIME_ZONE, stationDate, stationDateTime } from '../../sync/protocol/station-time';

export const dateTime = (iso: string | null | undefined): string => (iso ? stationDateTime(iso, DEFAULT_STATION_TIME_ZONE) : '—');
export const date = (iso: string | null | undefined): string => (iso ? stationDate(iso, DEFAULT_STATION_TIME_ZONE) : '—');
export const today = (): string => stationDate(Date.now(), DEFAULT_STATION_TIME_ZONE);
