/** Masking of personal numbers on paper and screen (ARCHITECTURE: `3601**********1234`). */

/** ID number: first 4 and last 4 kept (18 → `3601**********1234`); short numbers keep less. */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length <= 4) return '*'.repeat(s.length);
  if (s.length < 10) return `${s.slice(0, 1)}${'*'.repeat(s.length - 2)}${s.slice(-1)}`;
  return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
}

/** Mobile phone: `138****5678`. */
export function maskPhone(phone: string): string {
  const s = phone.trim();
  return s.length >= 7 ? `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}` : '*'.repeat(s.length);
}

/** Name: the family name and the rest masked (`张*`, `欧阳**`→ `欧**` for simplicity: first char kept). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
