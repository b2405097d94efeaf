/**
 * A serial QR scanner session: decodes lines (./line-framing.ts) from a transport and reports each
 * scan or framing error. A line left unfinished for `quietMs` (the scanner sends a whole code in a few
 * ms) is dropped as incomplete, so a cut or a missing terminator never glues two scans together.
 */
import type { Transport, Unsubscribe } from '../transport/types.js';
import { LineDecoder, type LineResult } from './line-framing.js';

export interface ScannerSessionOptions {
  maxLength?: number;
  /** Default 300 ms. */
  quietMs?: number;
}

export class QrScannerSession {
  private readonly decoder: LineDecoder;
  private readonly quietMs: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly off: Unsubscribe;

  constructor(
    transport: Transport,
    private readonly onResult: (r: LineResult) => void,
    options: ScannerSessionOptions = {},
  ) {
    this.decoder = new LineDecoder(options.maxLength);
    this.quietMs = options.quietMs ?? 300;
    this.off = transport.onData((chunk) => this.data(chunk));
  }

  private data(chunk: Buffer): void {
    for (const r of this.decoder.push(chunk)) this.onResult(r);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.decoder.pending > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        const r = this.decoder.flushIncomplete(this.quietMs);
        if (r) this.onResult(r);
      }, this.quietMs);
    }
  }

  stop(): void {
    this.off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.decoder.reset();
  }
}
