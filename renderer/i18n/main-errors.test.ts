// @vitest-environment happy-dom
// Main's handlers send codes and params; the words are the catalogue's. In zh-CN they are exactly
// the sentences main used to send as `userMessage` (behaviour unchanged); en-US has its own.
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../bridge/client';
import { i18n, setLocale } from './index';
import { errorText } from './errors';
import { licenceFailedText } from '../licences/lookup';

const words = { t: i18n.global.t, te: i18n.global.te } as unknown as Parameters<typeof errorText>[1];
const say = (code: string, params?: Record<string, string | number>) => errorText(new BridgeError({ code, message: 'x', ...(params ? { params } : {}) }), words);

afterEach(() => setLocale('zh-CN'));

/** [code, params, the Chinese main sent before]. */
const BEFORE: [string, Record<string, string | number> | undefined, string][] = [
  // main/queue/feature.ts
  ['INVALID_COMMAND', undefined, '叫号指令不完整或格式不对，没有执行。请刷新页面后重试。'],
  ['UNKNOWN_CATEGORY', undefined, '服务站没有这个业务类别，请刷新后重新选择。'],
  ['UNKNOWN_WINDOW', undefined, '本机设置的窗口号在服务站配置中不存在，请在“叫号”页重新选择本机窗口。'],
  ['TICKET_NOT_FOUND', undefined, '找不到这个排队号（可能已办结或不是本站的号），请刷新后重试。'],
  ['INVALID_TICKET_STATE', undefined, '这个号的状态已经变化（例如已办结或已过号），请刷新后再操作。'],
  ['RECALL_LIMIT', undefined, '这个号已达到重呼次数上限，请选择“过号”或开始办理。'],
  ['NOT_YOUR_WINDOW', undefined, '这个号已叫到其他窗口，本窗口不能处理。'],
  ['COMMAND_REPLAYED_DIFFERENT', undefined, '重复提交的指令与第一次不一致，没有执行。请刷新后重试。'],
  ['QUEUE_FULL', undefined, '今天这个类别的号已经发完，请到窗口咨询工作人员。'],
  ['QUEUE_UNREACHABLE', undefined, '暂时连不上服务站的排队叫号服务（服务站主机或网络故障），请稍后再试，或直接到窗口咨询工作人员。'],
  ['QUEUE_UNAVAILABLE', undefined, '本站连接的平台还没有开通排队叫号服务，请联系站点管理员；群众可直接到窗口办理。'],
  ['QUEUE_UNREACHABLE', { detail: 'QUEUE_OFFLINE_EXHAUSTED' }, '服务站主机暂时离线，本机预留的排队号已经发完，暂时不能取号。请直接到窗口，工作人员会为您安排办理。'],
  ['QUEUE_NO_WINDOW', undefined, '本机还没有设置窗口号。请在“叫号”页选择本机对应的窗口后再叫号。'],
  // main/staff/feature.ts
  ['INVALID_CREDENTIALS', undefined, '工号或 PIN 不正确（或该工号尚未同步到本机，无法离线登录）。'],
  ['INVALID_CREDENTIALS', { detail: 'INVALID_CREDENTIALS_REMAINING', remaining: 3 }, '工号或 PIN 不正确（或该工号尚未同步到本机，无法离线登录）。 还可尝试 3 次。'],
  ['ACCOUNT_LOCKED', { minutes: 15 }, '连续输错次数过多，该工号已锁定，请 15 分钟后再试，或联系站点管理员。'],
  ['OFFLINE_LOGIN_EXPIRED', undefined, '离线登录资料已过期（超过有效期未联网登录）。请连接网络后在线登录一次。'],
  // main/documents (feature.ts, spooler*.ts)
  ['DOCUMENT_UNREADABLE', undefined, '文档无法读取，请重新生成。'],
  ['FONT_MISSING', undefined, '文档字体缺失，无法生成回执，请联系工作人员。'],
  ['DOCUMENT_SPEC_INVALID', undefined, '委托书格式不正确（受托人信息应由本机填写），请刷新页面后重新生成。'],
  ['NOT_FOUND', { detail: 'DOCUMENT_NOT_FOUND' }, '文档已不存在，请重新生成。'],
  ['NO_PRINTER', { detail: 'A4_NO_SERVICE' }, '未找到打印服务，请联系工作人员。回执已保存，可稍后重新打印。'],
  ['NO_PRINTER', { detail: 'A4_NO_PRINTER' }, '未连接A4打印机或打印机不可用，请联系工作人员。回执已保存，可稍后重新打印。'],
  ['PRINT_FAILED', { detail: 'A4_PRINT_FAILED' }, '打印失败，请检查打印机后重试。'],
  ['PRINT_FAILED', { detail: 'A4_PRINT_TIMED_OUT' }, '打印机未在规定时间内响应。请先查看打印机是否已出纸，未出纸再重试。'],
  // main/licences/feature.ts
  ['NOT_FOUND', { detail: 'LICENCE_LOOKUP_NOT_FOUND' }, '找不到这次电子证照查询，请重新查询。'],
  // main/sync/attachments.ts, main/sync/feature.ts
  ['ATTACHMENT_TYPE_NOT_ALLOWED', undefined, '只能上传 PNG、JPEG 图片或 PDF 文件。'],
  ['ATTACHMENT_EMPTY', undefined, '文件是空的，请重新扫描或选择文件。'],
  ['ATTACHMENT_TOO_LARGE', { maxMb: 20 }, '文件太大（超过 20 MB），请降低扫描分辨率或分页上传。'],
  ['ATTACHMENT_TYPE_MISMATCH', undefined, '文件内容与类型不符（可能已损坏或扩展名不对），请重新选择文件。'],
  ['NOT_FOUND', { detail: 'ATTACHMENT_NOT_FOUND' }, '附件不存在。'],
  ['LOCAL_DAMAGED', undefined, '本机保存的附件已损坏，无法上传。请重新扫描或生成该材料，并联系运维。'],
  ['ATTACHMENT_REFUSED', undefined, '平台拒收了一个附件，稍后自动重试；如持续出现，请联系平台运维。附件保存在本机，不会丢失。'],
  ['ATTACHMENT_STORE_FAILED', undefined, '附件没有保存成功（本机存储出错），请重试；如持续出现，请联系运维。'],
  ['NOT_FOUND', { detail: 'DOCUMENT_FILE_NOT_FOUND' }, '找不到该文件（可能已被删除），请重新生成。'],
  ['ATTACHMENT_TOO_LARGE', { detail: 'DOCUMENT_TOO_LARGE_TO_ATTACH' }, '文件太大，无法作为附件上传。'],
];

