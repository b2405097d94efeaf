import { describe, expect, it } from 'vitest';
import { pinyin } from 'pinyin-pro';
import { buildSearchIndex, groupBy, normalizeQuery, pinyinCandidates, searchCatalog, searchHelp, type SearchableItem } from './search';

// The platform derives pinyin and initials the same way at seed time (sync/server/seed/catalog.ts).
function item(code: string, name: string, department: string, sortOrder: number, extra: Partial<SearchableItem> = {}): SearchableItem {
  const short = name.replace(/（.*?）/g, '').replace(/[^\u4e00-\u9fffA-Za-z0-9]/g, '');
  const full = pinyin(short, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.toLowerCase());
  const first = pinyin(short, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.toLowerCase());
  return { code, name, department, keywords: [department, short], pinyin: full.join(' '), initials: first.join(''), topics: ['085'], lifeEvents: [], sortOrder, ...extra };
}

const ITEMS: SearchableItem[] = [
  item('MZ01', '最低生活保障（申请/审核确认）', '民政', 10, { lifeEvents: ['救助'] }),
  item('RS01', '城乡居民基本养老保险参保登记', '人社', 20, { lifeEvents: ['养老'] }),
  item('YB01', '城乡居民参保登记（含新生儿）', '医保', 30, { topics: ['085', '145'], lifeEvents: ['出生', '就医'] }),
  item('YB02', '城乡居民参保信息变更登记', '医保', 40),
  item('YB04', '符合资助条件的救助对象参加城乡居民基本医疗保险个人缴费补贴', '医保', 50),
  item('YB07', '医保电子凭证申领', '医保', 60),
  item('RS08', '社会保障卡申领', '人社', 70, { topics: ['090'] }),
  item('CL01', '残疾人证新办', '残联', 80, { topics: ['090'] }),
  item('MZ03', '临时救助', '民政', 90, { lifeEvents: ['救助'] }),
];

const codes = (hits: { item: SearchableItem }[]) => hits.map((h) => h.item.code);

describe('catalog search', () => {
  it('finds 居民医保 items by the initials jmyb (alias), first of all', () => {
    const index = buildSearchIndex(ITEMS);
    const hits = searchCatalog(index, 'jmyb');
    expect(codes(hits).slice(0, 3).sort()).toEqual(['YB01', 'YB02', 'YB04']);
    // 城乡居民基本养老保险 matches only as a skipped-letters fallback: ranked below every 医保 item
    expect(codes(hits).indexOf('RS01')).toBeGreaterThan(2);
    expect(hits.find((h) => h.item.code === 'YB01')?.matched).toBe('alias');
  });

  it('accepts Chinese, full pinyin, partial pinyin and initials', () => {
    const index = buildSearchIndex(ITEMS);
    expect(codes(searchCatalog(index, '临时救助'))[0]).toBe('MZ03');
    expect(codes(searchCatalog(index, 'linshijiuzhu'))[0]).toBe('MZ03');
    expect(codes(searchCatalog(index, 'linshi'))[0]).toBe('MZ03');
    expect(codes(searchCatalog(index, 'lsjz'))[0]).toBe('MZ03');
    expect(codes(searchCatalog(index, '低保'))[0]).toBe('MZ01');
    expect(codes(searchCatalog(index, 'dibao'))[0]).toBe('MZ01');
    expect(codes(searchCatalog(index, 'sbk'))[0]).toBe('RS08');
    expect(codes(searchCatalog(index, '残疾证'))[0]).toBe('CL01');
    expect(codes(searchCatalog(index, '居民'))).toEqual(expect.arrayContaining(['RS01', 'YB01', 'YB02', 'YB04']));
  });

  it('accepts Chinese followed by letters (a candidate picked, then more typing)', () => {
    const index = buildSearchIndex(ITEMS);
    const hits = codes(searchCatalog(index, '居民yb'));
    expect(hits.slice(0, 3).sort()).toEqual(['YB01', 'YB02', 'YB04']);
    expect(codes(searchCatalog(index, '临时jz'))).toEqual(['MZ03']);
  });

  it('ignores case, spaces, full-width letters and apostrophes', () => {
    expect(normalizeQuery(' ＪＭ yb ')).toBe('jmyb');
    expect(normalizeQuery("xi'an")).toBe('xian');
    const index = buildSearchIndex(ITEMS);
    expect(codes(searchCatalog(index, 'LIN SHI'))[0]).toBe('MZ03');
  });

  it('tolerates partial input and skipped letters', () => {
    const index = buildSearchIndex(ITEMS);
    // "cxjmdj": initials of 城乡居民…登记 with letters skipped
    expect(codes(searchCatalog(index, 'cxjmdj'))).toEqual(expect.arrayContaining(['RS01', 'YB01', 'YB02']));
    // A typed syllable inside the name
    expect(codes(searchCatalog(index, 'canbao'))).toEqual(expect.arrayContaining(['YB01', 'YB02']));
  });

  it('ranks popular services at this station higher within the same relevance', () => {
    const plain = searchCatalog(buildSearchIndex(ITEMS), 'jmyb');
    const popular = searchCatalog(buildSearchIndex(ITEMS, { popularity: new Map([['YB04', 50]]) }), 'jmyb');
    expect(codes(plain)[0]).not.toBe('YB04');
    expect(codes(popular)[0]).toBe('YB04');
    // Popularity never lifts a weak match over an exact name match
    const hits = searchCatalog(buildSearchIndex(ITEMS, { popularity: new Map([['YB01', 10_000]]) }), '临时救助');
    expect(codes(hits)[0]).toBe('MZ03');
  });

  it('narrows incrementally with the same results as a fresh search', () => {
    const index = buildSearchIndex(ITEMS);
    let typed = '';
    for (const ch of 'juminyibao') {
      typed += ch;
      const incremental = codes(searchCatalog(index, typed));
      const fresh = codes(searchCatalog(buildSearchIndex(ITEMS), typed));
      expect(incremental).toEqual(fresh);
    }
    // Deleting a letter rescans
    expect(codes(searchCatalog(index, 'jumi'))).toEqual(codes(searchCatalog(buildSearchIndex(ITEMS), 'jumi')));
  });

  it('returns nothing for an empty query and caps the result count', () => {
    const index = buildSearchIndex(ITEMS);
    expect(searchCatalog(index, '  ')).toEqual([]);
    expect(searchCatalog(index, 'c', { limit: 2 })).toHaveLength(2);
  });

  it('offers Chinese candidates for typed pinyin (keyboard candidate bar)', () => {
    const index = buildSearchIndex(ITEMS);
    expect(pinyinCandidates(index, 'jmyb')[0]).toBe('居民医保');
    expect(pinyinCandidates(index, 'linshi')).toContain('临时救助');
    expect(pinyinCandidates(index, '临时')).toEqual([]);
  });

  it('groups by topic, department and life event', () => {
    const byDept = groupBy(ITEMS, 'department');
    expect(byDept.get('医保')?.map((i) => i.code)).toEqual(['YB01', 'YB02', 'YB04', 'YB07']);
    expect(groupBy(ITEMS, 'topics').get('090')?.map((i) => i.code)).toEqual(['RS08', 'CL01']);
    expect(groupBy(ITEMS, 'lifeEvents').get('救助')?.map((i) => i.code)).toEqual(['MZ01', 'MZ03']);
  });
});

