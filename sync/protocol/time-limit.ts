/**
 * 承诺时限 as printed on paper and shown on screen, from a service item's `timeLimit` (办事指南):
 * the promised working days when the guide gives them (0 = 即办), else the legal days, else the
 * guide's own words, else a pointer to the counter. Never "即办" for a deadline the guide states.
 * The words are the renderer's catalogue (`forms.timeLimit.<key>`); this says which and with what.
 */
export interface TimeLimitLike {
  legalDays: number | null;
  promisedDays: number | null;
  note?: string | undefined;
}

/** Which words say the time limit: `days` for `promised` / `legal`, the guide's `note` (its own words, shortened) for `note`. */
export type TimeLimitWords = { key: 'instant' } | { key: 'promised'; days: number } | { key: 'legal'; days: number } | { key: 'note'; note: string } | { key: 'unknown' };

export function timeLimitWords(t: TimeLimitLike | null | undefined, max = 60): TimeLimitWords {
  if (!t) return { key: 'unknown' };
  if (t.promisedDays !== null && t.promisedDays !== undefined) return t.promisedDays === 0 ? { key: 'instant' } : { key: 'promised', days: t.promisedDays };
  if (t.legalDays !== null && t.legalDays !== undefined) return t.legalDays === 0 ? { key: 'instant' } : { key: 'legal', days: t.legalDays };
  const note = (t.note ?? '').replace(/^例[:：]\s*/, '').trim();
  if (note) return { key: 'note', note: note.length > max ? `${note.slice(0, max - 1)}…` : note };
  return { key: 'unknown' };
}