describe("main's refusals in the catalogue", () => {
  it('zh-CN says exactly what main used to send', () => {
    for (const [code, params, zh] of BEFORE) expect(say(code, params), code).toBe(zh);
  });

  it('en-US says each in English (no Han), with the same numbers', () => {
    setLocale('en-US');
    for (const [code, params] of BEFORE) {
      const text = say(code, params);
      expect(text, code).not.toMatch(/\p{Script=Han}/u);
      expect(text, code).not.toMatch(/error code/);
      for (const v of Object.values(params ?? {})) if (typeof v === 'number') expect(text, code).toContain(String(v));
    }
  });

  it('a detail names a catalogue code, or is ignored (garbage in: the code says it)', () => {
    const plain = say('QUEUE_UNREACHABLE');
    for (const detail of ['NOPE_NOT_THERE', 'or', 'unknown', '__proto__', '', 'QUEUE FULL', 'A'.repeat(65), 42]) {
      expect(say('QUEUE_UNREACHABLE', { detail })).toBe(plain);
    }
    expect(errorText({ code: 'NO_SUCH_CODE', params: { detail: 'QUEUE_FULL' } }, words)).toBe(say('QUEUE_FULL'));
  });
});

describe('a failed 电子证照 lookup (licences.result state failed, error.code)', () => {
  const failed = (code: string | undefined) => licenceFailedText(code, words);
  it('zh-CN says what main used to put in error.message; any other code is the refusal', () => {
    expect(failed('REFUSED')).toBe('平台拒绝了电子证照查询，请提交纸质材料。');
    expect(failed('BAD_FILE')).toBe('电子证照文件校验失败，请提交纸质材料。');
    expect(failed('STORE_FAILED')).toBe('电子证照文件没有保存成功，请重试或提交纸质材料。');
    for (const junk of ['NOT_ENROLLED', '', undefined, '__proto__', 'failedBy']) expect(failed(junk)).toBe('平台拒绝了电子证照查询，请提交纸质材料。');
  });
  it('en-US in English', () => {
    setLocale('en-US');
    for (const code of ['REFUSED', 'BAD_FILE', 'STORE_FAILED']) expect(failed(code)).not.toMatch(/\p{Script=Han}/u);
  });
});
