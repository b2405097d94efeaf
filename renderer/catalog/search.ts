/**
 * Catalog search: Chinese, full pinyin and pinyin initials, tolerant of partial input, ranked by
 * relevance and by how often the service is used at this station.
 *
 * Pure TypeScript (no DOM, no Vue, no pinyin library at run time): the pinyin and initials of each
 * item come precomputed in the `service_items` documents (the platform derives them with pinyin-pro
 * at seed time). Domain abbreviations that are not substrings of any name (居民医保, 社保, 低保…) come
 * from a small alias table with their own pinyin. Shared by the kiosk and the clerk screens.
 *
 *   const index = buildSearchIndex(items, { popularity: new Map([['YB01', 12]]) });
 *   const hits = searchCatalog(index, 'jmyb', { limit: 20 });   // [{ item, score, matched }]
 *   const words = pinyinCandidates(index, 'jm');                  // ['居民医保', '居民', …] for the keyboard
 */

/** The fields search reads from a `service_items` document (structurally a subset of ServiceItemDoc). */
export interface SearchableItem {
  code: string;
  name: string;
  department: string;
  keywords: readonly string[];
  /** Full pinyin without tones, space-separated per character (as the platform derives it). */
  pinyin: string;
  /** Pinyin initials, lowercase, no separators. */
  initials: string;
  topics: readonly string[];
  lifeEvents: readonly string[];
  sortOrder: number;
}

/** A domain abbreviation residents type that is not a substring of the official names. */
export interface CatalogAlias {
  /** The abbreviation in Chinese, e.g. 居民医保. */
  term: string;
  /** Full pinyin without tones or spaces. */
  pinyin: string;
  initials: string;
  /** The alias applies to an item when, for every group, one of its strings occurs in the item's name, department or keywords. */
  allOf: readonly (readonly string[])[];
}

export const DEFAULT_ALIASES: readonly CatalogAlias[] = [
  { term: '居民医保', pinyin: 'juminyibao', initials: 'jmyb', allOf: [['居民'], ['医保', '医疗保险']] },
  { term: '医保', pinyin: 'yibao', initials: 'yb', allOf: [['医保', '医疗保险']] },
  { term: '居民养老', pinyin: 'juminyanglao', initials: 'jmyl', allOf: [['居民'], ['养老']] },
  { term: '社保', pinyin: 'shebao', initials: 'sb', allOf: [['社会保险', '社会保障', '养老保险', '医疗保险']] },
  { term: '社保卡', pinyin: 'shebaoka', initials: 'sbk', allOf: [['社会保障卡']] },
  { term: '低保', pinyin: 'dibao', initials: 'db', allOf: [['最低生活保障', '低保']] },
  { term: '五保', pinyin: 'wubao', initials: 'wb', allOf: [['特困人员']] },
  { term: '残疾证', pinyin: 'canjizheng', initials: 'cjz', allOf: [['残疾人证']] },
  { term: '高龄补贴', pinyin: 'gaolingbutie', initials: 'glbt', allOf: [['高龄']] },
  { term: '准生证', pinyin: 'zhunshengzheng', initials: 'zsz', allOf: [['生育登记']] },
  { term: '新生儿', pinyin: 'xinshenger', initials: 'xse', allOf: [['新生儿', '出生医学证明']] },
  { term: '建房', pinyin: 'jianfang', initials: 'jf', allOf: [['宅基地', '村民住宅']] },
  { term: '退伍', pinyin: 'tuiwu', initials: 'tw', allOf: [['退役']] },
  { term: '打官司', pinyin: 'daguansi', initials: 'dgs', allOf: [['法律援助', '调解']] },
];

export interface SearchOptions {
  /** Uses of each service at this station (applications filed), to rank popular services higher. */
  popularity?: ReadonlyMap<string, number>;
  aliases?: readonly CatalogAlias[];
}

interface Entry<T> {
  item: T;
  /** Lowercase name, department, keywords and alias terms joined with '\u0001'. */
  han: string;
  name: string;
  initials: string;
  /** Pinyin without spaces. */
  pinyin: string;
  /** Start offsets of each syllable in `pinyin`. */
  syllableStarts: Uint16Array;
  /** Alias pinyin and initials, '\u0001'-joined. */
  aliasLatin: string;
  boost: number;
}

export interface SearchIndex<T extends SearchableItem = SearchableItem> {
  readonly entries: readonly Entry<T>[];
  readonly size: number;
  /** Phrases for keyboard candidates: [pinyin, initials, phrase]. */
  readonly phrases: readonly (readonly [string, string, string])[];
  /** The last query and its matching entries, to narrow instead of rescanning while the resident types. */
  last: { query: string; matches: Entry<T>[] } | null;
}

