/**
 * electron-builder cannot package here (it downloads Electron), so this keeps its configuration
 * valid: electron-builder's own schema validation over electron-builder.yml, plus the paths it
 * names must exist after a build.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

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
