/**
 * Form validation without eval: a small interpreter for the JSON Schema (draft-07) subset the
 * platform's form schemas use, with Chinese messages. One validator, one set of messages, on both
 * sides: the renderer's forms (kiosk and counter, via renderer/forms/model.ts) and the platform,
 * which checks the `formData` of every submitted application against its form schema before it
 * stores it (sync/server/rules.ts). Pure TypeScript with no dependencies (only sync/protocol's own
 * GB 11643 check), so it runs in the sandboxed renderer and under Node alike.
 *
 * Why not ajv: ajv compiles validators with `new Function`, which the renderer's CSP
 * (`script-src 'self'`, no 'unsafe-eval') blocks, and form schemas arrive by sync at run time, so
 * build-time standalone compilation cannot cover them.
 *
 * Supported keywords: type (string, number, integer, boolean, object, array), properties, required,
 * additionalProperties (false), enum, const, minLength, maxLength, pattern, format (date, date-time,
 * email), minimum, maximum, exclusiveMinimum, exclusiveMaximum, allOf, if/then/else, items,
 * minItems, maxItems, title. Any other keyword throws `UnsupportedSchemaError` when the validator is
 * created: a form never silently skips a rule. Fields whose pattern is the 18-digit ID number
 * pattern (or `format: "id-number"`) also get the GB 11643 check digit verified.
 *
 * The work is bounded by the schema, not by the data: only properties and items the schema
 * declares are descended into, so deeply nested or huge data costs no more than the form.
 */
import { gb11643CheckChar } from '../id-type';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonSchema = { [k: string]: unknown };

export interface FieldError {
  /** Property path, e.g. `idNumber` or `agent.phone` (dots). */
  path: string;
  /** The JSON Schema keyword that failed. */
  keyword: string;
  /** English, for logs and APIs (no values). */
  message: string;
  /** What is wrong, for people: the catalogue's `forms.issue.<code>` renders it with `params`. */
  code: FieldIssueCode;
  /**
   * The words' parameters: `name` (the field's title from the form schema; '' when it has none),
   * `limit` (a length, count or number bound), `min`/`max` (digits), `type` (a JSON type name),
   * `value` (a `const`), `key` (an unexpected member, shortened).
   */
  params: FieldIssueParams;
}

/** The kinds of problem the validator names (keys of the catalogue's `forms.issue`). */
export const FIELD_ISSUE_CODES = [
  'const', 'enum', 'type', 'required', 'minLength', 'maxLength', 'email', 'date', 'idNumber', 'idPattern', 'phone', 'digits', 'pattern', 'idChecksum',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'additionalProperties',
] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];
export type FieldIssueParams = Record<string, string | number>;

/** English for each code (logs and APIs); `{name}` and the other parameters as in `params`. */
const ENGLISH: Record<FieldIssueCode, (p: FieldIssueParams) => string> = {
  const: (p) => `${p.name} must be "${p.value}"`,
  enum: (p) => `${p.name}: choose one of the options`,
  type: (p) => `${p.name} must be of type ${p.type}`,
  required: (p) => `${p.name} is required`,
  minLength: (p) => `${p.name} needs at least ${p.limit} characters`,
  maxLength: (p) => `${p.name} allows at most ${p.limit} characters`,
  email: (p) => `${p.name} is not a valid e-mail address`,
  date: (p) => `${p.name} is not a valid date`,
  idNumber: (p) => `${p.name} is not a valid ID number`,
  idPattern: (p) => `${p.name} must be an 18-character ID number`,
  phone: (p) => `${p.name} must be an 11-digit mobile number`,
  digits: (p) => `${p.name} must be ${p.min} to ${p.max} digits`,
  pattern: (p) => `${p.name} has the wrong format`,
  idChecksum: (p) => `${p.name} has a wrong check digit`,
  minimum: (p) => `${p.name} must be at least ${p.limit}`,
  maximum: (p) => `${p.name} must be at most ${p.limit}`,
  exclusiveMinimum: (p) => `${p.name} must be greater than ${p.limit}`,
  exclusiveMaximum: (p) => `${p.name} must be less than ${p.limit}`,
  minItems: (p) => `${p.name} needs at least ${p.limit} items`,
  maxItems: (p) => `${p.name} allows at most ${p.limit} items`,
  additionalProperties: (p) => `"${p.key}" is not expected`,
};

/** At most this many issues travel in one answer (the platform's rejection, logs). */
export const MAX_FORM_ISSUES = 20;

export class UnsupportedSchemaError extends Error {
  constructor(keyword: string, path: string) {
    super(`unsupported JSON Schema keyword "${keyword}" at ${path || '/'}`);
    this.name = 'UnsupportedSchemaError';
  }
}

const KNOWN = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'type', 'properties', 'required',
  'additionalProperties', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'allOf', 'if', 'then', 'else', 'items', 'minItems', 'maxItems', 'readOnly',
]);
const FORMATS = new Set(['date', 'date-time', 'email', 'id-number']);

