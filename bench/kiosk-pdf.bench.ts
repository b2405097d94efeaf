/**
 * Receipt PDF generation time (受理回执, one A4 page, Noto Sans SC subset, QR code) and size.
 * The first render includes reading the 10 MB font file; later ones reuse the bytes.
 * Run: node --import tsx bench/kiosk-pdf.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { renderDocument } from '../main/documents/pdf';
import { acceptanceReceipt } from '../main/documents/templates';
import { loadFontBytes } from '../main/documents/fonts';
import { median, percentile, report } from './stats';

const receipt = (i: number) =>
  acceptanceReceipt({
    applicationId: `019a1b2c-3d4e-7f00-8a00-${String(i).padStart(12, '0')}`,
    acceptanceNo: null,
    serviceCode: 'YB01',
    serviceName: '城乡居民参保登记（含新生儿）',
    department: '医保',
    stationName: '南昌县莲塘镇便民服务中心',
    applicantName: '测试人',
    applicantIdNumber: '360121199001011234',
    applicantPhone: '13800138000',
    channel: 'kiosk',
    submittedAt: new Date().toISOString(),
    promisedDays: 5,
    materials: ['新生儿出生医学证明（原件1份）', '户口簿（原件1份，复印件1份）', '父母或家庭代表身份证（原件1份）', '参保登记表/参保信息确认表'],
    notes: ['请于5个工作日后凭本回执或身份证查询办理进度；需要补正材料的，工作人员将电话通知您。'],
    progressQr: `TT1:019a1b2c-3d4e-7f00-8a00-${String(i).padStart(12, '0')}`,
    offline: i % 2 === 0,
  });

const coldStart = performance.now();
const first = await renderDocument(receipt(0), { fontBytes: loadFontBytes() });
const coldMs = performance.now() - coldStart;
const times: number[] = [];
let size = first.pdf.length;
for (let i = 1; i <= 15; i++) {
  const s = performance.now();
  const { pdf } = await renderDocument(receipt(i));
  times.push(performance.now() - s);
  size = Math.max(size, pdf.length);
}
report({ name: 'kiosk.pdf.receipt', runs: times.length, coldMs, medianMs: median(times), p95Ms: percentile(times, 95), maxBytes: size, limitBytes: 150 * 1024, pass: size < 150 * 1024 });
