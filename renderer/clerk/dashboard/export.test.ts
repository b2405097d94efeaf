/** The dashboard's export tables, CSV and xlsx (read back with fflate). */
import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { dashboardOf } from '../../stats/aggregate';
import { dashboardTables, tablesCsv } from './export';
import { tablesXlsx } from './xlsx';
import zh from '../../i18n/locales/zh-CN.json';

const t = (key: string, values: Record<string, unknown> = {}) => {
  let v: unknown = zh;
  for (const k of key.split('.')) v = (v as Record<string, unknown>)?.[k];
  if (typeof v !== 'string') throw new Error(`no message ${key}`);
  return v.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
};
const day = '2026-11-11';
const d = dashboardOf({
  from: day,
  to: day,
  timeZone: 'Asia/Shanghai',
  now: new Date('2026-11-11T06:00:00Z'),
  applications: [
    { id: 'a', service: 'MZ01', status: 'accepted', channel: 'kiosk', createdAt: '2026-11-11T01:00:00Z', clockStart: '2026-11-11T01:00:00Z' },
    { id: 'b', service: '=HYPERLINK("x")', status: 'submitted', channel: 'counter', createdAt: '2026-11-11T02:00:00Z', clockStart: '2026-11-11T02:00:00Z' },
  ],
  running: [],
  tickets: [{ category: 'general', status: 'done', issuedAt: '2026-11-11T01:00:00Z', calledAt: '2026-11-11T01:10:00Z' }],
  evaluations: [{ level: 1, reasons: ['等待时间长'], createdAt: '2026-11-11T03:00:00Z' }],
  timeLimits: new Map(),
});
const tables = dashboardTables({ dashboard: d, serviceName: (c) => (c === 'MZ01' ? '最低生活保障' : c), categoryName: (c) => (c === 'general' ? '综合业务' : c), t, sync: [{ label: '待上传', value: 3 }], devices: [{ at: '2026-11-11 09:00', device: '票据打印机', state: '故障', message: '打印机缺纸' }] });

describe('dashboard export', () => {
  it('has every section with Chinese labels, and a CSV no spreadsheet runs as a formula', () => {
    expect(tables.map((x) => x.name)).toEqual(['概览', '排队取号', '办件-事项与状态', '办件渠道', '超期办件', '好差评', '差评原因', '同步情况', '设备状态记录']);
    const csv = tablesCsv(tables);
    const lines = csv.split('\r\n');
    expect(csv.startsWith('\uFEFF【概览】\r\n项目,数值\r\n')).toBe(true);
    expect(lines).toContain('MZ01,最低生活保障,已受理,1');
    expect(lines).toContain(`"'=HYPERLINK(""x"")","'=HYPERLINK(""x"")",已提交,1`);
    expect(lines).toContain('综合业务,1,1,10,10');
    expect(lines).toContain('等待时间长,1');
    expect(lines).toContain('2026-11-11 09:00,票据打印机,故障,打印机缺纸');
  });

  it('writes one sheet per table into a real xlsx (zip) with the values', async () => {
    const blob = await tablesXlsx(tables);
    const zip = unzipSync(new Uint8Array(await blob.arrayBuffer()));
    expect(Object.keys(zip).filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f))).toHaveLength(9);
    expect(strFromU8(zip['xl/workbook.xml']!)).toContain('办件-事项与状态');
    const all = Object.values(zip).map((b) => strFromU8(b)).join('\n');
    for (const w of ['最低生活保障', '已受理', '综合业务', '打印机缺纸']) expect(all).toContain(w);
  });
});
