/**
 * Where main keeps secrets (the database master key, the terminal token, the province's lookup
 * key, the staff cache with its PIN verifiers, ID numbers and phones): never as plain files beside
 * the encrypted data.
 *
 * `hostSecretStore` picks, in this order:
 * 1. Electron's `safeStorage` (DPAPI, Keychain, libsecret/kwallet), files sealed by it, unless on
 *    Linux its backend is `basic_text` (a fixed key compiled into Chromium: obfuscation, not
 *    protection), which is refused;
 * 2. the OS keyring through `@napi-rs/keyring` (Secret Service, Windows Credential Manager, macOS
 *    Keychain): it holds one random 32-byte store key; every secret is a file `<name>.sealed`
 *    encrypted with it (AES-256-GCM, the secret's name as associated data), so a stolen disk
 *    without the user's keyring opens nothing, and large secrets (the staff cache) fit;
 * 3. where there is neither (a Linux without a Secret Service, like the CI machines): the same
 *    sealed files with the store key in `store.key` beside them (0600 in a 0700 folder). That
 *    protects against other local users only, not against a stolen disk: it is said as a warning
 *    in the log and in `app.info`'s `secretStorage`.
 * Plain `<name>.secret` files of older versions are sealed on first read and removed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file';

export type SecretStorageKind = 'keyring' | 'safeStorage' | 'file';

export interface SecretStore {
  readonly kind: SecretStorageKind;
  read(name: string): Promise<Buffer | null>;
  write(name: string, value: Buffer): Promise<void>;
  remove(name: string): Promise<void>;
}

/** What protects the secrets at rest; `warning` (English) when a stolen disk would yield them. */
export interface SecretStorageStatus {
  kind: SecretStorageKind;
  protectedAtRest: boolean;
  warning?: string;
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch {
    /* not ours to change (e.g. a mounted folder) */
  }
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Temp file (0600) + rename (../core/atomic-file.ts): a crash leaves the old value or the new one. */
const writePrivate = (file: string, data: Buffer): Promise<void> => writeFileAtomic(file, data);

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error('invalid secret name');
}

/** Files `<dir>/<name>.secret`, mode 0600, written atomically; `transform` seals them (safeStorage). */
export function fileSecretStore(dir: string, transform?: { seal(b: Buffer): Buffer; open(b: Buffer): Buffer; kind: 'safeStorage' }): SecretStore {
  privateDir(dir);
  const file = (name: string) => {
    checkName(name);
    return path.join(dir, `${name}.secret`);
  };
  return {
    kind: transform?.kind ?? 'file',
    async read(name) {
      const raw = await readOrNull(file(name));
      if (!raw) return null;
      return transform ? transform.open(raw) : raw;
    },
    async write(name, value) {
      await writePrivate(file(name), transform ? transform.seal(value) : value);
    },
    async remove(name) {
      await rm(file(name), { force: true });
    },
  };
}

const SEALED_MAGIC = Buffer.from('TTS1');

export function seal(key: Buffer, name: string, value: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name));
  const body = Buffer.concat([cipher.update(value), cipher.final()]);
  return Buffer.concat([SEALED_MAGIC, iv, cipher.getAuthTag(), body]);
}

export function unseal(key: Buffer, name: string, sealed: Buffer): Buffer {
  if (sealed.length < 32 || !sealed.subarray(0, 4).equals(SEALED_MAGIC)) throw new Error(`the sealed secret ${name} is damaged`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(4, 16));
    decipher.setAAD(Buffer.from(name));
    decipher.setAuthTag(sealed.subarray(16, 32));
    return Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]);
  } catch {
    throw new Error(`the secret ${name} cannot be opened with this terminal's store key (keyring changed or file damaged); refusing to replace it`);
  }
}

/**
 * Secrets as `<dir>/<name>.sealed` (AES-256-GCM under `key`). `legacy` opens an older version's
 * `<name>.secret` (plain, or sealed by safeStorage), which is sealed and removed on first read.
 */
export function sealedSecretStore(dir: string, key: Buffer, kind: SecretStorageKind, legacy: (raw: Buffer) => Buffer = (b) => b): SecretStore {
  if (key.length !== 32) throw new Error('the store key must be 32 bytes');
  privateDir(dir);
  const files = (name: string) => {
    checkName(name);
    return { sealed: path.join(dir, `${name}.sealed`), old: path.join(dir, `${name}.secret`) };
  };
  return {
    kind,
    async read(name) {
      const f = files(name);
      const sealed = await readOrNull(f.sealed);
      if (sealed) return unseal(key, name, sealed);
      const old = await readOrNull(f.old);
      if (!old) return null;
      const value = legacy(old);
      await writePrivate(f.sealed, seal(key, name, value));
      await rm(f.old, { force: true });
      return value;
    },
    async write(name, value) {
      const f = files(name);
      await writePrivate(f.sealed, seal(key, name, value));
      await rm(f.old, { force: true });
    },
    async remove(name) {
      const f = files(name);
      await rm(f.sealed, { force: true });
      await rm(f.old, { force: true });
    },
  };
}

/** The slice of the OS keyring this needs: one binary item per account. */
export interface Keyring {
  get(account: string): Buffer | null;
  set(account: string, value: Buffer): void;
}

export const KEYRING_SERVICE = 'cn.gov.jiangxi.township-terminal';

