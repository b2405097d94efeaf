// Builds the app (electron-vite build, then the back office web app: vite build -c
// backoffice/vite.config.ts) when out/ is missing or older than any source file.
// Used by `npm run host`, `npm start`, the e2e tests and the benchmarks, so they always run
// what the sources say.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export const root = resolve(import.meta.dirname, '..');
const STAMP = join(root, 'out', '.build-stamp');
// sync/server is bundled too: main's demo platform worker (out/main/demo-platform-worker.js) runs it.
const SOURCES = ['main', 'preload', 'renderer', 'sync/protocol', 'sync/client', 'sync/server', 'devices', 'backoffice', 'electron.vite.config.ts', 'package-lock.json', 'tsconfig.base.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

export function needsBuild() {
  if (!existsSync(STAMP) || !existsSync(join(root, 'out', 'main', 'host.js')) || !existsSync(join(root, 'out', 'backoffice', 'index.html'))) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newest(join(root, s)) > built);
}

export function ensureBuild({ quiet = false } = {}) {
  if (!needsBuild()) return;
  if (!quiet) process.stderr.write('building the app (electron-vite build)…\n');
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error('electron-vite build failed');
  }
  const bo = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'backoffice/vite.config.ts'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (bo.status !== 0) {
    if (quiet) process.stderr.write(`${bo.stdout ?? ''}${bo.stderr ?? ''}`);
    throw new Error('back office build (vite build -c backoffice/vite.config.ts) failed');
  }
  writeFileSync(STAMP, String(Date.now()));
  if (!quiet) process.stderr.write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuild();
