/**
 * Receipt PDF generation time (受理回执, one A4 page, Noto Sans SC subset, QR code) and size.
 * The first render includes reading the 10 MB font file; later ones reuse the bytes.
 * Run: node --import tsx bench/kiosk-pdf.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { renderDocument } from '../main/documents/pdf';
import { acceptanceReceipt, filledForm } from '../main/documents/templates';
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

// 受理回执 followed by the filled form (what the kiosk prints): 2 pages.
const form = filledForm({
  applicationId: 'x',
  title: '城乡居民参保登记（含新生儿）申请表',
  stationName: '南昌县莲塘镇便民服务中心',
  sections: [
    { title: '申请人', fields: [{ label: '姓名', value: '测试人' }, { label: '身份证号', value: '360121199001011234', mask: 'id' }, { label: '手机号', value: '13800138000', mask: 'phone' }, { label: '户籍地址', value: '江西省南昌市南昌县莲塘镇示例村委会示例组12号' }, { label: '申请日期', value: '2026-11-29' }] },
    { title: '申请内容', fields: [{ label: '参保人类别', value: '普通居民' }] },
    { title: '其他信息', fields: [{ label: '委托他人代办（帮代办）', value: '否' }] },
  ],
});
const both: number[] = [];
let bothSize = 0;
for (let i = 0; i < 10; i++) {
  const spec = receipt(100 + i);
  const s = performance.now();
  const { pdf, pages } = await renderDocument({ ...spec, blocks: [...spec.blocks, { kind: 'pageBreak' }, ...form.blocks] });
  both.push(performance.now() - s);
  bothSize = Math.max(bothSize, pdf.length);
  if (pages !== 2) throw new Error('expected 2 pages');
}
report({ name: 'kiosk.pdf.receipt+form', runs: both.length, medianMs: median(both), p95Ms: percentile(both, 95), maxBytes: bothSize, limitBytes: 150 * 1024, pass: bothSize < 150 * 1024 });
