import { readFileSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { windowPermissionsOf } from '../../devices/protocol/registry';
import { APP_ORIGIN, SECURE_WEB_PREFERENCES, isAllowedNavigation, mayGrantPermission, originOf, planWindows, rendererUrl, resolveAppPath, type PermissionAsk } from './window-policy';

describe('window policy', () => {
  it('plans one full-screen window for a kiosk and adds the hall display on a second screen', () => {
    const one = planWindows('kiosk', [{ id: 1, primary: true }], 'auto', true);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ role: 'kiosk', fullscreen: true, kiosk: true, frame: false });
    // the title is the product's name, from package.json (main/core/product.ts)
    expect(one[0]?.title).toBe('乡镇便民服务终端');
    const two = planWindows('clerk', [{ id: 1, primary: true }, { id: 2, primary: false }], 'auto', false);
    expect(two.map((p) => p.role)).toEqual(['clerk', 'display']);
    expect(two[1]?.displayId).toBe(2);
    expect(planWindows('clerk', [{ id: 1, primary: true }, { id: 2, primary: false }], 'off', false)).toHaveLength(1);
  });

  it('allows navigation only inside the app', () => {
    expect(isAllowedNavigation(rendererUrl('kiosk'))).toBe(true);
    expect(isAllowedNavigation('app://terminal/index.html#/clerk')).toBe(true);
    for (const bad of ['https://example.com', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'not a url', '']) expect(isAllowedNavigation(bad)).toBe(false);
  });

  it('derives origins from frame URLs', () => {
    expect(originOf('app://terminal/index.html#/kiosk')).toBe('app://terminal');
    expect(originOf('http://127.0.0.1:4310/#/')).toBe('http://127.0.0.1:4310');
    expect(originOf('garbage')).toBe('');
  });

  it('keeps app:// requests inside the renderer folder', () => {
    const dir = '/opt/app/out/renderer';
    expect(resolveAppPath('app://terminal/', dir, join, normalize, sep)).toBe('/opt/app/out/renderer/index.html');
    expect(resolveAppPath('app://terminal/assets/a.js', dir, join, normalize, sep)).toBe('/opt/app/out/renderer/assets/a.js');
    // The URL parser folds plain dot segments, so this stays inside (and 404s).
    expect(resolveAppPath('app://terminal/../../etc/passwd', dir, join, normalize, sep)).toBe('/opt/app/out/renderer/etc/passwd');
    for (const bad of ['app://terminal/..%2f..%2f..%2fetc%2fpasswd', 'app://terminal/a%00b', 'app://evil/index.html', 'https://terminal/x', 'app://terminal/%E0%A4%A']) {
      expect(resolveAppPath(bad, dir, join, normalize, sep)).toBeNull();
    }
  });

  it('the Electron window uses exactly the secure web preferences', () => {
    const source = readFileSync(join(import.meta.dirname, '..', 'index.ts'), 'utf8');
    for (const [key, value] of Object.entries(SECURE_WEB_PREFERENCES)) {
      expect(source).toContain(`${key}: ${typeof value === 'string' ? `'${value}'` : String(value)},`);
    }
  });
});

describe('permissions', () => {
  // What the registry's window-side entries ask for, from a terminal's `devices` configuration.
  const camera: PermissionAsk = { permission: 'media', origin: APP_ORIGIN, role: 'clerk', mediaTypes: ['video'], granted: windowPermissionsOf({ documentCamera: { driver: 'uvc' } }) };
  it('grants video to the clerk window when a document camera is configured', () => {
    expect(mayGrantPermission(camera)).toBe(true);
  });
  it('refuses everything else: audio, other roles, origins, permissions, no camera configured, garbage', () => {
    const refused: PermissionAsk[] = [
      { ...camera, granted: windowPermissionsOf({}) },
      { ...camera, granted: windowPermissionsOf(undefined) },
      { ...camera, granted: windowPermissionsOf({ documentCamera: { driver: 'vendor-http' } }) },
      { ...camera, granted: windowPermissionsOf({ documentCamera: 'uvc' }) },
      { ...camera, granted: windowPermissionsOf({ receiptPrinter: { driver: 'escpos', transport: { type: 'serial', path: '/dev/null' } } }) },
      { ...camera, granted: [] },
      { ...camera, mediaTypes: ['video', 'audio'] },
      { ...camera, mediaTypes: ['audio'] },
      { ...camera, mediaTypes: [] },
      { ...camera, mediaTypes: ['unknown'] },
      { ...camera, role: 'kiosk' },
      { ...camera, role: 'display' },
      { ...camera, role: undefined },
      { ...camera, origin: 'https://evil.example' },
      { ...camera, origin: 'app://terminal.evil' },
      { ...camera, origin: '' },
      ...['geolocation', 'notifications', 'serial', 'hid', 'usb', 'clipboard-read', 'openExternal', 'display-capture', 'MEDIA', ''].map((permission) => ({ ...camera, permission })),
    ];
    for (const ask of refused) expect(mayGrantPermission(ask), JSON.stringify(ask)).toBe(false);
  });
});
