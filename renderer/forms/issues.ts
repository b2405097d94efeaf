/**
 * A form problem for people: the shared validator (sync/protocol/forms/validate.ts) names it by
 * `code` and `params`; the words are the catalogue's `forms.issue.<code>`, in the UI language.
 */
import type { FieldError } from '../../sync/protocol/forms/validate';

/** The catalogue's lookups (useI18n's or i18n.global's `t` and `te`). */
export interface Words {
  t: (key: string, params: Record<string, string | number>) => string;
  te: (key: string) => boolean;
}

/**
 * `forms.issue.<code>` with the issue's parameters: a field without a title reads as
 * `forms.unnamed`, a JSON type as `forms.types.<type>`. A code the catalogue does not know (or
 * parameters that are not strings and numbers) never throws: the validator's English `message`
 * is shown, else the generic pattern line.
 */
export function fieldIssueText(e: Partial<Pick<FieldError, 'code' | 'params' | 'message'>>, { t, te }: Words): string {
  const code = typeof e.code === 'string' ? e.code : '';
  if (!/^[A-Za-z]{1,40}$/.test(code) || !te(`forms.issue.${code}`)) return typeof e.message === 'string' && e.message ? e.message : t('forms.issue.pattern', { name: t('forms.unnamed', {}) });
  const raw = e.params && typeof e.params === 'object' && !Array.isArray(e.params) ? e.params : {};
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) params[k] = v;
  params.name = typeof params.name === 'string' && params.name ? params.name : t('forms.unnamed', {});
  if (typeof params.type === 'string' && /^[a-z]{1,20}$/.test(params.type) && te(`forms.types.${params.type}`)) params.type = t(`forms.types.${params.type}`, {});
  return t(`forms.issue.${code}`, params);
}
