/**
 * Which on-screen input a form field gets on the kiosk (pure, no Vue): the keyboard its content
 * needs, the touch date picker, or none (choices are buttons). One function, `fieldInput`, derived
 * from the field's JSON Schema and UI schema so that no field gets a keyboard that cannot type it:
 *
 * 1. an explicit UI hint on the control, `options.keyboard` (one of KEYBOARD_KINDS); an unknown
 *    hint is ignored (a form synced from the platform must never break the kiosk);
 * 2. `enum` / `boolean` → `choice`; `format: date` → `date`;
 * 3. `integer` → `digits`; `number` → `decimal`;
 * 4. a resident ID number (`format: id-number` or the ID pattern) → `id-number` (digits and X);
 *    a phone → `digits`;
 * 5. a `pattern` whose alphabet can be read: digits only → `digits`; digits and X → `id-number`;
 *    uppercase letters and digits → `alphanumeric`; anything else (lowercase, Chinese, `.`, `\w`,
 *    negated classes…) → `mixed`;
 * 6. otherwise `mixed`: pinyin first, switchable to letters, digits and symbols (an address has
 *    house numbers, a reason may have amounts).
 *
 * Names take `options.keyboard: "pinyin"` in the form's UI schema (pinyin only: a name has no digits).
 * Date fields may limit the picker with `options.notAfter` / `options.notBefore` (`"today"` or a
 * `YYYY-MM-DD`) and the schema's `formatMinimum` / `formatMaximum`; "today" is the station's.
 */
import type { FormControl } from './model';

export const KEYBOARD_KINDS = ['digits', 'decimal', 'id-number', 'alphanumeric', 'pinyin', 'mixed'] as const;
export type KeyboardKind = (typeof KEYBOARD_KINDS)[number];
export type FieldInput = KeyboardKind | 'date' | 'choice';

const isKeyboardKind = (v: unknown): v is KeyboardKind => typeof v === 'string' && (KEYBOARD_KINDS as readonly string[]).includes(v);

type Control = Pick<FormControl, 'kind' | 'schema'> & { ui?: Readonly<Record<string, unknown>> | undefined };

/** The input a field gets on the kiosk. */
export function fieldInput(c: Control): FieldInput {
  const hint = c.ui?.keyboard;
  const s = c.schema;
  if (c.kind === 'select' || c.kind === 'boolean' || Array.isArray(s.enum) || s.type === 'boolean') return 'choice';
  if (c.kind === 'date' || s.format === 'date') return 'date';
  if (isKeyboardKind(hint)) return hint;
  if (s.type === 'integer' || c.kind === 'integer') return 'digits';
  if (s.type === 'number' || c.kind === 'number') return 'decimal';
  if (c.kind === 'id-number' || s.format === 'id-number') return 'id-number';
  if (c.kind === 'phone') return 'digits';
  if (typeof s.pattern === 'string') {
    const a = patternAlphabet(s.pattern);
    if (a && !a.other && !a.lower) {
      const letters = [...a.upper];
      if (letters.length === 0 && a.digits) return 'digits';
      if (letters.every((l) => l === 'X')) return 'id-number';
      return 'alphanumeric';
    }
  }
  return 'mixed';
}

/** Whether the field is typed on the on-screen keyboard (not a choice, not a date). */
export const isKeyboardInput = (i: FieldInput): i is KeyboardKind => i !== 'date' && i !== 'choice';

export interface PatternAlphabet {
  digits: boolean;
  /** Uppercase ASCII letters the pattern can produce. */
  upper: Set<string>;
  lower: boolean;
  /** Anything else (punctuation, Chinese, spaces). */
  other: boolean;
}

/**
 * The characters a regular expression (JSON Schema `pattern`) can match, when that can be read
 * from it; null when it cannot (`.`, `\w`, `\S`, negated classes, lookarounds, back references):
 * the caller then falls back to the mixed keyboard rather than guess.
 */
