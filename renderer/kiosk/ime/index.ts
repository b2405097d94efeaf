/**
 * The kiosk's pinyin input, wired to its data: the character table from simple-keyboard-layouts and
 * the generated lexicon; a page's own words (the catalog's, on the search page) go first through
 * `withCatalogFirst`. Pages keep their text with the Latin letters still being typed at its end; a
 * picked candidate replaces the letters it covers.
 */
import chinese from 'simple-keyboard-layouts/build/layouts/chinese';
import lexicon from './lexicon.generated.json';
import { createPinyinIme, type ImeCandidate, type ImePhrase, type PinyinIme } from './pinyin-ime';

export type { ImeCandidate, ImePhrase, PinyinIme } from './pinyin-ime';

const table = (chinese as { layoutCandidates?: Record<string, string> }).layoutCandidates ?? {};
const LEXICON = lexicon as unknown as readonly ImePhrase[];

let ime: PinyinIme | null = null;

/** The kiosk's IME (built once on first use, ≈ 10 ms). */
export function kioskIme(): PinyinIme {
  return (ime ??= createPinyinIme(table, LEXICON));
}

/**
 * The lowercase Latin letters at the end of the text: what the resident is still typing in pinyin.
 * Uppercase letters are typed on the ABC layout on purpose (a building 'A栋', a plate) and stay.
 */
export function latinTail(text: string): string {
  return /[a-z]+$/.exec(text)?.[0] ?? '';
}

/** The text with the candidate in place of the letters it covers; letters after those stay. */
export function applyCandidate(text: string, candidate: ImeCandidate): string {
  const tail = latinTail(text);
  const head = text.slice(0, text.length - tail.length);
  return head + candidate.text + tail.slice(candidate.consumed);
}

/** Catalog phrases ranked by the catalog's own search (they replace all typed letters), then the IME's. */
export function withCatalogFirst(catalogPhrases: readonly string[], tail: string, ime: PinyinIme = kioskIme(), limit = 60): ImeCandidate[] {
  const out: ImeCandidate[] = [];
  const seen = new Set<string>();
  for (const c of [...catalogPhrases.map((text) => ({ text, consumed: tail.length })), ...ime.candidates(tail, limit)]) {
    if (seen.has(c.text)) continue;
    seen.add(c.text);
    out.push(c);
  }
  return out.slice(0, limit);
}
