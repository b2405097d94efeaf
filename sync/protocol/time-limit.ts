/**
 * 承诺时限 as printed on paper and shown on screen, from a service item's `timeLimit` (办事指南):
 * the promised working days when the guide gives them (0 = 即办), else the legal days, else the
 * guide's own words, else a pointer to the counter. Never "即办" for a deadline the guide states.
 */
export interface TimeLimitLike {
  legalDays: number | null;
  promisedDays: number | null;
  note?: string | undefined;
}

export function timeLimitText(t: TimeLimitLike | null | undefined, max = 60): string {
  if (!t) return '以窗口告知为准';
  if (t.promisedDays !== null && t.promisedDays !== undefined) return t.promisedDays === 0 ? '即办' : `${t.promisedDays}个工作日`;
  if (t.legalDays !== null && t.legalDays !== undefined) return t.legalDays === 0 ? '即办' : `法定${t.legalDays}日`;
  const note = (t.note ?? '').replace(/^例[:：]\s*/, '').trim();
  if (note) return note.length > max ? `${note.slice(0, max - 1)}…` : note;
  return '以窗口告知为准';
}
