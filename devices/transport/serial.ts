import { SerialPort } from 'serialport';
import { DeviceError } from '../errors.js';
import { TransportListeners, type Transport, type Unsubscribe } from './types.js';

/** The part of serialport's stream this transport uses (SerialPort and SerialPortMock both fit). */
export interface SerialStreamLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  write(data: Buffer, callback: (err: Error | null | undefined) => void): boolean;
  drain(callback: (err: Error | null) => void): void;
  close(callback: (err?: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (err?: Error | null) => void): unknown;
}

/** Build the underlying stream; replaced in unit tests by `SerialPortMock` (@serialport/binding-mock). */
export type SerialPortFactory = (options: { path: string; baudRate: number; autoOpen: false }) => SerialStreamLike;

const defaultFactory: SerialPortFactory = (o) => new SerialPort(o);

/** Serial port (RS-232, USB-serial, USB-CDC) through serialport 13. */
export class SerialTransport implements Transport {
  readonly description: string;
  private port: SerialStreamLike | null = null;
  private readonly listeners = new TransportListeners();
  private closedEmitted = false;
  /** Writes not yet settled: a close settles them (serialport would hold them until the port reopens). */
  private readonly inFlight = new Set<(error: DeviceError) => void>();

  constructor(
    readonly path: string,
    readonly baudRate = 115200,
    private readonly factory: SerialPortFactory = defaultFactory,
  ) {
    this.description = `serial:${path}@${baudRate}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = this.factory({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    this.closedEmitted = false;
    await new Promise<void>((resolve, reject) => {
      port.open((err) => {
        if (err) reject(new DeviceError('OPEN_FAILED', `cannot open ${this.description}: ${err.message}`, { variant: 'serial', cause: err }));
        else resolve();
      });
    });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.listeners.emitData(chunk));
    port.on('error', (err: Error) => this.lost(port, err));
    port.on('close', (err?: Error | null) => this.lost(port, err ?? undefined));
  }

  private lost(port: SerialStreamLike, err?: Error): void {
    if (this.port !== port || this.closedEmitted) return;
    this.closedEmitted = true;
    this.port = null;
    if (port.isOpen) port.close(() => undefined);
    this.abortWrites();
    this.listeners.emitClose(err);
  }

  /**
   * serialport's stream queues a write, and a drain, on a port that is not open until it opens again:
   * one cut by a close would never settle (a status query cut by a shutdown held the host's exit).
   * Each write here settles once: written, failed, or DISCONNECTED when the port closes first.
   */
  write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.reject(new DeviceError('NOT_OPEN', `${this.description} is not open`));
    return new Promise((resolve, reject) => {
      const settle = (error?: DeviceError) => {
        if (!this.inFlight.delete(settle)) return;
        if (error) reject(error);
        else resolve();
      };
      this.inFlight.add(settle);
      port.write(Buffer.from(data), (err) => {
        if (err) return settle(new DeviceError('WRITE_FAILED', `write to ${this.description} failed: ${err.message}`, { cause: err }));
        if (!port.isOpen) return settle(new DeviceError('DISCONNECTED', `${this.description} closed during a write`));
        port.drain((e) => settle(e ? new DeviceError('WRITE_FAILED', `drain ${this.description} failed: ${e.message}`, { cause: e }) : undefined));
      });
    });
  }

  private abortWrites(): void {
    for (const abort of [...this.inFlight]) abort(new DeviceError('DISCONNECTED', `${this.description} closed during a write`));
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.port = null;
    this.closedEmitted = true;
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.abortWrites();
    this.listeners.emitClose();
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): Unsubscribe {
    return this.listeners.onClose(listener);
  }
}

/** Serial ports the OS knows about. `SerialPort.list()` spawns udevadm and may reject: never throws. */
export async function listSerialPorts(): Promise<{ path: string; manufacturer?: string; vendorId?: string; productId?: string }[]> {
  try {
    const ports = await SerialPort.list();
    return ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer, vendorId: p.vendorId, productId: p.productId }));
  } catch {
    return [];
  }
}
