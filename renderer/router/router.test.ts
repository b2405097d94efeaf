import { describe, expect, it } from 'vitest';
import { guardTarget, routes } from './index';

describe('role guard', () => {
  it('sends the root to the role home', () => {
    expect(guardTarget('/', undefined, 'kiosk', '/kiosk')).toBe('/kiosk');
    expect(guardTarget('/', undefined, 'clerk', '/clerk')).toBe('/clerk');
    expect(guardTarget('/', undefined, 'display', '/display')).toBe('/display');
  });
  it("keeps a window out of another role's screens", () => {
    expect(guardTarget('/clerk/settings', 'clerk', 'kiosk', '/kiosk')).toBe('/kiosk');
    expect(guardTarget('/kiosk', 'kiosk', 'display', '/display')).toBe('/display');
  });
  it("lets a window use its own role's screens", () => {
    expect(guardTarget('/kiosk/queue', 'kiosk', 'kiosk', '/kiosk')).toBe(true);
    expect(guardTarget('/clerk/cases', 'clerk', 'clerk', '/clerk')).toBe(true);
  });
  it('does not redirect while the role is unknown (bridge error screen)', () => {
    expect(guardTarget('/clerk', 'clerk', null, '/')).toBe(true);
  });
  it('has the clerk pages (with 验章) and the four kiosk features', () => {
    const clerk = routes.find((r) => r.path === '/clerk')?.children?.map((c) => c.path);
    expect(clerk).toEqual(['', 'new', 'cases', 'calling', 'dashboard', 'seal', 'sync', 'devices', 'settings']);
    const kiosk = routes.find((r) => r.path === '/kiosk')?.children?.map((c) => c.path);
    expect(kiosk).toEqual(['', 'services', 'progress', 'queue', 'evaluation', 'services/:code', 'identify', 'apply/:code', 'submitted']);
  });
});
