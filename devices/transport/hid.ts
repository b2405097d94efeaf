import { DeviceError } from '../errors.js';
import { fromHidReport, toHidReports } from './hid-reports.js';
import { TransportListeners, type Transport, type Unsubscribe } from './types.js';

import type * as NodeHid from 'node-hid';

type HidModule = typeof NodeHid;
type HidDevice = NodeHid.HIDAsync;

/**
 * USB HID through node-hid, with the length-prefixed report framing of hid-reports.ts. Loaded lazily.
 * Not tested against hardware (none here); the framing is unit-tested.
 */
export class HidTransport implements Transport {
  readonly description: string;
  private device: HidDevice | null = null;
  private readonly listeners = new TransportListeners();

  constructor(
    readonly vendorId: number,
    readonly productId: number,
    readonly devicePath?: string,
    readonly reportSize = 64,
  ) {
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    this.description = `hid:${hex(vendorId)}:${hex(productId)}`;
  }

  get isOpen(): boolean {
    return this.device !== null;
  }

  async open(): Promise<void> {
    if (this.device) return;
    let mod: HidModule;
    try {
      mod = await import('node-hid');
    } catch (err) {
      throw new DeviceError('HID_UNAVAILABLE', `node-hid cannot load: ${(err as Error).message}`, { cause: err });
    }
    let device: HidDevice;
    try {
      device = this.devicePath ? await mod.HIDAsync.open(this.devicePath) : await mod.HIDAsync.open(this.vendorId, this.productId);
    } catch (err) {
      throw new DeviceError('OPEN_FAILED', `cannot open ${this.description}: ${(err as Error).message}`, { variant: 'hid', cause: err });
    }
    this.device = device;
    device.on('data', (report: Buffer) => {
      const payload = fromHidReport(report);
      if (payload) this.listeners.emitData(payload);
    });
    device.on('error', (err: Error) => this.lost(device, err));
  }

  private lost(device: HidDevice, err?: Error): void {
    if (this.device !== device) return;
    this.device = null;
    device.close().catch(() => undefined);
    this.listeners.emitClose(err);
  }

  async write(data: Uint8Array): Promise<void> {
    const device = this.device;
    if (!device) throw new DeviceError('NOT_OPEN', `${this.description} is not open`);
    try {
      for (const report of toHidReports(data, this.reportSize)) await device.write(report);
    } catch (err) {
      throw new DeviceError('WRITE_FAILED', `HID write failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    const device = this.device;
    if (!device) return;
    this.device = null;
    await device.close().catch(() => undefined);
    this.listeners.emitClose();
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): Unsubscribe {
    return this.listeners.onClose(listener);
  }
}
