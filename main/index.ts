/**
 * Electron main entry: thin wiring. Policy lives in main/core (tested under Node); this file
 * applies it: one instance, app:// protocol with the CSP, windows by role, IPC through the
 * dispatcher, navigation/new windows/permissions denied, reload after a renderer crash.
 */
import { app, BrowserWindow, ipcMain, Menu, net, protocol, screen, session, type WebContents } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, Role } from '../preload/contract';
import { configFailureMessage, loadConfig } from './core/config';
import { CONTENT_SECURITY_POLICY } from './core/csp';
import { createDispatcher } from './core/dispatcher';
import { createLogger } from './core/log';
import { createTerminalCore } from './core/services';
import { privateTree, restrictUmask } from '../sync/server/private-files';
import { APP_ORIGIN, APP_SCHEME, isAllowedNavigation, mayGrantPermission, originOf, planWindows, rendererUrl, resolveAppPath, type WindowPlan } from './core/window-policy';
import { windowPermissionsOf } from '../devices/protocol/registry';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  // Everything the terminal keeps is the owner's only: 0700 folders, 0600 files, existing ones fixed.
  restrictUmask();
  privateTree(dataDir);
  const roleArg = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  const roleOverride = roleArg ? Role.safeParse(roleArg) : undefined;
  const loaded = loadConfig(process.env.TERMINAL_CONFIG ?? join(dataDir, 'terminal.config.json'), { role: roleOverride?.success ? roleOverride.data : undefined });
  const log = createLogger({ file: join(dataDir, 'logs', 'main.log'), level: loaded.config.logLevel }, 'main');
  for (const problem of loaded.problems) log.error('config.invalid', { problem });
  // A broken file never becomes demo mode: the window shows the Chinese screen, nothing starts, exit code 2.
  if (loaded.failure) {
    process.stderr.write(`${configFailureMessage(loaded.failure)}\n`);
    process.exitCode = 2;
    app.on('will-quit', () => void (process.exitCode = 2));
  }
  const core = createTerminalCore({ config: loaded.config, log, host: 'electron', version: app.getVersion(), dataDir, configFailure: loaded.failure });
  if (!loaded.failure) void core.start();

  const rendererDir = join(import.meta.dirname, '..', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppPath(request.url, rendererDir, join, normalize, sep);
    if (!file) return new Response('forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  const windowRoles = new Map<number, Role>();

  // Deny every permission (geolocation, notifications, serial, hid…): devices live in main. The
  // exceptions (mayGrantPermission) are what configured window-side devices declare in the registry
  // (e.g. video for the clerk window while a document camera is configured).
  const granted = windowPermissionsOf(loaded.config.devices);
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(mayGrantPermission({ permission, origin: originOf(details.requestingUrl), role: windowRoles.get(wc.id), mediaTypes, granted }));
  });
  session.defaultSession.setPermissionCheckHandler((wc, permission, requestingOrigin, details) =>
    mayGrantPermission({ permission, origin: originOf(requestingOrigin), role: wc ? windowRoles.get(wc.id) : undefined, mediaTypes: details.mediaType ? [details.mediaType] : [], granted }),
  );
  session.defaultSession.setDevicePermissionHandler(() => false);

  const dispatch = createDispatcher({ handlers: core.handlers, isOriginAllowed: (o) => o === APP_ORIGIN, log: log.child('bridge') });

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name: unknown, input: unknown) => {
    const frame = event.senderFrame;
    const role = windowRoles.get(event.sender.id);
    // Only the top frame of one of our windows may call.
    if (!frame || frame !== event.sender.mainFrame || !role) {
      log.warn('bridge.refused', { reason: 'sender' });
      return { ok: false, error: { code: 'FORBIDDEN', message: 'calls are accepted only from the app window' } };
    }
    return dispatch({ origin: originOf(frame.url), role, senderId: `wc-${event.sender.id}` }, name, input);
  });

  core.events.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      const role = win.isDestroyed() ? undefined : windowRoles.get(win.webContents.id);
      if (role && core.events.deliverable(name, role)) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });

  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  if (app.isPackaged) Menu.setApplicationMenu(null);

  const open = (plan: WindowPlan) => {
    const display = screen.getAllDisplays().find((d) => d.id === plan.displayId);
    const win = new BrowserWindow({
      title: plan.title,
      width: plan.width,
      height: plan.height,
      minWidth: plan.minWidth,
      minHeight: plan.minHeight,
      fullscreen: plan.fullscreen,
      kiosk: plan.kiosk,
      frame: plan.frame,
      autoHideMenuBar: plan.autoHideMenuBar,
      show: false,
      backgroundColor: '#ffffff',
      ...(display ? { x: display.bounds.x, y: display.bounds.y } : {}),
      // Spelled out (not spread) so reviewers and electronegativity see every setting here;
      // window-policy.test.ts checks this block against SECURE_WEB_PREFERENCES.
      webPreferences: {
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
        preload: join(import.meta.dirname, '..', 'preload', 'index.cjs'),
        devTools: !app.isPackaged,
      },
    });
    const id = win.webContents.id;
    windowRoles.set(id, plan.role);
    win.on('closed', () => windowRoles.delete(id));
    win.once('ready-to-show', () => win.show());
    // No pinch or zoom gestures anywhere; the kiosk's elderly mode scales text itself.
    void win.webContents.setVisualZoomLevelLimits(1, 1);
    win.webContents.on('render-process-gone', (_e, details) => {
      log.error('window.renderer-gone', { role: plan.role, reason: details.reason });
      if (details.reason !== 'clean-exit' && !win.isDestroyed()) setTimeout(() => win.reload(), 1000);
    });
    win.webContents.on('unresponsive', () => log.warn('window.unresponsive', { role: plan.role }));
    void win.loadURL(rendererUrl(plan.role));
    return win;
  };

  const screens = screen.getAllDisplays().map((d) => ({ id: d.id, primary: d.id === screen.getPrimaryDisplay().id }));
  for (const plan of planWindows(loaded.config.role, screens, loaded.config.displayWindow, app.isPackaged)) open(plan);

  app.on('second-instance', () => {
    const [first] = BrowserWindow.getAllWindows();
    if (first) {
      if (first.isMinimized()) first.restore();
      first.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void core.close());
  log.info('app.ready', { role: loaded.config.role, packaged: app.isPackaged });

  function lockDown(contents: WebContents): void {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) {
        event.preventDefault();
        log.warn('window.navigation-blocked', { scheme: url.split(':')[0] ?? '' });
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  }
}
