/**
 * Default values a form gets before the person fills it. Dates are the station's "today"
 * (renderer/shared/station-zone.ts), never the machine's UTC date: at 07:30 in Jiangxi a UTC clock
 * still says yesterday.
 */
import type { FormData, FormModel } from './model';
import { stationToday } from '../shared/station-zone';

/** Fields that default to the day of filing. */
export const TODAY_FIELDS = ['applyDate'] as const;

/** `data` with each empty day-of-filing field of the form set to the station's today. */
export function withDefaultDates(model: Pick<FormModel, 'controls'>, data: FormData, now: Date = new Date()): FormData {
  const missing = model.controls.filter((c) => (TODAY_FIELDS as readonly string[]).includes(c.key) && (data[c.key] === undefined || data[c.key] === ''));
  if (!missing.length) return data;
  const today = stationToday(now);
  return { ...data, ...Object.fromEntries(missing.map((c) => [c.key, today])) };
}
