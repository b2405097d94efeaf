import { existsSync } from 'node:fs';
// @ts-expect-error -- plain .mjs helper without types
import { ensureBuild } from '../scripts/ensure-build.mjs';
import { CHROMIUM_PATH } from '../playwright.config';

export default function globalSetup(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  (ensureBuild as (o: { quiet: boolean }) => void)({ quiet: false });
}
