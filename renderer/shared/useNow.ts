/** A clock for the screens (header, hall display): a ref that ticks on the second boundary. */
import { onBeforeUnmount, onMounted, shallowRef, type ShallowRef } from 'vue';
import { stationDateTime } from '../../sync/protocol/station-time';

export function useNow(): ShallowRef<Date> {
  const now = shallowRef(new Date());
  let timer: ReturnType<typeof setTimeout> | null = null;
  const tick = (): void => {
    now.value = new Date();
    timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  };
  onMounted(tick);
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
  });
  return now;
}

/** "2026年11月29日 星期日" / "Sunday, November 29, 2026" (in `timeZone`: the station's; default the machine's). */
export const formatDate = (date: Date, locale: string, timeZone?: string): string =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', ...(timeZone ? { timeZone } : {}) }).format(date);

/** "09:05" (24-hour). */
export const formatTime = (date: Date, locale: string, seconds = false, timeZone?: string): string =>
  new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }).format(date);

/** Machine-readable value for `<time datetime>`. */
export const isoLocal = (date: Date, timeZone?: string): string => {
  if (timeZone) return stationDateTime(date, timeZone).replace(' ', 'T');
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};