export interface SearchHit<T extends SearchableItem = SearchableItem> {
  item: T;
  score: number;
  /** What matched: 'name', 'keyword', 'pinyin', 'initials', 'alias', 'fuzzy'. */
  matched: MatchKind;
}
export type MatchKind = 'name' | 'keyword' | 'pinyin' | 'initials' | 'alias' | 'fuzzy';

const SEP = '\u0001';
const HAN = /[\u3400-\u9fff]/;

/** Lowercase, full-width to half-width, no spaces or punctuation a resident would not mean. */
export function normalizeQuery(raw: string): string {
  let out = '';
  for (const ch of raw.normalize('NFKC').toLowerCase()) {
    if (/[\s'’·,，。、\-_/]/.test(ch)) continue;
    out += ch;
  }
  return out.replace(/ü/g, 'v');
}

function aliasApplies(alias: CatalogAlias, text: string): boolean {
  return alias.allOf.every((group) => group.some((s) => text.includes(s)));
}

/** Builds the index once per catalog version (≈ 10 ms for 10k items). */
export function buildSearchIndex<T extends SearchableItem>(items: readonly T[], options: SearchOptions = {}): SearchIndex<T> {
  const aliases = options.aliases ?? DEFAULT_ALIASES;
  const pop = options.popularity;
  const phraseMap = new Map<string, readonly [string, string, string]>();
  const entries = items.map((item) => {
    const text = [item.name, item.department, ...item.keywords].join(SEP);
    const applied = aliases.filter((a) => aliasApplies(a, text));
    for (const a of applied) phraseMap.set(a.term, [a.pinyin, a.initials, a.term]);
    const syllables = item.pinyin.toLowerCase().split(/\s+/).filter(Boolean);
    const starts = new Uint16Array(syllables.length);
    let offset = 0;
    syllables.forEach((s, i) => {
      starts[i] = offset;
      offset += s.length;
    });
    const shortName = item.name.replace(/（.*?）|\(.*?\)/g, '');
    phraseMap.set(shortName, [syllables.join(''), item.initials.toLowerCase(), shortName]);
    const uses = pop?.get(item.code) ?? 0;
    return {
      item,
      han: [text, ...applied.map((a) => a.term)].join(SEP).toLowerCase(),
      name: item.name.toLowerCase(),
      initials: item.initials.toLowerCase(),
      pinyin: syllables.join(''),
      syllableStarts: starts,
      aliasLatin: applied.map((a) => `${a.initials}${SEP}${a.pinyin}`).join(SEP),
      // Popularity: logarithmic, capped so that it orders within a relevance class, not across classes.
      boost: Math.min(90, Math.log2(1 + uses) * 15),
    } satisfies Entry<T>;
  });
  return { entries, size: entries.length, phrases: [...phraseMap.values()], last: null };
}

/** Whether `q` is a subsequence of `s` (every character in order); used for typo-tolerant fallbacks. */
function isSubsequence(q: string, s: string): boolean {
  let j = 0;
  for (let i = 0; i < s.length && j < q.length; i++) if (s.charCodeAt(i) === q.charCodeAt(j)) j++;
  return j === q.length;
}

/**
 * Whether `q` reads as initials (or pinyin) of `s` with letters left out, the way residents skip
 * syllables: either every gap is at most 2 letters and at least two typed letters are adjacent
 * (`jmyb` in `cxjmjbylbx`), or it is two runs of at least 2 letters each (`cxjm`…`dj`). A plain
 * subsequence test over a long name's initials matched nonsense (`zzzz` in 符合资助…); this does not.
 * Not monotone in `q` (see `mayMatchLater` for narrowing).
 */
export function isSkippedLettersMatch(q: string, s: string): boolean {
  if (q.length < 2 || q.length > s.length) return false;
  // Two runs of ≥ 2 letters, the second after the first.
  for (let cut = 2; cut <= q.length - 2; cut++) {
    const a = s.indexOf(q.slice(0, cut));
    if (a >= 0 && s.indexOf(q.slice(cut), a + cut) >= 0) return true;
  }
  // Small gaps with at least one adjacent pair (memoized walk: position in s, letters matched, pair seen).
  const memo = new Map<number, boolean>();
  const walk = (i: number, j: number, pair: boolean): boolean => {
    if (j === q.length) return pair;
    const key = (i * 64 + j) * 2 + (pair ? 1 : 0);
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let ok = false;
    for (let k = i + 1; k <= i + 3 && k < s.length && !ok; k++) if (s.charCodeAt(k) === q.charCodeAt(j)) ok = walk(k, j + 1, pair || k === i + 1);
    memo.set(key, ok);
    return ok;
  };
  for (let i = s.indexOf(q[0]!); i >= 0; i = s.indexOf(q[0]!, i + 1)) if (walk(i, 1, false)) return true;
  return false;
}

/** A superset of what a longer query can still match among the skipped-letters rules (monotone). */
function mayMatchLater<T extends SearchableItem>(e: Entry<T>, q: string): boolean {
  return isSubsequence(q, e.initials) || (!!e.aliasLatin && e.aliasLatin.split(SEP).some((a) => isSubsequence(q, a)));
}

/** Relevance of one entry for a normalized query, 0 = no match. */
function scoreEntry<T extends SearchableItem>(e: Entry<T>, q: string, han: boolean): [number, MatchKind] {
  if (han) {
    const inName = e.name.indexOf(q);
    if (inName === 0) return [e.name.length === q.length ? 1000 : 900 - Math.min(50, e.name.length), 'name'];
    if (inName > 0) return [700 - Math.min(60, inName * 3), 'name'];
    const inText = e.han.indexOf(q);
    if (inText >= 0) return [500, 'keyword'];
    if (q.length >= 2 && isSubsequence(q, e.name)) return [200, 'fuzzy'];
    return [0, 'fuzzy'];
  }
  // Latin input: initials, full pinyin (also partial syllables: "jumin", "juminyib"), aliases.
  if (e.initials.startsWith(q)) return [e.initials.length === q.length ? 980 : 860, 'initials'];
  const inPinyin = e.pinyin.indexOf(q);
  if (inPinyin === 0) return [q.length >= 2 ? 880 : 600, 'pinyin'];
  if (e.aliasLatin) {
    // An alias's initials or pinyin starting with the query (any alias, not only the first hit).
    for (let ia = e.aliasLatin.indexOf(q); ia >= 0; ia = e.aliasLatin.indexOf(q, ia + 1)) {
      if (ia === 0 || e.aliasLatin.charCodeAt(ia - 1) === 1) return [820, 'alias'];
    }
  }
  if (q.length >= 2) {
    const ii = e.initials.indexOf(q);
    if (ii > 0) return [680 - Math.min(60, ii * 5), 'initials'];
    if (inPinyin > 0) {
      // A match that starts on a syllable counts more than one inside a syllable.
      let p = inPinyin;
      while (p >= 0) {
        if (onSyllableStart(e.syllableStarts, p)) return [640 - Math.min(60, p), 'pinyin'];
        p = e.pinyin.indexOf(q, p + 1);
      }
      if (q.length >= 3) return [380, 'pinyin'];
    }
    if (q.length >= 3 && isSkippedLettersMatch(q, e.initials)) return [260, 'fuzzy'];
    // Within one alias string (its initials or its pinyin), never across them.
    if (q.length >= 3 && e.aliasLatin && e.aliasLatin.split(SEP).some((a) => isSkippedLettersMatch(q, a))) return [220, 'fuzzy'];
  }
  return [0, 'fuzzy'];
}

function onSyllableStart(starts: Uint16Array, offset: number): boolean {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = starts[mid]!;
    if (v === offset) return true;
    if (v < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Searches the index. A keystroke that extends the previous query only rescans the previous
 * matches (from 3 letters on every rule but the skipped-letters one is monotone: a match for "jmyb"
 * is a match for "jmy"); entries that may still match with skipped letters are kept for that.
 */
export function searchCatalog<T extends SearchableItem>(index: SearchIndex<T>, raw: string, options: { limit?: number } = {}): SearchHit<T>[] {
  const q = normalizeQuery(raw);
  const limit = options.limit ?? 50;
  if (!q) {
    index.last = null;
    return [];
  }
  const han = HAN.test(q);
  const latinPart = han ? q.replace(/[\u3400-\u9fff]+/g, '') : '';
  if (han && latinPart) return searchMixed(index, q, latinPart, limit);
  // Narrowing is exact once every rule is active (latin rules for 2 and 3+ letters differ).
  const prev = index.last;
  const narrow = prev && q.startsWith(prev.query) && HAN.test(prev.query) === han && (han || prev.query.length >= 3);
  const pool = narrow ? prev.matches : index.entries;
  const matches: Entry<T>[] = [];
  const hits: SearchHit<T>[] = [];
  for (const e of pool) {
    const [s, kind] = scoreEntry(e, q, han);
    if (s > 0) {
      matches.push(e);
      hits.push({ item: e.item, score: s + e.boost, matched: kind });
    } else if (!han && q.length >= 3 && mayMatchLater(e, q)) matches.push(e);
  }
  index.last = { query: q, matches };
  hits.sort((a, b) => b.score - a.score || a.item.sortOrder - b.item.sortOrder);
  return hits.length > limit ? hits.slice(0, limit) : hits;
}

/** Chinese and Latin mixed (a candidate picked, then more letters: `居民yb`): both parts must match. */
function searchMixed<T extends SearchableItem>(index: SearchIndex<T>, q: string, latin: string, limit: number): SearchHit<T>[] {
  index.last = null;
  const hanPart = q.replace(/[^\u3400-\u9fff]+/g, '');
  const hits: SearchHit<T>[] = [];
  for (const e of index.entries) {
    const [a, kind] = scoreEntry(e, hanPart, true);
    if (!a) continue;
    const [b] = scoreEntry(e, latin, false);
    if (!b) continue;
    hits.push({ item: e.item, score: (a + b) / 2 + e.boost, matched: kind });
  }
  hits.sort((x, y) => y.score - x.score || x.item.sortOrder - y.item.sortOrder);
  return hits.slice(0, limit);
}

/**
 * Chinese phrases for the on-screen keyboard's candidate bar: catalog names (short form) and alias
 * terms whose initials or full pinyin start with the typed letters. Exact-initials matches first.
 */
export function pinyinCandidates(index: SearchIndex, raw: string, limit = 12): string[] {
  const q = normalizeQuery(raw);
  if (!q || HAN.test(q)) return [];
  const scored: [number, string][] = [];
  for (const [py, ini, phrase] of index.phrases) {
    let s = 0;
    if (ini === q) s = 4;
    else if (py === q) s = 4;
    else if (py.startsWith(q)) s = 3;
    else if (ini.startsWith(q)) s = 2;
    if (s) scored.push([s * 1000 - phrase.length, phrase]);
  }
  scored.sort((a, b) => b[0] - a[0]);
  return scored.slice(0, limit).map(([, p]) => p);
}

export interface SearchHelp {
  /** Topic codes with the most services (browse instead), most first. */
  topics: string[];
  /** Words residents use that find something in this catalog (alias terms), to tap instead. */
  terms: string[];
}

/**
 * What to offer when a search finds nothing: the biggest topics of this catalog and a few common
 * words (from the alias table) that do find services here. Empty lists for an empty catalog.
 */
export function searchHelp<T extends SearchableItem>(index: SearchIndex<T>, options: { topics?: number; terms?: number; aliases?: readonly CatalogAlias[] } = {}): SearchHelp {
  const counts = new Map<string, number>();
  for (const e of index.entries) for (const t of e.item.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
  const topics = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, options.topics ?? 6).map(([t]) => t);
  // Distinct words: one that contains, or is contained in, a word already offered adds nothing.
  const terms: string[] = [];
  for (const a of options.aliases ?? DEFAULT_ALIASES) {
    if (terms.length >= (options.terms ?? 6)) break;
    if (terms.some((t) => t.includes(a.term) || a.term.includes(t))) continue;
    if (index.entries.some((e) => e.han.includes(a.term.toLowerCase()))) terms.push(a.term);
  }
  return { topics, terms };
}

/** Items grouped by a facet for browsing (主题 / 部门 / 一件事), groups and items in catalog order. */
export function groupBy<T extends SearchableItem>(items: readonly T[], facet: 'topics' | 'department' | 'lifeEvents'): Map<string, T[]> {
  const out = new Map<string, T[]>();
  const sorted = [...items].sort((a, b) => a.sortOrder - b.sortOrder);
  for (const item of sorted) {
    const keys = facet === 'department' ? [item.department] : item[facet];
    for (const key of keys.length ? keys : ['其他']) {
      const list = out.get(key);
      if (list) list.push(item);
      else out.set(key, [item]);
    }
  }
  return out;
}

/** 国家政务服务事项主题分类 (面向自然人) names for the codes the catalog uses. */
export const TOPIC_NAMES: Readonly<Record<string, string>> = {
  '005': '生育收养', '010': '户籍办理', '015': '民族宗教', '020': '教育科研', '025': '入伍服役', '030': '就业创业',
  '035': '设立变更', '040': '准营准办', '045': '抵押质押', '050': '职业资格', '055': '行政缴费', '060': '婚姻登记',
  '065': '优待抚恤', '070': '规划建设', '075': '住房保障', '085': '社会保障', '090': '证件办理', '095': '交通出行',
  '110': '消费维权', '115': '公共安全', '120': '司法公证', '130': '环保绿化', '135': '文化体育', '140': '公用事业',
  '145': '医疗卫生', '150': '离职退休', '155': '死亡殡葬', '998': '地方特色', '999': '其他',
};
