/**
 * The form model behind the renderer (pure, no Vue): UI schema (JSON Forms layout subset:
 * VerticalLayout, HorizontalLayout, Group, Control with `rule` SHOW/HIDE/ENABLE/DISABLE and
 * `options.multi`) → steps of controls; visibility from rules; prefill from the ID card; per-step
 * validation with the shared validator; review rows and the printable form sections.
 */
import { i18n } from '../i18n';
import { createValidator, matchesSchema, type FieldError, type JsonSchema, type Validator } from '../../sync/protocol/forms/validate';

export interface UiRule {
  effect: 'SHOW' | 'HIDE' | 'ENABLE' | 'DISABLE';
  condition: { scope: string; schema: JsonSchema };
}
export interface UiElement {
  type: string;
  scope?: string;
  label?: string;
  elements?: UiElement[];
  rule?: UiRule;
  options?: { multi?: boolean; [k: string]: unknown };
}

export type ControlKind = 'text' | 'textarea' | 'number' | 'integer' | 'date' | 'select' | 'boolean' | 'id-number' | 'phone';

export interface FormControl {
  /** Property name (top-level properties only, as the platform's forms use). */
  key: string;
  label: string;
  kind: ControlKind;
  required: boolean;
  options: string[];
  schema: JsonSchema;
  /** Rules of the control and of every enclosing group. */
  rules: UiRule[];
  maxLength?: number;
  /** The UI schema control's `options` (e.g. `keyboard`, `notAfter`: see field-input.ts). */
  ui?: Readonly<Record<string, unknown>>;
}

export interface FormStep {
  /** Group label, or the form title for loose controls. */
  title: string;
  controls: FormControl[];
  /** Rule of the group itself (a hidden group is skipped). */
  rules: UiRule[];
}

export type FormData = Record<string, unknown>;

/**
 * A field someone asked to look at, which is not (necessarily) invalid: the platform's 补正 flag or
 * the field a refusal named. `path` as the validator names fields (`bankAccount`, `members.0.name`);
 * `reason` is shown as 需补正：<reason>.
 */
export interface FieldFlag {
  path: string;
  reason: string;
}

/** Whether an error or flag (by its validator path) concerns the field `key` or something inside it. */
export const concerns = (key: string) => (p: { path: string }): boolean => p.path === key || p.path.startsWith(`${key}.`);

const keyOf = (scope: string): string => {
  const m = /^#\/properties\/([^/]+)$/.exec(scope);
  if (!m) throw new Error(`unsupported scope ${scope}`);
  return decodeURIComponent(m[1]!);
};

const ID_HINT = (s: JsonSchema) => s.format === 'id-number' || (typeof s.pattern === 'string' && s.pattern.includes('(18|19|20)'));
const PHONE_HINT = (s: JsonSchema) => typeof s.pattern === 'string' && s.pattern.startsWith('^1[3-9]');

export class FormModel {
  readonly steps: FormStep[];
  readonly controls: FormControl[];
  readonly validate: Validator;
  private readonly required: Set<string>;

  constructor(
    readonly title: string,
    readonly schema: JsonSchema,
    readonly uiSchema: UiElement,
  ) {
    this.validate = createValidator(schema);
    this.required = new Set((schema.required as string[] | undefined) ?? []);
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const steps: FormStep[] = [];
    let loose: FormStep | null = null;
    const control = (el: UiElement, rules: UiRule[]): FormControl => {
      const key = keyOf(el.scope!);
      const s = props[key];
      if (!s) throw new Error(`control ${key} has no schema property`);
      const kind: ControlKind = Array.isArray(s.enum)
        ? 'select'
        : s.type === 'boolean'
          ? 'boolean'
          : s.type === 'integer'
            ? 'integer'
            : s.type === 'number'
              ? 'number'
              : s.format === 'date'
                ? 'date'
                : ID_HINT(s)
                  ? 'id-number'
                  : PHONE_HINT(s)
                    ? 'phone'
                    : el.options?.multi
                      ? 'textarea'
                      : 'text';
      return {
        key,
        label: el.label ?? (typeof s.title === 'string' ? s.title : key),
        kind,
        required: this.required.has(key),
        options: Array.isArray(s.enum) ? (s.enum as unknown[]).map(String) : [],
        schema: s,
        rules: el.rule ? [...rules, el.rule] : rules,
        ...(typeof s.maxLength === 'number' ? { maxLength: s.maxLength } : {}),
        ...(el.options && typeof el.options === 'object' ? { ui: el.options } : {}),
      };
    };
    const collect = (el: UiElement, rules: UiRule[], into: FormControl[]) => {
      if (el.type === 'Control') into.push(control(el, rules));
      else for (const child of el.elements ?? []) collect(child, el.rule ? [...rules, el.rule] : rules, into);
    };
    const top = uiSchema.type === 'Control' ? [uiSchema] : (uiSchema.elements ?? []);
    for (const el of top) {
      if (el.type === 'Group' || el.type === 'Categorization' || el.type === 'Category') {
        loose = null;
        const controls: FormControl[] = [];
        collect(el, [], controls);
        steps.push({ title: el.label ?? title, controls, rules: el.rule ? [el.rule] : [] });
      } else {
        // Consecutive loose controls share one step (e.g. a checkbox that opens the next group).
        if (!loose) {
          loose = { title: steps.length ? i18n.global.t('forms.otherStep') : title, controls: [], rules: [] };
          steps.push(loose);
        }
        collect(el, [], loose.controls);
      }
    }
    this.steps = steps;
    this.controls = steps.flatMap((s) => s.controls);
  }

