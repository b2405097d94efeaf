import { describe, expect, it } from 'vitest';
import { dateBounds, fieldInput, patternAlphabet, type FieldInput } from './field-input';
import { FormModel, type FormControl, type UiElement } from './model';
import type { JsonSchema } from './validate';
import { RESIDENT_ID_PATTERN } from '../../sync/protocol/forms/validate';
// Test only: the platform's seeded demo forms (pure modules, no Node).
// eslint-disable-next-line no-restricted-imports
import { demoCatalog } from '../../sync/server/seed/catalog';

/**
 * Every field of every seeded form, by key: the input a resident gets for it. A field added to the
 * seed without an entry here fails the test, so it gets a decision.
 */
const EXPECTED: Record<string, FieldInput> = {
  applicantName: 'pinyin',
  idNumber: 'id-number',
  phone: 'digits',
  address: 'mixed',
  applyDate: 'date',
  // assistance (低保 and other 救助)
  familySize: 'digits',
  monthlyIncome: 'decimal',
  hardship: 'choice',
  hardshipOther: 'mixed',
  hasBankAccount: 'choice',
  bankAccount: 'digits',
  // subsidy (高龄津贴 …), pension
  birthDate: 'date',
  disabilityCertNo: 'alphanumeric',
  contributionLevel: 'choice',
  // insurance
  insuredType: 'choice',
  newbornName: 'pinyin',
  newbornBirthDate: 'date',
  birthCertNo: 'alphanumeric',
  // card
  reason: 'choice',
  deliveryMethod: 'choice',
  mailAddress: 'mixed',
  // birth
  spouseName: 'pinyin',
  spouseIdNumber: 'id-number',
  marriageDate: 'date',
  childOrder: 'choice',
  expectedDate: 'date',
  // disability
  category: 'choice',
  level: 'choice',
  isMinor: 'choice',
  guardianName: 'pinyin',
  guardianIdNumber: 'id-number',
  homeVisit: 'choice',
  // veteran
  personType: 'choice',
  dischargeDate: 'date',
  certificateNo: 'alphanumeric',
  // housing
  landArea: 'decimal',
  buildingFloors: 'digits',
  buildType: 'choice',
  villageOpinion: 'choice',
  // legal
  disputeType: 'choice',
  summary: 'mixed',
  otherParty: 'mixed',
  // employment
  education: 'choice',
  lastEmployer: 'mixed',
  unemployedSince: 'date',
  wantsTraining: 'choice',
  // generic
  request: 'mixed',
  // 帮代办
  byAgent: 'choice',
  agentName: 'pinyin',
  agentIdNumber: 'id-number',
  agentPhone: 'digits',
  agentRelation: 'choice',
};

const control = (schema: JsonSchema, ui?: Record<string, unknown>, kind: FormControl['kind'] = 'text') => ({ kind, schema, ...(ui ? { ui } : {}) });

describe('fieldInput over the seeded forms', () => {
  const { forms } = demoCatalog();
  const seen = new Set<string>();
  it.each(forms.map((f) => [f.formId, f] as const))('form %s: every field gets its input', (_id, f) => {
    const model = new FormModel(f.title, f.jsonSchema as JsonSchema, f.uiSchema as unknown as UiElement);
    expect(model.controls.length).toBeGreaterThan(4);
    for (const c of model.controls) {
      seen.add(c.key);
      expect({ key: c.key, input: fieldInput(c) }).toEqual({ key: c.key, input: EXPECTED[c.key] ?? 'no expectation for this field' });
    }
  });

  it('covers the fields that made 高龄津贴 impossible (digits in text fields)', () => {
    const subsidy = forms.find((f) => f.title.includes('高龄津贴'))!;
    const model = new FormModel(subsidy.title, subsidy.jsonSchema as JsonSchema, subsidy.uiSchema as unknown as UiElement);
    const bank = model.controls.find((c) => c.key === 'bankAccount')!;
    expect(bank.kind).toBe('text');
    expect(fieldInput(bank)).toBe('digits');
    expect(seen.size).toBe(Object.keys(EXPECTED).length);
  });
});

