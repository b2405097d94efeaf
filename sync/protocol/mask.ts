/**
 * Masking of personal numbers and names wherever the full value is not needed: on screen (kiosk,
 * counter), on paper (receipt slips, PDF receipts) and in the device CLI. One rule set for all:
 * ID numbers keep the first and last four (`3601**********1234`), short numbers keep less;
 * phones keep the first three and last four (`138****5678`); names keep the first character.
 * Pure, no imports: shared by main, renderer and devices.
 */

/** ID number: first 4 and last 4 kept (18 → `3601**********1234`); short numbers keep less. */
export function maskIdNumber(id: string | null | undefined): string {
  const s = (id ?? '').trim();
  if (s.length <= 4) return '*'.repeat(s.length);
  if (s.length < 10) return `${s.slice(0, 1)}${'*'.repeat(s.length - 2)}${s.slice(-1)}`;
  return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
}

/** Mobile phone: `138****5678`. */
export function maskPhone(phone: string | null | undefined): string {
  const s = (phone ?? '').trim();
  return s.length >= 7 ? `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}` : '*'.repeat(s.length);
}

/** Name: the first character kept (`张**`); a one-character name is masked whole. */
export function maskName(name: string | null | undefined): string {
  const chars = [...(name ?? '').trim()];
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
