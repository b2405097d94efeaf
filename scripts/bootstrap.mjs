// Makes a fresh checkout runnable: installs missing Debian packages (as root, with apt-get) and
// runs `npm ci` when node_modules is missing or older than package-lock.json. Only Node built-ins
// here: it runs before node_modules exists. Used by `npm start`, `npm run host`, `npm test`, and
// by .ci/run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** Debian packages by purpose. */
export const PACKAGES = {
  // fonts-hanazono: the rare-character fallback fonts (CJK Ext A–F) for PDFs and receipts; `node scripts/fonts.mjs` copies them into build/fonts for packaging.
  app: ['chromium', 'libusb-1.0-0', 'socat', 'espeak-ng', 'fonts-hanazono'],
  test: ['chromium', 'libusb-1.0-0', 'socat', 'postgresql-15', 'poppler-utils', 'fonts-noto-cjk', 'espeak-ng', 'fonts-hanazono', 'libfaketime', 'gnome-keyring', 'dbus-daemon'],
};

const has = (pkg) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed');

export function ensureSystemPackages(purpose) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/dpkg-query')) return;
  const missing = PACKAGES[purpose].filter((p) => !has(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`missing Debian packages: ${missing.join(' ')}\n  install them with: sudo apt-get install -y ${missing.join(' ')}\n`);
    return;
  }
  process.stderr.write(`installing Debian packages: ${missing.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) throw new Error('apt-get update failed');
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (install.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
}

export function nodeModulesCurrent() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return false;
  try {
    const want = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
    const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
    return Object.entries(want).every(([path, meta]) => !path || meta.optional || meta.peer || have[path]?.version === meta.version);
  } catch {
    return false;
  }
}

export function ensureNodeModules({ force = false } = {}) {
  if (!force && nodeModulesCurrent()) return;
  process.stderr.write('installing npm dependencies (npm ci)…\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('npm ci failed');
}

export function bootstrap(purpose) {
  ensureSystemPackages(purpose);
  ensureNodeModules();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const purpose = process.argv[2] === 'app' ? 'app' : 'test';
  try {
    ensureSystemPackages(purpose);
    ensureNodeModules({ force: process.argv.includes('--npm-ci') });
  } catch (error) {
    process.stderr.write(`bootstrap: ${error.message}\n`);
    process.exit(1);
  }
}
