import { describe, expect, it } from 'vitest';
import zhCN from './locales/zh-CN.json';
import enUS from './locales/en-US.json';
import { TOPIC_NAMES } from '../catalog/search';

/** Every leaf key path of a messages object, e.g. `kiosk.tiles.queue.title`. */
function leafKeys(value: unknown, prefix = ''): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

/** Named placeholders used by one message: `{n}`, `{ticket}`. */
const placeholders = (message: string): string[] => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

function leafValue(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

describe('i18n messages', () => {
  const zhKeys = leafKeys(zhCN).sort();
  const enKeys = leafKeys(enUS).sort();

  it('has every zh-CN key in en-US and vice versa', () => {
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([]);
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
  });

  it('has only non-empty string messages (no arrays, which need rt() in composition mode)', () => {
    for (const [name, messages] of [['zh-CN', zhCN], ['en-US', enUS]] as const) {
      for (const key of leafKeys(messages)) {
        const value = leafValue(messages, key);
        expect(typeof value, `${name}:${key}`).toBe('string');
        expect((value as string).trim().length, `${name}:${key}`).toBeGreaterThan(0);
      }
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of zhKeys) {
      expect(placeholders(leafValue(enUS, key) as string), key).toEqual(placeholders(leafValue(zhCN, key) as string));
    }
  });

  it('avoids characters that vue-i18n treats as syntax (linked @, plural |)', () => {
    for (const messages of [zhCN, enUS]) {
      for (const key of leafKeys(messages)) {
        expect(leafValue(messages, key) as string, key).not.toMatch(/[@|$%]/);
      }
    }
  });
});

describe('the national topic list (国家政务服务事项主题分类) in the UI', () => {
  it('zh-CN names each topic exactly as the list does; en-US names every topic in English', () => {
    expect(zhCN.topics).toEqual(TOPIC_NAMES);
    expect(Object.keys(enUS.topics).sort()).toEqual(Object.keys(TOPIC_NAMES).sort());
    for (const [code, name] of Object.entries(enUS.topics)) expect(name, code).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
