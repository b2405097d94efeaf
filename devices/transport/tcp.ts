import net from 'node:net';
import { DeviceError } from '../errors.js';
import { TransportListeners, type Transport, type Unsubscribe } from './types.js';

/** Raw TCP (network receipt printers listen on 9100). */
export class TcpTransport implements Transport {
  readonly description: string;
  private socket: net.Socket | null = null;
  private readonly listeners = new TransportListeners();

  constructor(
    readonly host: string,
    readonly port = 9100,
    private readonly connectTimeoutMs = 3000,
  ) {
    this.description = `tcp:${host}:${port}`;
  }

  get isOpen(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DeviceError('OPEN_FAILED', `connect to ${this.description} timed out`, { variant: 'tcpTimeout' }));
      }, this.connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new DeviceError('OPEN_FAILED', `connect to ${this.description} failed: ${err.message}`, { variant: 'tcp', cause: err }));
      });
    });
    socket.setNoDelay(true);
    this.socket = socket;
    let closed = false;
    const lost = (err?: Error) => {
      if (closed) return;
      closed = true;
      if (this.socket === socket) this.socket = null;
      socket.destroy();
      this.listeners.emitClose(err);
    };
    socket.on('data', (chunk) => this.listeners.emitData(chunk));
    socket.on('error', (err) => lost(err));
    socket.on('close', () => lost());
  }

  write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.reject(new DeviceError('NOT_OPEN', `${this.description} is not open`));
    return new Promise((resolve, reject) => {
      socket.write(data, (err) => (err ? reject(new DeviceError('WRITE_FAILED', `write to ${this.description} failed: ${err.message}`, { cause: err })) : resolve()));
    });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 500).unref();
    });
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): Unsubscribe {
    return this.listeners.onClose(listener);
  }
}
