/**
 * electron-builder cannot package here (it downloads Electron), so this keeps its configuration
 * valid: electron-builder's own schema validation over electron-builder.yml, plus the paths it
 * names must exist after a build.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FuseState, FuseV1Options, flipFuses, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

// The fuse sentinel @electron/fuses looks for in an Electron binary (dist/constants.js, not exported).
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** electron-builder's own YAML → @electron/fuses translation (a private method it calls when packing). */
const generateFuseConfig = (fuses: Record<string, boolean>) =>
  (PlatformPackager.prototype as unknown as { generateFuseConfig(f: unknown): Promise<FuseV1Config> }).generateFuseConfig.call({}, fuses);

const root = resolve(import.meta.dirname, '..');
const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config as never, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is refused by the same validation when broken (the check can fail)', async () => {
    await expect(validateConfiguration({ ...config, notAnElectronBuilderOption: true } as never, new DebugLogger(false))).rejects.toThrow();
  });

  it('targets Windows NSIS x64 and Linux deb/AppImage on x64 and arm64, with an icon that exists', () => {
    const linux = config.linux as { target: { target: string; arch: string[] }[]; icon: string };
    expect(linux.target.map((t) => t.target).sort()).toEqual(['AppImage', 'deb']);
    for (const t of linux.target) expect(t.arch).toEqual(['x64', 'arm64']);
    expect((config.win as { target: { target: string }[] }).target[0]?.target).toBe('nsis');
    expect(existsSync(join(root, linux.icon))).toBe(true);
  });

  it('ships the PDF font as an extra resource (main/documents reads resources/fonts)', () => {
    const extra = config.extraResources as { from: string; to: string }[];
    expect(extra).toContainEqual({ from: 'build/fonts', to: 'fonts' });
    expect(existsSync(join(root, 'build/fonts/NotoSansSC_400Regular.ttf'))).toBe(true);
  });

  it('unpacks pdf-to-printer from app.asar (Windows must start its SumatraPDF.exe from a real file)', () => {
    const unpack = config.asarUnpack as string[];
    expect(unpack).toContain('node_modules/pdf-to-printer/**');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['pdf-to-printer']).toMatch(/^\d+\.\d+\.\d+$/); // pinned exact
    const dist = join(root, 'node_modules/pdf-to-printer/dist');
    expect(readdirSync(dist).some((f) => /^SumatraPDF.*\.exe$/i.test(f))).toBe(true);
    // Linux packages leave the Windows-only executable out (the pattern must match the shipped file name).
    const linuxFiles = (config.linux as { files?: string[] }).files ?? [];
    const exclude = linuxFiles.find((f) => f.startsWith('!node_modules/pdf-to-printer/'));
    expect(exclude).toBe('!node_modules/pdf-to-printer/dist/*.exe');
    expect((config.win as { files?: unknown }).files).toBeUndefined();
  });

  it('points main at the built Electron entry', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect((config.extraMetadata as { main: string }).main).toBe(pkg.main);
  });
});

describe('electron-builder.yml: Electron fuses (issue 13 item 7)', () => {
  /**
   * A stand-in for the Electron binary: filler, the fuse sentinel, wire version 1, and the wire of
   * an unfused Electron 45 (RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; asar
   * integrity, only-asar and cookie encryption off).
   */
  const unfusedBinary = (dir: string) => {
    const file = join(dir, 'electron');
    const wire = [1, 0, 1, 1, 0, 0, 0, 1, 1].map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE));
    writeFileSync(file, Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([1, wire.length, ...wire]), randomBytes(4096)]));
    return file;
  };

  it('turns RunAsNode, NODE_OPTIONS and --inspect off and asar integrity and only-from-asar on, in the binary electron-builder packs', async () => {
    const fuses = config.electronFuses as Record<string, boolean>;
    // electron-builder's own translation of the YAML into @electron/fuses' configuration ...
    const fuseConfig = await generateFuseConfig(fuses);
    // ... flipped in an Electron-shaped binary by @electron/fuses, as packaging does, and read back.
    const dir = mkdtempSync(join(tmpdir(), 'fuses-'));
    try {
      const file = unfusedBinary(dir);
      const before = await getCurrentFuseWire(file);
      expect(before[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);
      await flipFuses(file, fuseConfig);
      const wire = await getCurrentFuseWire(file);
      expect({
        runAsNode: wire[FuseV1Options.RunAsNode],
        nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
        inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
        asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
        onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
        cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
        fileProtocol: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
      }).toEqual({
        runAsNode: FuseState.DISABLE,
        nodeOptions: FuseState.DISABLE,
        inspect: FuseState.DISABLE,
        asarIntegrity: FuseState.ENABLE,
        onlyAsar: FuseState.ENABLE,
        cookieEncryption: FuseState.ENABLE,
        fileProtocol: FuseState.DISABLE,
      });
      // The integrity fuse needs the asar it checks: the app is packed into one.
      expect(config.asar).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the check can fail: without the fuses in the YAML the binary keeps RunAsNode and --inspect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuses-'));
    try {
      const file = unfusedBinary(dir);
      const partial = { ...(config.electronFuses as Record<string, boolean>) };
      delete partial.runAsNode;
      delete partial.enableNodeCliInspectArguments;
      await flipFuses(file, await generateFuseConfig(partial));
      const wire = await getCurrentFuseWire(file);
      expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.ENABLE);
      // And a misspelt fuse is refused by electron-builder's schema.
      await expect(validateConfiguration({ ...config, electronFuses: { ...partial, runAsnode: false } } as never, new DebugLogger(false))).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
