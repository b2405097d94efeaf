// Builds the demo catalog (service items + forms) and synthetic catalogs for benchmarks.
import { pinyin } from 'pinyin-pro';
import { formSchemaDocId, type FormSchemaDoc, type ServiceItemDoc } from '../../protocol/index';
import { CATALOG, type CatalogRow, type FormKind } from './catalog-data';
import { buildForm, sampleFormData } from './forms';
import { DEMO_TONGBAN } from './tongban';

const SEED_TIME = '2026-01-01T00:00:00.000Z';

/** Full pinyin without tones (space-separated) and initials, from the Chinese characters only. */
export function pinyinFields(name: string): { pinyin: string; initials: string } {
  const han = name.replace(/[^\u4e00-\u9fffA-Za-z0-9]/g, '');
  const full = pinyin(han, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.toLowerCase());
  const first = pinyin(han, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.toLowerCase());
  return { pinyin: full.join(' '), initials: first.join('') };
}

function daysFrom(note: string): number | null {
  const m = /(\d+)个工作日/.exec(note);
  return m ? Number(m[1]) : null;
}

/**
 * 电子证照: the licence types (sync/protocol/e-licences.ts) that satisfy a material, from its name.
 * Only the applicant's own licence: a material of someone else (双方, 父母, 监护人…) or a copy of a
 * page of it stays paper.
 */
const LICENCE_BY_NAME: [RegExp, string][] = [
  [/户口簿/, 'HKB'],
  [/残疾人证/, 'CJRZ'],
  [/结婚证/, 'JHZ'],
  [/出生医学证明/, 'CSYXZM'],
  [/社保卡|社会保障卡/, 'SBK'],
  [/不动产权证/, 'BDCQZS'],
  [/营业执照/, 'YYZZ'],
  [/^(居民|第二代)?身份证(?!明)|^有效身份证件/, 'JMSFZ'],
];
export function licenceTypesOf(material: string): { licenceTypes?: string[] } {
  if (/双方|父母|监护人|义务人|家庭代表|照片|申请表|登记表/.test(material)) return {};
  const types = LICENCE_BY_NAME.filter(([re]) => re.test(material)).map(([, code]) => code);
  return types.length > 0 ? { licenceTypes: types } : {};
}

export function serviceItemFromRow(row: CatalogRow, sortOrder: number): ServiceItemDoc {
  const [code, name, department, type, proxy, materials, timeNote, feeNote, topics, lifeEvents] = row;
  const short = name.replace(/（.*?）/g, '');
  // Where the source lists no materials, a generic set stands in, marked as unverified.
  const generic = !materials;
  const list = generic ? ['居民身份证', '户口簿', `${short}申请表`] : materials.split('；').filter(Boolean);
  return {
    id: code,
    _deleted: false,
    updatedAt: SEED_TIME,
    code,
    name,
    department,
    type,
    level: '5',
    target: 'person',
    topics: topics ? topics.split(',') : [],
    lifeEvents: lifeEvents ? lifeEvents.split(',') : [],
    materials: list.map((m, i) => ({
      code: `${code}-M${String(i + 1).padStart(2, '0')}`,
      name: m,
      required: !/如有/.test(m),
      originals: /原件/.test(m) || i === 0 ? 1 : 0,
      copies: /复印件/.test(m) ? 1 : 0,
      ...(generic ? { note: '通用材料（来源未列明，演示用）' } : {}),
      ...licenceTypesOf(m),
    })),
    formId: code,
    formVersion: 1,
    timeLimit: { legalDays: null, promisedDays: daysFrom(timeNote), ...(timeNote ? { note: timeNote } : {}) },
    fee: { charged: /\d+元/.test(feeNote), ...(feeNote ? { note: feeNote } : {}) },
    proxyAllowed: proxy,
    crossProvince: DEMO_TONGBAN[code]?.scope === 'cross_province',
    ...(DEMO_TONGBAN[code] ? { tongban: DEMO_TONGBAN[code] } : {}),
    ...pinyinFields(short),
    keywords: [department, ...short.split(/[、，/]/)].filter((k) => k.length > 0 && k.length <= 40).slice(0, 10),
    sortOrder,
  };
}

export function formFromRow(row: CatalogRow): FormSchemaDoc {
  const [code, name, , , proxy, , , , , , kind] = row;
  const { jsonSchema, uiSchema } = buildForm(`${name}申请表`, kind, proxy !== 'no');
  return { id: formSchemaDocId(code, 1), _deleted: false, updatedAt: SEED_TIME, formId: code, version: 1, title: `${name}申请表`, jsonSchema, uiSchema, pdfLayout: null };
}

export function demoCatalog(): { items: ServiceItemDoc[]; forms: FormSchemaDoc[] } {
  return { items: CATALOG.map((r, i) => serviceItemFromRow(r, (i + 1) * 10)), forms: CATALOG.map(formFromRow) };
}

/** Each demo form with valid sample data for it (tests: the platform and the renderer accept it). */
export function demoFormSamples(): { form: FormSchemaDoc; data: Record<string, unknown> }[] {
  return CATALOG.map((row) => ({ form: formFromRow(row), data: sampleFormData(row[10], row[4] !== 'no') }));
}

/**
 * N synthetic service items for benchmarks (deterministic). They reuse the demo forms, so only
 * items are generated; names combine real departments and actions so search has realistic text.
 */
export function syntheticCatalog(n: number, prefix = 'SYN'): ServiceItemDoc[] {
  const actions = ['申请', '登记', '变更', '注销', '认定', '补贴发放', '证明开具', '资格审核', '备案', '查询'];
  const subjects = ['养老保险', '医疗保险', '低保', '高龄津贴', '残疾人证', '宅基地', '生育', '就业', '优待证', '社保卡', '临时救助', '护理补贴'];
  const kinds: FormKind[] = ['assistance', 'subsidy', 'pension', 'insurance', 'card', 'birth', 'disability', 'veteran', 'housing', 'legal', 'employment', 'generic'];
  const out: ServiceItemDoc[] = [];
  for (let i = 0; i < n; i++) {
    const base = CATALOG[i % CATALOG.length]!;
    const subject = subjects[i % subjects.length]!;
    const action = actions[Math.floor(i / subjects.length) % actions.length]!;
    const code = `${prefix}${String(i).padStart(6, '0')}`;
    const row: CatalogRow = [code, `${subject}${action}（${i}）`, base[2], base[3], base[4], base[5], base[6], base[7], base[8], base[9], kinds[i % kinds.length]!];
    const item = serviceItemFromRow(row, i);
    out.push({ ...item, formId: base[0] });
  }
  return out;
}
