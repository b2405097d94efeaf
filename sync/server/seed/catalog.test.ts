import { describe, expect, it } from 'vitest';
import { formSchemaDoc, serviceItemDoc } from '../../protocol/index';
import { demoCatalog, pinyinFields, syntheticCatalog } from './catalog';

describe('demo catalog', () => {
  const { items, forms } = demoCatalog();

  it('has at least 40 valid items, each with materials info and its own form', () => {
    expect(items.length).toBeGreaterThanOrEqual(40);
    for (const item of items) expect(serviceItemDoc.safeParse(item).success, item.code).toBe(true);
    for (const form of forms) expect(formSchemaDoc.safeParse(form).success, form.id).toBe(true);
    const formIds = new Set(forms.map((f) => `${f.formId}@${f.version}`));
    for (const item of items) expect(formIds.has(`${item.formId}@${item.formVersion}`)).toBe(true);
    for (const i of items) expect(i.materials.length, i.code).toBeGreaterThan(0);
    expect(items.filter((i) => !i.materials[0]!.note).length).toBeGreaterThanOrEqual(20);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('forms are draft-07 with 姓名, 身份证号 and 手机号 patterns, enums, dates and conditional sections', () => {
    for (const f of forms) {
      const s = f.jsonSchema as { $schema: string; properties: Record<string, { pattern?: string; title?: string }>; required: string[] };
      expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(s.properties.applicantName!.title).toBe('姓名');
      const id = new RegExp(s.properties.idNumber!.pattern!);
      expect(id.test('36012119500101123X')).toBe(true);
      expect(id.test('3601211950010112')).toBe(false);
      const phone = new RegExp(s.properties.phone!.pattern!);
      expect(phone.test('13800000000')).toBe(true);
      expect(phone.test('12345')).toBe(false);
      expect(s.required).toEqual(expect.arrayContaining(['applicantName', 'idNumber', 'phone']));
    }
    const json = JSON.stringify(forms.map((f) => f.jsonSchema));
    expect(json).toContain('"format":"date"');
    expect(json).toContain('"enum"');
    expect(forms.filter((f) => 'allOf' in f.jsonSchema).length).toBeGreaterThan(20);
  });

  it('pinyin and initials are derived at seed time', () => {
    expect(pinyinFields('最低生活保障')).toEqual({ pinyin: 'zui di sheng huo bao zhang', initials: 'zdshbz' });
    const mz01 = items.find((i) => i.code === 'MZ01')!;
    expect(mz01.initials).toBe('zdshbz');
  });

  it('generates N synthetic items deterministically', () => {
    const a = syntheticCatalog(500);
    expect(a).toHaveLength(500);
    expect(new Set(a.map((i) => i.id)).size).toBe(500);
    expect(syntheticCatalog(500)).toEqual(a);
    for (const i of a.slice(0, 50)) expect(serviceItemDoc.safeParse(i).success).toBe(true);
  });
});
