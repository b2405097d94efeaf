/**
 * ESC/POS printer emulator: decodes the byte stream into a transcript (text, sizes, QR payloads, cuts)
 * and answers DLE EOT with a configurable condition (paper out, cover open, offline...).
 * While it cannot print (paper out, cover open, offline) incoming print data is counted as discarded,
 * as a real printer would not print it.
 */
import { encodeStatus } from '../escpos/status.js';
import { EscPosDecoder, transcriptLines, type TranscriptItem } from '../escpos/transcript.js';
import { EmulatorHost } from './host.js';

export interface PrinterCondition {
  online: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  error: boolean;
}

export class PrinterEmulator extends EmulatorHost {
  private condition: PrinterCondition = { online: true, coverOpen: false, paperNearEnd: false, paperOut: false, error: false };
  private decoder = this.newDecoder();
  /** Everything printed, across jobs. */
  readonly transcript: TranscriptItem[] = [];
  /** Printed jobs, split at cuts. */
  readonly jobs: TranscriptItem[][] = [];
  private current: TranscriptItem[] = [];
  discardedItems = 0;
  private readonly cutListeners = new Set<(job: TranscriptItem[]) => void>();
  /** Optional log of each printed line (the CLI prints them). */
  onLine: ((line: string) => void) | null = null;

  private newDecoder(): EscPosDecoder {
    return new EscPosDecoder((item) => this.onItem(item));
  }

  setCondition(c: Partial<PrinterCondition>): void {
    this.condition = { ...this.condition, ...c };
  }

  get canPrint(): boolean {
    const c = this.condition;
    return c.online && !c.coverOpen && !c.paperOut && !c.error;
  }

  /** Resolves with the next job that ends in a cut. */
  nextCut(timeoutMs = 5000): Promise<TranscriptItem[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.cutListeners.delete(l);
        reject(new Error(`no cut within ${timeoutMs} ms`));
      }, timeoutMs);
      const l = (job: TranscriptItem[]) => {
        clearTimeout(timer);
        this.cutListeners.delete(l);
        resolve(job);
      };
      this.cutListeners.add(l);
    });
  }

  protected handle(chunk: Buffer): void {
    this.decoder.push(chunk);
  }

  override async start(): Promise<void> {
    this.decoder = this.newDecoder();
    await super.start();
  }

  private onItem(item: TranscriptItem): void {
    if (item.type === 'status-query') {
      const reply = encodeStatus(this.condition)[item.n as 1 | 2 | 3 | 4];
      if (reply !== undefined) this.send(Buffer.from([reply]));
      return;
    }
    if (!this.canPrint) {
      this.discardedItems++;
      return;
    }
    this.transcript.push(item);
    this.current.push(item);
    if (item.type === 'cut') {
      const job = this.current;
      this.current = [];
      this.jobs.push(job);
      if (this.onLine) for (const line of transcriptLines(job)) this.onLine(line);
      for (const l of [...this.cutListeners]) l(job);
    }
  }
}