describe('catalog search: nonsense and skipped letters', () => {
  // The whole demo catalog, as the kiosk has it after a sync.
  const demo = import('../../sync/server/seed/catalog').then((m) => m.demoCatalog().items);

  it('returns nothing for keyboard mash and repeated letters (zzzz matched 生育登记 before)', async () => {
    const index = buildSearchIndex(await demo);
    for (const q of ['zzzz', 'zzz', 'xxxx', 'yyyy', 'bbbb', 'qqqq', 'asdf', 'qwer', 'hhhh', 'ddd', 'zzzzzzzzzz']) expect({ q, hits: codes(searchCatalog(index, q)) }).toEqual({ q, hits: [] });
  });

  it('still finds real queries over the whole catalog', async () => {
    const items = await demo;
    const index = buildSearchIndex(items);
    const name = (code: string) => items.find((i) => i.code === code)!.name;
    expect(name(codes(searchCatalog(index, 'glbt'))[0]!)).toContain('高龄津贴');
    expect(name(codes(searchCatalog(index, 'dibao'))[0]!)).toContain('最低生活保障');
    expect(name(codes(searchCatalog(index, 'gljt'))[0]!)).toContain('高龄津贴');
  });

  it('narrowing keeps entries a longer query can still match with skipped letters', () => {
    const index = buildSearchIndex(ITEMS);
    let incremental: string[] = [];
    for (let i = 1; i <= 'cxjmdj'.length; i++) incremental = codes(searchCatalog(index, 'cxjmdj'.slice(0, i)));
    expect(incremental).toEqual(codes(searchCatalog(buildSearchIndex(ITEMS), 'cxjmdj')));
    expect(incremental).toEqual(expect.arrayContaining(['RS01', 'YB01', 'YB02']));
  });
});

describe('searchHelp (a search found nothing)', () => {
  it('offers the biggest topics and words that do find something here', () => {
    const index = buildSearchIndex(ITEMS);
    expect(searchHelp(index).terms.length).toBeLessThanOrEqual(6);
    const help = searchHelp(index, { terms: 20 });
    expect(help.topics[0]).toBe('085');
    expect(help.topics).toContain('090');
    expect(help.terms).toEqual(expect.arrayContaining(['居民医保', '低保', '社保', '残疾证']));
    // distinct words only (医保 is in 居民医保, 社保 in 社保卡)
    expect(help.terms).not.toContain('医保');
    expect(help.terms).not.toContain('社保卡');
    for (const term of help.terms) expect(searchCatalog(buildSearchIndex(ITEMS), term).length).toBeGreaterThan(0);
    // nothing that would not help: 高龄补贴 has no item in this small catalog
    expect(help.terms).not.toContain('高龄补贴');
    expect(searchHelp(buildSearchIndex([]))).toEqual({ topics: [], terms: [] });
  });
});
