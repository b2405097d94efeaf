/**
 * Pinyin input on the kiosk keyboard: candidates per keystroke while a resident types, as the pages
 * compute them (TextKeyboard): on a form or the 好差评 comment the IME alone; on the search page the
 * catalog's words for the typed letters first (`pinyinCandidates` over a 10k-item search index, the
 * same catalog as bench/kiosk-search.bench.ts), then the IME. Pure TypeScript, so Node measures the
 * same code Chromium runs.
 *
 *   node --import tsx bench/kiosk-ime.bench.ts
 */
import { demoCatalog, syntheticCatalog } from '../sync/server/seed/catalog';
import { buildSearchIndex, pinyinCandidates } from '../renderer/catalog/search';
import { kioskIme, latinTail, withCatalogFirst } from '../renderer/kiosk/ime';
import { median, percentile, report } from './stats';

const SENTENCES = ['shenqingbutie', 'jiangxishengnanchangshinanchangxianliantangzhen', 'paiduishijiantaichangle', 'gongzuorenyuanhennaixin', 'zhangsanfeng', 'nver', 'jmyb', 'juminyibao'];

function keystrokes(candidatesFor: (text: string) => unknown, rounds: number): number[] {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const s of SENTENCES) {
      for (let i = 1; i <= s.length; i++) {
        const t0 = performance.now();
        candidatesFor(s.slice(0, i));
        times.push(performance.now() - t0);
      }
    }
  }
  return times;
}

const t0 = performance.now();
const ime = kioskIme();
const build = performance.now() - t0;
const items = [...demoCatalog().items, ...syntheticCatalog(10_000 - demoCatalog().items.length)];
const index = buildSearchIndex(items);

const formPage = (text: string) => ime.candidates(latinTail(text));
const searchPage = (text: string) => {
  const tail = latinTail(text);
  return withCatalogFirst(pinyinCandidates(index, tail, 8), tail);
};
keystrokes(formPage, 3);
keystrokes(searchPage, 3);
const a = keystrokes(formPage, 20);
const b = keystrokes(searchPage, 20);
report({
  name: 'kiosk.ime.keystroke',
  keystrokes: a.length,
  buildMs: build,
  p50Ms: median(a),
  p95Ms: percentile(a, 95),
  searchPage10kP50Ms: median(b),
  searchPage10kP95Ms: percentile(b, 95),
  targetP95Ms: 5,
  pass: percentile(b, 95) < 5,
});
