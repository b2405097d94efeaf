/**
 * A serial QR scanner in line mode (devices/scanner/line-framing.ts) on a socat pty pair: `scan(text)`
 * sends what a scanner sends when it reads a code (the text, then CR LF by default); `sendRaw(bytes)`
 * sends anything else (noise, a cut line, a line without terminator) for the fault tests. Scanners in
 * this mode never answer the host, so what the host writes is ignored.
 */
import { EmulatorHost } from './host.js';

export type ScanTerminator = '\r\n' | '\r' | '\n';

export class QrScannerEmulator extends EmulatorHost {
  /** Every code sent with `scan`, oldest first. */
  readonly sent: string[] = [];

  /** Sends one scan; `chunk` > 0 splits it into writes of that many bytes (a slow UART). */
  async scan(text: string, terminator: ScanTerminator = '\r\n', chunk = 0): Promise<void> {
    this.sent.push(text);
    const bytes = Buffer.from(text + terminator, 'latin1');
    if (chunk <= 0) return this.sendRaw(bytes);
    for (let i = 0; i < bytes.length; i += chunk) {
      await this.sendRaw(bytes.subarray(i, i + chunk));
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  async sendRaw(bytes: Uint8Array): Promise<void> {
    this.send(bytes);
    await new Promise((r) => setImmediate(r));
  }

  protected handle(): void {
    // a line-mode scanner takes no commands
  }
}
