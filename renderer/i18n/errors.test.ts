// @vitest-environment happy-dom
// The words for errors that crossed a boundary come from the catalogue, by code and parameters.
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeErrorShape } from '../../preload/contract';
import { BridgeError } from '../bridge/client';
import { i18n, setLocale } from './index';
import { errorLike, errorText } from './errors';

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

describe('BridgeErrorShape params', () => {
  it('carries names and numbers, refuses words keys and long values', () => {
    expect(BridgeErrorShape.safeParse({ code: 'ROLE_FORBIDDEN', message: 'x', params: { role: 'assistant', count: 3 } }).success).toBe(true);
    expect(BridgeErrorShape.safeParse({ code: 'X_Y', message: 'x', params: { 'bad key': 'a' } }).success).toBe(false);
    expect(BridgeErrorShape.safeParse({ code: 'X_Y', message: 'x', params: { role: 'a'.repeat(201) } }).success).toBe(false);
    expect(BridgeErrorShape.safeParse({ code: 'X_Y', message: 'x', params: { nested: { a: 1 } } }).success).toBe(false);
  });
});
