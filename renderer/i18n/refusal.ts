/**
 * The words of a refusal the platform sent for a pushed document (a quarantine entry, or a
 * rejection as the bridge delivered it): the platform sends a code and bounded parameters
 * (sync/protocol `rejection.params`, each issue's `code` and `params`); the catalogue's
 * `refusal.<code>` has the sentence, in the UI language. Entries of platforms before `params`, and
 * entries stored before the quarantine kept them, have only the platform's own text (`message`,
 * Chinese, possibly ending with the field list the transport appended then): that text is shown.
 *
 * Nothing here throws on what it reads: parameters that are missing or of the wrong kind make the
 * catalogue's sentence unusable, and the entry's own text is shown instead.
 */
import { sanitizeRefusalIssues, sanitizeRefusalParams, sanitizeRefusedFields } from '../../sync/client/refused-fields';
import type { FieldIssueCode } from '../../sync/protocol';
import { fieldIssueText, type Words } from '../forms/issues';

export interface RefusalLike {
  code: string;
  message: string;
  params?: unknown;
  issues?: unknown;
  fields?: unknown;
}

/** Catalogue keys are plain names: a reason with anything else in it is not looked up. */
const KEY_PART = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** The field list the transport appended to the platform's Chinese words before the words moved here (old entries). */
const LEGACY_FIELDS_SUFFIX = /（字段：[^（）]{0,4000}）$/u;
const HAN = /\p{Script=Han}/u;

/**
 * The catalogue's sentence for the refusal, or null when it has none for it: a code without words
 * there (INVALID_DOCUMENT, the terminal's own TOO_LARGE…), no parameters (an earlier platform or an
 * older entry), or parameters that do not fit the sentence.
 */
export function refusalWords(q: RefusalLike, words: Words): string | null {
  const { params } = sanitizeRefusalParams(q.params);
  switch (q.code) {
    case 'FORM_INVALID': {
      const total = params.total;
      if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) return null;
      const listed = sanitizeRefusalIssues(q.issues).issues.slice(0, total).map((i) => fieldIssueText({ code: i.code as FieldIssueCode, params: i.params }, words));
      if (!listed.length) return words.t('refusal.FORM_INVALID.none', { total });
      const more = total > listed.length ? words.t('refusal.FORM_INVALID.more', { n: total - listed.length }) : '';
      return words.t('refusal.FORM_INVALID.line', { total, issues: listed.join(words.t('refusal.FORM_INVALID.separator', {})), more });
    }
    case 'UNKNOWN_FORM': {
      const { form, why } = params;
      if (typeof form !== 'string' || !form || typeof why !== 'string' || !KEY_PART.test(why) || !words.te(`refusal.UNKNOWN_FORM.${why}`)) return null;
      return words.t(`refusal.UNKNOWN_FORM.${why}`, { form });
    }
    case 'TONGBAN_INVALID': {
      const { reason, divisionCode } = params;
      if (typeof reason !== 'string' || !KEY_PART.test(reason) || !words.te(`refusal.TONGBAN_INVALID.${reason}`)) return null;
      return words.t(`refusal.TONGBAN_INVALID.${reason}`, { divisionCode: typeof divisionCode === 'string' || typeof divisionCode === 'number' ? divisionCode : '' });
    }
    default:
      return null;
  }
}

/** The refused fields for people, `（字段：a、b）` in zh-CN, or '' without fields. */
export function refusedFieldsLine(q: Pick<RefusalLike, 'fields'>, words: Words): string {
  const { fields } = sanitizeRefusedFields(q.fields);
  return fields.length ? words.t('refusal.fields', { fields: fields.map((f) => f.path).join(words.t('refusal.fieldSeparator', {})) }) : '';
}

/** An old entry's text without the field list the transport once appended (the fields are stored as `fields`). */
export const withoutLegacyFieldsSuffix = (message: string): string => message.replace(LEGACY_FIELDS_SUFFIX, '');

/**
 * The refusal as the sync centre lists it: the catalogue's sentence followed by the refused
 * fields, else the platform's own text as it was stored (an earlier platform's Chinese with its
 * field list, or the English of a code the catalogue has no sentence for).
 */
export function refusalLine(q: RefusalLike, words: Words): string {
  const said = refusalWords(q, words);
  return said === null ? q.message : `${said}${refusedFieldsLine(q, words)}`;
}

/**
 * The platform's words for people (the case page, the 补正 editor): the catalogue's sentence, else
 * an earlier platform's Chinese text without its field list, else null (an English log line is
 * not shown as words for people; the page says it in its own words).
 */
export function refusalText(q: RefusalLike, words: Words): string | null {
  const said = refusalWords(q, words);
  if (said !== null) return said;
  const text = withoutLegacyFieldsSuffix(q.message).trim();
  return HAN.test(text) ? text.slice(0, 1000) : null;
}