/**
 * The 18-character resident ID number (GB 11643-1999) as a JSON Schema `pattern`: area code, birth
 * date 18xx–20xx, sequence, check character (`X` uppercase). Forms use it; the validator recognises
 * it and checks the check digit too.
 */
export const RESIDENT_ID_PATTERN = '^[1-9]\\d{5}(18|19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])\\d{3}[\\dX]$';

/** GB 11643-1999 check digit of an 18-character resident ID number. */
export function idNumberChecksumOk(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && gb11643CheckChar(id.slice(0, 17)) === id[17];
}

const isDate = (s: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** Unknown keys come from the data: shown shortened, never as a blob. */
const clip = (k: string, max = 40): string => ([...k].length > max ? `${[...k].slice(0, max).join('')}…` : k);

const looksLikeIdPattern = (p: string) => p.includes('(18|19|20)') && p.includes('[\\dX]');

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'null': return v === null;
    default: return false;
  }
}

function checkSchema(schema: JsonSchema, path: string, patterns: Map<string, RegExp>): void {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new UnsupportedSchemaError(k, path);
  if (typeof schema.format === 'string' && !FORMATS.has(schema.format)) throw new UnsupportedSchemaError(`format:${schema.format}`, path);
  if (typeof schema.pattern === 'string' && !patterns.has(schema.pattern)) patterns.set(schema.pattern, new RegExp(schema.pattern, 'u'));
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  if (props) for (const [k, s] of Object.entries(props)) checkSchema(s, path ? `${path}.${k}` : k, patterns);
  for (const key of ['if', 'then', 'else', 'items'] as const) if (schema[key] && typeof schema[key] === 'object') checkSchema(schema[key] as JsonSchema, path, patterns);
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) checkSchema(s as JsonSchema, path, patterns);
}

export interface Validator {
  (data: unknown): FieldError[];
  readonly schema: JsonSchema;
}

/** The field's title for people, else its last path segment, else '' (the catalogue's word for "the content"). */
const label = (s: JsonSchema, path: string): string => (typeof s.title === 'string' ? s.title : path.slice(path.lastIndexOf('.') + 1));
const issue = (path: string, keyword: string, code: FieldIssueCode, params: FieldIssueParams): FieldError => ({ path, keyword, code, params, message: ENGLISH[code](params) });
/** Records the issue of field `s` at `path` (its name looked up only now: a valid field costs none). */
const fail = (errors: FieldError[], s: JsonSchema, path: string, keyword: string, code: FieldIssueCode, more: FieldIssueParams = {}): void => {
  errors.push(issue(path, keyword, code, { name: label(s, path), ...more }));
};
/** Characters as people count them (code points, as `[...v].length`), without building the array. */
function codePoints(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++, n++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}
const empty = (x: unknown): boolean => x === undefined || x === null || x === '';
const member = (path: string, k: string): string => (path ? `${path}.${k}` : k);
/** Title of member `k` of an object whose properties are `props`, else the enclosing schema's, else `k`. */
const titleIn = (props: Record<string, JsonSchema>, parentTitleOf: ((k: string) => string) | undefined, k: string): string =>
  hasOwn(props, k) && typeof props[k]!.title === 'string' ? (props[k]!.title as string) : parentTitleOf?.(k) ?? k;

