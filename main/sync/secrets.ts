/**
 * Where main keeps secrets (the database master key, the terminal token). An interface so the
 * Electron build encrypts them with `safeStorage` (./electron-secrets.ts) while the browser host and
 * unit tests use files readable by the owner only (0600 in a 0700 folder).
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { readFile, rename, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';

export interface SecretStore {
  readonly kind: 'file' | 'safeStorage';
  read(name: string): Promise<Buffer | null>;
  write(name: string, value: Buffer): Promise<void>;
  remove(name: string): Promise<void>;
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

/** Files `<dir>/<name>.secret`, mode 0600, written atomically (temp file + rename). */
export function fileSecretStore(dir: string, transform?: { seal(b: Buffer): Buffer; open(b: Buffer): Buffer; kind: 'safeStorage' }): SecretStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch {
    /* not ours to change (e.g. a mounted folder) */
  }
  const file = (name: string) => {
    if (!NAME.test(name)) throw new Error('invalid secret name');
    return path.join(dir, `${name}.secret`);
  };
  return {
    kind: transform?.kind ?? 'file',
    async read(name) {
      let raw: Buffer;
      try {
        raw = await readFile(file(name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      return transform ? transform.open(raw) : raw;
    },
    async write(name, value) {
      const f = file(name);
      const tmp = `${f}.${process.pid}.tmp`;
      await writeFile(tmp, transform ? transform.seal(value) : value, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      await rename(tmp, f);
    },
    async remove(name) {
      await rm(file(name), { force: true });
    },
  };
}

/**
 * The terminal's secret store in `<dataDir>/secrets`: Electron's safeStorage where the host is
 * Electron and it works, else the 0600 file store (`onFallback` hears why). The sync and staff
 * features both open their secrets through this.
 */
export async function hostSecretStore(dataDir: string, host: 'electron' | 'browser', onFallback?: (error: unknown) => void): Promise<SecretStore> {
  const dir = path.join(dataDir, 'secrets');
  if (host === 'electron') {
    try {
      const { electronSecretStore } = await import('./electron-secrets');
      return electronSecretStore(dir);
    } catch (e) {
      onFallback?.(e);
    }
  }
  return fileSecretStore(dir);
}
