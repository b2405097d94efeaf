/**
 * Catalog search latency per keystroke over 10k service items (target p95 < 5 ms).
 * Items: the platform's synthetic catalog (pinyin/initials derived with pinyin-pro, as at seed time)
 * plus the 55 demo items. Each query is typed one character at a time, as on the kiosk keyboard,
 * with deletions in between; every keystroke is one timed `searchCatalog` call.
 * Run: node --import tsx bench/kiosk-search.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { demoCatalog, syntheticCatalog } from '../sync/server/seed/catalog';
import { buildSearchIndex, searchCatalog } from '../renderer/catalog/search';
import { median, percentile, report } from './stats';

const N = 10_000;
const items = [...demoCatalog().items, ...syntheticCatalog(N - demoCatalog().items.length)];
const popularity = new Map(items.slice(0, 500).map((it, i) => [it.code, i % 40]));

const t0 = performance.now();
const index = buildSearchIndex(items, { popularity });
const buildMs = performance.now() - t0;

const QUERIES = ['jmyb', 'juminyibao', '居民医保', '城乡居民', 'yanglaobaoxian', 'ylbx', 'shbzk', '社会保障卡', 'dibao', 'canjirenzheng', 'lsjz', '临时救助', 'xse', 'gaoling', 'zhaijidi', 'jiuyedengji'];
const perKey: number[] = [];
const latin: number[] = [];
const han: number[] = [];
let resultCount = 0;
for (let round = 0; round < 6; round++) {
  for (const q of QUERIES) {
    index.last = null;
    const chars = [...q];
    let typed = '';
    const step = (text: string) => {
      const s = performance.now();
      resultCount += searchCatalog(index, text, { limit: 50 }).length;
      const ms = performance.now() - s;
      if (round > 0) {
        perKey.push(ms);
        (/[\u4e00-\u9fff]/.test(text) ? han : latin).push(ms);
      }
    };
    for (const ch of chars) {
      typed += ch;
      step(typed);
    }
    // backspace twice and retype (rescans)
    step(typed.slice(0, -1));
    step(typed.slice(0, -2));
    step(typed);
  }
}

report({
  name: 'kiosk.search.keystroke',
  items: items.length,
  keystrokes: perKey.length,
  p50Ms: median(perKey),
  p95Ms: percentile(perKey, 95),
  maxMs: Math.max(...perKey),
  latinP95Ms: percentile(latin, 95),
  hanP95Ms: percentile(han, 95),
  indexBuildMs: buildMs,
  targetP95Ms: 5,
  pass: percentile(perKey, 95) < 5,
  checksum: resultCount,
});
