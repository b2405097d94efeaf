import { describe, expect, it } from 'vitest';
import { createServicePicker } from './service-picker';
// Test only: the platform's seeded demo catalog (pure modules, no Node).
// eslint-disable-next-line no-restricted-imports
import { demoCatalog } from '../../../sync/server/seed/catalog';

describe('clerk service picker', () => {
  const items = demoCatalog().items;
  const picker = createServicePicker(items);
  const names = (q: string) => picker.filter(q).map((i) => i.name);

  it('finds services by pinyin, initials and common words, like the kiosk', () => {
    expect(names('dibao')[0]).toContain('最低生活保障');
    expect(names('db')[0]).toContain('最低生活保障');
    expect(names('glbt')[0]).toContain('高龄津贴');
    expect(names('gaoling')[0]).toContain('高龄津贴');
    expect(names('高龄')[0]).toContain('高龄津贴');
    expect(names('jmyb').slice(0, 3).every((n) => n.includes('城乡居民') || n.includes('医疗保险'))).toBe(true);
  });

  it('puts item codes that start with the query first', () => {
    const hits = picker.filter('mz0');
    expect(hits.length).toBeGreaterThan(1);
    expect(hits.every((i) => i.code.startsWith('MZ0'))).toBe(true);
    expect(picker.filter('MZ01')[0]!.code).toBe('MZ01');
  });

  it('lists everything in catalog order for an empty query, nothing for nonsense', () => {
    expect(picker.filter('   ').map((i) => i.code)).toEqual([...items].sort((a, b) => a.sortOrder - b.sortOrder).slice(0, 50).map((i) => i.code));
    expect(picker.filter('zzzz')).toEqual([]);
    expect(picker.filter('<script>')).toEqual([]);
  });
});
