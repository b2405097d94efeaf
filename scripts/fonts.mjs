#!/usr/bin/env node
// Copies the rare-character fallback fonts (Hanazono HanaMinA/HanaMinB, Debian `fonts-hanazono`)
// into build/fonts, where the app finds them in development and electron-builder ships them
// (extraResources build/fonts → resources/fonts). They are not kept in git (≈ 53 MB).
// Usage: node scripts/fonts.mjs [--check]  (exit 1 when a file is missing)
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = '/usr/share/fonts/truetype/hanazono';
const FILES = ['HanaMinA.ttf', 'HanaMinB.ttf'];
const check = process.argv.includes('--check');
let missing = 0;
for (const f of FILES) {
  const dest = join(root, 'build', 'fonts', f);
  const src = join(SRC, f);
  if (existsSync(dest) && (!existsSync(src) || statSync(dest).size === statSync(src).size)) continue;
  if (check || !existsSync(src)) {
    console.error(`fonts: ${dest} is missing${existsSync(src) ? '' : ` (install the Debian package fonts-hanazono: apt-get install fonts-hanazono)`}`);
    missing++;
    continue;
  }
  copyFileSync(src, dest);
  console.log(`fonts: copied ${f} into build/fonts`);
}
process.exit(missing ? 1 : 0);
