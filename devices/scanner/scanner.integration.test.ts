/**
 * A serial QR scanner through the device manager over a real socat pty pair: scans arrive as events
 * (CR LF, CR, LF, slow chunks), framing garbage becomes error events and loses no later scan, an
 * unfinished line is dropped by the quiet timer, an unplug reconnects, and the text is never logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceManager } from '../manager/device-manager.js';
import { qrScanEventSchema, type QrScanEvent } from '../manager/schemas.js';
import { QrScannerEmulator } from '../emulators/qr-scanner-emulator.js';
import { tempDir, waitFor } from '../testing/helpers.js';
import { zhErrorWords } from '../testing/zh-words.js';

let dir: string;
let scanner: QrScannerEmulator;
let manager: DeviceManager;
const events: QrScanEvent[] = [];
const logs: string[] = [];
const CODE = 'TTID1.eyJ2IjoxfQ.c2lnbmF0dXJlLXNlY3JldC1hYmNkZWY';

const scanned = () => events.filter((e) => e.type === 'scan').map((e) => (e.type === 'scan' ? e.text : ''));
const errors = () => events.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e.error.code : ''));

beforeAll(async () => {
  dir = tempDir('qrscanner-');
  scanner = new QrScannerEmulator(path.join(dir, 'scanner-device'), path.join(dir, 'scanner'));
  await scanner.start();
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
  manager = new DeviceManager({ qrScanner: { driver: 'serial-line', transport: { kind: 'serial', path: scanner.hostPath, baudRate: 9600 }, maxLength: 512, quietMs: 150 }, reconnect: { initialMs: 100, maxMs: 400 } }, { logger });
  manager.onQrScan((e) => events.push(qrScanEventSchema.parse(JSON.parse(JSON.stringify(e)))));
  await manager.start();
  await waitFor(() => manager.getStatuses().find((s) => s.role === 'qr-scanner')?.state === 'connected', 10_000, 'scanner connected');
});

afterAll(async () => {
  await manager?.stop();
  await scanner?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('serial QR scanner over a pty', () => {
  it('is listed with the four roles only because it is configured, and reads scans with every terminator and in slow chunks', async () => {
    expect(manager.getStatuses().map((s) => s.role)).toEqual(['idcard', 'receipt-printer', 'window-display', 'evaluator', 'qr-scanner']);
    expect(new DeviceManager({}).getStatuses()).toHaveLength(4);
    await scanner.scan(CODE);
    await scanner.scan('second-code', '\r');
    await scanner.scan('third-code', '\n');
    await scanner.scan(CODE + 'x', '\r\n', 7);
    await waitFor(() => scanned().length === 4, 5000, 'four scans');
    expect(scanned()).toEqual([CODE, 'second-code', 'third-code', CODE + 'x']);
  });

  it('garbage on the line (noise, binary, an overlong line) becomes error events; the scan after it is read', async () => {
    events.length = 0;
    await scanner.sendRaw(Buffer.from([0x00, 0xff, 0x80, 0x1b, 0x41, 0x0d, 0x0a]));
    await scanner.sendRaw(Buffer.from('Z'.repeat(2000) + '\r\n', 'latin1'));
    await scanner.sendRaw(Buffer.from('\r\n\n\r'));
    await scanner.scan(CODE);
    await waitFor(() => scanned().length === 1, 5000, 'the scan after the garbage');
    expect(errors()).toEqual(['SCAN_GARBLED', 'SCAN_TOO_LONG']);
    expect(scanned()).toEqual([CODE]);
    const garbled = events.find((e) => e.type === 'error');
    expect(garbled?.type === 'error' && zhErrorWords(garbled.error)).toMatch(/乱码/);
  });

  it('a line without terminator is dropped after the quiet time and never glued to the next scan', async () => {
    events.length = 0;
    await scanner.sendRaw(Buffer.from('TTID1.cut-in-the-mid', 'latin1'));
    await waitFor(() => errors().includes('SCAN_INCOMPLETE'), 3000, 'incomplete error');
    await scanner.scan(CODE);
    await waitFor(() => scanned().length === 1, 5000, 'next scan');
    expect(scanned()).toEqual([CODE]);
  });

  it('reconnects after an unplug and reads again; the scanned text never reaches the log', async () => {
    events.length = 0;
    await scanner.unplug(300);
    await waitFor(() => manager.getStatuses().find((s) => s.role === 'qr-scanner')?.state !== 'connected', 5000, 'disconnected');
    await waitFor(() => manager.getStatuses().find((s) => s.role === 'qr-scanner')?.state === 'connected', 10_000, 'reconnected');
    await scanner.scan(CODE);
    await waitFor(() => scanned().length === 1, 5000, 'scan after replug');
    const all = logs.join('\n');
    expect(all).toContain('qr-scanner: scan of');
    expect(all).not.toContain('c2lnbmF0dXJl');
    expect(all).not.toContain('second-code');
  });
});
