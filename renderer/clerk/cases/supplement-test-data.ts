/** The 补正 tests' catalog and application: a form with a pattern-checked account, two materials (one required). */
import type { ApplicationDoc, FormSchemaDoc, ServiceItemDoc } from '../../../sync/protocol';

export const T = '2026-01-01T00:00:00.000Z';
export const ID = '11010519491231002X';
export const form: FormSchemaDoc = {
  id: 'BZ01@1',
  _deleted: false,
  updatedAt: T,
  formId: 'BZ01',
  version: 1,
  title: '补助申请表',
  jsonSchema: {
    type: 'object',
    properties: {
      applicantName: { type: 'string', title: '姓名', minLength: 2 },
      idNumber: { type: 'string', title: '身份证号', format: 'id-number' },
      phone: { type: 'string', title: '手机号', pattern: '^1[3-9]\\d{9}$' },
      bankAccount: { type: 'string', title: '社保卡或银行账号', pattern: '^\\d{12,19}$' },
    },
    required: ['applicantName', 'idNumber', 'bankAccount'],
  },
  uiSchema: { type: 'VerticalLayout', elements: [{ type: 'Group', label: '申请人', elements: ['applicantName', 'idNumber', 'phone', 'bankAccount'].map((k) => ({ type: 'Control', scope: `#/properties/${k}` })) }] },
  pdfLayout: null,
};
export const item: ServiceItemDoc = {
  id: 'BZ01', _deleted: false, updatedAt: T, code: 'BZ01', name: '补助', department: '民政', type: '05', level: '5', target: 'person', topics: [], lifeEvents: [],
  materials: [
    { code: 'BZ01-M01', name: '户口簿', required: true, originals: 1, copies: 0 },
    { code: 'BZ01-M02', name: '银行卡复印件', required: false, originals: 0, copies: 1 },
  ],
  formId: 'BZ01', formVersion: 1, timeLimit: { legalDays: 20, promisedDays: 10 }, fee: { charged: false }, proxyAllowed: 'yes', crossProvince: false, pinyin: 'bu zhu', initials: 'bz', keywords: [], sortOrder: 1,
};
export const formData = { applicantName: '王建国', idNumber: ID, phone: '13800000000', bankAccount: '6217000000000000001' };
export const materials: ApplicationDoc['materials'] = [
  { code: 'BZ01-M01', name: '户口簿', provided: true, origin: 'scan', attachments: [], note: '扫描件' },
  { code: 'BZ01-M02', name: '银行卡复印件', provided: true, origin: 'paper', attachments: [], note: '复印件' },
];