  /** Whether every SHOW/HIDE rule lets the element show with this data. */
  static visible(rules: UiRule[], data: FormData): boolean {
    return rules.every((r) => {
      if (r.effect !== 'SHOW' && r.effect !== 'HIDE') return true;
      const ok = matchesSchema(r.condition.schema, data[keyOf(r.condition.scope)]);
      return r.effect === 'SHOW' ? ok : !ok;
    });
  }

  static enabled(rules: UiRule[], data: FormData): boolean {
    return rules.every((r) => {
      if (r.effect !== 'ENABLE' && r.effect !== 'DISABLE') return true;
      const ok = matchesSchema(r.condition.schema, data[keyOf(r.condition.scope)]);
      return r.effect === 'ENABLE' ? ok : !ok;
    });
  }

  /** Steps with at least one visible control. */
  visibleSteps(data: FormData): FormStep[] {
    return this.steps.filter((s) => FormModel.visible(s.rules, data) && s.controls.some((c) => FormModel.visible(c.rules, data)));
  }

  visibleControls(step: FormStep, data: FormData): FormControl[] {
    return step.controls.filter((c) => FormModel.visible(c.rules, data));
  }

  /** Data without the values of hidden controls (they are not submitted). */
  clean(data: FormData): FormData {
    const out: FormData = {};
    for (const c of this.controls) {
      const v = data[c.key];
      if (v === undefined || v === '' || v === null) continue;
      if (FormModel.visible(c.rules, data)) out[c.key] = v;
    }
    return out;
  }

  /** Every error for the whole form (with hidden values removed). */
  errors(data: FormData): FieldError[] {
    return this.validate(this.clean(data));
  }

  /** Errors of the controls shown on one step. */
  stepErrors(step: FormStep, data: FormData): FieldError[] {
    const keys = new Set(this.visibleControls(step, data).map((c) => c.key));
    return this.errors(data).filter((e) => keys.has(e.path.split('.')[0]!));
  }

  /** Label/value rows for the review page and the printed form; hidden and empty fields left out. */
  reviewRows(data: FormData): { step: string; rows: { key: string; label: string; value: string; kind: ControlKind }[] }[] {
    const clean = this.clean(data);
    return this.visibleSteps(data)
      .map((s) => ({
        step: s.title,
        rows: this.visibleControls(s, data)
          .filter((c) => clean[c.key] !== undefined)
          .map((c) => ({ key: c.key, label: c.label, kind: c.kind, value: formatValue(c, clean[c.key]) })),
      }))
      .filter((s) => s.rows.length > 0);
  }
}

export function formatValue(c: FormControl, v: unknown): string {
  if (c.kind === 'boolean') return i18n.global.t(v === true ? 'forms.yes' : 'forms.no');
  return v === undefined || v === null ? '' : String(v);
}

/** Converts a text input back to the schema's type ('' → undefined; numbers parsed). */
export function coerce(c: FormControl, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  const s = raw.trim();
  if (s === '') return undefined;
  if (c.kind === 'number' || c.kind === 'integer') {
    const n = Number(s);
    return Number.isFinite(n) ? n : s;
  }
  if (c.kind === 'id-number') return s.toUpperCase();
  return s;
}

/** What the ID card provides, by the usual field names of the platform's forms. */
export interface CardPrefill {
  name: string;
  idNumber: string;
  birthDate?: string | null;
  address?: string;
}

export const PREFILL_KEYS: Record<string, keyof CardPrefill> = {
  applicantName: 'name',
  name: 'name',
  idNumber: 'idNumber',
  applicantIdNumber: 'idNumber',
  birthDate: 'birthDate',
  address: 'address',
};

/** Fills empty fields the card knows; returns the new data and the keys it filled (shown read-only). */
export function prefillFromCard(model: FormModel, data: FormData, card: CardPrefill): { data: FormData; filled: string[] } {
  const out = { ...data };
  const filled: string[] = [];
  for (const c of model.controls) {
    const source = PREFILL_KEYS[c.key];
    const v = source ? card[source] : undefined;
    if (v && (out[c.key] === undefined || out[c.key] === '')) {
      out[c.key] = v;
      filled.push(c.key);
    }
  }
  return { data: out, filled };
}
