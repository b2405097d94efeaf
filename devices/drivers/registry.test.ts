import { describe, expect, it } from 'vitest';
import { deviceRoleSchema } from '../protocol/device-events.js';
import { alwaysListedMainRoles, deviceManagerConfigSchema, deviceRegistry, statusRoles } from '../protocol/registry/index.js';
import { drivers } from './index.js';
import { DeviceManager } from '../manager/device-manager.js';
import { zhStatusWords } from '../testing/zh-words.js';

describe('device registry', () => {
  it('names each role and config key once; every main-side role has a driver and every driver an entry', () => {
    const roles = deviceRegistry.map((e) => e.role);
    const keys = deviceRegistry.map((e) => e.configKey);
    expect(new Set(roles).size).toBe(roles.length);
    expect(new Set(keys).size).toBe(keys.length);
    const mainRoles = deviceRegistry.filter((e) => e.host === 'main').map((e) => e.role);
    expect(Object.keys(drivers).sort()).toEqual([...mainRoles].sort());
  });

  it('derives the status roles, the start-up roles and the configuration from the entries', () => {
    expect(statusRoles).toEqual([...deviceRegistry.map((e) => e.role), 'speech']);
    expect(deviceRoleSchema.options).toEqual(statusRoles);
    expect(alwaysListedMainRoles).toEqual(['idcard', 'receipt-printer', 'window-display', 'evaluator']);
    expect(Object.keys(deviceManagerConfigSchema.shape).sort()).toEqual([...deviceRegistry.map((e) => e.configKey), 'reconnect'].sort());
    // each key validates with its own entry's schema
    expect(deviceManagerConfigSchema.safeParse({ receiptPrinter: { driver: 'sam', transport: { kind: 'usb-lp', path: '/dev/usb/lp0' } } }).success).toBe(false);
    expect(deviceManagerConfigSchema.safeParse({ receiptPrinter: { driver: 'escpos', transport: { kind: 'usb-lp', path: '/dev/usb/lp0' } } }).success).toBe(true);
  });

  it('an unconfigured manager lists the always-listed roles with their entries’ not-configured statuses', () => {
    const m = new DeviceManager({});
    expect(m.getStatuses().map((s) => [s.role, s.state, s.code, zhStatusWords(s)])).toEqual([
      ['idcard', 'not-configured', 'NOT_CONFIGURED', '未配置身份证阅读器'],
      ['receipt-printer', 'not-configured', 'NOT_CONFIGURED', '未配置凭条打印机'],
      ['window-display', 'not-configured', 'NOT_CONFIGURED', '未配置窗口屏'],
      ['evaluator', 'not-configured', 'NO_EVALUATOR_DEVICE', '未配置评价器，请使用屏幕评价'],
    ]);
    expect(m.getPendingPrints()).toEqual([]);
    expect(m.cancelPrint('x')).toBe(false);
  });
});
