/** Synthetic, protocol-valid documents for tests and benchmarks (no real persons). */
import type { FormSchemaDoc, ServiceItemDoc, StationConfigDoc } from '../../sync/protocol';

const T = '2026-01-01T00:00:00.000Z';
const DEPTS = ['民政', '人社', '医保', '农业农村', '卫健', '残联'];

export function fakeCatalog(items: number, forms: number): { items: ServiceItemDoc[]; forms: FormSchemaDoc[] } {
  const formDocs: FormSchemaDoc[] = Array.from({ length: forms }, (_, i) => ({
    id: `F${i}@1`,
    _deleted: false,
    updatedAt: T,
    formId: `F${i}`,
    version: 1,
    title: `表单${i}`,
    jsonSchema: { type: 'object', properties: Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`field${k}`, { type: 'string', title: `字段${k}`, maxLength: 100 }])) },
    uiSchema: { type: 'VerticalLayout', elements: Array.from({ length: 12 }, (_, k) => ({ type: 'Control', scope: `#/properties/field${k}` })) },
    pdfLayout: null,
  }));
  const itemDocs: ServiceItemDoc[] = Array.from({ length: items }, (_, i) => ({
    id: `SI${String(i).padStart(6, '0')}`,
    _deleted: false,
    updatedAt: T,
    code: `SI${String(i).padStart(6, '0')}`,
    name: `便民事项${i}`,
    department: DEPTS[i % DEPTS.length]!,
    type: '20',
    level: (['4', '5', '6'] as const)[i % 3]!,
    target: 'person',
    topics: ['085'],
    lifeEvents: ['养老'],
    materials: [{ code: 'SFZ', name: '居民身份证', required: true, originals: 1, copies: 1 }],
    formId: `F${i % Math.max(1, forms)}`,
    formVersion: 1,
    timeLimit: { legalDays: 20, promisedDays: 10 },
    fee: { charged: false },
    proxyAllowed: 'yes',
    crossProvince: false,
    pinyin: `bian min shi xiang ${i}`,
    initials: `bmsx${i}`,
    keywords: ['便民'],
    sortOrder: i,
  }));
  return { items: itemDocs, forms: formDocs };
}

export function fakeStation(overrides: Partial<StationConfigDoc> = {}): StationConfigDoc {
  return {
    id: '360121201',
    _deleted: false,
    updatedAt: T,
    stationId: '360121201',
    name: '南新乡便民服务中心',
    divisionCode: '360121201',
    level: 'township',
    windows: [{ id: '1', name: '1号窗口', categories: ['general'] }],
    queueCategories: [{ code: 'general', name: '综合业务', prefix: 'A' }],
    kioskContent: { welcome: '欢迎', notices: [] },
    retentionDays: 180,
    ...overrides,
  };
}
