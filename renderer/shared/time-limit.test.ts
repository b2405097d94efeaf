import { describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { timeLimitText } from './time-limit';

const zh = (key: string, params?: Record<string, string | number>) => i18n.global.t(key, params ?? {}, { locale: 'zh-CN' });
const en = (key: string, params?: Record<string, string | number>) => i18n.global.t(key, params ?? {}, { locale: 'en-US' });

describe('承诺时限 in the UI’s words', () => {
  it('reads in zh-CN as before the words moved to the catalogue', () => {
    expect(timeLimitText({ legalDays: null, promisedDays: 20 }, zh)).toBe('20个工作日');
    expect(timeLimitText({ legalDays: null, promisedDays: 0 }, zh)).toBe('即办');
    expect(timeLimitText({ legalDays: 30, promisedDays: null }, zh)).toBe('法定30日');
    expect(timeLimitText({ legalDays: null, promisedDays: null, note: '例：每年3月31日前申报' }, zh)).toBe('每年3月31日前申报');
    expect(timeLimitText({ legalDays: null, promisedDays: null }, zh)).toBe('以窗口告知为准');
    expect(timeLimitText(null, zh)).toBe('以窗口告知为准');
    expect(timeLimitText(undefined, zh)).toBe('以窗口告知为准');
    expect(timeLimitText({ legalDays: null, promisedDays: null, note: '长'.repeat(100) }, zh)).toHaveLength(60);
  });
  it('reads in en-US without Han (the guide’s own note stays its words)', () => {
    for (const tl of [{ legalDays: null, promisedDays: 20 }, { legalDays: null, promisedDays: 0 }, { legalDays: 30, promisedDays: null }, null]) expect(timeLimitText(tl, en)).not.toMatch(/\p{Script=Han}/u);
    expect(timeLimitText({ legalDays: null, promisedDays: 5 }, en)).toBe('5 working days');
  });
});
