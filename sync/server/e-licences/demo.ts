// Demo licences for the demo residents (the emulator's ID cards, devices/emulators/cards): one of
// each licence type, rendered as PDFs. Holders by the province ID hash; the ID numbers below are the
// emulator cards' (made up), used only to compute that hash and never stored.
import { createHash } from 'node:crypto';
import type { LicenceRecord, LicenceTypeCode } from '../../protocol/e-licences';
import type { Store } from '../store';
import { applicantLookupHash, provinceLookupSalt } from '../id-hash';
import { LicenceLibrary } from './library';
import { renderLicencePdf } from './render';

interface DemoLicence {
  id: string;
  type: LicenceTypeCode;
  holder: { name: string; idNumber: string };
  number: string;
  issuer: string;
  validFrom: string;
  validUntil: string | null;
  lines?: string[];
}

/** 王建国 (devices/emulators/cards/resident.json) and 雷𠈌英 (resident-long-term.json). */
const WANG = { name: '王建国', idNumber: '360102199003071236' };
const LEI = { name: '雷𠈌英', idNumber: '361122195208150024' };

export const DEMO_LICENCES: DemoLicence[] = [
  { id: 'L-DEMO-JMSFZ-1', type: 'JMSFZ', holder: WANG, number: '360102199003071236', issuer: '南昌市公安局东湖分局', validFrom: '2020-03-07', validUntil: '2040-03-07' },
  { id: 'L-DEMO-HKB-1', type: 'HKB', holder: WANG, number: '360121001234', issuer: '南昌县公安局南新派出所', validFrom: '2015-06-01', validUntil: null, lines: ['户别：家庭户', '住址：江西省南昌县南新乡'] },
  { id: 'L-DEMO-JHZ-1', type: 'JHZ', holder: WANG, number: 'J360121-2016-000318', issuer: '南昌县民政局', validFrom: '2016-10-01', validUntil: null },
  { id: 'L-DEMO-CSYXZM-1', type: 'CSYXZM', holder: WANG, number: 'T360310827', issuer: '南昌县人民医院', validFrom: '2018-05-20', validUntil: null, lines: ['新生儿：王小明（父亲：王建国）'] },
  { id: 'L-DEMO-CJRZ-1', type: 'CJRZ', holder: WANG, number: '36010219900307123642', issuer: '南昌县残疾人联合会', validFrom: '2022-01-10', validUntil: '2032-01-10', lines: ['残疾类别：肢体', '残疾等级：二级'] },
  { id: 'L-DEMO-SBK-1', type: 'SBK', holder: WANG, number: 'M36012345', issuer: '江西省人力资源和社会保障厅', validFrom: '2019-08-01', validUntil: '2029-08-01' },
  { id: 'L-DEMO-BDCQZS-1', type: 'BDCQZS', holder: WANG, number: '赣2021南昌县不动产权第0012345号', issuer: '南昌县不动产登记中心', validFrom: '2021-04-15', validUntil: null },
  { id: 'L-DEMO-YYZZ-1', type: 'YYZZ', holder: WANG, number: '92360121MA35XXXX0L', issuer: '南昌县市场监督管理局', validFrom: '2023-02-01', validUntil: null, lines: ['名称：南昌县南新乡建国农资店（个体工商户）'] },
  // An expired one: the lookup must not offer it.
  { id: 'L-DEMO-SBK-0', type: 'SBK', holder: WANG, number: 'M36000001', issuer: '江西省人力资源和社会保障厅', validFrom: '2009-08-01', validUntil: '2019-07-31' },
  { id: 'L-DEMO-JMSFZ-2', type: 'JMSFZ', holder: LEI, number: '361122195208150024', issuer: '上饶市公安局广丰分局', validFrom: '2012-08-15', validUntil: null },
  { id: 'L-DEMO-HKB-2', type: 'HKB', holder: LEI, number: '361122004321', issuer: '广丰区公安局', validFrom: '2008-03-01', validUntil: null },
  { id: 'L-DEMO-SBK-2', type: 'SBK', holder: LEI, number: 'M36087654', issuer: '江西省人力资源和社会保障厅', validFrom: '2020-01-01', validUntil: '2030-01-01' },
];

/**
 * The rendered files, once per process (rendering parses the 10 MB font for every PDF, ≈ 0.2–0.5 s
 * each): the files are byte-identical between seeds (fixed dates), so platforms started in one
 * process (tests, the demo worker) share them.
 */
let rendered: Promise<Uint8Array[]> | null = null;
function demoFiles(): Promise<Uint8Array[]> {
  rendered ??= (async () => {
    const out: Uint8Array[] = [];
    for (const d of DEMO_LICENCES) out.push(await renderLicencePdf({ typeName: licenceTitle(d.type), holderName: d.holder.name, number: d.number, issuer: d.issuer, validFrom: d.validFrom, validUntil: d.validUntil, ...(d.lines ? { lines: d.lines } : {}) }));
    return out;
  })();
  rendered.catch(() => (rendered = null));
  return rendered;
}

/** Adds the demo licences (idempotent: by id). Returns how many. */
export async function seedDemoLicences(store: Store): Promise<number> {
  const library = new LicenceLibrary(store.db);
  const salt = provinceLookupSalt(await store.idHashKey());
  const files = await demoFiles();
  for (const [i, d] of DEMO_LICENCES.entries()) {
    const bytes = files[i]!;
    const record: LicenceRecord = {
      id: d.id,
      typeCode: d.type,
      holderIdHash: applicantLookupHash(salt, d.holder.idNumber),
      number: d.number,
      issuer: d.issuer,
      validFrom: d.validFrom,
      validUntil: d.validUntil,
      file: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, mimeType: 'application/pdf' },
    };
    await library.put(record, bytes);
  }
  return DEMO_LICENCES.length;
}

const TITLES: Record<LicenceTypeCode, string> = {
  JMSFZ: '居民身份证',
  HKB: '居民户口簿',
  JHZ: '结婚证',
  CSYXZM: '出生医学证明',
  CJRZ: '中华人民共和国残疾人证',
  SBK: '社会保障卡',
  BDCQZS: '不动产权证书',
  YYZZ: '营业执照',
};
const licenceTitle = (t: LicenceTypeCode) => TITLES[t];
