/**
 * One-time launch codes for the browser host.
 *
 * The host never hands a browser its bridge credential. It hands it a launch code in the URL
 * fragment (`#launch=<code>`); the page posts the code once to `/__terminal/session` and gets a
 * session credential back as an HttpOnly, SameSite=Strict session cookie scoped to `/__terminal`:
 * never in a URL, a command line or a file, never readable by script. A code is
 * `<minted-at>.<nonce>.<mac>` where mac = HMAC-SHA256(launch key, minted-at.nonce): whoever holds
 * the launch key (the host, or a supervising parent that gave the host its key on stdin, like the
 * e2e harness) can mint codes without asking; every code is accepted once and only within
 * LAUNCH_CODE_TTL_MS of minting.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const LAUNCH_CODE_TTL_MS = 10 * 60_000;
const CODE = /^(\d{13})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;

export function newLaunchKey(): string {
  return randomBytes(32).toString('base64url');
}

/** A launch key as read from stdin: 32 random bytes, base64url. Throws an English error on garbage. */
export function parseLaunchKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!KEY.test(trimmed)) throw new Error('the launch key on stdin must be 32 bytes in base64url (43 characters)');
  return Buffer.from(trimmed, 'base64url');
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(`terminal-launch:${body}`).digest('base64url');
}

export function mintLaunchCode(key: Buffer | string, now = Date.now()): string {
  const k = typeof key === 'string' ? parseLaunchKey(key) : key;
  const body = `${String(now).padStart(13, '0')}.${randomBytes(16).toString('base64url')}`;
  return `${body}.${mac(k, body)}`;
}

export type LaunchRefusal = 'malformed' | 'forged' | 'expired' | 'reused';

/** Checks codes against one key, each accepted once. */
export class LaunchCodes {
  private readonly used = new Map<string, number>();
  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  mint(): string {
    return mintLaunchCode(this.key, this.now());
  }

  /** Accepts a code once: `null` when accepted, else why not. */
  redeem(code: unknown): LaunchRefusal | null {
    const m = typeof code === 'string' ? CODE.exec(code) : null;
    if (!m) return 'malformed';
    const body = `${m[1]}.${m[2]}`;
    const expected = Buffer.from(mac(this.key, body));
    const given = Buffer.from(m[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
    const minted = Number(m[1]);
    const now = this.now();
    // Forget nonces that can no longer be valid anyway, so the set stays small.
    for (const [nonce, at] of this.used) if (now - at > LAUNCH_CODE_TTL_MS * 2) this.used.delete(nonce);
    if (this.used.has(body)) return 'reused';
    if (now - minted > LAUNCH_CODE_TTL_MS || minted - now > 60_000) return 'expired';
    this.used.set(body, minted);
    return null;
  }
}

/**
 * For a program that talks to the bridge itself (tests, a supervisor): redeems the launch code of
 * `url` the way the page does and answers the `Cookie` header value to send with the WebSocket
 * upgrade (with `Origin` set to the host's origin). Throws with the host's answer when refused.
 */
export async function openBridgeSession(url: string): Promise<string> {
  const u = new URL(url);
  const code = new URLSearchParams(u.hash.slice(1)).get('launch') ?? '';
  const r = await fetch(`${u.origin}/__terminal/session`, { method: 'POST', headers: { origin: u.origin, 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  if (r.status !== 204) throw new Error(`the host refused the launch code (${r.status}): ${await r.text()}`);
  const cookie = r.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}
