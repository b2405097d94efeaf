// @vitest-environment happy-dom
// The words for errors that crossed a boundary come from the catalogue, by code and parameters.
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeErrorShape } from '../../preload/contract';
import { BridgeError } from '../bridge/client';
import { i18n, setLocale } from './index';
import { deviceStatusText, errorLike, errorText } from './errors';
import { deviceErrorSchema, deviceStatusSchema } from '../../devices/protocol/device-events';

const words = { t: i18n.global.t, te: i18n.global.te } as unknown as Parameters<typeof errorText>[1];
const say = (e: unknown, fallback?: string) => errorText(e, words, fallback);

afterEach(() => setLocale('zh-CN'));

describe('errorText', () => {
  it("says main's staff gate refusals from their codes (zh-CN, the sentences main used to send)", () => {
    expect(say(new BridgeError({ code: 'NOT_SIGNED_IN', message: 'a staff member must be signed in for this call' }))).toBe('请先登录工作人员账号，再办理此业务。');
    expect(say({ code: 'STAFF_LOCKED', message: 'locked' })).toBe('工作台已锁定，请输入 PIN 解锁后继续。');
    const forbidden = new BridgeError({ code: 'ROLE_FORBIDDEN', message: 'x', params: { role: 'assistant', roles: 'counter,station-admin' } });
    expect(say(forbidden)).toBe('当前账号（村代办员）无权办理此业务，请由窗口人员或站点管理员办理。');
    expect(say({ code: 'ROLE_FORBIDDEN', params: { role: 'counter', roles: 'station-admin' } })).toBe('当前账号（窗口人员）无权办理此业务，请由站点管理员办理。');
  });

  it('follows the UI language', () => {
    setLocale('en-US');
    expect(say({ code: 'ROLE_FORBIDDEN', params: { role: 'assistant', roles: 'counter,station-admin' } })).toBe('Your account (Village assistant) may not do this; it is for Counter staff or Station admin.');
    expect(say({ code: 'NOT_SIGNED_IN' })).toBe('Sign in with a staff account first.');
    expect(say({ code: 'SOMETHING_NEW' })).toBe('The operation did not complete (error code: SOMETHING_NEW).');
  });

  it("shows a handler's own text while its words are not in the catalogue, else the page's fallback, else the code", () => {
    expect(say({ code: 'PAPER_OUT', userMessage: '打印机缺纸，请装纸后重试' })).toBe('打印机缺纸，请装纸后重试');
    expect(say({ code: 'PAPER_OUT' }, '打印失败')).toBe('打印失败');
    expect(say({ code: 'PAPER_OUT' })).toBe('操作没有完成（错误代码：PAPER_OUT）。');
    // The catalogue wins over a handler's text for a code it knows.
    expect(say({ code: 'NOT_SIGNED_IN', userMessage: 'old words' })).toBe('请先登录工作人员账号，再办理此业务。');
  });

  it('garbage in: never throws, never shows an object', () => {
    for (const junk of [null, undefined, 'NOT_SIGNED_IN', 42, [], {}, { code: 5 }, { code: null, userMessage: 'x' }, new Error('boom')]) {
      expect(say(junk, '失败')).toBe('失败');
      expect(say(junk)).toBe('操作没有完成（错误代码：UNKNOWN）。');
    }
    // Parameters that are not an object are dropped; an unknown role code is shown as the code.
    expect(errorLike({ code: 'X', params: ['a'] })).toEqual({ code: 'X' });
    expect(say({ code: 'ROLE_FORBIDDEN', params: { role: 'mayor', roles: ',,' } })).toBe('当前账号（mayor）无权办理此业务，请由办理。');
    // Inherited names are not catalogue keys.
    expect(say({ code: '__proto__' })).toBe('操作没有完成（错误代码：__proto__）。');
  });
});

