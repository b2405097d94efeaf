/**
 * Proves the import-boundary lint rules are live: lints small fixtures as if they sat in each
 * process folder and expects the boundary errors (and none for allowed imports).
 */
import { ESLint } from 'eslint';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (eslint)', () => {
  it.each([
    ['renderer/x.ts', "import { createDispatcher } from '../main/core/dispatcher';\nexport const x = createDispatcher;\n", /renderer\/ may not import main/],
    ['renderer/kiosk/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /no Node built-ins/],
    ['renderer/kiosk/x.ts', "import fs from 'fs';\nexport const x = fs;\n", /no Node built-ins/],
    ['renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", /may not import electron/],
    ['renderer/x.ts', "import * as d from '../devices/manager';\nexport const x = d;\n", /may not import devices/],
    ['devices/x.ts', "import * as r from '../renderer/stores/session';\nexport const x = r;\n", /devices\/ may not import renderer/],
    ['devices/x.ts', "import { app } from 'electron';\nexport const x = app;\n", /no electron/],
    ['sync/server/x.ts', "import * as r from '../../renderer/main';\nexport const x = r;\n", /sync\/ may not import renderer/],
    ['sync/protocol/x.ts', "import { app } from 'electron';\nexport const x = app;\n", /no electron/],
    ['main/core/x.ts', "import * as r from '../../renderer/main';\nexport const x = r;\n", /main\/ may not import renderer/],
    ['main/core/x.ts', "import { app } from 'electron';\nexport const x = app;\n", /run without Electron/],
    ['preload/contract/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /no Node built-ins/],
    ['preload/contract/x.ts', "import { createDeviceManager } from '../../devices/manager/device-manager';\nexport const x = createDeviceManager;\n", /only its pure devices\/protocol/],
    ['devices/protocol/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /no Node built-ins/],
  ])('%s: refuses %s', async (file, code, message) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.join('\n')).toMatch(message);
  });

  it.each([
    ['renderer/x.ts', "import { call } from './bridge/client';\nimport { calls } from '../preload/contract';\nexport const x = [call, calls];\n"],
    ['main/x.ts', "import { app } from 'electron';\nimport { calls } from '../preload/contract';\nexport const x = [app, calls];\n"],
    ['devices/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['preload/contract/x.ts', "import { ticketDataSchema } from '../../devices/protocol/print-data';\nexport const x = ticketDataSchema;\n"],
  ])('%s: allows the imports its layer may make', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
