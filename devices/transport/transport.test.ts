import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterEmulator } from '../emulators/printer-emulator.js';
import { ReceiptPrinter } from '../escpos/printer.js';
import { encodeResponse } from '../idcard/frame.js';
import { SamReader } from '../idcard/reader.js';
import { tempDir, waitFor } from '../testing/helpers.js';
import { fromHidReport, toHidReports } from './hid-reports.js';
import { SerialTransport, listSerialPorts } from './serial.js';
import { TcpTransport } from './tcp.js';
import { UsbLpTransport } from './usb-lp.js';

// SerialPortMock is serialport's stream over @serialport/binding-mock; use its binding instance.
const MockBinding = SerialPortMock.binding;
afterEach(() => MockBinding.reset());

describe('SerialTransport with @serialport/binding-mock', () => {
  const mockFactory = (o: { path: string; baudRate: number; autoOpen: false }) => new SerialPortMock(o);

  it('writes frames and receives replies', async () => {
    MockBinding.createPort('/dev/MOCK0', { echo: false, record: true });
    const t = new SerialTransport('/dev/MOCK0', 115200, mockFactory);
    await t.open();
    const reader = new SamReader(t, { timeoutMs: 500 });
    const pending = reader.findCard();
    await waitFor(() => (t as unknown as { port: SerialPortMock }).port.port?.recording.length, 1000, 'write');
    const port = (t as unknown as { port: SerialPortMock }).port;
    expect(port.port!.recording.toString('hex')).toBe('aaaaaa9669000320012' + '2');
    port.port!.emitData(encodeResponse(0x9f));
    expect(await pending).toBe(true);
    reader.dispose();
    await t.close();
    expect(t.isOpen).toBe(false);
  });

  it('open failure is a clear OPEN_FAILED error', async () => {
    const t = new SerialTransport('/dev/MISSING', 115200, mockFactory);
    await expect(t.open()).rejects.toMatchObject({ code: 'OPEN_FAILED' });
  });

  it('write on a closed port rejects with NOT_OPEN', async () => {
    const t = new SerialTransport('/dev/MOCK1', 115200, mockFactory);
    await expect(t.write(Buffer.from([1]))).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });

  it('a write in flight when the port is closed settles: it never waits for the port to open again', async () => {
    // serialport queues a write or drain on a closed port until the port opens again: a status query
    // cut by a shutdown held the host's SIGTERM forever (1 in 10 starts, host-cli e2e).
    MockBinding.createPort('/dev/MOCK2', { echo: false, record: true });
    const t = new SerialTransport('/dev/MOCK2', 115200, mockFactory);
    await t.open();
    const writes = [t.write(Buffer.from([0x10, 0x04, 0x01])), t.write(Buffer.from([0x10, 0x04, 0x02]))];
    await t.close();
    const settled = await Promise.race([
      Promise.allSettled(writes).then((r) => r.map((x) => (x.status === 'fulfilled' ? 'written' : (x.reason as { code?: string }).code))),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2000)),
    ]);
    expect(settled).toEqual([expect.stringMatching(/^(written|DISCONNECTED)$/), expect.stringMatching(/^(written|DISCONNECTED)$/)]);
    await expect(t.write(Buffer.from([1]))).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });

  it('listing serial ports never throws (udevadm may be missing)', async () => {
    await expect(listSerialPorts()).resolves.toBeInstanceOf(Array);
  });
});

describe('TcpTransport (raw 9100-style printer socket)', () => {
  it('sends bytes, receives status replies, reports the peer closing', async () => {
    const received: Buffer[] = [];
    const server = net.createServer((sock) => {
      sock.on('data', (d) => {
        received.push(d);
        if (d.includes(Buffer.from([0x10, 0x04]))) sock.write(Buffer.from([0x12]));
      });
      setTimeout(() => sock.end(), 300);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const t = new TcpTransport('127.0.0.1', port);
    await t.open();
    const closed = new Promise<void>((r) => t.onClose(() => r()));
    const got = new Promise<Buffer>((r) => t.onData(r));
    await t.write(Buffer.from([0x10, 0x04, 0x01]));
    expect((await got)[0]).toBe(0x12);
    await closed;
    expect(t.isOpen).toBe(false);
    server.close();
    expect(Buffer.concat(received).toString('hex')).toBe('100401');
  });

  it('connection refused is OPEN_FAILED', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    server.close();
    await expect(new TcpTransport('127.0.0.1', port).open()).rejects.toMatchObject({ code: 'OPEN_FAILED' });
  });
});

describe('UsbLpTransport (device node) against the printer emulator over a pty', () => {
  it('prints and reads DLE EOT replies through a character device', async () => {
    const dir = tempDir();
    const emu = new PrinterEmulator(path.join(dir, 'lp.device'), path.join(dir, 'lp0'));
    await emu.start();
    const t = new UsbLpTransport(emu.hostPath);
    try {
      await t.open();
      const printer = new ReceiptPrinter({ statusTimeoutMs: 1000 });
      printer.attach(t);
      emu.setCondition({ paperNearEnd: true });
      const s = await printer.queryStatus();
      expect(s).toMatchObject({ online: true, paperNearEnd: true, paperOut: false });
      const cut = emu.nextCut();
      const r = await printer.print('test', Buffer.from([0x1b, 0x40, 0x41, 0x0a, 0x1d, 0x56, 0x41, 0x03]));
      expect(r.ok).toBe(true);
      expect((await cut).map((i) => i.type)).toEqual(['init', 'text', 'newline', 'cut']);
    } finally {
      await t.close();
      await emu.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing node is OPEN_FAILED', async () => {
    await expect(new UsbLpTransport('/dev/usb/lp-does-not-exist').open()).rejects.toMatchObject({ code: 'OPEN_FAILED' });
  });
});

describe('HID report framing (length-prefixed, 64-byte reports)', () => {
  it('splits and reassembles a SAM frame', () => {
    const frame = encodeResponse(0x90, Buffer.alloc(200, 7));
    const reports = toHidReports(frame, 64);
    expect(reports).toHaveLength(Math.ceil(frame.length / 63));
    for (const r of reports) expect(r).toHaveLength(65);
    const back = Buffer.concat(reports.map((r) => fromHidReport(r.subarray(1))!));
    expect(back).toEqual(frame);
  });

  it('ignores ACK, empty and lying reports', () => {
    expect(fromHidReport(Buffer.from([0xff, 1, 2]))).toBeNull();
    expect(fromHidReport(Buffer.from([0]))).toBeNull();
    expect(fromHidReport(Buffer.from([10, 1, 2]))).toBeNull();
    expect(fromHidReport(Buffer.alloc(0))).toBeNull();
  });
});
