// Finds a usable Electron binary without triggering its download. Returns {path} or {reason}.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

export function electronBinary() {
  const require = createRequire(import.meta.url);
  let path;
  try {
    // The electron package exports the binary path, and throws when the binary was never downloaded.
    path = require('electron');
  } catch (error) {
    return { reason: `Electron's binary is not installed (${String(error.message).split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { reason: "Electron's binary is not installed" };
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.status !== 0) return { reason: `Electron's binary does not run here (${(probe.stderr || probe.error?.message || '').split('\n')[0]})` };
  return { path };
}