describe('fieldInput rules', () => {
  it('derives from the pattern’s alphabet', () => {
    expect(fieldInput(control({ type: 'string', pattern: '^\\d{12,19}$' }))).toBe('digits');
    expect(fieldInput(control({ type: 'string', pattern: '^[0-9]{6}$' }))).toBe('digits');
    expect(fieldInput(control({ type: 'string', pattern: '^[A-Z]\\d{9}$' }))).toBe('alphanumeric');
    expect(fieldInput(control({ type: 'string', pattern: '^(?:[A-HJ-NP-Z]{2})-\\d{4}$' }))).toBe('mixed'); // '-' is a symbol
    expect(fieldInput(control({ type: 'string', pattern: '^[A-HJ-NP-Z0-9]{8}$' }))).toBe('alphanumeric');
    expect(fieldInput(control({ type: 'string', pattern: '^\\d{17}[\\dX]$' }))).toBe('id-number');
    expect(fieldInput(control({ type: 'string', pattern: RESIDENT_ID_PATTERN }))).toBe('id-number');
    expect(fieldInput(control({ type: 'string', pattern: '^[a-z]+$' }))).toBe('mixed');
    expect(fieldInput(control({ type: 'string', pattern: '^[\\u4e00-\\u9fa5]{2,10}$' }))).toBe('mixed');
    expect(fieldInput(control({ type: 'string', pattern: '^.{2,}$' }))).toBe('mixed');
    expect(fieldInput(control({ type: 'string', pattern: '^\\w+$' }))).toBe('mixed');
    expect(fieldInput(control({ type: 'string', pattern: '^[^a]+$' }))).toBe('mixed');
    expect(fieldInput(control({ type: 'string', pattern: '^(?=\\d)\\d+$' }))).toBe('mixed');
  });

  it('types and formats come before patterns; the explicit hint before derivation', () => {
    expect(fieldInput(control({ type: 'integer' }, undefined, 'integer'))).toBe('digits');
    expect(fieldInput(control({ type: 'number' }, undefined, 'number'))).toBe('decimal');
    expect(fieldInput(control({ type: 'string', format: 'date' }, { keyboard: 'pinyin' }, 'date'))).toBe('date');
    expect(fieldInput(control({ type: 'string', enum: ['a'] }, undefined, 'select'))).toBe('choice');
    expect(fieldInput(control({ type: 'string' }, undefined, 'phone'))).toBe('digits');
    expect(fieldInput(control({ type: 'string', maxLength: 30 }, { keyboard: 'alphanumeric' }))).toBe('alphanumeric');
    expect(fieldInput(control({ type: 'string', maxLength: 30 }))).toBe('mixed');
    expect(fieldInput(control({ type: 'string' }, { multi: true }, 'textarea'))).toBe('mixed');
  });

  it('ignores a garbage hint or pattern instead of failing', () => {
    for (const hint of ['qwerty', 42, null, { a: 1 }, '']) expect(fieldInput(control({ type: 'string', pattern: '^\\d+$' }, { keyboard: hint }))).toBe('digits');
    for (const pattern of ['[', '\\', '^\\d{', '(?<n>\\d)', '[a-', '\\u12', '\\1']) expect(fieldInput(control({ type: 'string', pattern }))).toBe('mixed');
    expect(patternAlphabet('[')).toBeNull();
  });
});

describe('dateBounds', () => {
  it('resolves "today" to the station date it is given and narrows by the schema', () => {
    expect(dateBounds(control({ type: 'string', format: 'date' }, { notAfter: 'today' }), '2026-12-05')).toEqual({ min: '1900-01-01', max: '2026-12-05' });
    expect(dateBounds(control({ type: 'string', format: 'date' }, { notBefore: 'today' }), '2026-12-05')).toEqual({ min: '2026-12-05', max: '2036-12-05' });
    expect(dateBounds(control({ type: 'string', format: 'date', formatMinimum: '2000-01-01' }, { notAfter: '2020-06-30' }), '2026-12-05')).toEqual({ min: '2000-01-01', max: '2020-06-30' });
  });
  it('falls back to the default range for garbage or an empty range', () => {
    expect(dateBounds(control({ type: 'string', format: 'date' }, { notAfter: 'yesterday', notBefore: 7 }), '2026-12-05')).toEqual({ min: '1900-01-01', max: '2036-12-05' });
    expect(dateBounds(control({ type: 'string', format: 'date', formatMinimum: '2030-01-01' }, { notAfter: 'today' }), '2026-12-05')).toEqual({ min: '1900-01-01', max: '2036-12-05' });
  });
});
