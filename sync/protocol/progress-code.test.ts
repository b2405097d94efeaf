import { describe, expect, it } from 'vitest';
import { isProgressUrlTemplate, parseProgressCode, progressCode } from './progress-code';
import { timeLimitWords } from './time-limit';

const ID = '019a1b2c-3d4e-7f00-8a00-0123456789ab';

describe('受理回执 QR: progress URL or TT1', () => {
  it('makes the province URL from a template, TT1 without one', () => {
    expect(progressCode(ID, 'https://zw.example.gov.cn/progress?id={id}')).toBe(`https://zw.example.gov.cn/progress?id=${ID}`);
    expect(progressCode(ID)).toBe(`TT1:${ID}`);
    expect(progressCode(ID, 'javascript:alert({id})')).toBe(`TT1:${ID}`);
  });

  it('the scanner reads both forms', () => {
    expect(parseProgressCode(`TT1:${ID}`)).toBe(ID);
    expect(parseProgressCode(`tt1:${ID.toUpperCase()}\n`)).toBe(ID);
    expect(parseProgressCode(`https://zw.example.gov.cn/progress?id=${ID}`)).toBe(ID);
    expect(parseProgressCode(`  http://10.1.2.3:8080/p/progress?lang=zh&id=${ID.toUpperCase()}  `)).toBe(ID);
    expect(parseProgressCode(`https://zw.example.gov.cn/progress/${ID}`)).toBe(ID);
    expect(parseProgressCode(ID)).toBe(ID);
    expect(parseProgressCode(progressCode(ID, 'https://zw.example.gov.cn/progress?id={id}'))).toBe(ID);
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['garbage', 'zzzz'],
    ['TT1 without an id', 'TT1:'],
    ['TT1 with a non-v7 uuid', 'TT1:019a1b2c-3d4e-4f00-8a00-0123456789ab'],
    ['TT1 with trailing junk', `TT1:${ID}x`],
    ['a URL without an id', 'https://zw.example.gov.cn/progress'],
    ['a URL with a bad id', 'https://zw.example.gov.cn/progress?id=123'],
    ['another scheme', `ftp://zw.example.gov.cn/progress?id=${ID}`],
    ['javascript', `javascript:alert('${ID}')`],
    ['a WeChat payment code', 'wxp://f2f0abcdefg'],
    ['very long', `https://x.cn/?id=${ID}&${'a'.repeat(600)}`],
  ])('refuses %s', (_what, text) => {
    expect(parseProgressCode(text)).toBeNull();
  });

  it('templates must be http(s) with one {id}', () => {
    expect(isProgressUrlTemplate('https://zw.example.gov.cn/progress?id={id}')).toBe(true);
    expect(isProgressUrlTemplate('https://zw.example.gov.cn/progress')).toBe(false);
    expect(isProgressUrlTemplate('https://x.cn/{id}/{id}')).toBe(false);
    expect(isProgressUrlTemplate('file:///etc/{id}')).toBe(false);
    expect(isProgressUrlTemplate('https://user:pw@x.cn/?id={id}')).toBe(false);
    expect(isProgressUrlTemplate('not a url {id}')).toBe(false);
  });
});

describe('承诺时限 from the service guide', () => {
  // The words: renderer/shared/time-limit.test.ts reads these in zh-CN as before.
  it('is the real limit, never 即办 for a stated deadline', () => {
    expect(timeLimitWords({ legalDays: null, promisedDays: 20 })).toEqual({ key: 'promised', days: 20 });
    expect(timeLimitWords({ legalDays: null, promisedDays: 0 })).toEqual({ key: 'instant' });
    expect(timeLimitWords({ legalDays: 30, promisedDays: null })).toEqual({ key: 'legal', days: 30 });
    expect(timeLimitWords({ legalDays: 0, promisedDays: null })).toEqual({ key: 'instant' });
    expect(timeLimitWords({ legalDays: null, promisedDays: null, note: '例：每年3月31日前申报' })).toEqual({ key: 'note', note: '每年3月31日前申报' });
    expect(timeLimitWords({ legalDays: null, promisedDays: null })).toEqual({ key: 'unknown' });
    expect(timeLimitWords({ legalDays: null, promisedDays: null, note: '  ' })).toEqual({ key: 'unknown' });
    expect(timeLimitWords(null)).toEqual({ key: 'unknown' });
    const long = timeLimitWords({ legalDays: null, promisedDays: null, note: '长'.repeat(100) });
    expect(long.key === 'note' && long.note.length).toBe(60);
  });
});
