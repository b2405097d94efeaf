/**
 * Issue 13 item 5: the terminal's keys and the staff cache are never plain files beside the data.
 * The OS keyring where there is one; Electron's safeStorage unless its Linux backend is basic_text;
 * an explicit, warned fallback where there is neither (this machine has no Secret Service).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostSecretStore, openSecretStore, osKeyring, secretStorageStatus, type Keyring, type SafeStorageLike } from './secrets';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'secrets-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every byte of every file under dir, as latin1 text, for grepping. */
const everything = (dir: string): string =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');

const PLAIN = Buffer.from('{"staff":[{"idNumber":"360121198001011234","phone":"13800138000"}]}');

/** A keyring that keeps items in memory, as the Secret Service would for the session. */
const memoryKeyring = (): Keyring & { items: Map<string, Buffer> } => {
  const items = new Map<string, Buffer>();
  return { items, get: (a) => items.get(a) ?? null, set: (a, v) => void items.set(a, Buffer.from(v)) };
};

/** A stand-in for Electron's safeStorage with a chosen Linux backend (XOR is enough to tell sealed from plain). */
const fakeSafeStorage = (backend: string): SafeStorageLike => ({
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(Buffer.from(s).map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
  getSelectedStorageBackend: () => backend,
});

describe('secret store', () => {
  it('no Secret Service (no D-Bus session, as on these machines): @napi-rs/keyring refuses, the store falls back with a warning, sealed files 0600', async () => {
    const dir = join(temp(), 'secrets');
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/bus';
    let keyringError = '';
    let opened;
    try {
      try {
        (await osKeyring('cn.gov.jiangxi.township-terminal.test')).set('probe', Buffer.from('x'));
      } catch (e) {
        keyringError = (e as Error).message;
      }
      opened = await openSecretStore({ dir, host: 'browser' });
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    }
    expect(keyringError).toMatch(/platform|storage|dbus/i);
    const { store, status } = opened;
    expect(status).toMatchObject({ kind: 'file', protectedAtRest: false, warning: expect.stringMatching(/no OS keyring.*not from whoever holds the disk/) });
    await store.write('staff-cache', PLAIN);
    expect(await store.read('staff-cache')).toEqual(PLAIN);
    expect(everything(dir)).not.toContain('360121198001011234');
    expect(readdirSync(dir).sort()).toEqual(['staff-cache.sealed', 'store.key']);
    for (const f of readdirSync(dir)) expect(lstatSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
  });

  it('with a keyring: only the store key is in it; the secrets are sealed files a stolen disk cannot open', async () => {
    const dir = join(temp(), 'secrets');
    const keyring = memoryKeyring();
    const { store, status } = await openSecretStore({ dir, host: 'browser', keyring: async () => keyring });
    expect(status).toEqual({ kind: 'keyring', protectedAtRest: true });
    await store.write('db-master-key', Buffer.alloc(32, 7));
    await store.write('staff-cache', PLAIN);
    expect(keyring.items.size).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['db-master-key.sealed', 'staff-cache.sealed']);
    expect(everything(dir)).not.toContain('360121198001011234');
    // Reopened with the same keyring: the same secrets.
    const again = await openSecretStore({ dir, host: 'browser', keyring: async () => keyring });
    expect(await again.store.read('staff-cache')).toEqual(PLAIN);
    // The disk without the keyring: the fallback cannot open them and says so instead of replacing them.
    const thief = await openSecretStore({ dir, host: 'browser', keyring: async () => { throw new Error('none'); } });
    await expect(thief.store.read('db-master-key')).rejects.toThrow(/cannot be opened with this terminal's store key/);
    // A file swapped under another name does not open either (the name is authenticated).
    writeFileSync(join(dir, 'platform-token.sealed'), readFileSync(join(dir, 'staff-cache.sealed')));
    await expect(again.store.read('platform-token')).rejects.toThrow(/cannot be opened/);
  });

  it('moves an older version’s plain files into sealed ones, and a fallback key into the keyring once there is one', async () => {
    const dir = join(temp(), 'secrets');
    const old = await openSecretStore({ dir, host: 'browser', keyring: async () => { throw new Error('none'); } });
    await old.store.write('platform-token', Buffer.from('tok_0123456789'));
    writeFileSync(join(dir, 'staff-cache.secret'), PLAIN, { mode: 0o600 }); // what versions before issue 13 wrote
    const keyring = memoryKeyring();
    const now = await openSecretStore({ dir, host: 'browser', keyring: async () => keyring });
    expect(now.status.kind).toBe('keyring');
    expect(readdirSync(dir)).not.toContain('store.key');
    expect((await now.store.read('platform-token'))?.toString()).toBe('tok_0123456789');
    expect(await now.store.read('staff-cache')).toEqual(PLAIN);
    expect(readdirSync(dir).sort()).toEqual(['platform-token.sealed', 'staff-cache.sealed']);
    expect(everything(dir)).not.toContain('360121198001011234');
  });

  it('Electron: safeStorage with a real backend is used; Linux basic_text is refused for the keyring (or the warned fallback), and its old files still open', async () => {
    const good = await openSecretStore({ dir: join(temp(), 's'), host: 'electron', safeStorage: fakeSafeStorage('gnome_libsecret'), platform: 'linux' });
    expect(good.status).toEqual({ kind: 'safeStorage', protectedAtRest: true });
    const win = await openSecretStore({ dir: join(temp(), 's'), host: 'electron', safeStorage: fakeSafeStorage('ignored'), platform: 'win32' });
    expect(win.status.kind).toBe('safeStorage');

    const dir = join(temp(), 's');
    const basic = fakeSafeStorage('basic_text');
    // An older Electron build sealed the token with basic_text safeStorage.
    const before = await openSecretStore({ dir, host: 'electron', safeStorage: fakeSafeStorage('gnome_libsecret'), platform: 'linux' });
    await before.store.write('platform-token', Buffer.from('tok_basic'));
    const noKeyring = await openSecretStore({ dir, host: 'electron', safeStorage: basic, platform: 'linux', keyring: async () => { throw new Error("Couldn't access platform storage"); } });
    expect(noKeyring.status).toMatchObject({ kind: 'file', protectedAtRest: false, warning: expect.stringContaining('basic_text backend') });
    expect((await noKeyring.store.read('platform-token'))?.toString()).toBe('tok_basic');
    const keyring = memoryKeyring();
    const withKeyring = await openSecretStore({ dir, host: 'electron', safeStorage: basic, platform: 'linux', keyring: async () => keyring });
    expect(withKeyring.status.kind).toBe('keyring');
    expect((await withKeyring.store.read('platform-token'))?.toString()).toBe('tok_basic');
  });

  it('garbage: a damaged store key or sealed file is refused with a clear error, never replaced', async () => {
    const dir = join(temp(), 'secrets');
    const { store } = await openSecretStore({ dir, host: 'browser', keyring: async () => { throw new Error('none'); } });
    await store.write('db-master-key', Buffer.alloc(32, 1));
    writeFileSync(join(dir, 'db-master-key.sealed'), Buffer.from('\u0000garbage'));
    await expect(store.read('db-master-key')).rejects.toThrow(/damaged/);
    writeFileSync(join(dir, 'store.key'), 'short');
    await expect(openSecretStore({ dir, host: 'browser', keyring: async () => { throw new Error('none'); } })).rejects.toThrow(/store.key is damaged/);
    await expect(store.write('../escape', Buffer.from('x'))).rejects.toThrow(/invalid secret name/);
  });

  const hasGnomeKeyring = existsSync('/usr/bin/gnome-keyring-daemon') && existsSync('/usr/bin/dbus-run-session');
  it.skipIf(!hasGnomeKeyring)('a real Secret Service (gnome-keyring in its own D-Bus session; skipped without Debian gnome-keyring): kept across processes, unreadable without it', () => {
    const home = temp();
    const dir = join(home, 'secrets');
    const child = join(import.meta.dirname, 'fixtures', 'keyring-child.ts');
    const script = [
      'set -e',
      'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
      `node --import tsx ${JSON.stringify(child)} ${JSON.stringify(dir)} write`,
      `node --import tsx ${JSON.stringify(child)} ${JSON.stringify(dir)}`,
    ].join('\n');
    const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'share'), XDG_RUNTIME_DIR: home, DBUS_SESSION_BUS_ADDRESS: '' };
    const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], { env, encoding: 'utf8', timeout: 60_000, cwd: join(import.meta.dirname, '..', '..') });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: { kind: string }; read: string });
    expect(lines).toEqual([
      { status: { kind: 'keyring', protectedAtRest: true }, read: 'tok_in_the_real_keyring' },
      { status: { kind: 'keyring', protectedAtRest: true }, read: 'tok_in_the_real_keyring' },
    ]);
    expect(readdirSync(dir)).toEqual(['platform-token.sealed']);
    // The keyring's own file is encrypted with the login password, and the data folder holds no key.
    expect(everything(home)).not.toContain('tok_in_the_real_keyring');
    // The disk alone (no Secret Service): nothing opens.
    const alone = spawnSync(process.execPath, ['--import', 'tsx', child, dir], { env: { ...env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }, encoding: 'utf8', timeout: 30_000, cwd: join(import.meta.dirname, '..', '..') });
    expect(alone.status).toBe(1);
    expect(alone.stderr).toMatch(/cannot be opened with this terminal's store key/);
  }, 90_000);

  it('hostSecretStore opens one store per data folder and reports its status for app.info', async () => {
    const data = temp();
    const warnings: string[] = [];
    const a = await hostSecretStore(data, 'browser', (w) => warnings.push(w));
    const b = await hostSecretStore(data, 'browser', (w) => warnings.push(w));
    expect(a).toBe(b);
    const status = secretStorageStatus(data);
    expect(status?.kind).toBe(a.kind);
    expect(warnings.length).toBe(status?.warning ? 1 : 0);
  });
});
