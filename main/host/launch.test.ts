import { describe, expect, it } from 'vitest';
import { LAUNCH_CODE_TTL_MS, LaunchCodes, mintLaunchCode, newLaunchKey, parseLaunchKey } from './launch';

describe('launch codes', () => {
  it('accepts a code once, from the same key only, within its lifetime', () => {
    let now = 1_800_000_000_000;
    const key = parseLaunchKey(newLaunchKey());
    const codes = new LaunchCodes(key, () => now);
    const a = codes.mint();
    expect(codes.redeem(a)).toBeNull();
    expect(codes.redeem(a)).toBe('reused');
    // A supervisor holding the key mints codes the host accepts.
    expect(codes.redeem(mintLaunchCode(key, now))).toBeNull();
    // Another key's code, a changed mac, a changed time: forged.
    expect(codes.redeem(mintLaunchCode(newLaunchKey(), now))).toBe('forged');
    const b = codes.mint();
    expect(codes.redeem(`${b.slice(0, -1)}${b.endsWith('A') ? 'B' : 'A'}`)).toBe('forged');
    expect(codes.redeem(b.replace(/^\d{13}/, String(now + 1)))).toBe('forged');
    expect(codes.redeem(b)).toBeNull();
    const late = codes.mint();
    now += LAUNCH_CODE_TTL_MS + 1;
    expect(codes.redeem(late)).toBe('expired');
    expect(codes.redeem(mintLaunchCode(key, now + 5 * 60_000))).toBe('expired'); // from the future
  });

  it('refuses garbage as malformed, and garbage keys with a clear error', () => {
    const codes = new LaunchCodes(parseLaunchKey(newLaunchKey()));
    for (const g of [undefined, null, 42, {}, '', 'x'.repeat(5000), '1.2.3', '\u0000', 'a.b.c'.repeat(30)]) expect(codes.redeem(g)).toBe('malformed');
    for (const k of ['', 'short', 'A'.repeat(44), '!'.repeat(43), '\u00ff'.repeat(43)]) expect(() => parseLaunchKey(k)).toThrow(/launch key on stdin must be 32 bytes/);
  });
});
