/**
 * The counter's documents as specs for the shared PDF engine (`documents.render`, main/documents):
 * 授权委托书 (with the resident's on-screen signature), 办结单 (signed when the result is handed
 * back), 终止单 (ends an authorization) and the daily summary. Pure: no bridge, no DOM.
 *
 * The 委托书 carries full ID numbers of both parties (a legal identification of principal and
 * agent); the other documents mask them. The agent's 身份证号 and 联系电话 are not known here: staff ID
 * numbers stay in main. The letter marks their rows with empty values and main fills them (and the
 * 受托人 row) for the signed-in staff member when it renders kind `authorization-letter`
 * (main/documents/authorization.ts; a blank line to fill by hand when main does not know them).
 */
import { AGENT_ID_ROW, AGENT_PHONE_ROW, AGENT_ROW, type DocumentSpecInput } from '../../preload/contract/kiosk-calls';
import { maskIdNumber } from '../../sync/protocol/mask';
import { DEFAULT_STATION_TIME_ZONE, isTimeZone, stationDateTime } from '../../sync/protocol/station-time';

type Block = DocumentSpecInput['blocks'][number];

export const SCOPE_LABELS: Record<string, string> = { submit: '代为提交申请材料', sign_forms: '代为签署申请表', collect_result: '代为领取办理结果', supplement: '代为补正材料' };

export interface Party {
  name: string;
  idNumber: string;
}

/** The resident who authorizes: as on the ID card, plus how to reach them. */
export interface Principal extends Party {
  address?: string;
  phone?: string;
}

export interface AuthorizationLetterInput {
  applicationId: string;
  stationName: string;
  serviceName: string;
  principal: Principal;
  /** The 代办员 (the signed-in staff member; main writes this row, their ID number and phone itself). */
  agent: { name: string; staffId?: string; relation: string };
  scope: string[];
  validFrom: string;
  validUntil: string | null;
  subDelegation: boolean;
  reason?: string;
  signedAt: string;
  /** The station's IANA time zone: the times on the letter are the station's (default Asia/Shanghai). */
  timeZone?: string;
  /** PNG of the principal's on-screen signature, base64 (no data: prefix). */
  signaturePng: string;
}

/** The 终止原因 printed when the counter gives none. */
export const DEFAULT_TERMINATION_REASON = '委托人要求终止';

/** The file name the signed 授权委托书 is kept and uploaded under (an attachment of the application). */
export const AUTHORIZATION_LETTER_FILE_NAME = '授权委托书.pdf';

/** The station name printed when the configuration names none. */
export const STATION_NAME_FALLBACK = '便民服务站';

/** `YYYY-MM-DD HH:mm` in the station's zone; a value that is no instant is printed as given. */
export function stationTime(iso: string, timeZone: string | undefined): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return stationDateTime(d, timeZone && isTimeZone(timeZone) ? timeZone : DEFAULT_STATION_TIME_ZONE);
}

const signature = (png: string, caption: string): Block[] => [{ kind: 'image', pngBase64: png, widthMm: 60, caption }];

export function authorizationLetter(i: AuthorizationLetterInput): DocumentSpecInput {
  return {
    title: '授权委托书',
    subject: `帮代办 ${i.applicationId}`,
    header: i.stationName,
    footer: '第 {page} 页 / 共 {pages} 页',
    blocks: [
      { kind: 'title', text: '授权委托书' },
      {
        kind: 'fields',
        rows: [
          { label: '委托人（申请人）', value: i.principal.name },
          { label: '委托人身份证号', value: i.principal.idNumber },
          ...(i.principal.address ? [{ label: '委托人住址', value: i.principal.address }] : []),
          ...(i.principal.phone ? [{ label: '委托人联系电话', value: i.principal.phone }] : []),
          { label: AGENT_ROW, value: `${i.agent.name}${i.agent.staffId ? `（工号 ${i.agent.staffId}）` : ''}` },
          { label: AGENT_ID_ROW, value: '' },
          { label: AGENT_PHONE_ROW, value: '' },
          { label: '受托人所在单位', value: i.stationName },
          { label: '与委托人关系', value: i.agent.relation },
          { label: '委托事项', value: i.serviceName },
          { label: '委托权限', value: i.scope.map((s) => SCOPE_LABELS[s] ?? s).join('；') },
          { label: '委托期限', value: `${i.validFrom} 至 ${i.validUntil ?? '事项办结'}` },
          { label: '是否可转委托', value: i.subDelegation ? '是' : '否' },
          ...(i.reason ? [{ label: '委托原因', value: i.reason }] : []),
          { label: '办件编号', value: i.applicationId },
        ],
      },
      {
        kind: 'paragraph',
        text: '本人自愿委托上述受托人在委托权限和期限内代为办理上述事项。受托人在权限内所为行为的法律后果由本人承担（《中华人民共和国民法典》第一百六十五条）。本人可随时以书面方式终止本委托。',
      },
      { kind: 'spacer', mm: 4 },
      ...signature(i.signaturePng, '委托人签字（或按手印）'),
      { kind: 'paragraph', text: `签署时间：${stationTime(i.signedAt, i.timeZone)}` },
      { kind: 'signatures', labels: ['受托人（签字）', '经办人'] },
      { kind: 'paragraph', text: '附件：委托人、受托人身份证复印件。' },
    ],
  };
}

