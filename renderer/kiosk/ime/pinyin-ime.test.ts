import { describe, expect, it } from 'vitest';
import { createPinyinIme, normalizePinyin } from './pinyin-ime';
import { applyCandidate, kioskIme, latinTail, withCatalogFirst } from './index';

const texts = (cs: { text: string }[]) => cs.map((c) => c.text);

describe('pinyin input (kiosk on-screen keyboard)', () => {
  const ime = kioskIme();

  it('segments pinyin into syllables, longest first, with a half-typed last syllable', () => {
    expect(ime.segment('nanchangxian')).toEqual(['nan', 'chang', 'xian']);
    expect(ime.segment('xian')).toEqual(['xian']);
    expect(ime.segment('zhangs')).toEqual(['zhang', 's']);
    expect(ime.segment('fangan')).toEqual(['fang', 'an']);
    expect(ime.segment('nver')).toEqual(['nv', 'er']);
    expect(ime.segment('')).toEqual([]);
    expect(ime.segment('qqq')).toBeNull();
  });

  it('offers single characters of the first syllable, most common first', () => {
    const cs = ime.candidates('zhang');
    expect(texts(cs)).toContain('张');
    expect(cs.find((c) => c.text === '张')!.consumed).toBe(5);
    expect(texts(ime.candidates('wo'))[0]).toBe('我');
    expect(texts(ime.candidates('lv'))).toContain('绿');
  });

  it('offers whole words from the lexicon and lets a long input be picked in pieces', () => {
    expect(texts(ime.candidates('nanchangxian'))[0]).toBe('南昌县');
    const long = ime.candidates('nanchangxianwo');
    expect(long[0]).toEqual({ text: '南昌县', consumed: 12 });
    expect(texts(long)).toContain('南昌');
    expect(texts(long)).toContain('南');
    expect(texts(ime.candidates('duchangxian'))[0]).toBe('都昌县');
    expect(texts(ime.candidates('yanshanxian'))[0]).toBe('铅山县');
  });

  it('matches words by initials and by a half-typed word', () => {
    expect(texts(ime.candidates('gzry'))).toContain('工作人员');
    expect(texts(ime.candidates('gongzuoren'))).toContain('工作人员');
    expect(texts(ime.candidates('zh')).length).toBeGreaterThan(10);
  });

  it('puts catalog phrases before the general lexicon', () => {
    expect(texts(withCatalogFirst(['居民医保'], 'jmyb'))[0]).toBe('居民医保');
    expect(texts(withCatalogFirst(['居民'], 'jumin'))[0]).toBe('居民');
  });

  it('replaces only the letters a candidate covers', () => {
    expect(latinTail('江西省nanchangxian')).toBe('nanchangxian');
    // Letters typed on the ABC layout are meant as letters, not pinyin.
    expect(latinTail('3号楼A')).toBe('');
    expect(latinTail('B座dong')).toBe('dong');
    expect(applyCandidate('江西省nanchangxian', { text: '南昌', consumed: 8 })).toBe('江西省南昌xian');
    expect(applyCandidate('江西省南昌xian', { text: '县', consumed: 4 })).toBe('江西省南昌县');
    expect(applyCandidate('12号', { text: '号', consumed: 0 })).toBe('12号号');
  });

  it('survives garbage: odd characters, huge input, hostile table entries', () => {
    expect(ime.candidates('')).toEqual([]);
    expect(ime.candidates('!!!###')).toEqual([]);
    expect(ime.candidates('ZHANG')[0]!.consumed).toBe(5);
    expect(normalizePinyin('Nü ér')).toBe('nver');
    const huge = 'zhang'.repeat(2000);
    const cs = ime.candidates(huge, 8);
    expect(cs.length).toBeLessThanOrEqual(8);
    expect(cs[0]!.consumed).toBeLessThanOrEqual(huge.length);
    for (let i = 0; i < 2000; i++) {
      const s = Array.from({ length: 1 + (i % 25) }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
      for (const c of ime.candidates(s)) {
        expect(c.consumed).toBeGreaterThan(0);
        expect(c.consumed).toBeLessThanOrEqual(s.length);
        expect(c.text.length).toBeGreaterThan(0);
      }
    }
    const odd = createPinyinIme({ '': '一', toolongsyllable: '二', 'a b': '三', ni: '你  你 尼' }, [['', '', ''], ['ni', 'n', '你']]);
    expect(texts(odd.candidates('ni'))).toEqual(['你', '尼']);
  });
});
