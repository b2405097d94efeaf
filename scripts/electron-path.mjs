// Finds a usable Electron binary without triggering its download (requiring the `electron`
// package downloads it when missing, which fails on machines without that network).
// Returns {path} or {reason}.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const pkgDir = resolve(import.meta.dirname, '..', 'node_modules', 'electron');

export function electronBinary() {
  let path = process.env.ELECTRON_PATH;
  if (!path) {
    const pathFile = join(pkgDir, 'path.txt');
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
    if (process.env.ELECTRON_OVERRIDE_DIST_PATH) path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron');
    else if (name) path = join(pkgDir, 'dist', name);
  }
  if (!path || !existsSync(path)) return { reason: "Electron's binary is not installed (its download is not reachable from this machine)" };
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.status !== 0) return { reason: `Electron's binary does not run here (${(probe.stderr || probe.error?.message || '').split('\n')[0]})` };
  return { path };
}
