/**
 * Window and navigation policy, free of Electron so it is unit-tested under Node. The Electron
 * main process (main/electron) applies it; the browser host applies the same CSP.
 */
import type { Role } from '../../preload/contract';
import type { WindowPermission } from '../../devices/protocol/registry';
import { PRODUCT_NAME } from './product';

/** The custom scheme the renderer is served from in Electron. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'terminal';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The web preferences every window gets; none of these is ever relaxed. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
  disableBlinkFeatures: 'Auxclick',
} as const;

export interface WindowPlan {
  role: Role;
  fullscreen: boolean;
  kiosk: boolean;
  frame: boolean;
  autoHideMenuBar: boolean;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  /** Display id to place the window on (second screen for the hall display). */
  displayId?: number;
}

export interface ScreenInfo {
  id: number;
  primary: boolean;
}

/** Which windows to open for a configured role and the attached screens. */
export function planWindows(role: Role, screens: ScreenInfo[], displayWindow: 'auto' | 'off', packaged: boolean): WindowPlan[] {
  const title = PRODUCT_NAME;
  const plans: WindowPlan[] = [];
  if (role === 'kiosk') {
    plans.push({ role, fullscreen: true, kiosk: packaged, frame: false, autoHideMenuBar: true, width: 1080, height: 1920, minWidth: 800, minHeight: 600, title });
  } else if (role === 'clerk') {
    plans.push({ role, fullscreen: false, kiosk: false, frame: true, autoHideMenuBar: true, width: 1366, height: 860, minWidth: 1024, minHeight: 700, title });
  } else {
    const secondary = screens.find((s) => !s.primary);
    plans.push({ role, fullscreen: true, kiosk: false, frame: false, autoHideMenuBar: true, width: 1920, height: 1080, minWidth: 800, minHeight: 600, title, displayId: (secondary ?? screens[0])?.id });
  }
  // A clerk or kiosk PC with a second screen also drives the hall display there.
  if (role !== 'display' && displayWindow === 'auto') {
    const secondary = screens.find((s) => !s.primary);
    if (secondary) plans.push({ role: 'display', fullscreen: true, kiosk: false, frame: false, autoHideMenuBar: true, width: 1920, height: 1080, minWidth: 800, minHeight: 600, title, displayId: secondary.id });
  }
  return plans;
}

/** The URL a window of this role loads. */
export const rendererUrl = (role: Role): string => `${APP_ORIGIN}/index.html#/${role}`;

/** Navigation inside the app (hash changes) is fine; anything else is refused. */
export function isAllowedNavigation(target: string): boolean {
  try {
    const url = new URL(target);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Origin of a frame URL, or '' when it has none we accept. */
export function originOf(frameUrl: string): string {
  try {
    const url = new URL(frameUrl);
    if (url.protocol === `${APP_SCHEME}:`) return `${APP_SCHEME}://${url.host}`;
    return url.origin;
  } catch {
    return '';
  }
}

/** Resolves an app:// request path to a file inside the renderer folder, or null when it escapes. */
export function resolveAppPath(requestUrl: string, rendererDir: string, join: (...p: string[]) => string, normalize: (p: string) => string, sep: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const file = normalize(join(rendererDir, pathname));
  return file.startsWith(rendererDir + sep) ? file : null;
}

/** A permission request or check from a window, as Electron's session handlers see it. */
export interface PermissionAsk {
  /** Electron's permission name (`media`, `geolocation`, `notifications`, …). */
  permission: string;
  /** Origin of the requesting frame (originOf). */
  origin: string;
  /** The role of the window asking (undefined: not one of ours). */
  role: Role | undefined;
  /** For `media`: the kinds asked for (`video`, `audio`); a check has one, a request a list. */
  mediaTypes: readonly string[];
  /**
   * What the configured window-side devices need (devices/protocol/registry `windowPermissionsOf`):
   * e.g. video for the clerk window while a document camera (高拍仪) is configured.
   */
  granted: readonly WindowPermission[];
}

/**
 * Every permission is refused except what a configured window-side device needs: the permission,
 * for the window its entry names, for its media kinds only (all of those asked), from the app's own
 * origin. Nothing when no such device is configured; never another window or origin.
 */
export function mayGrantPermission(ask: PermissionAsk): boolean {
  if (ask.origin !== APP_ORIGIN || ask.role === undefined || ask.mediaTypes.length === 0) return false;
  const role = ask.role;
  return ask.granted.some(
    (g) => g.permission === ask.permission && g.windows.includes(role) && ask.mediaTypes.every((t) => (g.mediaTypes as readonly string[]).includes(t)),
  );
}
