/** A clock for the screens (header, hall display): a ref that ticks on the second boundary. */
import { onBeforeUnmount, onMounted, shallowRef, type ShallowRef } from 'vue';

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

/** "2026年11月29日 星期日" / "Sunday, November 29, 2026". */
export const formatDate = (date: Date, locale: string): string =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(date);

/** "09:05" (24-hour). */
export const formatTime = (date: Date, locale: string, seconds = false): string =>
  new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23' }).format(date);

/** Machine-readable value for `<time datetime>`. */
export const isoLocal = (date: Date): string => {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
};