export function patternAlphabet(pattern: string): PatternAlphabet | null {
  const out: PatternAlphabet = { digits: false, upper: new Set(), lower: false, other: false };
  const add = (from: number, to: number): void => {
    if (to < from || to - from > 0xffff) {
      out.other = true;
      return;
    }
    for (let cp = from; cp <= to; cp++) {
      if (cp >= 0x30 && cp <= 0x39) out.digits = true;
      else if (cp >= 0x41 && cp <= 0x5a) out.upper.add(String.fromCharCode(cp));
      else if (cp >= 0x61 && cp <= 0x7a) out.lower = true;
      else out.other = true;
    }
  };
  const cps = [...pattern];
  let i = 0;
  /** One escaped atom after a backslash: a range [from, to], 'digit', or null (unreadable). */
  const escape = (): [number, number] | 'digit' | null => {
    const e = cps[i++];
    if (e === undefined) return null;
    if (e === 'd') return 'digit';
    if ('DwWsSbB'.includes(e) || /[1-9]/.test(e) || e === 'k' || e === 'p' || e === 'P') return null;
    if (e === 'u') {
      const hex = cps.slice(i, i + 4).join('');
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      i += 4;
      const cp = parseInt(hex, 16);
      return [cp, cp];
    }
    if (e === 'x') {
      const hex = cps.slice(i, i + 2).join('');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      i += 2;
      const cp = parseInt(hex, 16);
      return [cp, cp];
    }
    if ('tnrfv0'.includes(e)) {
      out.other = true;
      return [0x20, 0x20];
    }
    const cp = e.codePointAt(0)!;
    return [cp, cp];
  };
  while (i < cps.length) {
    const ch = cps[i++]!;
    if (ch === '^' || ch === '$' || ch === '|' || ch === ')' || ch === '*' || ch === '+') continue;
    if (ch === '?') continue;
    if (ch === '(') {
      if (cps[i] === '?') {
        if (cps[i + 1] !== ':') return null; // lookaround or named group
        i += 2;
      }
      continue;
    }
    if (ch === '{') {
      const close = cps.indexOf('}', i);
      if (close < 0 || !/^\d+(,\d*)?$/.test(cps.slice(i, close).join(''))) return null;
      i = close + 1;
      continue;
    }
    if (ch === '.') return null;
    if (ch === '\\') {
      const a = escape();
      if (a === null) return null;
      if (a === 'digit') out.digits = true;
      else add(a[0], a[1]);
      continue;
    }
    if (ch === '[') {
      if (cps[i] === '^') return null;
      let closed = false;
      while (i < cps.length) {
        const c = cps[i++]!;
        if (c === ']') {
          closed = true;
          break;
        }
        let from: number;
        if (c === '\\') {
          const a = escape();
          if (a === null) return null;
          if (a === 'digit') {
            out.digits = true;
            continue;
          }
          from = a[0];
        } else from = c.codePointAt(0)!;
        if (cps[i] === '-' && cps[i + 1] !== undefined && cps[i + 1] !== ']') {
          i++;
          const d = cps[i++]!;
          let to: number;
          if (d === '\\') {
            const a = escape();
            if (a === null || a === 'digit') return null;
            to = a[0];
          } else to = d.codePointAt(0)!;
          add(from, to);
        } else add(from, from);
      }
      if (!closed) return null;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    add(cp, cp);
  }
  return out;
}

/** `YYYY-MM-DD` or null. */
const isoDate = (v: unknown): string | null => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);

export interface DateBounds {
  /** Earliest date the picker offers (`YYYY-MM-DD`). */
  min: string;
  /** Latest date the picker offers. */
  max: string;
}

/** The picker's default range when the form sets none: 1900 to 10 years after today. */
export const DEFAULT_MIN_DATE = '1900-01-01';

/**
 * The dates a date field's picker offers, with `today` the station's date (`YYYY-MM-DD`, from
 * stationDate()): the UI schema's `notAfter` / `notBefore` ("today" or a date), the schema's
 * `formatMinimum` / `formatMaximum`, else 1900-01-01 … today + 10 years. A range that would be
 * empty (a bad form) falls back to the default range.
 */
export function dateBounds(c: Pick<Control, 'schema' | 'ui'>, today: string): DateBounds {
  const resolve = (v: unknown): string | null => (v === 'today' ? today : isoDate(v));
  const max10 = `${String(Number(today.slice(0, 4)) + 10).padStart(4, '0')}${today.slice(4)}`;
  const lows = [resolve(c.ui?.notBefore), isoDate(c.schema.formatMinimum)].filter((v): v is string => !!v);
  const highs = [resolve(c.ui?.notAfter), isoDate(c.schema.formatMaximum)].filter((v): v is string => !!v);
  const min = lows.length ? lows.sort().at(-1)! : DEFAULT_MIN_DATE;
  const max = highs.length ? highs.sort()[0]! : max10 < DEFAULT_MIN_DATE ? DEFAULT_MIN_DATE : max10;
  return min <= max ? { min, max } : { min: DEFAULT_MIN_DATE, max: max10 };
}
