/**
 * A serial QR scanner through main's device feature: configured in terminal.config.json (`devices.qrScanner`),
 * its scans reach the event hub as `devices.qrScan` in the contract's shape, only kiosk windows may get
 * them, garbage on the line arrives as an error event, and the scanned text never reaches main's log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCalls, deviceEvents } from '../../preload/contract/device-calls';
import { eventAllowedFor } from '../../preload/contract';
import { TerminalConfig } from '../core/config';
import { createEventHub } from '../core/events';
import { createLogger } from '../core/log';
import { QrScannerEmulator } from '../../devices';
import { createDeviceFeature, type DeviceFeature } from './feature';
import { zhStatusWords } from '../../devices/testing/zh-words';

const caller = { origin: 'app://terminal', role: 'kiosk' as const, senderId: 't' };
const CODE = 'TTID1.eyJ2IjoxLCJzZWNyZXQiOjF9.b25lLXRpbWUtc2VjcmV0LXNpZ25hdHVyZQ';

describe('serial QR scanner through the device feature', () => {
  let dir: string;
  let scanner: QrScannerEmulator;
  let feature: DeviceFeature;
  const logLines: string[] = [];
  const received: unknown[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'device-qr-'));
    scanner = new QrScannerEmulator(join(dir, 'qr-device'), join(dir, 'qr'));
    await scanner.start();
    const log = createLogger({ stderr: false, level: 'debug', sink: (l) => logLines.push(l) });
    const events = createEventHub(log);
    events.subscribe((name, payload) => name === 'devices.qrScan' && received.push(payload));
    const config = TerminalConfig.parse({ platform: { url: 'https://p.example.cn' }, devices: { qrScanner: { driver: 'serial-line', transport: { kind: 'serial', path: scanner.hostPath } } } });
    feature = createDeviceFeature({ config, log, events, dataDir: dir, host: 'browser' }, { speech: { engine: null, reason: 'test' } });
    await feature.start();
    await feature.ready();
    const deadline = Date.now() + 10_000;
    const connected = async () => (await feature.handlers['devices.status'](undefined, caller)).find((s) => s.role === 'qr-scanner')?.state === 'connected';
    while (!(await connected()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }, 30_000);
  afterAll(async () => {
    await feature?.close();
    await scanner?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the scanner in the statuses and delivers scans and framing errors as devices.qrScan (kiosk windows only)', async () => {
    const statuses = deviceCalls['devices.status'].output.parse(await feature.handlers['devices.status'](undefined, caller));
    expect(statuses.find((s) => s.role === 'qr-scanner')).toMatchObject({ state: 'connected', say: 'READY', params: { device: 'qr-scanner' } });
    expect(zhStatusWords(statuses.find((s) => s.role === 'qr-scanner')!)).toBe('扫码器已就绪');
    await scanner.sendRaw(Buffer.from([0x01, 0x02, 0xfe, 0x0d]));
    await scanner.scan(CODE);
    const deadline = Date.now() + 5000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const parsed = received.map((p) => deviceEvents['devices.qrScan'].parse(p));
    expect(parsed.map((e) => e.type)).toEqual(['error', 'scan']);
    expect(parsed[0]!.type === 'error' && parsed[0]!.error.code).toBe('SCAN_GARBLED');
    expect(parsed[1]!.type === 'scan' && parsed[1]!.text).toBe(CODE);
    expect(eventAllowedFor('devices.qrScan', 'kiosk')).toBe(true);
    expect(eventAllowedFor('devices.qrScan', 'clerk')).toBe(false);
    expect(eventAllowedFor('devices.qrScan', 'display')).toBe(false);
    const log = logLines.join('\n');
    expect(log).toContain('qr-scanner: scan of');
    expect(log).not.toContain('b25lLXRpbWUtc2VjcmV0');
  });
});
