// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { MaterialRequirement } from '../../sync/protocol';
import { applicationDoc, exampleApplication } from '../../sync/protocol';
import type { FoundLicence } from '../../preload/contract/licence-calls';
import { setLocale } from '../i18n';
import { licenceMaterial, licenceTypesFor, satisfiedMaterials } from './materials';

const m = (code: string, name: string, licenceTypes?: string[]): MaterialRequirement => ({ code, name, required: true, originals: 1, copies: 0, ...(licenceTypes ? { licenceTypes } : {}) });
const found = (typeCode: FoundLicence['typeCode'], id = `L-${typeCode}`): FoundLicence => ({
  id,
  typeCode,
  typeName: typeCode === 'HKB' ? '户口簿' : '残疾人证',
  numberMasked: '36****34',
  issuer: '某机关',
  validFrom: '2020-01-01',
  validUntil: null,
  attachment: { sha256: 'a'.repeat(64), size: 1234, mimeType: 'application/pdf', fileName: '户口簿（电子证照）.pdf' },
});

const MZ05 = [m('M01', '书面申请及申请表'), m('M02', '身份证', ['JMSFZ']), m('M03', '户口簿', ['HKB']), m('M04', '残疾人证', ['CJRZ']), m('M05', '身份证或社保卡', ['JMSFZ', 'SBK', 'NOT_A_TYPE'])];

describe('e-licence materials', () => {
  it('lists the known licence types of an item once each', () => {
    expect(licenceTypesFor(MZ05)).toEqual(['JMSFZ', 'HKB', 'CJRZ', 'SBK']);
    expect(licenceTypesFor([m('X', '申请表')])).toEqual([]);
  });

  it('matches the found licences to the materials that accept them', () => {
    const s = satisfiedMaterials(MZ05, [found('HKB'), found('CJRZ')]);
    expect(s.map((x) => [x.material.code, x.licence.typeCode])).toEqual([
      ['M03', 'HKB'],
      ['M04', 'CJRZ'],
    ]);
    expect(satisfiedMaterials(MZ05, [])).toEqual([]);
  });

  it('builds material entries the protocol accepts, marked e_license with the licence file', () => {
    const [hkb] = satisfiedMaterials(MZ05, [found('HKB')]);
    const entry = licenceMaterial(hkb!);
    expect(entry).toMatchObject({ code: 'M03', provided: true, origin: 'e_license', licence: { id: 'L-HKB', typeCode: 'HKB' } });
    expect(applicationDoc.safeParse(exampleApplication({ materials: [entry] })).success).toBe(true);
    // the note is data in the station's language, whatever the screen's
    expect(entry.note).toBe('电子证照：户口簿 36****34');
    setLocale('en-US');
    try {
      expect(licenceMaterial(hkb!).note).toBe('电子证照：户口簿 36****34');
    } finally {
      setLocale('zh-CN');
    }
  });
});
