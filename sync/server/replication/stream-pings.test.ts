// The change stream's pings: streams opened together (a province's terminals reconnecting after a
// restart) are not pinged together. Each stream's first ping comes at a random moment within the
// first interval, then one every interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../protocol/index';
import { startPlatform, type Platform } from '../platform';
import { enroll } from '../test/helpers';

const HEARTBEAT_MS = 1000;

describe('change stream pings', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform({ heartbeatMs: HEARTBEAT_MS });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('streams opened at once get their first pings spread over the interval, then one each interval', async () => {
    const tokens = await Promise.all(Array.from({ length: 12 }, () => enroll(p, '360121200001').then((c) => c.token)));
    const aborts: AbortController[] = [];
    // Per stream: when it was answered, and when each ping came (ms).
    const watch = async (token: string) => {
      const ac = new AbortController();
      aborts.push(ac);
      const res = await fetch(p.url + paths.stream, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
      const opened = performance.now();
      const pings: number[] = [];
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let buf = '';
      while (pings.length < 2) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          if (buf.slice(0, i) === ': ping') pings.push(performance.now() - opened);
          buf = buf.slice(i + 2);
        }
      }
      ac.abort();
      return pings;
    };
    try {
      const all = await Promise.all(tokens.map(watch));
      const firsts = all.map((pings) => pings[0]!);
      for (const pings of all) {
        expect(pings).toHaveLength(2);
        expect(pings[0]!).toBeLessThan(HEARTBEAT_MS + 300);
        expect(pings[1]! - pings[0]!).toBeGreaterThan(HEARTBEAT_MS - 100);
        expect(pings[1]! - pings[0]!).toBeLessThan(HEARTBEAT_MS + 500);
      }
      // Twelve uniform draws over 1 s all within 250 ms of each other: about 3 in a million.
      expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThan(250);
    } finally {
      for (const ac of aborts) ac.abort();
    }
  });
});
