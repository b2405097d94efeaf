/** Strip the trailing U+0020 / NUL padding (and other whitespace) of a card text field. */
export function trimPadding(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c === 0 || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x3000) end--;
    else break;
  }
  return s.slice(0, end);
}
