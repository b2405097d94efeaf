/**
 * `devices.windowConfig`: the window-side devices' configuration (the document camera's) as main hands
 * it to the clerk window, checked by the registry's schemas; garbage counts as not configured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceCalls } from '../../preload/contract/device-calls';
import { windowDeviceConfigOf } from '../../devices/protocol/registry';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { createDeviceFeature } from './feature';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const clerk = { origin: 'app://terminal', role: 'clerk' as const, senderId: 't' };

function featureWith(devices: Record<string, unknown> | undefined, lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'window-config-'));
  dirs.push(dir);
  const log = createLogger({ stderr: false, level: 'debug', sink: (l) => lines.push(l) });
  return createDeviceFeature({ config: TerminalConfig.parse(devices ? { devices } : {}), log, events: createEventHub(log), dataDir: dir, host: 'browser' }, { demoDevices: false });
}

describe('devices.windowConfig', () => {
  it('hands the clerk window the configured document camera, in the contract shape', async () => {
    const lines: string[] = [];
    const f = featureWith({ documentCamera: { driver: 'uvc', deviceLabel: 'Document Camera', width: 2592, height: 1944 }, receiptPrinter: { driver: 'escpos', transport: { type: 'serial', path: '/dev/null' } } }, lines);
    const answer = await f.handlers['devices.windowConfig'](undefined, clerk);
    expect(deviceCalls['devices.windowConfig'].output.parse(answer)).toEqual({ documentCamera: { driver: 'uvc', deviceLabel: 'Document Camera', width: 2592, height: 1944 } });
    expect(deviceCalls['devices.windowConfig'].roles).toEqual(['clerk']);
    expect(await featureWith(undefined, lines).handlers['devices.windowConfig'](undefined, clerk)).toEqual({});
    expect(lines.join('\n')).not.toContain('window-config-invalid');
  });

  it('leaves out and logs a document camera whose configuration is garbage', async () => {
    for (const garbage of [{ driver: 'twain' }, { driver: 'uvc', width: 99_999 }, { driver: 'uvc', deviceLabel: '' }, 'uvc', 42, null, [], { driver: 'uvc', height: 2.5 }]) {
      const lines: string[] = [];
      const f = featureWith({ documentCamera: garbage }, lines);
      expect(await f.handlers['devices.windowConfig'](undefined, clerk), JSON.stringify(garbage)).toEqual({});
      expect(lines.join('\n')).toContain('devices.window-config-invalid');
      expect(lines.join('\n')).toContain('"entries":"documentCamera"');
      expect(windowDeviceConfigOf({ documentCamera: garbage })).toEqual({ config: {}, invalid: ['documentCamera'] });
    }
    // the contract refuses an answer main should never give (strict, checked by the registry's schema)
    expect(deviceCalls['devices.windowConfig'].output.safeParse({ documentCamera: { driver: 'uvc' }, extra: 1 }).success).toBe(false);
  });
});
