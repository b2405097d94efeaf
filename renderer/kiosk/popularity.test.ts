import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SummaryRow } from '../db/counts';
import { summaryCounts } from '../db/counts';
import type { TerminalDatabase } from '../db/database';
import { createDraft, submitApplication } from '../db/applications';
import { fakeCatalog } from '../db/fixtures';
import { memoryDb, TEST_SALT } from '../db/test-helpers';
import { buildSearchIndex, searchCatalog } from '../catalog/search';
import { createPopularityCache, popularityFromCounts, POPULARITY_MAX_AGE_MS } from './popularity';
import { CATALOG_FRESH_MS, createCatalogLoader } from './kiosk-store';

const MINUTE = 60_000;

describe('popularityFromCounts', () => {
  it('sums every status but draft per service', () => {
    const rows: SummaryRow[] = [
      { service: 'A', status: 'draft', count: 5 },
      { service: 'A', status: 'submitted', count: 2 },
      { service: 'A', status: 'accepted', count: 3 },
      { service: 'B', status: 'draft', count: 4 },
      { service: 'C', status: 'completed', count: 1 },
    ];
    expect([...popularityFromCounts(rows)]).toEqual([
      ['A', 5],
      ['C', 1],
    ]);
  });
});

describe('createPopularityCache', () => {
  const setup = () => {
    let t = 1_000_000;
    let rows: SummaryRow[] = [{ service: 'A', status: 'submitted', count: 1 }];
    const count = vi.fn(() => Promise.resolve(rows));
    const cache = createPopularityCache(count, { now: () => t });
    return {
      cache,
      count,
      advance: (ms: number) => (t += ms),
      setRows: (r: SummaryRow[]) => (rows = r),
    };
  };

  it('counts once for the max age, then again', async () => {
    const { cache, count, advance, setRows } = setup();
    expect((await cache.get()).get('A')).toBe(1);
    setRows([{ service: 'A', status: 'submitted', count: 7 }]);
    advance(POPULARITY_MAX_AGE_MS - 1);
    expect((await cache.get()).get('A')).toBe(1);
    expect(count).toHaveBeenCalledTimes(1);
    advance(1);
    expect((await cache.get()).get('A')).toBe(7);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('counts again right after invalidate()', async () => {
    const { cache, count, setRows } = setup();
    await cache.get();
    setRows([{ service: 'A', status: 'submitted', count: 2 }]);
    cache.invalidate();
    expect((await cache.get()).get('A')).toBe(2);
    expect(count).toHaveBeenCalledTimes(2);
    await cache.get();
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('shares one count between concurrent callers', async () => {
    const { cache, count } = setup();
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    expect(count).toHaveBeenCalledTimes(1);
  });

  it('does not keep a count that was running when invalidate() came', async () => {
    const pending: ((rows: SummaryRow[]) => void)[] = [];
    const count = vi.fn(() => new Promise<SummaryRow[]>((r) => pending.push(r)));
    const cache = createPopularityCache(count, { now: () => 0 });
    const before = cache.get();
    cache.invalidate();
    const after = cache.get(); // a new count, not the one started before the invalidation
    expect(count).toHaveBeenCalledTimes(2);
    pending[1]!([{ service: 'A', status: 'submitted', count: 3 }]);
    expect((await after).get('A')).toBe(3);
    // the older count ends last: it answers its caller but replaces nothing
    pending[0]!([{ service: 'A', status: 'submitted', count: 2 }]);
    expect((await before).get('A')).toBe(2);
    expect((await cache.get()).get('A')).toBe(3);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('ranks without popularity when counting fails, and tries again next time', async () => {
    const count = vi.fn<() => Promise<SummaryRow[]>>().mockRejectedValueOnce(new Error('storage')).mockResolvedValue([{ service: 'A', status: 'submitted', count: 4 }]);
    const cache = createPopularityCache(count, { now: () => 0 });
    expect((await cache.get()).size).toBe(0);
    expect((await cache.get()).get('A')).toBe(4);
    expect(count).toHaveBeenCalledTimes(2);
  });

  it('counts again when the clock was set back', async () => {
    const { cache, count, advance } = setup();
    await cache.get();
    advance(-MINUTE);
    await cache.get();
    expect(count).toHaveBeenCalledTimes(2);
  });
});

describe('kiosk catalog loader: popularity is not recounted on every catalog reload', () => {
  let db: TerminalDatabase | null = null;
  afterEach(async () => {
    await db?.close();
    db = null;
  });

  it('reloads the catalog every 15 s but recounts only after 10 minutes or a submission here; same ranking as a fresh count', async () => {
    db = await memoryDb();
    const open = db;
    const { items } = fakeCatalog(40, 3);
    await open.service_items.bulkInsert(items);
    const file = async (code: string) => {
      const a = await createDraft(open, { stationId: '360121201', serviceItemCode: code, formId: 'F0', formVersion: 1, channel: 'kiosk', applicant: { name: '居民', idType: 'resident_id', idNumber: '360121195001011234' } }, TEST_SALT);
      await submitApplication(open, a.id);
    };
    await file(items[30]!.code);

    let t = 5_000_000;
    const counts = vi.fn(summaryCounts);
    const reads = vi.spyOn(open.service_items, 'find');
    const loader = createCatalogLoader({ store: () => Promise.resolve({ db: open }), counts, now: () => t });
    const ranked = async (catalog: { index: Parameters<typeof searchCatalog>[0] }) => searchCatalog(catalog.index, '便民事项', { limit: 40 }).map((h) => h.item.code);
    const expected = async () => searchCatalog(buildSearchIndex(items.slice().sort((a, b) => a.sortOrder - b.sortOrder), { popularity: popularityFromCounts(await summaryCounts(open)) }), '便民事项', { limit: 40 }).map((h) => h.item.code);

    const first = await loader.load();
    expect(counts).toHaveBeenCalledTimes(1);
    expect(await ranked(first)).toEqual(await expected());
    expect((await ranked(first))[0]).toBe(items[30]!.code); // the filed service ranks first

    // Catalog reloads (expired cache, forced reloads): the items are read again, the applications are not counted again.
    for (let i = 0; i < 5; i++) {
      t += CATALOG_FRESH_MS;
      expect(await loader.load()).not.toBe(first);
    }
    await loader.load(true);
    expect(reads.mock.calls.length).toBe(7);
    expect(counts).toHaveBeenCalledTimes(1);

    // A submission at this kiosk: counted on the next load, and ranks as a fresh count would.
    await file(items[10]!.code);
    await file(items[10]!.code);
    loader.applicationFiled();
    const afterSubmit = await loader.load();
    expect(counts).toHaveBeenCalledTimes(2);
    expect(await ranked(afterSubmit)).toEqual(await expected());
    expect((await ranked(afterSubmit))[0]).toBe(items[10]!.code);

    // Applications that arrive otherwise (sync) are counted once the 10 minutes are over.
    await file(items[20]!.code);
    await file(items[20]!.code);
    await file(items[20]!.code);
    t += POPULARITY_MAX_AGE_MS - CATALOG_FRESH_MS;
    await loader.load();
    expect(counts).toHaveBeenCalledTimes(2);
    t += CATALOG_FRESH_MS;
    const later = await loader.load();
    expect(counts).toHaveBeenCalledTimes(3);
    expect(await ranked(later)).toEqual(await expected());
    expect((await ranked(later))[0]).toBe(items[20]!.code);
  });
});
