// The process metrics an operator scrapes: a blocked event loop and the collector's pauses show in
// the scrape that follows them, and the next scrape starts again.
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from './metrics';
import type { StoreCounters } from './replication/repository';

const counters = { pushWritten: 0, pushUnchanged: 0, pushConflicts: 0, pushRejections: 0, pulledDocuments: 0 } as StoreCounters;
const value = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} missing from:\n${text}`);
  return Number(line.slice(name.length + 1));
};
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('process metrics', () => {
  let m: Metrics | null = null;
  afterEach(() => m?.close());

  it('a blocked event loop shows in the next scrape only; collector pauses are counted by kind', async () => {
    m = new Metrics();
    await tick(50);
    m.render(counters, 0); // from here on
    await tick(20);
    const until = performance.now() + 150;
    while (performance.now() < until) {
      /* the event loop blocked for 150 ms */
    }
    await tick(30);
    const after = m.render(counters, 0);
    expect(value(after, 'platform_event_loop_delay_seconds{quantile="1"}')).toBeGreaterThan(0.1);
    await tick(100);
    const quiet = m.render(counters, 0);
    expect(value(quiet, 'platform_event_loop_delay_seconds{quantile="1"}')).toBeLessThan(0.1);
    // Garbage enough for young-generation collections.
    let keep = 0;
    for (let i = 0; i < 200; i++) keep += new Array(100_000).fill(i).length;
    expect(keep).toBe(20_000_000);
    await tick(20); // the collector's entries arrive after the work
    const gc = m.render(counters, 0);
    expect(value(gc, 'platform_gc_pauses_total{kind="minor"}')).toBeGreaterThan(0);
    expect(value(gc, 'platform_gc_pause_seconds_total{kind="minor"}')).toBeGreaterThan(0);
    expect(value(gc, 'platform_gc_pause_longest_seconds')).toBeGreaterThan(0);
    // Every line is a comment or `name{labels} number`.
    for (const line of gc.trim().split('\n')) expect(line).toMatch(/^(# .*|[a-z_]+(\{[^}]*\})? -?\d+(\.\d+)?)$/);
  });
});
