/**
 * 电子证照 on the terminal, as data: which licence types a service item's materials accept, which
 * materials the licences found satisfy, and the application's `materials[]` entries for them
 * (origin `e_license`, the licence file as the attachment). Shared by the kiosk and the counter.
 */
import type { ApplicationDoc, MaterialRequirement } from '../../sync/protocol';
import { isLicenceTypeCode, type LicenceTypeCode } from '../../sync/protocol/e-licences';
import type { FoundLicence } from '../../preload/contract/licence-calls';
import { stationWords } from '../i18n/station';

type Provided = ApplicationDoc['materials'][number];

/** The licence types any material of the item accepts (known types only), in material order. */
export function licenceTypesFor(materials: readonly MaterialRequirement[]): LicenceTypeCode[] {
  const out: LicenceTypeCode[] = [];
  for (const m of materials) for (const t of m.licenceTypes ?? []) if (isLicenceTypeCode(t) && !out.includes(t)) out.push(t);
  return out;
}

export interface SatisfiedMaterial {
  material: MaterialRequirement;
  licence: FoundLicence;
}

/** Each material that accepts a licence type of a found licence, with that licence (first accepted type wins). */
export function satisfiedMaterials(materials: readonly MaterialRequirement[], licences: readonly FoundLicence[]): SatisfiedMaterial[] {
  const out: SatisfiedMaterial[] = [];
  for (const m of materials) {
    for (const t of m.licenceTypes ?? []) {
      const l = licences.find((x) => x.typeCode === t);
      if (l) {
        out.push({ material: m, licence: l });
        break;
      }
    }
  }
  return out;
}

/** The application's material entry for a material satisfied by a licence. */
export function licenceMaterial(s: SatisfiedMaterial): Provided {
  const a = s.licence.attachment;
  return {
    code: s.material.code,
    name: s.material.name,
    provided: true,
    origin: 'e_license',
    attachments: [{ sha256: a.sha256, size: a.size, mimeType: a.mimeType, ...(a.fileName ? { fileName: a.fileName } : {}) }],
    note: stationWords('licence.materialNote', { type: s.licence.typeName, number: s.licence.numberMasked }).slice(0, 300),
    licence: { id: s.licence.id, typeCode: s.licence.typeCode },
  };
}
