/**
 * Chinese line breaking for the PDF documents (pure; tested in linebreak.test.ts).
 *
 * Rules (GB/T 15834 / W3C clreq "禁则", simplified):
 * - a break is allowed between two CJK characters, around a CJK character and Latin text, and at spaces;
 * - Latin words and numbers stay whole (a word longer than the line is cut by characters);
 * - no line starts with closing or pause punctuation (，。、；：？！）》」』】”’…%  and their ASCII forms);
 * - no line ends with opening punctuation (（《「『【“‘).
 * When the next line would start with a forbidden character, the last unit of the current line moves
 * down with it (推出); if that is impossible (a one-unit line) the punctuation hangs at the line end.
 */

/** Characters that may not start a line. */
export const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}｝％～'] );
/** Characters that may not end a line. */
export const NO_LINE_END = new Set([...'（《「『【〔〈“‘([{｛']);

const CJK = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/;

/** Splits text into unbreakable units: single CJK characters or punctuation, Latin words, spaces. */
export function units(text: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of text) {
    if (ch === ' ' || ch === '\t') {
      if (word) out.push(word);
      word = '';
      out.push(' ');
    } else if (CJK.test(ch) || NO_LINE_START.has(ch) || NO_LINE_END.has(ch)) {
      if (word) out.push(word);
      word = '';
      out.push(ch);
    } else {
      word += ch;
    }
  }
  if (word) out.push(word);
  return out;
}

const startsForbidden = (u: string | undefined) => !!u && NO_LINE_START.has([...u][0]!);
const endsForbidden = (u: string | undefined) => !!u && NO_LINE_END.has([...u].at(-1)!);

/**
 * Breaks one paragraph (no newlines) into lines no wider than `maxWidth`, as measured by `width`.
 * Leading spaces of a line are dropped, trailing spaces trimmed.
 */
export function breakLines(text: string, maxWidth: number, width: (s: string) => number): string[] {
  const lines: string[][] = [];
  let line: string[] = [];
  let lineWidth = 0;
  const flush = () => {
    while (line.length && line[line.length - 1] === ' ') line.pop();
    lines.push(line);
    line = [];
    lineWidth = 0;
  };
  const queue = units(text);
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    if (u === ' ' && line.length === 0) continue;
    const w = width(u);
    if (lineWidth + w <= maxWidth || line.length === 0) {
      if (w > maxWidth && line.length === 0 && [...u].length > 1) {
        // A word longer than the line: cut it by characters.
        const chars = [...u];
        let part = '';
        for (const c of chars) {
          if (part && width(part + c) > maxWidth) {
            line.push(part);
            flush();
            part = '';
          }
          part += c;
        }
        line.push(part);
        lineWidth = width(part);
        continue;
      }
      line.push(u);
      lineWidth += w;
      continue;
    }
    // u does not fit: break before it, respecting the rules.
    if (startsForbidden(u)) {
      // Move units down until the new line starts with an allowed character (at most 3; else hang).
      const moved: string[] = [];
      while (line.length > 1 && moved.length < 3 && (moved.length === 0 || startsForbidden(moved[0]))) {
        moved.unshift(line.pop()!);
        if (!startsForbidden(moved[0])) break;
      }
      if (moved.length === 0 || startsForbidden(moved[0])) {
        // Could not find a good split: hang the punctuation at the end of this line.
        line.push(...moved, u);
        flush();
        continue;
      }
      flush();
      line = moved.filter((m, k) => !(k === 0 && m === ' '));
      lineWidth = line.reduce((s, m) => s + width(m), 0);
      line.push(u);
      lineWidth += w;
      continue;
    }
    // Opening punctuation must not end the line: carry it down with the next unit.
    const carry: string[] = [];
    while (line.length > 1 && endsForbidden(line[line.length - 1])) carry.unshift(line.pop()!);
    flush();
    if (u === ' ' && carry.length === 0) continue;
    line = [...carry, u];
    lineWidth = line.reduce((s, m) => s + width(m), 0);
  }
  if (line.length) flush();
  return lines.map((l) => l.join('')).filter((l, i, all) => l.length > 0 || all.length === 1);
}

/** Breaks text with explicit newlines; each paragraph separately. */
export function breakText(text: string, maxWidth: number, width: (s: string) => number): string[] {
  return text.split(/\r?\n/).flatMap((p) => (p.length ? breakLines(p, maxWidth, width) : ['']));
}
