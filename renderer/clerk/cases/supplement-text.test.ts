import { describe, expect, it } from 'vitest';
import { i18n } from '../../i18n';
import { supplementHeading } from './supplement-text';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});

describe('supplementHeading (case detail)', () => {
  it('shows the real deadline when there is one', () => {
    expect(supplementHeading(t, '2026-12-20')).toBe('需补正，截止 2026-12-20：');
  });
  it('never shows 截止 with nothing after it: no deadline, or garbage, reads 需补正：', () => {
    for (const due of [null, undefined, '', '  ', 'soon', '2026-12-20T00:00:00Z']) {
      const line = supplementHeading(t, due);
      expect(line).toBe('需补正：');
      expect(line).not.toContain('截止');
    }
  });
});
