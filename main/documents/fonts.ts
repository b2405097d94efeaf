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

/**
 * Fallback fonts for rare characters in names (CJK Extension A in HanaMinA, Extensions B–F in
 * HanaMinB; Hanazono font, GlyphWiki project, free licence: Hanazono Font License or SIL OFL,
 * build/fonts/HANAZONO-LICENSE.txt). Noto Sans SC has none of Extension B+.
 *
 * They are not kept in git (≈ 53 MB): `scripts/bootstrap.mjs` installs Debian's `fonts-hanazono`,
 * and `node scripts/fonts.mjs` copies the two files into build/fonts, which electron-builder ships
 * as `<resources>/fonts` (extraResources). Lookup per file: `<resources>/fonts` (packaged) →
 * build/fonts (dev, tests) → the Debian package's folder (development machines only).
 */
export const FALLBACK_FONT_FILES = ['HanaMinA.ttf', 'HanaMinB.ttf'] as const;
export const SYSTEM_HANAZONO_DIR = '/usr/share/fonts/truetype/hanazono';

function buildFontsDir(): string | null {
  let dir = import.meta.dirname;
  for (let i = 0; i < 6 && dir; i++) {
    const candidate = join(dir, 'build', 'fonts');
    if (existsSync(join(candidate, FONT_FILE))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The fallback font files found, in the order they are tried. */
export function findFallbackFontPaths(): string[] {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const dirs = [resources ? join(resources, 'fonts') : null, buildFontsDir(), SYSTEM_HANAZONO_DIR].filter((d): d is string => !!d);
  const out: string[] = [];
  for (const file of FALLBACK_FONT_FILES) {
    const found = dirs.map((d) => join(d, file)).find((p) => existsSync(p));
    if (found) out.push(found);
  }
  return out;
}

const fallbackCache = new Map<string, Uint8Array | null>();

/** A fallback font's bytes (read once per path), or null when it cannot be read. */
export function loadFallbackBytes(path: string): Uint8Array | null {
  if (!fallbackCache.has(path)) {
    try {
      fallbackCache.set(path, readFileSync(path));
    } catch {
      fallbackCache.set(path, null);
    }
  }
  return fallbackCache.get(path) ?? null;
}
