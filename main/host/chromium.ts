/** Finds and launches the system Chromium for the browser host (`--app=` or `--kiosk`). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Role } from '../../preload/contract';

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

export function launchChromium(executable: string, url: string, role: Role, profileDir: string): ChildProcess {
  return spawn(executable, chromiumArgs(url, role, profileDir), { stdio: 'ignore' });
}
