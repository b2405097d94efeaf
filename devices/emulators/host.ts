/**
 * Common plumbing of the emulators: a pty pair (device end + host end), the device end opened as a
 * serial port, and an `unplug(ms)` that tears the pair down and brings it back, as a real unplug does.
 */
import { SerialTransport } from '../transport/serial.js';
import type { Transport } from '../transport/types.js';
import { PtyPair } from './pty-pair.js';

export abstract class EmulatorHost {
  readonly pair: PtyPair;
  private transport: Transport | null = null;
  private unsubscribe: (() => void) | null = null;
  private replugTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(deviceLink: string, hostLink: string) {
    this.pair = new PtyPair(deviceLink, hostLink);
  }

  /** Path the driver opens. */
  get hostPath(): string {
    return this.pair.hostLink;
  }

  get plugged(): boolean {
    return this.transport?.isOpen ?? false;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.pair.start();
    const t = new SerialTransport(this.pair.deviceLink, 115200);
    await t.open();
    this.transport = t;
    this.unsubscribe = t.onData((chunk) => {
      try {
        this.handle(chunk);
      } catch {
        // an emulator must keep serving
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.replugTimer) clearTimeout(this.replugTimer);
    this.replugTimer = null;
    await this.detach();
  }

  private async detach(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const t = this.transport;
    this.transport = null;
    await t?.close().catch(() => undefined);
    await this.pair.stop();
  }

  /** Disappear for `ms` (0 = until `replug()`), then come back on the same paths. */
  async unplug(ms = 0): Promise<void> {
    await this.detach();
    if (ms > 0) {
      this.replugTimer = setTimeout(() => {
        this.replugTimer = null;
        void this.replug();
      }, ms);
    }
  }

  async replug(): Promise<void> {
    if (this.stopped || this.transport) return;
    await this.start();
  }

  protected send(bytes: Uint8Array): void {
    this.transport?.write(bytes).catch(() => undefined);
  }

  protected abstract handle(chunk: Buffer): void;
}
