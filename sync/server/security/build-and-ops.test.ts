// Security suite, issue 13 items 5, 6 (platform side) and 7:
// - 5: Electron's Linux `basic_text` safeStorage is not taken for protection; secrets sealed under a
//      keyring's key do not open from a copy of the disk.
// - 6: /api/v1/metrics needs a token; the scrape-only metrics token opens nothing else; a generated
//      admin token is never printed.
// - 7: the packaged binary's fuses, as electron-builder flips them from electron-builder.yml.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, FuseV1Options, flipFuses, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { signalProcess, trackDir, trackProcess, untrackDir, untrackProcess } from '../../../scripts/test-reaper.mjs';
import { paths } from '../../protocol/index';
import { startPlatform } from '../platform';
import { enroll } from '../test/helpers';
import { tally } from './tally';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const STATION = '360121201';
const dirs: string[] = [];
const temp = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), `sec-ops-${name}-`));
  dirs.push(d);
  trackDir(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    untrackDir(d);
  }
});

describe('security: keys, metrics, the admin token and the Electron fuses', () => {
  const t = tally('build-and-ops');

  it('item 5: basic_text safeStorage is refused; a copied disk without the keyring opens no secret', async () => {
    // The terminal's real secret store (main/sync/secrets.ts), driven in a child: sync/ may not import main/.
    const dir = join(temp('keys'), 'secrets');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'main', 'sync', 'fixtures', 'secret-attacks.ts'), dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as { kindWithBasicText: string; thiefOpened: number; plainOnDisk: boolean };
    await t.attack('have the keys kept by Electron’s basic_text safeStorage (a key built into Chromium)', async () => o.kindWithBasicText === 'keyring');
    await t.attack('open the database key and the staff cache from a copy of the disk, without the keyring', async () => o.thiefOpened === 0 && !o.plainOnDisk);
  });

  it('item 6: metrics need a token that opens nothing else', async () => {
    const metricsToken = `mtr_${randomBytes(16).toString('hex')}`;
    const p = await startPlatform({ security: { metricsToken } });
    try {
      const term = await enroll(p, STATION);
      const get = (path: string, token?: string) => fetch(`${p.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      await t.attack('scrape /api/v1/metrics without a token', async () => (await get(paths.metrics)).status === 401);
      await t.attack('scrape /api/v1/metrics with a terminal token', async () => (await get(paths.metrics, term.token)).status === 403);
      expect((await get(paths.metrics, metricsToken)).status).toBe(200);
      expect((await get(paths.metrics, p.adminToken)).status).toBe(200);
      await t.attack('pull residents’ applications with the metrics token', async () => (await get(paths.pull('applications'), metricsToken)).status === 403);
      await t.attack('use the admin API with the metrics token', async () => {
        const r = await fetch(`${p.url}${paths.adminEnrollCodes}`, { method: 'POST', headers: { authorization: `Bearer ${metricsToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ stationId: STATION }) });
        return r.status === 403;
      });
    } finally {
      await p.close();
    }
  });

  it('item 6: `npm run platform -- serve` never prints a generated admin token', async () => {
    const data = join(temp('platform'), 'db');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync', 'server', 'cli.ts'), 'serve', '--port', '0', '--data-dir', data, '--log', 'info'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PLATFORM_ADMIN_TOKEN: '' } });
    trackProcess(child.pid, 'platform cli (security suite)');
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const end = Date.now() + 120_000;
      while (!/READY (http\S+)/.test(out) || !/ADMIN_TOKEN_FILE (\S+)/.test(out)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no READY: ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const url = /READY (http\S+)/.exec(out)![1]!;
      const file = /ADMIN_TOKEN_FILE (\S+)/.exec(out)![1]!;
      expect(lstatSync(file).mode & 0o777).toBe(0o600);
      const token = readFileSync(file, 'utf8').trim();
      expect((await fetch(`${url}${paths.metrics}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      await t.attack('read the admin token from the platform’s console output and request log', async () => !out.includes(token) && token.length >= 16);
    } finally {
      signalProcess(child.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      signalProcess(child.pid!, 'SIGKILL');
      untrackProcess(child.pid);
    }
  }, 180_000);

  it('item 7: the packaged Electron cannot be run as Node, given NODE_OPTIONS or --inspect, or load an app outside its checked asar', async () => {
    const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean>; asar: boolean };
    const fuseConfig = await (PlatformPackager.prototype as unknown as { generateFuseConfig(f: unknown): Promise<FuseV1Config> }).generateFuseConfig.call({}, config.electronFuses);
    // An Electron-shaped binary with an unfused wire, flipped the way packaging flips the real one.
    const file = join(temp('fuses'), 'electron');
    const wire = [1, 0, 1, 1, 0, 0, 0, 1, 1].map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));
    writeFileSync(file, Buffer.concat([randomBytes(1024), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, wire.length, ...wire]), randomBytes(1024)]));
    await flipFuses(file, fuseConfig);
    const fuses = await getCurrentFuseWire(file);
    await t.attack('ELECTRON_RUN_AS_NODE=1 to run the binary as a plain Node', async () => fuses[FuseV1Options.RunAsNode] === FuseState.DISABLE);
    await t.attack('NODE_OPTIONS=--require evil.js', async () => fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable] === FuseState.DISABLE);
    await t.attack('--inspect / SIGUSR1 to attach a debugger to main', async () => fuses[FuseV1Options.EnableNodeCliInspectArguments] === FuseState.DISABLE);
    await t.attack('a tampered app.asar', async () => fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation] === FuseState.ENABLE && config.asar === true);
    await t.attack('an app folder placed beside app.asar', async () => fuses[FuseV1Options.OnlyLoadAppFromAsar] === FuseState.ENABLE);
    expect(existsSync(join(ROOT, 'electron-builder.yml'))).toBe(true);
  });
});
