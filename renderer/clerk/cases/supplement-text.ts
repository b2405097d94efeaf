/**
 * The 补正 line of a case detail: 需补正，截止 2026-12-20： with the platform's deadline, or 需补正：
 * when it set none (never a "截止" with nothing after it). The deadline is a calendar date
 * (YYYY-MM-DD, no time zone to convert); anything else is treated as no deadline.
 */
type Translate = (key: string, params?: Record<string, unknown>) => string;

export function supplementHeading(t: Translate, dueDate: string | null | undefined): string {
  const due = typeof dueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(dueDate) ? dueDate : null;
  return due ? t('clerk.cases.supplement', { due }) : t('clerk.cases.supplementNoDue');
}