export interface CompletionSlipInput {
  applicationId: string;
  acceptanceNo: string | null;
  stationName: string;
  serviceName: string;
  resident: Party;
  agentName: string;
  outcome: 'approved' | 'rejected';
  decisionReason?: string;
  handedOverAt: string;
  timeZone?: string;
  signaturePng: string;
}

export function completionSlip(i: CompletionSlipInput): DocumentSpecInput {
  return {
    title: '办结单',
    subject: `办结 ${i.applicationId}`,
    header: i.stationName,
    blocks: [
      { kind: 'title', text: '帮代办事项办结单' },
      {
        kind: 'fields',
        rows: [
          { label: '办件编号', value: i.applicationId },
          { label: '受理号', value: i.acceptanceNo ?? '—' },
          { label: '办理事项', value: i.serviceName },
          { label: '申请人', value: `${i.resident.name}（${maskIdNumber(i.resident.idNumber)}）` },
          { label: '代办员', value: i.agentName },
          { label: '办理结果', value: i.outcome === 'approved' ? '准予办理' : `不予办理${i.decisionReason ? `：${i.decisionReason}` : ''}` },
          { label: '回交时间', value: stationTime(i.handedOverAt, i.timeZone) },
        ],
      },
      { kind: 'paragraph', text: '申请人已收到上述事项的办理结果及相关证件、材料，确认无误。本次委托随事项办结终止。' },
      ...signature(i.signaturePng, '申请人签收'),
      { kind: 'signatures', labels: ['代办员（签字）', '日期'] },
    ],
  };
}

export interface TerminationSlipInput {
  applicationId: string;
  stationName: string;
  serviceName: string;
  resident: Party;
  agentName: string;
  reason: string;
  at: string;
  timeZone?: string;
  signaturePng: string;
}

export function terminationSlip(i: TerminationSlipInput): DocumentSpecInput {
  return {
    title: '终止委托确认单',
    header: i.stationName,
    blocks: [
      { kind: 'title', text: '终止委托确认单' },
      {
        kind: 'fields',
        rows: [
          { label: '办件编号', value: i.applicationId },
          { label: '办理事项', value: i.serviceName },
          { label: '委托人', value: `${i.resident.name}（${maskIdNumber(i.resident.idNumber)}）` },
          { label: '受托人', value: i.agentName },
          { label: '终止原因', value: i.reason },
          { label: '终止时间', value: stationTime(i.at, i.timeZone) },
        ],
      },
      { kind: 'paragraph', text: '委托人决定自上述时间起终止对受托人的授权委托，受托人不再代为办理该事项。' },
      ...signature(i.signaturePng, '委托人签字'),
      { kind: 'signatures', labels: ['受托人（签字）', '经办人'] },
    ],
  };
}

export function dailySummary(stationName: string, day: string, rows: { service: string; serviceName: string; status: string; count: number }[], statusLabel: (s: string) => string): DocumentSpecInput {
  const total = rows.reduce((n, r) => n + r.count, 0);
  return {
    title: `办件日报 ${day}`,
    header: stationName,
    footer: '第 {page} 页 / 共 {pages} 页',
    blocks: [
      { kind: 'title', text: `办件日报（${day}）` },
      { kind: 'paragraph', text: `合计 ${total} 件（按事项和状态统计；不含个人信息）。` },
      { kind: 'fields', labelWidthMm: 100, rows: rows.slice(0, 200).map((r) => ({ label: `${r.service} ${r.serviceName}`.slice(0, 200), value: `${statusLabel(r.status)}：${r.count} 件` })) },
    ],
  };
}
