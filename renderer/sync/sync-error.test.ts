// @vitest-environment happy-dom
// Main sends sync problems as codes (sync/client/errors.ts); the words are the catalogue's. In zh-CN
// they are exactly the sentences main used to send (SYNC_ERROR_MESSAGES, behaviour unchanged).
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_ERROR_CODES, syncErrorDetail, type SyncErrorCode } from '../../sync/client/errors';
import { SyncState } from '../../preload/contract/sync-calls';
import { BridgeError } from '../bridge/client';
import { i18n, setLocale } from '../i18n';
import { errorText } from '../i18n/errors';
import { isSyncProblem, syncErrorText } from './sync-error';

const words = { t: i18n.global.t, te: i18n.global.te } as unknown as Parameters<typeof errorText>[1];

afterEach(() => setLocale('zh-CN'));

/** [code, the Chinese main sent before as the sync state's `message` / a bridge error's `userMessage`]. */
const BEFORE: [SyncErrorCode, string][] = [
  ['OFFLINE', '无法连接政务服务平台，已切换为离线办理。数据保存在本机，网络恢复后自动上传；可检查网线或网络后点“立即重试”。'],
  ['TIMEOUT', '平台响应超时，稍后自动重试；如持续出现，请检查网络质量或联系运维。'],
  ['UNAUTHORIZED', '本终端的平台凭证已失效或被吊销，数据暂存本机。请联系县级平台管理员重新发放注册码后重新注册终端。'],
  ['NOT_ENROLLED', '本终端尚未在平台注册，数据暂存本机。请在配置文件中填写平台地址和注册码后重启。'],
  ['ENROLL_FAILED', '终端注册失败：注册码无效或已过期。请向平台管理员申请新的注册码。'],
  ['UPGRADE_REQUIRED', '平台要求升级终端软件后才能同步，数据暂存本机。请联系运维升级终端。'],
  ['SERVER_ERROR', '平台暂时出错，稍后自动重试；数据保存在本机，不会丢失。'],
  ['BAD_RESPONSE', '平台返回了无法识别的数据，已忽略并稍后重试；如持续出现，请联系平台运维。'],
  ['REQUEST_REFUSED', '平台拒绝了本次同步请求，稍后自动重试；如持续出现，请联系平台运维。'],
  ['DEMO_PLATFORM_FAILED', '演示平台未能启动，终端以离线方式运行。可重启程序重试。'],
  ['HUB_OFFLINE', '无法连接站点服务器（本站大厅的同步电脑），已切换为离线办理。数据保存在本机，站点服务器恢复后自动上传；请检查站点服务器电脑是否开机、局域网是否连通，或点“立即重试”。'],
  ['PROVINCE_UNREACHABLE', '站点服务器在线，但暂时连不上省级政务服务平台。已提交的申请和评价保存在站点服务器，恢复后自动上报；受理号和办理结果届时返回。'],
];

describe('sync problems in the catalogue', () => {
  it('says every sync code in zh-CN exactly as main did, and in English in en-US', () => {
    expect(BEFORE.map(([c]) => c)).toEqual([...SYNC_ERROR_CODES]);
    for (const [code, zh] of BEFORE) {
      expect(syncErrorText({ code }, words), code).toBe(zh);
      // a bridge error from a handler (queue, sync calls) says the same through its detail
      expect(errorText(new BridgeError({ code: 'NOT_ENROLLED', message: 'x', params: syncErrorDetail(code) }), words), code).toBe(zh);
    }
    setLocale('en-US');
    for (const [code] of BEFORE) {
      const en = syncErrorText({ code }, words);
      expect(en, code).not.toMatch(/\p{Script=Han}/u);
      expect(en.length, code).toBeGreaterThan(30);
    }
  });

  it("shows the renderer's own words (its store report) as they are", () => {
    expect(syncErrorText({ code: 'OFFLINE', message: 'words made here' }, words)).toBe('words made here');
  });

  it('an attachment code that is no sync code keeps its own words', () => {
    expect(syncErrorText({ code: 'ATTACHMENT_REFUSED' }, words)).toBe(errorText({ code: 'ATTACHMENT_REFUSED' }, words));
    expect(syncErrorText({ code: 'LOCAL_DAMAGED' }, words)).toMatch(/附件已损坏/);
  });

  it('garbage codes and params read as an unknown problem, never as other words', () => {
    const unknown = (code: string) => i18n.global.t('errors.unknown', { code });
    for (const code of ['', 'toString', '__proto__', 'x'.repeat(64), 'OFFLINE;DROP', 'offline', 'SYNC_']) {
      expect(syncErrorText({ code }, words), code).toBe(unknown(code));
    }
    // `variant` (device words) and `detail` (another code's words) from the wire are not followed
    expect(syncErrorText({ code: 'OFFLINE', params: { variant: 'comm', detail: 'SYNC_UNAUTHORIZED' } }, words)).toBe(BEFORE[0]![1]);
    expect(syncErrorText({ code: 'WHATEVER', params: { detail: 'SYNC_OFFLINE' } }, words)).toBe(unknown('WHATEVER'));
    expect(isSyncProblem({ params: { detail: 'SYNC_OFFLINE' } })).toBe(true);
    for (const e of [null, undefined, {}, { params: {} }, { params: { detail: 5 } }, { params: { detail: 'QUEUE_OFFLINE_EXHAUSTED' } }]) expect(isSyncProblem(e as never)).toBe(false);
  });

  it("the sync state's error takes a code and bounded params; garbage is refused", () => {
    const state = (error: unknown) => ({
      mode: 'configured', enrolled: true, stationId: null, replicationId: null, terminalId: null, online: false, lastContactAt: null, attempts: 0, nextRetryAt: null, error,
      local: { pending: 0, quarantined: 0, lastSyncAt: null, active: false, error: null },
    });
    expect(SyncState.safeParse(state({ code: 'OFFLINE', at: '2026-12-06T00:00:00.000Z' })).success).toBe(true);
    expect(SyncState.safeParse(state({ code: 'OFFLINE', params: { n: 3, collection: 'staff' }, at: '' })).success).toBe(true);
    for (const bad of [
      { code: 'OFFLINE' },
      { code: 5, at: '' },
      { code: 'x'.repeat(65), at: '' },
      { code: 'OFFLINE', params: { 'Bad Key': 1 }, at: '' },
      { code: 'OFFLINE', params: { n: { nested: true } }, at: '' },
      { code: 'OFFLINE', params: { n: 'x'.repeat(201) }, at: '' },
      { code: 'OFFLINE', params: ['a'], at: '' },
      { code: 'OFFLINE', message: 'x'.repeat(501), at: '' },
    ]) expect(SyncState.safeParse(state(bad)).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
  });
});
