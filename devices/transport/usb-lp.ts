import fs from 'node:fs';
import { DeviceError } from '../errors.js';
import { TransportListeners, type Transport, type Unsubscribe } from './types.js';

/**
 * A USB printer-class device node (`/dev/usb/lpN` on Linux, kernel usblp driver). Writes go to the
 * printer; reads return what a bidirectional printer sends back (e.g. DLE EOT replies). Works on any
 * character device or pty, which is how it is tested.
 */
export class UsbLpTransport implements Transport {
  readonly description: string;
  private fd: number | null = null;
  private reader: fs.ReadStream | null = null;
  private readonly listeners = new TransportListeners();

  constructor(readonly path: string) {
    this.description = `usb-lp:${path}`;
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  async open(): Promise<void> {
    if (this.fd !== null) return;
    const fd = await new Promise<number>((resolve, reject) =>
      fs.open(this.path, fs.constants.O_RDWR | fs.constants.O_NOCTTY, (err, fd) =>
        err ? reject(new DeviceError('OPEN_FAILED', `cannot open ${this.description}: ${err.message}`, { variant: 'printer', cause: err })) : resolve(fd),
      ),
    );
    this.fd = fd;
    const reader = fs.createReadStream('', { fd, autoClose: false, highWaterMark: 1024 });
    this.reader = reader;
    reader.on('data', (chunk) => this.listeners.emitData(Buffer.from(chunk as Buffer)));
    reader.on('error', (err) => this.lost(fd, err));
    reader.on('end', () => this.lost(fd));
  }

  private lost(fd: number, err?: Error): void {
    if (this.fd !== fd) return;
    this.fd = null;
    this.reader?.destroy();
    this.reader = null;
    fs.close(fd, () => undefined);
    this.listeners.emitClose(err);
  }

  write(data: Uint8Array): Promise<void> {
    const fd = this.fd;
    if (fd === null) return Promise.reject(new DeviceError('NOT_OPEN', `${this.description} is not open`));
    return new Promise((resolve, reject) => {
      const writeFrom = (offset: number) => {
        fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
          if (err) return reject(new DeviceError('WRITE_FAILED', `write to ${this.description} failed: ${err.message}`, { variant: 'printer', cause: err }));
          if (offset + written < data.length) writeFrom(offset + written);
          else resolve();
        });
      };
      writeFrom(0);
    });
  }

  async close(): Promise<void> {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    this.reader?.destroy();
    this.reader = null;
    await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
    this.listeners.emitClose();
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): Unsubscribe {
    return this.listeners.onClose(listener);
  }
}
