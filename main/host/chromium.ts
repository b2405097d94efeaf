/** Finds and launches the system Chromium for the browser host (`--app=` or `--kiosk`). */
import { existsSync } from 'node:fs';
import type { Role } from '../../preload/contract';
import { spawnTied, type TiedProcess } from '../../devices';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/microsoft-edge', '/opt/apps/cn.google.chrome/files/chrome'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

export function chromiumArgs(url: string, role: Role, profileDir: string): string[] {
  const args = [
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-features=Translate,MediaRouter',
    '--disable-pinch',
    '--overscroll-history-navigation=0',
    '--lang=zh-CN',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  if (role === 'kiosk') args.push('--kiosk', url);
  else args.push(`--app=${url}`);
  return args;
}

/** Tied to the host (devices/process/tied.ts): it closes when the host dies, even by SIGKILL. */
export function launchChromium(executable: string, url: string, role: Role, profileDir: string): TiedProcess {
  return spawnTied(executable, chromiumArgs(url, role, profileDir));
}
