/**
 * The hall's calls as people see and hear them (pure; calls.test.ts): which calls are new since the
 * screen last looked, how a window is named, what the announcement says.
 */
import type { QueueState } from '../../sync/protocol/queue';
import type { QueueTicketDoc } from '../../sync/protocol/documents';
import { stationClock } from '../../sync/protocol/station-time';
import { stationWords } from '../i18n/station';

export type QueueWindow = QueueState['windows'][number];

/**
 * One key per call: a recall (recallCount + 1) is a new call to announce, the same call seen again
 * is not. Tickets without a window or call time are not calls.
 */
export const callKey = (t: Pick<QueueTicketDoc, 'id' | 'calledAt' | 'recallCount' | 'window'>): string | null =>
  t.calledAt && t.window ? `${t.id}|${t.calledAt}|${t.recallCount}|${t.window}` : null;

/**
 * The calls in `recent` (newest first) not yet in `seen`, oldest first (the order they are announced
 * in). Adds them to `seen`. The first look (`seen` empty and `initial`) only remembers what is there:
 * a display switched on mid-morning does not read out the morning's calls.
 */
export function newCalls(recent: readonly QueueTicketDoc[], seen: Set<string>, initial: boolean): QueueTicketDoc[] {
  const fresh: QueueTicketDoc[] = [];
  for (const t of recent) {
    const k = callKey(t);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    if (!initial) fresh.push(t);
  }
  // bounded memory: the platform sends at most 10 recent calls; keep the last 200 keys
  if (seen.size > 200) for (const k of [...seen].slice(0, seen.size - 200)) seen.delete(k);
  return fresh.reverse();
}

/** The number people say for a window: its id when it is a number ("2"), else its name ("综合窗口"). */
export function windowNumber(windowId: string, windows: readonly Pick<QueueWindow, 'id' | 'name'>[]): { numeric: boolean; label: string } {
  if (/^\d{1,3}$/.test(windowId)) return { numeric: true, label: String(Number(windowId)) };
  const w = windows.find((x) => x.id === windowId);
  return { numeric: false, label: w?.name || windowId };
}

/**
 * The Chinese announcement, e.g. "请 A012 号到 2 号窗口办理": the hall display's own words
 * (`display.please` / `display.pleaseNamed`), spoken in zh-CN whatever the screen's language.
 */
export function announcementText(number: string, windowId: string, windows: readonly Pick<QueueWindow, 'id' | 'name'>[]): string {
  const w = windowNumber(windowId, windows);
  return stationWords(w.numeric ? 'display.please' : 'display.pleaseNamed', { ticket: number, window: w.label });
}

/**
 * Seconds between calls today for `category` (its own calls when there are two or more among the
 * recent calls, else every window's), from the platform's recent calls; null with fewer than two.
 * Bounded to 30 s … 30 min so one long lunch break or a burst of skips does not dominate.
 */
export function callIntervalSec(recent: readonly Pick<QueueTicketDoc, 'calledAt' | 'category'>[], category: string): number | null {
  const times = (list: readonly Pick<QueueTicketDoc, 'calledAt' | 'category'>[]) =>
    list
      .map((t) => (t.calledAt ? Date.parse(t.calledAt) : NaN))
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);
  let ts = times(recent.filter((t) => t.category === category));
  if (ts.length < 2) ts = times(recent);
  if (ts.length < 2) return null;
  const mean = (ts[ts.length - 1]! - ts[0]!) / 1000 / (ts.length - 1);
  return Math.min(1800, Math.max(30, mean));
}

/**
 * Estimated minutes until a ticket with `ahead` people before it is called: people ahead × the
 * recent seconds between calls; without two calls yet, the category's mean wait today
 * (`avgWaitSec`); null when there is nothing to go on. 0 when nobody is ahead.
 */
export function estimatedWaitMinutes(ahead: number, intervalSec: number | null, avgWaitSec: number | null | undefined): number | null {
  if (ahead <= 0) return 0;
  if (intervalSec !== null && Number.isFinite(intervalSec)) return Math.max(1, Math.ceil((ahead * intervalSec) / 60));
  if (avgWaitSec !== null && avgWaitSec !== undefined && Number.isFinite(avgWaitSec)) return Math.max(1, Math.ceil(avgWaitSec / 60));
  return null;
}

/** People before the ticket `id` in its category's line (the platform's call order), or null if it no longer waits. */
export function peopleAhead(waiting: readonly { id: string; category: string }[], id: string, category: string): number | null {
  const line = waiting.filter((w) => w.category === category);
  const i = line.findIndex((w) => w.id === id);
  return i < 0 ? null : i;
}

/**
 * Whole years on the station's date (its time zone, not the machine's) from a birth date
 * `YYYY-MM-DD`; null when unknown. Decides elderly priority (≥ 70) at the kiosk.
 */
export function ageOnStationDate(birthDate: string | null | undefined, now: Date, timeZone: string): number | null {
  const m = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  if (!m) return null;
  const c = stationClock(now, timeZone);
  let age = c.year - Number(m[1]);
  if (c.month < Number(m[2]) || (c.month === Number(m[2]) && c.day < Number(m[3]))) age--;
  return age >= 0 && age < 150 ? age : null;
}