describe('a full local disk', () => {
  it("says so in the UI's language for IndexedDB's QuotaExceededError, whatever carries it; other errors and coded ones as before", () => {
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(say(quota)).toBe('本机存储空间已满，这次操作没有保存。请清理磁盘空间后重试，或联系技术支持。');
    expect(say(Object.assign(new Error('write failed'), { name: 'QuotaExceededError' }), '失败')).toBe('本机存储空间已满，这次操作没有保存。请清理磁盘空间后重试，或联系技术支持。');
    expect(say(new Error('Database or disk is full'))).toBe('本机存储空间已满，这次操作没有保存。请清理磁盘空间后重试，或联系技术支持。');
    setLocale('en-US');
    expect(say(quota)).toBe("This computer's storage is full; this was not saved. Free some disk space and retry, or call support.");
    setLocale('zh-CN');
    // A coded error keeps its own words; an error that is not about space keeps the fallback.
    expect(say({ code: 'NOT_SIGNED_IN', message: 'quota' })).toBe('请先登录工作人员账号，再办理此业务。');
    expect(say(new DOMException('aborted', 'AbortError'), '失败')).toBe('失败');
    for (const junk of [null, undefined, 'QuotaExceededError', 42, { name: 42 }, { message: ['quota'] }]) expect(say(junk, '失败')).toBe('失败');
  });
});

