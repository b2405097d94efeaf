// The refused fields of a FORM_INVALID refusal and the parameters of a refusal's words: what
// survives the sanitizers (and the bridge contract).
import { describe, expect, it } from 'vitest';
import { SyncRejection } from '../../preload/contract/sync-calls';
import { MAX_REFUSAL_ISSUES, MAX_REFUSAL_PARAMS, MAX_REFUSED_FIELDS, REFUSAL_PARAM_MAX_CHARS, refusedFieldList } from '../protocol/index';
import { sanitizeRefusalIssues, sanitizeRefusalParams, sanitizeRefusedFields } from './refused-fields';

describe('sanitizeRefusedFields', () => {
  it("keeps the validator's paths and keywords, each path once, in order; ignores extra members", () => {
    const r = sanitizeRefusedFields([
      { path: 'idNumber', keyword: 'pattern', message: '身份证号校验位不正确' },
      { path: 'members.0.phone', keyword: 'required' },
      { path: 'idNumber', keyword: 'format' },
      { path: 'agent_name-2', keyword: 'format:date' },
      { path: 'noKeyword' },
    ]);
    expect(r).toEqual({
      fields: [
        { path: 'idNumber', keyword: 'pattern' },
        { path: 'members.0.phone', keyword: 'required' },
        { path: 'agent_name-2', keyword: 'format:date' },
        { path: 'noKeyword', keyword: '' },
      ],
      dropped: 0,
    });
  });

  it('drops garbage of every kind and counts it; never throws', () => {
    expect(sanitizeRefusedFields(undefined)).toEqual({ fields: [], dropped: 0 });
    expect(sanitizeRefusedFields(null)).toEqual({ fields: [], dropped: 0 });
    for (const g of ['idNumber', 42, true, { path: 'idNumber', keyword: 'pattern' }, () => 1]) expect(sanitizeRefusedFields(g)).toEqual({ fields: [], dropped: 1 });
    const bad = [
      null, 1, 'idNumber', [], [{ path: 'a' }],
      { path: '' }, { path: 7 }, { path: null, keyword: 'x' }, { keyword: 'pattern' },
      { path: '<img src=x onerror=alert(1)>' }, { path: 'a b' }, { path: 'a..b' }, { path: '.a' }, { path: 'a.' }, { path: '/idNumber' }, { path: '#/properties/a' },
      { path: '姓名' }, { path: "a'b" }, { path: 'a.12345' }, { path: '0abc' }, { path: `a${'b'.repeat(200)}` }, { path: 'a\nb' },
      { path: 'ok', keyword: 'bad keyword!' }, { path: 'ok', keyword: 'x'.repeat(41) }, { path: 'ok', keyword: 5 }, { path: 'ok', keyword: null }, { path: 'ok', keyword: '<b>' }, { path: 'ok', keyword: '1abc' },
    ];
    expect(sanitizeRefusedFields(bad)).toEqual({ fields: [], dropped: bad.length });
    // a hostile getter does not get far either: only plain member reads
    const tricky = Object.defineProperty({}, 'path', { get: () => 'fromGetter', enumerable: true });
    expect(sanitizeRefusedFields([tricky]).fields).toEqual([{ path: 'fromGetter', keyword: '' }]);
  });

  it('keeps at most 20 and looks at no more than 1000 entries of a huge list', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ path: `f${i}`, keyword: 'required' }));
    const r = sanitizeRefusedFields(many);
    expect(r.fields).toHaveLength(MAX_REFUSED_FIELDS);
    expect(r.fields.at(-1)).toEqual({ path: 'f19', keyword: 'required' });
    expect(r.dropped).toBe(100_000 - 20);
    // garbage first does not push the good ones out, as long as they are within the first 1000
    const mixed = [...Array.from({ length: 990 }, () => ({ path: '<x>' })), { path: 'late', keyword: 'pattern' }];
    expect(sanitizeRefusedFields(mixed).fields).toEqual([{ path: 'late', keyword: 'pattern' }]);
  });

  it('what it keeps is exactly what the bridge contract accepts', () => {
    const inputs: unknown[] = [
      Array.from({ length: 50 }, (_, i) => ({ path: i % 3 ? `m.${i}.x` : `<${i}>`, keyword: i % 5 ? 'required' : 'bad kw' })),
      [{ path: 'a', keyword: '' }, { path: 'a-b_c.0.d', keyword: 'format:date' }],
    ];
    for (const input of inputs) {
      const { fields } = sanitizeRefusedFields(input);
      expect(fields.length).toBeGreaterThan(0);
      expect(refusedFieldList.safeParse(fields).success).toBe(true);
      expect(SyncRejection.safeParse({ id: 'x', code: 'FORM_INVALID', message: 'm', fields }).success).toBe(true);
    }
    // and the contract itself refuses what the sanitizer would drop
    for (const fields of [[{ path: '<b>', keyword: '' }], [{ path: 'a', keyword: 'bad kw' }], [{ path: 'a', keyword: 'x', extra: 1 }], Array.from({ length: 21 }, (_, i) => ({ path: `f${i}`, keyword: '' })), 'a']) {
      expect(SyncRejection.safeParse({ id: 'x', code: 'FORM_INVALID', message: 'm', fields }).success, JSON.stringify(fields).slice(0, 60)).toBe(false);
    }
  });
});

