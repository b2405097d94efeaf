/**
 * Document templates built on the engine (pdf.ts). Each returns a `DocumentSpec`; inputs are the
 * contract's shapes (preload/contract/kiosk-calls.ts), so the renderer sends plain data and main
 * decides the layout. ID numbers and phones are masked here.
 */
import type { AcceptanceReceiptInput, FilledFormInput } from '../../preload/contract/kiosk-calls';
import type { DocumentSpec } from './pdf';
import { maskIdNumber, maskPhone } from '../../sync/protocol/mask';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone, stationClock } from '../../sync/protocol/station-time';

/** The 授权委托书's 受托人 row as main writes it for the signed-in staff member (authorization.ts). */
export const agentRowText = (name: string, staffId: string): string => `${name}（工号 ${staffId}）`;

/** The line under the seal's verification QR (pdf.ts draws it). */
export const SEAL_CAPTION = '电子印章验证码：在任一服务终端“验章”处扫描本码，或打开本文件的电子版，即可离线验证印章。';

/** The file name an 电子证照 is kept and uploaded under (main/licences/feature.ts), e.g. 户口簿（电子证照）.pdf. */
export const licenceFileName = (typeName: string, mimeType: string): string => `${typeName}（电子证照）.${mimeType === 'application/pdf' ? 'pdf' : mimeType === 'image/png' ? 'png' : 'jpg'}`;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY年MM月DD日` in the station's zone (documents; the seal's date line). */
export function stationDateZh(instant: Date | string | number, tz: string = DEFAULT_STATION_TIME_ZONE): string {
  const c = stationClock(instant, tz);
  return `${c.year}年${pad2(c.month)}月${pad2(c.day)}日`;
}

/** `YYYY年MM月DD日 HH:mm` in the station's zone (documents). */
export function stationDateTimeZh(instant: Date | string | number, tz: string = DEFAULT_STATION_TIME_ZONE): string {
  const c = stationClock(instant, tz);
  return `${c.year}年${pad2(c.month)}月${pad2(c.day)}日 ${pad2(c.hour)}:${pad2(c.minute)}`;
}

const fmtTime = (iso: string, timeZone: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : stationDateTimeZh(d, isTimeZone(timeZone) ? timeZone : DEFAULT_STATION_TIME_ZONE);
};

/** 受理回执: what was filed, when (in the station's time zone), where, what to bring, how to check progress (QR). */
export function acceptanceReceipt(r: AcceptanceReceiptInput, timeZone: string = DEFAULT_STATION_TIME_ZONE): DocumentSpec {
  const rows = [
    { label: '办件编号', value: r.applicationId },
    { label: '受理号', value: r.acceptanceNo ?? '待平台受理后生成（可凭办件编号查询）' },
    { label: '办理事项', value: `${r.serviceName}（${r.serviceCode}）` },
    { label: '承办部门', value: r.department },
    { label: '申请人', value: r.applicantName },
    { label: '证件号码', value: maskIdNumber(r.applicantIdNumber) },
    ...(r.applicantPhone ? [{ label: '联系电话', value: maskPhone(r.applicantPhone) }] : []),
    ...(r.agentName ? [{ label: '代办人', value: r.agentName }] : []),
    { label: '提交时间', value: fmtTime(r.submittedAt, timeZone) },
    { label: '提交渠道', value: r.channel === 'kiosk' ? '自助终端' : r.channel === 'counter' ? '窗口（帮代办）' : '上门代办' },
    { label: '办理地点', value: r.stationName },
    ...(r.timeLimit ? [{ label: '承诺时限', value: r.timeLimit }] : r.promisedDays !== null && r.promisedDays !== undefined ? [{ label: '承诺时限', value: r.promisedDays === 0 ? '即办' : `${r.promisedDays}个工作日` }] : []),
  ];
  return {
    title: `${r.serviceName} 受理回执`,
    subject: '受理回执',
    header: `${r.stationName} · 乡镇便民服务终端`,
    footer: '本回执由自助终端生成，请妥善保管。第 {page} 页，共 {pages} 页',
    blocks: [
      { kind: 'title', text: '受理回执' },
      { kind: 'paragraph', text: `您的申请已提交${r.offline ? '，网络恢复后将自动上报平台' : ''}。请凭本回执或身份证查询办理进度。`, align: 'center' },
      { kind: 'fields', rows },
      ...(r.receivedMaterials || r.missingMaterials
        ? [
            { kind: 'heading' as const, text: `已收材料（${r.receivedMaterials?.length ?? 0}项）` },
            ...(r.receivedMaterials?.length ? [{ kind: 'list' as const, items: r.receivedMaterials }] : [{ kind: 'paragraph' as const, text: '无' }]),
            ...(r.missingMaterials?.length ? [{ kind: 'heading' as const, text: `待补材料（${r.missingMaterials.length}项，请带到窗口）` }, { kind: 'list' as const, items: r.missingMaterials }] : []),
          ]
        : r.materials.length
          ? [{ kind: 'heading' as const, text: '申请材料' }, { kind: 'list' as const, items: r.materials }]
          : []),
      ...(r.notes.length ? [{ kind: 'heading' as const, text: '温馨提示' }, { kind: 'list' as const, items: r.notes }] : []),
      { kind: 'qr', data: r.progressQr, caption: '扫描二维码，或在自助终端“查进度”处扫描本回执，可查询办理进度。', sizeMm: 30 },
      { kind: 'signatures', labels: ['申请人（签字）', '日期'] },
    ],
  };
}

/** The filled application form (申请表) as submitted. */
export function filledForm(f: FilledFormInput): DocumentSpec {
  return {
    title: f.title,
    subject: '申请表',
    header: `${f.stationName} · 办件编号 ${f.applicationId}`,
    footer: '第 {page} 页，共 {pages} 页',
    blocks: [
      { kind: 'title', text: f.title },
      ...f.sections.flatMap((s) => [
        { kind: 'heading' as const, text: s.title },
        { kind: 'fields' as const, rows: s.fields.map((x) => ({ label: x.label, value: x.mask === 'id' ? maskIdNumber(x.value) : x.mask === 'phone' ? maskPhone(x.value) : x.value })) },
      ]),
      { kind: 'paragraph', text: '本人承诺以上填报内容真实、准确、完整，如有虚假，愿承担相应法律责任。' },
      { kind: 'signatures', labels: ['申请人（签字）', '日期'] },
    ],
  };
}
