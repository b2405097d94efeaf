// The refused fields of a FORM_INVALID refusal: what survives the sanitizer (and the bridge contract).
import { describe, expect, it } from 'vitest';
import { SyncRejection } from '../../preload/contract/sync-calls';
import { MAX_REFUSED_FIELDS, refusedFieldList } from '../protocol/index';
import { fieldsSuffix, sanitizeRefusedFields, withoutFieldsSuffix } from './refused-fields';

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

describe('the field list in the reason text (for people)', () => {
  it('is appended and taken off again; the fields are never read back from it', () => {
    const fields = [{ path: 'idNumber', keyword: 'pattern' }, { path: 'members.0.phone', keyword: '' }];
    expect(fieldsSuffix(fields)).toBe('（字段：idNumber、members.0.phone）');
    expect(fieldsSuffix([])).toBe('');
    expect(withoutFieldsSuffix(`请核对。${fieldsSuffix(fields)}`)).toBe('请核对。');
    expect(withoutFieldsSuffix('请核对。')).toBe('请核对。');
    expect(withoutFieldsSuffix('（字段：')).toBe('（字段：');
    expect(withoutFieldsSuffix('')).toBe('');
  });
});
