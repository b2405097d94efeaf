/**
 * Popularity at this station for the kiosk's search ranking: applications filed at this terminal per
 * service item (drafts excluded), counted from the stored documents by renderer/db/counts.ts.
 *
 * Counting reads every stored application (≈ 0.4 s at 10k), so the counts have their own cache,
 * longer-lived than the catalog's: recounted at most every POPULARITY_MAX_AGE_MS, and right after
 * `invalidate()` (this kiosk filed an application, so the resident's own submission counts).
 */
import type { SummaryRow } from '../db/counts';

/** How long counted popularity is used before it is counted again. */
export const POPULARITY_MAX_AGE_MS = 10 * 60_000;

/** Uses of each service item: the counts of every status but `draft`, summed. */
export function popularityFromCounts(rows: readonly SummaryRow[]): Map<string, number> {
  const popularity = new Map<string, number>();
  for (const row of rows) {
    if (row.status !== 'draft') popularity.set(row.service, (popularity.get(row.service) ?? 0) + row.count);
  }
  return popularity;
}

export interface PopularityCache {
  /** The popularity map, counted again only when older than the max age or invalidated. */
  get(): Promise<ReadonlyMap<string, number>>;
  /** The applications changed: the next `get()` counts again. */
  invalidate(): void;
}

export interface PopularityCacheOptions {
  /** Clock in ms (tests inject one). */
  now?: () => number;
  maxAgeMs?: number;
}

/**
 * A cache over `count` (the applications' counts by service and status). Concurrent `get()`s share
 * one count. A failed count ranks without popularity (an empty map) and is not kept, so the next
 * `get()` tries again. A count that was running when `invalidate()` came is not kept either (it may
 * have missed the new application).
 */
export function createPopularityCache(count: () => Promise<readonly SummaryRow[]>, options: PopularityCacheOptions = {}): PopularityCache {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? POPULARITY_MAX_AGE_MS;
  let fresh: { at: number; popularity: ReadonlyMap<string, number> } | null = null;
  let running: { generation: number; result: Promise<ReadonlyMap<string, number>> } | null = null;
  let generation = 0;

  return {
    get() {
      if (fresh) {
        const age = now() - fresh.at;
        // a clock set back makes the age negative: count again rather than keep stale counts for long
        if (age >= 0 && age < maxAgeMs) return Promise.resolve(fresh.popularity);
      }
      if (running?.generation === generation) return running.result;
      const started = { generation, at: now() };
      const result = count().then(
        (rows) => {
          const popularity = popularityFromCounts(rows);
          if (started.generation === generation) fresh = { at: started.at, popularity };
          return popularity;
        },
        () => new Map<string, number>(),
      );
      const entry = { generation: started.generation, result };
      running = entry;
      void result.finally(() => {
        if (running === entry) running = null;
      });
      return result;
    },
    invalidate() {
      generation++;
      fresh = null;
    },
  };
}