/**
 * The OS keyring through @napi-rs/keyring; throws (e.g. "Couldn't access platform storage") where
 * there is none. On Linux it is pinned to the Secret Service: the library's silent fallback, the
 * kernel keyutils keyring, forgets everything at a restart (and with it every sealed secret).
 */
export async function osKeyring(service = KEYRING_SERVICE): Promise<Keyring> {
  const { Entry } = await import('@napi-rs/keyring');
  const entry = (account: string) => new Entry(service, account, { linux: { store: 'secret-service' } });
  return {
    get(account) {
      const v = entry(account).getSecret();
      return v ? Buffer.from(v) : null;
    },
    set(account, value) {
      entry(account).setSecret(value);
    },
  };
}

/** The slice of Electron's safeStorage this needs (injected, so the choice is testable under Node). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: 'basic_text' | 'gnome_libsecret' | 'kwallet' | … */
  getSelectedStorageBackend?(): string;
}

export interface OpenSecretStoreOptions {
  /** The secrets folder (`<dataDir>/secrets`). */
  dir: string;
  host: 'electron' | 'browser';
  /** Electron's safeStorage (only under Electron). */
  safeStorage?: SafeStorageLike | null;
  /** The OS keyring; default @napi-rs/keyring. A function that throws = no keyring. */
  keyring?: () => Promise<Keyring>;
  platform?: NodeJS.Platform;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 200);

/** Chooses and opens the secret store (see the file comment); never throws for a missing keyring. */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<{ store: SecretStore; status: SecretStorageStatus }> {
  const { dir } = options;
  const platform = options.platform ?? process.platform;
  const problems: string[] = [];
  const ss = options.safeStorage;
  // Older Electron versions sealed `<name>.secret` with safeStorage: keep opening them that way.
  let legacy: (raw: Buffer) => Buffer = (b) => b;
  if (options.host === 'electron' && ss) {
    const backend = platform === 'linux' ? (ss.getSelectedStorageBackend?.() ?? 'unknown') : 'os';
    if (!ss.isEncryptionAvailable()) problems.push('Electron safeStorage is not available');
    else {
      legacy = (b) => Buffer.from(ss.decryptString(b), 'base64');
      if (backend === 'basic_text' || backend === 'unknown') problems.push(`Electron safeStorage uses the ${backend} backend (a key built into Chromium, not a keyring): refused`);
      else {
        const store = fileSecretStore(dir, { kind: 'safeStorage', seal: (b) => ss.encryptString(b.toString('base64')), open: (b) => Buffer.from(ss.decryptString(b), 'base64') });
        return { store, status: { kind: 'safeStorage', protectedAtRest: true } };
      }
    }
  }
  privateDir(dir);
  const keyFile = path.join(dir, 'store.key');
  const account = `secrets-key:${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 24)}`;
  try {
    const keyring = await (options.keyring ?? (() => osKeyring()))();
    let key = keyring.get(account);
    if (!key) {
      // A store key kept in a file while there was no keyring moves into the keyring now.
      const fromFile = await readOrNull(keyFile);
      key = fromFile?.length === 32 ? fromFile : randomBytes(32);
      keyring.set(account, key);
      const back = keyring.get(account);
      if (!back?.equals(key)) throw new Error('the keyring did not keep the store key');
      if (fromFile) await rm(keyFile, { force: true });
    }
    if (key.length !== 32) throw new Error('the store key in the keyring is damaged');
    return { store: sealedSecretStore(dir, key, 'keyring', legacy), status: { kind: 'keyring', protectedAtRest: true } };
  } catch (e) {
    problems.push(`no OS keyring (${message(e)})`);
  }
  let key = await readOrNull(keyFile);
  if (!key) {
    key = randomBytes(32);
    await writePrivate(keyFile, key);
  }
  if (key.length !== 32) throw new Error(`${keyFile} is damaged; refusing to replace it (the secrets sealed with it would be lost)`);
  const warning = `${problems.join('; ')}: secrets are sealed with a key kept in ${keyFile} (0600), which protects them from other local users but not from whoever holds the disk; use full-disk encryption or a keyring`;
  return { store: sealedSecretStore(dir, key, 'file', legacy), status: { kind: 'file', protectedAtRest: false, warning } };
}

const opened = new Map<string, Promise<{ store: SecretStore; status: SecretStorageStatus }>>();
const statuses = new Map<string, SecretStorageStatus>();

/**
 * The terminal's secret store in `<dataDir>/secrets`, opened once per data folder (the sync and
 * staff features share it). `onWarning` hears, once, why the secrets are not protected at rest.
 */
export async function hostSecretStore(dataDir: string, host: 'electron' | 'browser', onWarning?: (warning: string) => void): Promise<SecretStore> {
  const dir = path.join(dataDir, 'secrets');
  let pending = opened.get(dir);
  if (!pending) {
    pending = (async () => {
      let safeStorage: SafeStorageLike | null = null;
      if (host === 'electron') {
        try {
          safeStorage = (await import('./electron-secrets')).electronSafeStorage();
        } catch {
          safeStorage = null;
        }
      }
      const result = await openSecretStore({ dir, host, safeStorage });
      statuses.set(dataDir, result.status);
      if (result.status.warning) onWarning?.(result.status.warning);
      return result;
    })();
    opened.set(dir, pending);
    pending.catch(() => opened.delete(dir));
  }
  return (await pending).store;
}

/** How this data folder's secrets are kept, once the store is open (for `app.info`). */
export function secretStorageStatus(dataDir: string): SecretStorageStatus | undefined {
  return statuses.get(dataDir);
}
