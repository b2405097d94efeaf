import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStationZone } from './station-zone';
import { parseConfig } from './config';
import { acceptanceReceipt } from '../documents/templates';

const dir = mkdtempSync(join(tmpdir(), 'zone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("main's station zone", () => {
  it('defaults to Asia/Shanghai, learns the station_config zone of its station, and keeps it across a restart', () => {
    const d = join(dir, 'a');
    const z = createStationZone({ dataDir: d });
    expect(z.get()).toBe('Asia/Shanghai');
    z.learn([{ id: 'other', stationId: 'other', timeZone: 'Europe/London' }], '360121201');
    expect(z.get()).toBe('Asia/Shanghai');
    z.learn([{ id: '360121201', stationId: '360121201', timeZone: 'Asia/Urumqi' }], '360121201');
    expect(z.get()).toBe('Asia/Urumqi');
    expect(createStationZone({ dataDir: d }).get()).toBe('Asia/Urumqi');
  });

  it('ignores garbage in pulled documents and lets the configuration override win', () => {
    const d = join(dir, 'b');
    const z = createStationZone({ dataDir: d, override: 'Asia/Shanghai' });
    z.learn([null, 5, 'x', { stationId: 's', timeZone: 'Mars/Base' }, { stationId: 's', timeZone: 'Europe/London', _deleted: true }], 's');
    expect(z.get()).toBe('Asia/Shanghai');
    const free = createStationZone({ dataDir: join(dir, 'c') });
    free.learn([{ stationId: 's', timeZone: 'Mars/Base' }], 's');
    expect(free.get()).toBe('Asia/Shanghai');
  });

  it('terminal.config.json: timeZone must be an IANA zone', () => {
    expect(parseConfig(JSON.stringify({ timeZone: 'Asia/Urumqi' }), 'c.json').config.timeZone).toBe('Asia/Urumqi');
    const bad = parseConfig(JSON.stringify({ timeZone: 'China Standard Time' }), 'c.json');
    expect(bad.problems.join()).toContain('timeZone');
  });
});

describe('A4 受理回执 time', () => {
  it('prints 提交时间 in the station zone, not the machine zone (23:30 UTC is 07:30 the next morning)', () => {
    const spec = acceptanceReceipt({
      applicationId: '019a1b2c-3d4e-7f00-8a00-0123456789ab', acceptanceNo: null, serviceCode: 'YB01', serviceName: '参保登记', department: '医保',
      stationName: '莲塘镇', applicantName: '张三', applicantIdNumber: '360121199001011234', channel: 'kiosk', submittedAt: '2026-12-04T23:30:00.000Z',
      promisedDays: 5, materials: [], notes: [], progressQr: 'TT1:019a1b2c-3d4e-7f00-8a00-0123456789ab', offline: false,
    });
    const rows = spec.blocks.flatMap((b) => (b.kind === 'fields' ? b.rows : []));
    expect(rows.find((r) => r.label === '提交时间')?.value).toBe('2026年12月05日 07:30');
  });
});

describe('A4 受理回执 materials and time limit', () => {
  it('lists what was received and what is still to be brought, and the guide\'s time limit', () => {
    const spec = acceptanceReceipt({
      applicationId: '019a1b2c-3d4e-7f00-8a00-0123456789ab', acceptanceNo: null, serviceCode: 'MZ01', serviceName: '低保', department: '民政',
      stationName: '莲塘镇', applicantName: '张三', applicantIdNumber: '360121199001011234', channel: 'kiosk', submittedAt: '2026-12-04T23:30:00.000Z',
      promisedDays: null, timeLimit: '25个工作日', materials: [], receivedMaterials: [], missingMaterials: ['户口簿', '居民身份证'], notes: [],
      progressQr: 'https://zw.example.gov.cn/progress?id=019a1b2c-3d4e-7f00-8a00-0123456789ab', offline: false,
    });
    const text = JSON.stringify(spec.blocks);
    expect(text).toContain('已收材料（0项）');
    expect(text).toContain('待补材料（2项，请带到窗口）');
    expect(text).toContain('25个工作日');
    expect(text).not.toContain('申请材料');
    expect(spec.blocks.find((b) => b.kind === 'qr')).toMatchObject({ data: 'https://zw.example.gov.cn/progress?id=019a1b2c-3d4e-7f00-8a00-0123456789ab' });
  });

  it('terminal.config.json: progressUrl must be an http(s) URL with {id}', () => {
    expect(parseConfig(JSON.stringify({ progressUrl: 'https://zw.example.gov.cn/progress?id={id}' }), 'c.json').problems).toEqual([]);
    expect(parseConfig(JSON.stringify({ progressUrl: 'https://zw.example.gov.cn/progress' }), 'c.json').problems.join()).toContain('progressUrl');
  });
});
