/**
 * The clerk's service picker: the same catalog search as the kiosk (Chinese, full pinyin, initials,
 * aliases such as 低保 or 居民医保; renderer/catalog/search.ts), plus the item code an assistant may
 * know by heart (`MZ01`). Codes that start with the query come first, then the search's ranking;
 * an empty query lists every item in catalog order.
 */
import { buildSearchIndex, searchCatalog, type SearchableItem, type SearchIndex } from '../../catalog/search';

export interface ServicePicker<T extends SearchableItem> {
  filter(query: string, limit?: number): T[];
}

export function createServicePicker<T extends SearchableItem>(items: readonly T[]): ServicePicker<T> {
  const ordered = [...items].sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));
  let index: SearchIndex<T> | null = null;
  return {
    filter(query, limit = 50) {
      const q = query.trim();
      if (!q) return ordered.slice(0, limit);
      const upper = q.toUpperCase();
      const byCode = /^[A-Za-z0-9-]{2,}$/.test(q) ? ordered.filter((i) => i.code.toUpperCase().startsWith(upper)) : [];
      index ??= buildSearchIndex(ordered);
      const out = [...byCode];
      const seen = new Set(byCode.map((i) => i.code));
      for (const hit of searchCatalog(index, q, { limit })) if (!seen.has(hit.item.code)) out.push(hit.item);
      return out.slice(0, limit);
    },
  };
}
