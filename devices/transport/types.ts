/**
 * One small interface for every byte pipe a device sits on: serial (incl. USB-CDC), USB HID,
 * USB printer-class device nodes, raw USB bulk and raw TCP.
 */
export type TransportConfig =
  | { kind: 'serial'; path: string; baudRate?: number }
  | { kind: 'tcp'; host: string; port?: number }
  | { kind: 'usb-lp'; path: string }
  | { kind: 'usb-bulk'; vendorId: number; productId: number; interfaceNumber?: number }
  | { kind: 'hid'; vendorId: number; productId: number; path?: string; reportSize?: number };

export type Unsubscribe = () => void;

export interface Transport {
  /** Human-readable target, e.g. `serial:/dev/ttyUSB0@115200` (no personal data). */
  readonly description: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  /** Resolves once the bytes were handed to the OS (drained). */
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): Unsubscribe;
  /** Called once when the link goes away (unplug, peer close, I/O error) or is closed. */
  onClose(listener: (error?: Error) => void): Unsubscribe;
}

/** Listener bookkeeping shared by the implementations. */
export class TransportListeners {
  private readonly data = new Set<(chunk: Buffer) => void>();
  private readonly close = new Set<(error?: Error) => void>();

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    this.data.add(listener);
    return () => this.data.delete(listener);
  }

  onClose(listener: (error?: Error) => void): Unsubscribe {
    this.close.add(listener);
    return () => this.close.delete(listener);
  }

  emitData(chunk: Buffer): void {
    for (const l of [...this.data]) {
      try {
        l(chunk);
      } catch {
        // A listener's bug must not kill the transport.
      }
    }
  }

  emitClose(error?: Error): void {
    for (const l of [...this.close]) {
      try {
        l(error);
      } catch {
        // ignore
      }
    }
  }
}
