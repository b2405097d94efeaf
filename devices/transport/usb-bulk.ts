import type * as Usb from 'usb';
import { DeviceError } from '../errors.js';
import { TransportListeners, type Transport, type Unsubscribe } from './types.js';

/**
 * Raw USB bulk through the `usb` package (libusb): the first bulk OUT and bulk IN endpoints of one
 * interface. Used for printers without a kernel driver and for SAM readers in vendor-class mode (same
 * SAM frames on the bulk endpoints). Loaded lazily so a machine without libusb still runs everything else.
 * Not tested against hardware (none here).
 */
type UsbModule = typeof Usb;
type UsbDevice = NonNullable<ReturnType<UsbModule['findByIds']>>;
type InEndpoint = Usb.InEndpoint;
type OutEndpoint = Usb.OutEndpoint;

export class UsbBulkTransport implements Transport {
  readonly description: string;
  private device: UsbDevice | null = null;
  private inEp: InEndpoint | null = null;
  private outEp: OutEndpoint | null = null;
  private readonly listeners = new TransportListeners();
  private detachListener: ((d: UsbDevice) => void) | null = null;
  private usbModule: UsbModule | null = null;

  constructor(
    readonly vendorId: number,
    readonly productId: number,
    readonly interfaceNumber = 0,
  ) {
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    this.description = `usb-bulk:${hex(vendorId)}:${hex(productId)}#${interfaceNumber}`;
  }

  get isOpen(): boolean {
    return this.device !== null;
  }

  async open(): Promise<void> {
    if (this.device) return;
    let mod: UsbModule;
    try {
      mod = await import('usb');
    } catch (err) {
      throw new DeviceError('USB_UNAVAILABLE', `usb module cannot load: ${(err as Error).message}`, { cause: err });
    }
    this.usbModule = mod;
    const device = mod.findByIds(this.vendorId, this.productId);
    if (!device) throw new DeviceError('OPEN_FAILED', `${this.description} not found`, { variant: 'usbNotFound' });
    try {
      device.open();
      const iface = device.interface(this.interfaceNumber);
      if (process.platform === 'linux' && iface.isKernelDriverActive()) iface.detachKernelDriver();
      iface.claim();
      const inEp = iface.endpoints.find((e) => e.direction === 'in' && e.transferType === mod.usb.LIBUSB_TRANSFER_TYPE_BULK) as InEndpoint | undefined;
      const outEp = iface.endpoints.find((e) => e.direction === 'out' && e.transferType === mod.usb.LIBUSB_TRANSFER_TYPE_BULK) as OutEndpoint | undefined;
      if (!outEp) throw new Error('no bulk OUT endpoint');
      this.outEp = outEp;
      this.inEp = inEp ?? null;
      if (inEp) {
        inEp.on('data', (chunk: Buffer) => this.listeners.emitData(chunk));
        inEp.on('error', (err: Error) => this.lost(err));
        inEp.startPoll(2, 512);
      }
    } catch (err) {
      try {
        device.close();
      } catch {
        // ignore
      }
      throw new DeviceError('OPEN_FAILED', `cannot open ${this.description}: ${(err as Error).message}`, { variant: 'usb', cause: err });
    }
    this.device = device;
    this.detachListener = (d) => {
      if (d === device) this.lost(new Error('device detached'));
    };
    mod.usb.on('detach', this.detachListener);
  }

  private lost(err?: Error): void {
    if (!this.device) return;
    this.release();
    this.listeners.emitClose(err);
  }

  private release(): void {
    const device = this.device;
    this.device = null;
    if (this.detachListener && this.usbModule) this.usbModule.usb.off('detach', this.detachListener);
    this.detachListener = null;
    try {
      this.inEp?.stopPoll();
    } catch {
      // ignore
    }
    try {
      device?.close();
    } catch {
      // ignore
    }
    this.inEp = null;
    this.outEp = null;
  }

  write(data: Uint8Array): Promise<void> {
    const out = this.outEp;
    if (!out) return Promise.reject(new DeviceError('NOT_OPEN', `${this.description} is not open`));
    return new Promise((resolve, reject) =>
      out.transfer(Buffer.from(data), (err) => (err ? reject(new DeviceError('WRITE_FAILED', `bulk write failed: ${err.message}`, { cause: err })) : resolve())),
    );
  }

  async close(): Promise<void> {
    if (!this.device) return;
    this.release();
    this.listeners.emitClose();
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): Unsubscribe {
    return this.listeners.onClose(listener);
  }
}
