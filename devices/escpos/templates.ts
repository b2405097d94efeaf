/** The two paper templates: a queue ticket and an acceptance receipt (受理回执). 80 mm, 48 columns. */
import { maskIdNumber } from '../idcard/id-number.js';
import { EscPosBuilder, type BuilderOptions } from './builder.js';
import { textColumns } from './encoding.js';
import type { ReceiptData, TicketData } from '../protocol/print-data.js';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone, stationDateTime } from '../../sync/protocol/station-time.js';

export const COLUMNS = 48;

/** `YYYY-MM-DD HH:mm` in the station's time zone (default Asia/Shanghai), whatever the host's zone. */
export function formatStationTime(iso: string, timeZone: string = DEFAULT_STATION_TIME_ZONE): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return stationDateTime(t, isTimeZone(timeZone) ? timeZone : DEFAULT_STATION_TIME_ZONE);
}

/** Where the slips are printed: the station's IANA time zone for the times on them. */
export interface SlipOptions extends BuilderOptions {
  timeZone?: string;
}

/** `label  value` with the value right-aligned in the line, wrapping long values. */
function labelled(b: EscPosBuilder, label: string, value: string): void {
  const gap = COLUMNS - textColumns(label) - textColumns(value);
  if (gap >= 1) b.line(label + ' '.repeat(gap) + value);
  else b.line(label).line('  ' + value);
}

export function buildTicket(data: TicketData, options: SlipOptions = {}): Buffer {
  const b = new EscPosBuilder(options).init().align('center');
  b.size(1, 1).bold(true).line(data.stationName).bold(false);
  b.line('排队取号凭条');
  b.rule(COLUMNS);
  b.size(4, 4).bold(true).line(data.ticketNumber).bold(false).size(1, 1);
  b.size(2, 2).line(data.category).size(1, 1);
  b.line(data.waitingCount === null ? '前面等候人数暂无法获取' : `您前面还有 ${data.waitingCount} 人等候`);
  b.line(`取号时间：${formatStationTime(data.issuedAt, options.timeZone)}`);
  if (data.qrPayload) {
    b.feed(1).qr(data.qrPayload, { moduleSize: 6 }).line('扫码查看排队进度');
  }
  if (data.notice) b.line(data.notice);
  b.line('请留意叫号，过号请重新取号');
  return b.cut({ partial: true, feedLines: 4 }).build();
}

export function buildReceipt(data: ReceiptData, options: SlipOptions = {}): Buffer {
  const b = new EscPosBuilder(options).init().align('center');
  b.bold(true).size(2, 2).line('受理回执').size(1, 1).bold(false);
  b.line(data.stationName);
  b.align('left').rule(COLUMNS);
  labelled(b, '事项名称：', data.serviceName);
  labelled(b, '申请编号：', data.applicationId);
  if (data.acceptanceNumber) labelled(b, '受 理 号：', data.acceptanceNumber);
  if (data.applicantName) labelled(b, '申 请 人：', data.applicantName);
  labelled(b, '证件号码：', maskIdNumber(data.applicantIdNumber));
  if (data.agentName) labelled(b, '代 办 员：', data.agentName);
  labelled(b, '受理时间：', formatStationTime(data.acceptedAt, options.timeZone));
  labelled(b, '承诺时限：', data.timeLimit ?? (data.promisedWorkingDays === 0 ? '即办' : `${data.promisedWorkingDays}个工作日`));
  b.rule(COLUMNS);
  b.line(`已收材料（${data.materials.length}项）：${data.materials.length ? '' : '无'}`);
  data.materials.forEach((m, i) => b.line(`${i + 1}. ${m.name}${m.copies ? ` ×${m.copies}` : ''}`));
  if (data.missingMaterials?.length) {
    b.line(`待补材料（${data.missingMaterials.length}项，请带到窗口）：`);
    data.missingMaterials.forEach((m, i) => b.line(`${i + 1}. ${m.name}${m.copies ? ` ×${m.copies}` : ''}`));
  }
  b.rule(COLUMNS);
  b.align('center').qr(data.progressUrl, { moduleSize: 6 }).line('扫码查询办理进度');
  if (data.contactPhone) b.line(`咨询电话：${data.contactPhone}`);
  b.line('请妥善保管本回执');
  return b.cut({ partial: true, feedLines: 4 }).build();
}
