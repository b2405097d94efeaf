/**
 * The document font: Noto Sans SC Regular (SIL OFL 1.1, build/fonts/OFL.txt), embedded as a subset
 * in every PDF so documents render the same on any printer or viewer, with no system fonts.
 *
 * Lookup order: an explicit path (config / tests) → `<resources>/fonts` in a packaged build
 * (electron-builder copies build/fonts there) → `build/fonts` found upwards from this module (dev,
 * browser host, tests) → the npm package `@expo-google-fonts/noto-sans-sc` (development only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const FONT_FILE = 'NotoSansSC_400Regular.ttf';

export function findFontPath(explicit?: string): string | null {
  if (explicit) return existsSync(explicit) ? explicit : null;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'fonts', FONT_FILE))) return join(resources, 'fonts', FONT_FILE);
  let dir = import.meta.dirname;
  for (let i = 0; i < 6 && dir; i++) {
    const candidate = join(dir, 'build', 'fonts', FONT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    return createRequire(import.meta.url).resolve(`@expo-google-fonts/noto-sans-sc/400Regular/${FONT_FILE}`);
  } catch {
    return null;
  }
}

let cached: { path: string; bytes: Uint8Array } | null = null;

/** The font file's bytes (read once, ≈ 10 MB). Throws when no font is found. */
export function loadFontBytes(explicit?: string): Uint8Array {
  const path = findFontPath(explicit);
  if (!path) throw new Error(`document font ${FONT_FILE} not found (build/fonts or resources/fonts)`);
  if (cached?.path === path) return cached.bytes;
  cached = { path, bytes: readFileSync(path) };
  return cached.bytes;
}
