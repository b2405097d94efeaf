// The replication's own sync errors read from the catalogue (platform.*): in zh-CN the same words as
// before they moved there, in en-US without Han; any other code (or garbage) reads as `failed`.
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { messageFor } from './replication';

afterEach(() => {
  i18n.global.locale.value = 'zh-CN';
});

describe('replication error words', () => {
  it('are the same Chinese as before', () => {
    expect(messageFor('OFFLINE')).toBe('无法连接政务服务平台，当前离线办理。数据保存在本机，网络恢复后自动上传。');
    expect(messageFor('TIMEOUT')).toBe('平台响应超时，稍后自动重试。');
    expect(messageFor('UNAUTHORIZED')).toBe('终端凭证已失效，请联系平台管理员重新注册终端。数据暂存本机。');
    expect(messageFor('NOT_ENROLLED')).toBe('终端尚未注册到平台，数据暂存本机。请配置平台地址和注册码。');
    expect(messageFor('UPGRADE_REQUIRED')).toBe('平台要求升级终端软件，请联系运维。数据暂存本机。');
    expect(messageFor('BAD_RESPONSE')).toBe('平台返回的数据无法识别，稍后自动重试；如持续出现，请联系平台运维。');
    expect(messageFor('BRIDGE_UNAVAILABLE')).toBe('终端后台服务未响应，请重启终端程序。');
    expect(messageFor('TIMEOUT_BRIDGE')).toBe('终端后台服务未响应，请重启终端程序。');
    for (const other of [undefined, '', 'SYNC_FAILED', 'failed', 'constructor', '__proto__', 'OFFLINE.x', 'x'.repeat(1000)]) {
      expect(messageFor(other), String(other).slice(0, 20)).toBe('同步暂时失败，稍后自动重试；数据保存在本机，不会丢失。');
    }
    expect(i18n.global.t('platform.skipped', { n: 3, collection: i18n.global.t('platform.collections.service_items') })).toBe('平台发来 3 条无法识别的事项数据，已忽略；如持续出现，请联系平台运维。');
  });
  it('follow the UI language', () => {
    i18n.global.locale.value = 'en-US';
    for (const code of ['OFFLINE', 'TIMEOUT', 'UNAUTHORIZED', 'NOT_ENROLLED', 'UPGRADE_REQUIRED', 'BAD_RESPONSE', 'BRIDGE_UNAVAILABLE', 'TIMEOUT_BRIDGE', 'SYNC_FAILED']) {
      expect(messageFor(code)).not.toMatch(/\p{Script=Han}/u);
    }
    expect(i18n.global.t('platform.skipped', { n: 2, collection: i18n.global.t('platform.collections.form_schemas') })).toMatch(/^The platform sent 2 form record/);
  });
});