describe('device words', () => {
  const status = (say: string, params?: Record<string, string | number>) => deviceStatusText({ say, ...(params ? { params } : {}) }, words);

  it('says device errors from code + variant, with the device role as its name (zh-CN: the words the device layer used to send)', () => {
    expect(say({ code: 'PAPER_OUT', message: 'printer is out of paper', params: { variant: 'any' } })).toBe('打印机缺纸，请装纸后重试');
    expect(say({ code: 'PAPER_OUT', params: { variant: 'late' } })).toBe('打印机缺纸，请装纸后重试（本张可能未打印完整）');
    expect(say({ code: 'TIMEOUT', params: { variant: 'any', device: 'idcard' } })).toBe('身份证阅读器无响应，请检查连接');
    expect(say({ code: 'TIMEOUT', params: { variant: 'any', device: 'window-display' } })).toBe('窗口屏无响应，请检查连接');
    expect(say({ code: 'TIMEOUT', params: { variant: 'bus' } })).toBe('设备无响应，请检查连接');
    expect(say({ code: 'TIMEOUT', params: { variant: 'evaluator' } })).toBe('评价器无响应，请使用屏幕评价');
    expect(say({ code: 'NOT_CONFIGURED', params: { variant: 'any', device: 'receipt-printer' } })).toBe('未配置凭条打印机');
    expect(say({ code: 'OPEN_FAILED', params: { variant: 'serial' } })).toBe('无法打开设备端口，请检查设备连接');
    expect(say({ code: 'SOME_LINK_ERROR', params: { variant: 'comm' } })).toBe('设备通信异常，请检查设备连接');
    expect(say({ code: 'UNKNOWN_STATUS', params: { variant: 'any', sw3: '0x55' } })).toBe('阅读器返回未知状态（0x55）');
    expect(say(new BridgeError({ code: 'DEVICES_STARTING', message: 'x', params: { variant: 'speech' } }))).toBe('语音引擎正在检测，请稍候再试');
  });

  it("keeps other features' codes apart: without a variant a code such as TIMEOUT is not a device's", () => {
    expect(say({ code: 'TIMEOUT', message: 'bridge call timed out' }, '超时')).toBe('超时');
    expect(say({ code: 'NOT_CONFIGURED', userMessage: '未配置平台地址' })).toBe('未配置平台地址');
  });

  it('says statuses from their word code, else as the error of that code', () => {
    expect(status('READY', { device: 'qr-scanner' })).toBe('扫码器已就绪');
    expect(status('SPEECH_READY', { engine: 'espeak-ng' })).toBe('语音播报已就绪（espeak-ng）');
    expect(status('PAPER_NEAR_END')).toBe('打印机纸将用尽，请及时更换');
    expect(status('PAPER_OUT')).toBe('打印机缺纸，请装纸后重试');
    expect(status('NO_EVALUATOR_DEVICE', { variant: 'any', device: 'evaluator' })).toBe('未配置评价器，请使用屏幕评价');
  });

  it('follows the UI language', () => {
    setLocale('en-US');
    expect(say({ code: 'NOT_CONFIGURED', params: { variant: 'any', device: 'window-display' } })).toBe('No window display is configured.');
    expect(status('READY', { device: 'idcard' })).toBe('Ready (ID card reader)');
    expect(status('RECONNECTING')).toBe('Disconnected; reconnecting');
  });

  it('garbage in: unknown variants, devices and codes fall back, never throw, never look up odd keys', () => {
    expect(say({ code: 'PAPER_OUT', params: { variant: 'nonsense' } })).toBe('打印机缺纸，请装纸后重试');
    expect(say({ code: 'TIMEOUT', params: { variant: 'any', device: 'toaster' } })).toBe('toaster无响应，请检查连接');
    expect(say({ code: 'TIMEOUT', params: { variant: 'any', device: '../role' } })).toBe('../role无响应，请检查连接');
    expect(say({ code: 'NO_SUCH_THING', params: { variant: 'any' } })).toBe('操作没有完成（错误代码：NO_SUCH_THING）。');
    expect(say({ code: 'PAPER_OUT', params: { variant: 'any.x' } }, '失败')).toBe('失败');
    expect(say({ code: 'PAPER_OUT', params: { variant: 7 } }, '失败')).toBe('失败');
    expect(say({ code: 'device', params: {} }, '失败')).toBe('失败');
    expect(status('NOPE')).toBe('操作没有完成（错误代码：NOPE）。');
    expect(status('a.b.c')).toBe('操作没有完成（错误代码：a.b.c）。');
  });

  it('the bridge shapes refuse words in params: bad keys, long values, nested values, too many', () => {
    expect(deviceErrorSchema.safeParse({ code: 'TIMEOUT', message: 'x', params: { variant: 'any', device: 'idcard' } }).success).toBe(true);
    expect(deviceErrorSchema.safeParse({ code: 'TIMEOUT', message: 'x', params: { 'Bad key': 'a' } }).success).toBe(false);
    expect(deviceErrorSchema.safeParse({ code: 'TIMEOUT', message: 'x', params: { variant: 'a'.repeat(201) } }).success).toBe(false);
    expect(deviceErrorSchema.safeParse({ code: 'TIMEOUT', message: 'x', params: { variant: { a: 1 } } }).success).toBe(false);
    expect(deviceErrorSchema.safeParse({ code: 'TIMEOUT', message: 'x', params: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, i])) }).success).toBe(false);
    expect(deviceErrorSchema.safeParse({ code: 'TIMEOUT', message: 'x', params: { n: Number.NaN } }).success).toBe(false);
    const base = { role: 'idcard', state: 'connected', since: '2026-12-06T00:00:00Z' };
    expect(deviceStatusSchema.safeParse({ ...base, say: 'READY', params: { device: 'idcard' } }).success).toBe(true);
    expect(deviceStatusSchema.safeParse({ ...base, say: '就绪' }).success).toBe(false);
    expect(deviceStatusSchema.safeParse({ ...base, say: 'ready' }).success).toBe(false);
    expect(deviceStatusSchema.safeParse({ ...base }).success).toBe(false);
  });
});

describe('BridgeErrorShape params', () => {
  it('carries names and numbers, refuses words keys and long values', () => {
    expect(BridgeErrorShape.safeParse({ code: 'ROLE_FORBIDDEN', message: 'x', params: { role: 'assistant', count: 3 } }).success).toBe(true);
    expect(BridgeErrorShape.safeParse({ code: 'X_Y', message: 'x', params: { 'bad key': 'a' } }).success).toBe(false);
    expect(BridgeErrorShape.safeParse({ code: 'X_Y', message: 'x', params: { role: 'a'.repeat(201) } }).success).toBe(false);
    expect(BridgeErrorShape.safeParse({ code: 'X_Y', message: 'x', params: { nested: { a: 1 } } }).success).toBe(false);
  });
});
