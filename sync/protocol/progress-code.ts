/**
 * What a 受理回执's QR code holds, and how the kiosk's scanner reads it back.
 *
 * - The province's progress URL with the application id (`https://…/progress?id=<uuid>`): a
 *   resident's phone opens it. The template comes from the terminal configuration (`progressUrl`,
 *   with `{id}`), by default `<platform url>/progress?id={id}`.
 * - `TT1:<uuid>`: the terminal's own form, printed when no URL is configured (demo mode) and on
 *   receipts printed before; the kiosk still reads it.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is `template` a usable progress URL template: http(s), with exactly one `{id}`? */
export function isProgressUrlTemplate(template: string): boolean {
  if (typeof template !== 'string' || template.length > 300 || template.split('{id}').length !== 2) return false;
  try {
    const u = new URL(template.replace('{id}', '00000000-0000-7000-8000-000000000000'));
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The QR payload for an application: the URL when a valid template is given, else `TT1:<id>`. */
export function progressCode(applicationId: string, template?: string | null): string {
  return template && isProgressUrlTemplate(template) ? template.replace('{id}', encodeURIComponent(applicationId)) : `TT1:${applicationId}`;
}

/**
 * The application id a scanned code carries, or null: `TT1:<uuid>`, the bare 办件编号, or an http(s) URL whose `id`
 * query parameter (or last path segment) is a UUIDv7. Anything else (garbage, another QR code, a
 * URL without an id) is null. Scanners may add whitespace or a trailing newline.
 */
export function parseProgressCode(scanned: string): string | null {
  if (typeof scanned !== 'string') return null;
  const s = scanned.trim();
  if (!s || s.length > 500) return null;
  if (UUID.test(s)) return s.toLowerCase(); // the 办件编号 as printed, typed or scanned alone
  const tt = /^TT1:(.+)$/i.exec(s);
  if (tt) return UUID.test(tt[1]!) ? tt[1]!.toLowerCase() : null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const fromQuery = u.searchParams.get('id');
  if (fromQuery !== null) return UUID.test(fromQuery) ? fromQuery.toLowerCase() : null;
  const last = decodeURIComponent(u.pathname.split('/').filter(Boolean).at(-1) ?? '');
  return UUID.test(last) ? last.toLowerCase() : null;
}
