/** Small helpers shared by the benchmarks: medians, percentiles, one JSON line per result. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : n);

/** Prints one result as a JSON line and appends it to bench/results/latest.jsonl. */
export function report(result: Record<string, unknown> & { name: string }): void {
  const clean = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, typeof v === 'number' ? round(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? round(x) : x)) : v]));
  const line = JSON.stringify({ ...clean, at: new Date().toISOString() });
  console.log(line);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'latest.jsonl'), `${line}\n`);
}