describe('sanitizeRefusalParams (the parameters of a refusal\'s words)', () => {
  it('keeps named strings and finite numbers', () => {
    expect(sanitizeRefusalParams({ total: 3, form: 'MZ06@1', why: 'unknown', name: '手机号' })).toEqual({ params: { total: 3, form: 'MZ06@1', why: 'unknown', name: '手机号' }, dropped: 0 });
    expect(sanitizeRefusalParams(undefined)).toEqual({ params: {}, dropped: 0 });
    expect(sanitizeRefusalParams(null)).toEqual({ params: {}, dropped: 0 });
  });

  it('drops garbage of every kind and counts it; never throws; what it keeps the contract accepts', () => {
    for (const g of ['total', 42, true, [1, 2], () => 1]) expect(sanitizeRefusalParams(g)).toEqual({ params: {}, dropped: 1 });
    const bad = { 'a b': 1, '': 2, _x: 3, '1a': 4, ['k'.repeat(41)]: 5, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, obj: { x: 1 }, arr: ['x'], nul: null, bool: true, fn: () => 1, big: 10n as unknown as number, ok: 'kept' };
    expect(sanitizeRefusalParams(bad)).toEqual({ params: { ok: 'kept' }, dropped: Object.keys(bad).length - 1 });
    // prototype names are plain data, never the prototype's
    const proto = JSON.parse('{"__proto__": "x", "constructor": "c", "toString": 1}') as unknown;
    const kept = sanitizeRefusalParams(proto);
    expect(kept).toEqual({ params: { constructor: 'c', toString: 1 }, dropped: 1 });
    expect(Object.getPrototypeOf(kept.params)).toBe(Object.prototype);
    // oversized strings are cut, too many members are dropped, a huge object is looked at only so far
    const long = sanitizeRefusalParams({ name: 'x'.repeat(100_000) });
    expect(long.params.name).toHaveLength(REFUSAL_PARAM_MAX_CHARS);
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, i]));
    const r = sanitizeRefusalParams(many);
    expect(Object.keys(r.params)).toHaveLength(MAX_REFUSAL_PARAMS);
    expect(r.dropped).toBe(10_000 - MAX_REFUSAL_PARAMS);
    for (const params of [r.params, long.params, kept.params]) expect(SyncRejection.safeParse({ id: 'x', code: 'FORM_INVALID', message: 'm', params }).success).toBe(true);
    // and the contract itself refuses what the sanitizer would drop
    for (const params of [{ 'a b': 1 }, { x: 'y'.repeat(201) }, { x: { y: 1 } }, { x: null }, { x: Number.NaN }, many, 'x', [1]]) {
      expect(SyncRejection.safeParse({ id: 'x', code: 'FORM_INVALID', message: 'm', params }).success, JSON.stringify(params).slice(0, 60)).toBe(false);
    }
  });
});

describe('sanitizeRefusalIssues (what is wrong, problem by problem)', () => {
  it("keeps each issue's code and sanitized params, in order; entries of earlier platforms (no code) are skipped, not counted", () => {
    const r = sanitizeRefusalIssues([
      { path: 'phone', keyword: 'required', message: 'phone is required', code: 'required', params: { name: '手机号' } },
      { path: 'idNumber', keyword: 'pattern', message: '身份证号校验位不正确' },
      { path: 'a', keyword: 'pattern', code: 'digits', params: { name: 'A', min: 12, max: 19, junk: { x: 1 } } },
      { path: 'b', keyword: 'required', code: 'required' },
    ]);
    expect(r).toEqual({ issues: [{ code: 'required', params: { name: '手机号' } }, { code: 'digits', params: { name: 'A', min: 12, max: 19 } }, { code: 'required', params: {} }], dropped: 1 });
    expect(sanitizeRefusalIssues(undefined)).toEqual({ issues: [], dropped: 0 });
  });

  it('drops garbage, keeps at most 20 and looks at no more than 1000 entries; what it keeps the contract accepts', () => {
    for (const g of ['x', 1, { code: 'required' }]) expect(sanitizeRefusalIssues(g)).toEqual({ issues: [], dropped: 1 });
    // not objects with a code: skipped (sanitizeRefusedFields reads the same list and counts those)
    expect(sanitizeRefusalIssues([null, 1, 'required', [], [{ code: 'required' }], {}])).toEqual({ issues: [], dropped: 0 });
    const bad = [{ code: 1 }, { code: '' }, { code: 'a b' }, { code: 'x'.repeat(41) }, { code: '<b>' }, { code: 'forms.issue.required' }, { code: null }, { code: ['required'] }];
    expect(sanitizeRefusalIssues(bad)).toEqual({ issues: [], dropped: bad.length });
    const many = Array.from({ length: 100_000 }, () => ({ code: 'required', params: { name: 'n' } }));
    const r = sanitizeRefusalIssues(many);
    expect(r.issues).toHaveLength(MAX_REFUSAL_ISSUES);
    expect(r.dropped).toBe(1000 - MAX_REFUSAL_ISSUES);
    expect(SyncRejection.safeParse({ id: 'x', code: 'FORM_INVALID', message: 'm', issues: r.issues }).success).toBe(true);
    for (const issues of [[{ code: 'a b', params: {} }], [{ code: 'required' }], [{ code: 'required', params: {}, extra: 1 }], many.slice(0, 21), 'x']) {
      expect(SyncRejection.safeParse({ id: 'x', code: 'FORM_INVALID', message: 'm', issues }).success, JSON.stringify(issues).slice(0, 60)).toBe(false);
    }
  });
});