/** Prepares a validator for a schema (checks every keyword once, compiles patterns). */
export function createValidator(schema: JsonSchema): Validator {
  const patterns = new Map<string, RegExp>();
  checkSchema(schema, '', patterns);

  // Written without closures made per call (the platform checks the form data of every submission
  // it is pushed, and each nested field is a call).
  function run(s: JsonSchema, v: unknown, path: string, errors: FieldError[], parentTitleOf?: (k: string) => string): void {
    if (s.const !== undefined && v !== s.const) return fail(errors, s, path, 'const', 'const', { value: clip(String(s.const)) });
    if (Array.isArray(s.enum) && !s.enum.includes(v as never)) return fail(errors, s, path, 'enum', 'enum');
    if (typeof s.type === 'string' && !typeOk(s.type, v)) return fail(errors, s, path, 'type', 'type', { type: clip(s.type) });
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
        const len = codePoints(v);
        if (typeof s.minLength === 'number' && len < s.minLength) return s.minLength === 1 ? fail(errors, s, path, 'minLength', 'required') : fail(errors, s, path, 'minLength', 'minLength', { limit: s.minLength });
        if (typeof s.maxLength === 'number' && len > s.maxLength) return fail(errors, s, path, 'maxLength', 'maxLength', { limit: s.maxLength });
      }
      if (typeof s.format === 'string') {
        if ((s.format === 'date' && !isDate(v)) || (s.format === 'date-time' && Number.isNaN(Date.parse(v))) || (s.format === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)))
          return fail(errors, s, path, 'format', s.format === 'email' ? 'email' : 'date');
        if (s.format === 'id-number' && !idNumberChecksumOk(v)) return fail(errors, s, path, 'format', 'idNumber');
      }
      if (typeof s.pattern === 'string') {
        if (!patterns.get(s.pattern)!.test(v)) {
          if (looksLikeIdPattern(s.pattern)) return fail(errors, s, path, 'pattern', 'idPattern');
          if (s.pattern.startsWith('^1[3-9]')) return fail(errors, s, path, 'pattern', 'phone');
          if (/^\^\\d\{\d+,\d+\}\$$/.test(s.pattern)) {
            const [, a, b] = /\{(\d+),(\d+)\}/.exec(s.pattern)!;
            return fail(errors, s, path, 'pattern', 'digits', { min: Number(a), max: Number(b) });
          }
          return fail(errors, s, path, 'pattern', 'pattern');
        }
        if (looksLikeIdPattern(s.pattern) && !idNumberChecksumOk(v)) return fail(errors, s, path, 'pattern', 'idChecksum');
      }
    }
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) return fail(errors, s, path, 'minimum', 'minimum', { limit: s.minimum });
      if (typeof s.maximum === 'number' && v > s.maximum) return fail(errors, s, path, 'maximum', 'maximum', { limit: s.maximum });
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) return fail(errors, s, path, 'exclusiveMinimum', 'exclusiveMinimum', { limit: s.exclusiveMinimum });
      if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) return fail(errors, s, path, 'exclusiveMaximum', 'exclusiveMaximum', { limit: s.exclusiveMaximum });
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) return fail(errors, s, path, 'minItems', 'minItems', { limit: s.minItems });
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) return fail(errors, s, path, 'maxItems', 'maxItems', { limit: s.maxItems });
      if (s.items && typeof s.items === 'object') for (let i = 0; i < v.length; i++) run(s.items as JsonSchema, v[i], `${path}.${i}`, errors);
    }
    if (typeOk('object', v)) {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      if (Array.isArray(s.required)) {
        // Own members only: a `constructor` or `toString` the data lacks is not the prototype's.
        for (const k of s.required as string[]) {
          if (empty(hasOwn(obj, k) ? obj[k] : undefined)) errors.push(issue(member(path, k), 'required', 'required', { name: titleIn(props, parentTitleOf, k) }));
        }
      }
      const keys = Object.keys(props);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const x = hasOwn(obj, k) ? obj[k] : undefined;
        if (empty(x)) continue;
        run(props[k]!, x, member(path, k), errors);
      }
      if (s.additionalProperties === false) {
        for (const k of Object.keys(obj)) if (!hasOwn(props, k) && obj[k] !== undefined) errors.push(issue(member(path, clip(k, 100)), 'additionalProperties', 'additionalProperties', { name: '', key: clip(k) }));
      }
      if (Array.isArray(s.allOf) || (s.if && typeof s.if === 'object')) {
        const titleOf = (k: string) => titleIn(props, parentTitleOf, k);
        if (Array.isArray(s.allOf)) for (const part of s.allOf as JsonSchema[]) run(part, v, path, errors, titleOf);
        if (s.if && typeof s.if === 'object') {
          const matched = run2(s.if as JsonSchema, v, path).length === 0;
          const branch = (matched ? s.then : s.else) as JsonSchema | undefined;
          if (branch) run(branch, v, path, errors, titleOf);
        }
      }
    } else if (Array.isArray(s.allOf)) {
      for (const part of s.allOf as JsonSchema[]) run(part, v, path, errors, parentTitleOf);
    }
  }

  const run2 = (s: JsonSchema, v: unknown, path: string) => {
    const e: FieldError[] = [];
    run(s, v, path, e);
    return e;
  };

  const validator = ((data: unknown) => {
    const errors: FieldError[] = [];
    run(schema, data, '', errors);
    // One message per field: the first one.
    const seen = new Set<string>();
    return errors.filter((e) => (seen.has(e.path) ? false : (seen.add(e.path), true)));
  }) as Validator;
  Object.defineProperty(validator, 'schema', { value: schema });
  return validator;
}

/** Whether `value` satisfies a (sub)schema: used for UI rule conditions (SHOW/HIDE/ENABLE/DISABLE). */
export function matchesSchema(schema: JsonSchema, value: unknown): boolean {
  return createValidator(schema)(value).length === 0;
}

/** The first `max` problems of `data` (one per field) and how many there were in all. */
export function formIssues(validate: Validator, data: unknown, max = MAX_FORM_ISSUES): { issues: FieldError[]; total: number } {
  const all = validate(data);
  return { issues: all.slice(0, max), total: all.length };
}

/** One line for logs and APIs (English, stable): `path (keyword)` per problem, no values. */
export function formIssuesLogMessage(issues: readonly Pick<FieldError, 'path' | 'keyword'>[], total = issues.length): string {
  const more = total > issues.length ? `, and ${total - issues.length} more` : '';
  return `${total} field(s) do not match the form: ${issues.map((e) => `${e.path || '(root)'} (${e.keyword})`).join(', ')}${more}`;
}
