/**
 * The terminal's version for the browser host (Electron has app.getVersion()): package.json's
 * `version`, bundled at build time, so `node out/main/host.js` shows the real version and not the
 * 0.0.0 it showed when it only looked at `npm_package_version` (set only under `npm run`).
 */
import { version } from '../../package.json';

export const APP_VERSION: string = version;
