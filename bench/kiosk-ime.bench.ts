/**
 * Pinyin input on the kiosk keyboard: candidates per keystroke while a resident types free text,
 * with the catalog's phrases of 10k service items in the IME (the services page) and without (forms).
 * Pure TypeScript, so Node measures the same code Chromium runs.
 *
 *   node --import tsx bench/kiosk-ime.bench.ts
 */
import { kioskIme } from '../renderer/kiosk/ime';
import type { ImePhrase } from '../renderer/kiosk/ime';
import { percentile, median, report } from './stats';

const SENTENCES = ['shenqingbutie', 'jiangxishengnanchangshinanchangxianliantangzhen', 'paiduishijiantaichangle', 'gongzuorenyuanhennaixin', 'zhangsanfeng', 'nver'];

function keystrokes(ime: ReturnType<typeof kioskIme>, rounds: number): number[] {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const s of SENTENCES) {
      for (let i = 1; i <= s.length; i++) {
        const t0 = performance.now();
        ime.candidates(s.slice(0, i));
        times.push(performance.now() - t0);
      }
    }
  }
  return times;
}

// Worst case: all 10k catalog phrases share the first letter of one of the typed sentences (s).
const catalog: ImePhrase[] = Array.from({ length: 10_000 }, (_, i) => [`shixiang${i}banli`, `sx${i}bl`, `事项${i}办理`] as const);
const t0 = performance.now();
const plain = kioskIme();
const build = performance.now() - t0;
const t1 = performance.now();
const withCatalog = kioskIme(catalog);
const buildCatalog = performance.now() - t1;
keystrokes(plain, 3);
const a = keystrokes(plain, 20);
const b = keystrokes(withCatalog, 20);
report({
  name: 'kiosk.ime.keystroke',
  keystrokes: a.length,
  buildMs: build,
  buildWith10kCatalogMs: buildCatalog,
  p50Ms: median(a),
  p95Ms: percentile(a, 95),
  catalog10kP50Ms: median(b),
  catalog10kP95Ms: percentile(b, 95),
  targetP95Ms: 5,
  pass: percentile(b, 95) < 5,
});
