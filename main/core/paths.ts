/** Where the terminal keeps its files when no data directory is given. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.env.TERMINAL_DATA_DIR) return process.env.TERMINAL_DATA_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'township-terminal');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'township-terminal');
}
