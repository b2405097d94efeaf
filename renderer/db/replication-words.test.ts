// The replication's own sync errors read from the catalogue (platform.*): in zh-CN the same words as
// before they moved there, in en-US without Han; any other code (or garbage) reads as `failed`.
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { messageFor, replicationError } from './replication';

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
    for (const code of ['OFFLINE', 'TIMEOUT', 'UNAUTHORIZED', 'NOT_ENROLLED', 'UPGRADE_REQUIRED', 'BAD_RESPONSE', 'BRIDGE_UNAVAILABLE', 'TIMEOUT_BRIDGE', 'LOCAL_STORAGE_FULL', 'SYNC_FAILED']) {
      expect(messageFor(code)).not.toMatch(/\p{Script=Han}/u);
    }
    expect(i18n.global.t('platform.skipped', { n: 2, collection: i18n.global.t('platform.collections.form_schemas') })).toMatch(/^The platform sent 2 form record/);
  });

  it("read the code and message of what error$ emits: RxDB's wrapped handler errors, a storage's own error (a full disk), garbage", () => {
    // RC_PUSH / RC_PULL: the handler's error as plain JSON (errorToPlainJson) in parameters.errors.
    expect(replicationError({ message: 'RC_PULL', parameters: { errors: [{ name: 'BridgeError', code: 'OFFLINE', message: 'platform unreachable' }] } })).toEqual({ code: 'OFFLINE', message: 'platform unreachable' });
    // A local write after the push failed on a full disk: the DOMException's `code` is a number (22).
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(quota.code).toBe(22);
    expect(replicationError({ message: 'RC_PUSH', parameters: { errors: [{ name: quota.name, code: quota.code, message: quota.message }] } })).toEqual({ code: 'LOCAL_STORAGE_FULL', message: 'The quota has been exceeded.' });
    // The downstream's write to the local store rejected: the storage's error itself.
    expect(replicationError(quota)).toEqual({ code: 'LOCAL_STORAGE_FULL', message: 'The quota has been exceeded.' });
    expect(messageFor('LOCAL_STORAGE_FULL')).toBe('本机存储空间已满，同步的数据无法保存到本机。请清理磁盘空间，同步会自动继续；已保存的数据不受影响。');
    // A bridge or platform error keeps its code even when its message mentions a quota.
    expect(replicationError({ message: 'RC_PUSH', parameters: { errors: [{ code: 'RATE_LIMITED', message: 'request quota exceeded' }] } }).code).toBe('RATE_LIMITED');
    // Codes that are not plain names, and garbage, are SYNC_FAILED; the message is bounded.
    // The contract's code (preload/contract BridgeErrorShape): 2 to 64 capitals, digits, `_`.
    expect(replicationError({ message: 'RC_PUSH', parameters: { errors: [{ code: 'X'.repeat(64), message: 'm' }] } }).code).toBe('X'.repeat(64));
    for (const code of [22, 'lower', 'A.B', '', 'A', '__proto__', 'X'.repeat(65), null, {}]) {
      expect(replicationError({ message: 'RC_PUSH', parameters: { errors: [{ code, message: 'm' }] } }).code, String(code).slice(0, 10)).toBe('SYNC_FAILED');
    }
    for (const junk of [null, undefined, 42, 'boom', [], { parameters: { errors: 'x' } }, { parameters: { errors: [null] } }, { message: 7 }]) {
      const r = replicationError(junk);
      expect(r.code).toBe('SYNC_FAILED');
      expect(typeof r.message).toBe('string');
    }
    expect(replicationError(new Error('y'.repeat(1000))).message).toHaveLength(300);
  });
});
