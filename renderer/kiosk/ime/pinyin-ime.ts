/**
 * Pinyin input for the kiosk's on-screen keyboard: turns the Latin letters a resident typed into
 * Chinese candidates, so free text (an address, a reason, a comment) can be written without a
 * physical keyboard or an OS input method.
 *
 * Pure TypeScript, no DOM. The character table (syllable → characters, most common first) comes
 * from simple-keyboard-layouts' Chinese layout; phrases come from the catalog (service names and
 * aliases) and a small lexicon of place names and words residents write on forms
 * (`lexicon.generated.json`, made by `scripts/gen-ime-lexicon.mjs` with pinyin-pro).
 *
 * A candidate says how many of the typed letters it replaces (`consumed`), so a resident can type
 * a whole word in pinyin ("nanchangxian") and pick it in pieces (南昌 then 县), as with any IME.
 *
 *   const ime = createPinyinIme(table, phrases);
 *   ime.candidates('nanchang');   // [{ text: '南昌', consumed: 8 }, { text: '南', consumed: 3 }, …]
 */

export interface ImeCandidate {
  text: string;
  /** How many letters from the start of the typed pinyin this candidate replaces. */
  consumed: number;
}

/** A phrase: [pinyin without spaces or tones (ü as v), initials, the phrase]. */
export type ImePhrase = readonly [string, string, string];

export interface PinyinIme {
  /** Candidates for the typed letters, best first, at most `limit`. */
  candidates(input: string, limit?: number): ImeCandidate[];
  /** Splits letters into syllables; the last one may be incomplete. Null when they are not pinyin. */
  segment(input: string): string[] | null;
}

const MAX_SYLLABLE = 6;

export function normalizePinyin(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/ü|u:/g, 'v')
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
}

export function createPinyinIme(table: Readonly<Record<string, string>>, phrases: Iterable<ImePhrase> = []): PinyinIme {
  const chars = new Map<string, string[]>();
  for (const [syllable, list] of Object.entries(table)) {
    const key = normalizePinyin(syllable);
    if (!key || key.length > MAX_SYLLABLE) continue;
    const seen = new Set(chars.get(key) ?? []);
    for (const ch of list.split(/\s+/)) if (ch) seen.add(ch);
    chars.set(key, [...seen]);
  }
  // Every prefix of a syllable → the syllables it can still become (for half-typed input).
  const byPrefix = new Map<string, string[]>();
  for (const s of chars.keys()) {
    for (let i = 1; i <= s.length; i++) {
      const p = s.slice(0, i);
      const list = byPrefix.get(p);
      if (list) list.push(s);
      else byPrefix.set(p, [s]);
    }
  }
  for (const list of byPrefix.values()) list.sort((a, b) => a.length - b.length || a.localeCompare(b));

  // Phrases by first letter: every way a phrase can match starts with the input's first letter.
  const phrasesByLetter = new Map<string, ImePhrase[]>();
  const phraseSeen = new Set<string>();
  for (const [rawPinyin, initials, text] of phrases) {
    const pinyin = normalizePinyin(rawPinyin);
    const key = `${text}\u0001${pinyin}`;
    if (!text || !pinyin || phraseSeen.has(key)) continue;
    phraseSeen.add(key);
    const bucket = phrasesByLetter.get(pinyin[0]!);
    const entry = [pinyin, normalizePinyin(initials), text] as const;
    if (bucket) bucket.push(entry);
    else phrasesByLetter.set(pinyin[0]!, [entry]);
  }

  function segment(input: string): string[] | null {
    const s = normalizePinyin(input);
    if (!s) return [];
    // Whole syllables only if the letters allow it (nver → nv er, not nve r), else a half-typed last one.
    const split = (allowPartial: boolean): string[] | null => {
      const memo = new Map<number, string[] | null>();
      const from = (i: number): string[] | null => {
        if (i === s.length) return [];
        const hit = memo.get(i);
        if (hit !== undefined) return hit;
        let result: string[] | null = null;
        // Longest syllable first (xian, not xi+an).
        for (let len = Math.min(MAX_SYLLABLE, s.length - i); len >= 1 && !result; len--) {
          const piece = s.slice(i, i + len);
          if (!chars.has(piece)) continue;
          const rest = from(i + len);
          if (rest) result = [piece, ...rest];
        }
        if (!result && allowPartial && byPrefix.has(s.slice(i))) result = [s.slice(i)];
        memo.set(i, result);
        return result;
      };
      return from(0);
    };
    return split(false) ?? split(true);
  }

  /** Characters for a syllable, or for every syllable a half-typed one can become (interleaved). */
  function charsFor(piece: string): string[] {
    const exact = chars.get(piece);
    if (exact) return exact;
    const lists = (byPrefix.get(piece) ?? []).map((s) => chars.get(s) ?? []);
    const out: string[] = [];
    for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
    return out;
  }

  function candidates(input: string, limit = 60): ImeCandidate[] {
    const s = normalizePinyin(input);
    if (!s) return [];
    const seg = segment(s);
    const boundaries = new Set<number>();
    if (seg) {
      let at = 0;
      for (const p of seg) boundaries.add((at += p.length));
    }
    const whole: ImeCandidate[] = [];
    const byInitials: ImeCandidate[] = [];
    const partial: ImeCandidate[] = [];
    const leading: ImeCandidate[] = [];
    for (const [pinyin, initials, text] of phrasesByLetter.get(s[0]!) ?? []) {
      if (pinyin === s) whole.push({ text, consumed: s.length });
      else if (s.length >= 2 && initials === s) byInitials.push({ text, consumed: s.length });
      else if (s.length >= 2 && pinyin.startsWith(s)) partial.push({ text, consumed: s.length });
      // The phrase covers the first syllables of a longer input: pick it, keep typing the rest.
      else if (pinyin.length < s.length && s.startsWith(pinyin) && boundaries.has(pinyin.length)) leading.push({ text, consumed: pinyin.length });
    }
    leading.sort((a, b) => b.consumed - a.consumed);
    partial.sort((a, b) => a.text.length - b.text.length);
    const single: ImeCandidate[] = [];
    const first = seg?.[0];
    if (first) for (const ch of charsFor(first)) single.push({ text: ch, consumed: first.length });
    const out: ImeCandidate[] = [];
    const seen = new Set<string>();
    for (const c of [...whole, ...leading, ...byInitials, ...single.slice(0, 3), ...partial, ...single.slice(3)]) {
      if (seen.has(c.text)) continue;
      seen.add(c.text);
      out.push(c);
      if (out.length >= limit) break;
    }
    return out;
  }

  return { candidates, segment };
}
