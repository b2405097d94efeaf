// Demo data: catalog + forms, two stations, staff with PINs. Idempotent (upserts by id).
import type { StaffDoc, StationConfigDoc } from '../../protocol/index';
import { makePinVerifier } from '../staff/pin';
import type { Store } from '../store';
import { seedDemoLicences } from '../e-licences/demo';
import { demoCatalog } from './catalog';

export const DEMO_STATIONS = ['360121201', '360121100'] as const;
/**
 * Demo staff and their PINs (demo only). ID numbers and phones are made up (valid check digits, so
 * they pass the protocol's rules); they appear on the 授权委托书 the person signs as 受托人.
 */
export const DEMO_STAFF: { id: string; name: string; role: StaffDoc['role']; stations: string[]; pin: string; idNumber: string; phone: string }[] = [
  { id: 'S001', name: '演示窗口员', role: 'counter', stations: ['360121201'], pin: '123456', idNumber: '360121198503120027', phone: '13907910001' },
  { id: 'S002', name: '演示代办员', role: 'clerk', stations: ['360121201'], pin: '234567', idNumber: '360121199007260041', phone: '13907910002' },
  { id: 'S003', name: '演示站长', role: 'supervisor', stations: ['360121201', '360121100'], pin: '345678', idNumber: '360121197801050018', phone: '0791-85710003' },
  { id: 'S004', name: '莲塘镇窗口员', role: 'counter', stations: ['360121100'], pin: '456789', idNumber: '360121199211180030', phone: '13907910004' },
];

export function demoStations(): StationConfigDoc[] {
  const t = '2026-01-01T00:00:00.000Z';
  const common = {
    _deleted: false,
    updatedAt: t,
    // Two counters; the categories are the kiosk's 取号 buttons (renderer/kiosk/pages/KioskQueue.vue).
    windows: [
      { id: '1', name: '1号窗口', categories: ['general', 'social'] },
      { id: '2', name: '2号窗口', categories: ['general', 'civil'] },
    ],
    queueCategories: [
      { code: 'general', name: '综合业务', prefix: 'A' },
      { code: 'social', name: '社保医保', prefix: 'B' },
      { code: 'civil', name: '民政救助', prefix: 'C' },
    ],
    retentionDays: 180,
    timeZone: 'Asia/Shanghai',
    // The queue (sync/protocol/queue.ts): two priority tickets at most, then an ordinary one; three recalls.
    queuePolicy: { priorityRatio: 2, maxRecall: 3 },
  };
  return [
    { ...common, id: '360121201', stationId: '360121201', name: '南新乡便民服务中心', divisionCode: '360121201', level: 'township', kioskContent: { welcome: '欢迎来到南新乡便民服务中心', notices: ['办理业务请先取号'] } },
    { ...common, id: '360121100', stationId: '360121100', name: '莲塘镇便民服务中心', divisionCode: '360121100', level: 'township', kioskContent: { welcome: '欢迎来到莲塘镇便民服务中心', notices: [] } },
  ];
}

export async function seedDemo(store: Store): Promise<{ items: number; forms: number; stations: number; staff: number }> {
  const { items, forms } = demoCatalog();
  await store.upsertAsPlatform('form_schemas', forms);
  await store.upsertAsPlatform('service_items', items);
  const stations = demoStations();
  await store.upsertAsPlatform('station_config', stations);
  const staff: StaffDoc[] = [];
  for (const s of DEMO_STAFF) {
    staff.push({ id: s.id, _deleted: false, updatedAt: '2026-01-01T00:00:00.000Z', name: s.name, role: s.role, stations: s.stations, active: true, pinVerifier: await makePinVerifier(s.pin), idNumber: s.idNumber, phone: s.phone });
  }
  await store.upsertAsPlatform('staff', staff);
  await seedDemoLicences(store);
  return { items: items.length, forms: forms.length, stations: stations.length, staff: staff.length };
}
