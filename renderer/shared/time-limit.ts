/** A service item's 承诺时限 in the UI's words (`forms.timeLimit`), for screens and the receipts they print. */
import { timeLimitWords, type TimeLimitLike } from '../../sync/protocol/time-limit';

export function timeLimitText(tl: TimeLimitLike | null | undefined, t: (key: string, params?: Record<string, string | number>) => string): string {
  const w = timeLimitWords(tl);
  if (w.key === 'note') return w.note;
  if (w.key === 'promised' || w.key === 'legal') return t(`forms.timeLimit.${w.key}`, { n: w.days });
  return t(`forms.timeLimit.${w.key}`);
}
