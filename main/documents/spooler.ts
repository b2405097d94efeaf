/**
 * The A4 spooler seen by the documents feature: list printers, send a saved PDF. Two
 * implementations behind one interface, chosen by platform (print.ts): CUPS `lp`/`lpstat` on
 * Linux/UOS/Kylin (spooler-cups.ts) and pdf-to-printer (SumatraPDF) on Windows
 * (spooler-windows.ts). Both fail with the same `PrintError` codes and details (the words are the
 * renderer's catalogue, `errors.<detail>`), so the pages show a printer problem the same way and
 * offer the retry (the PDF stays saved).
 */

export interface PrinterList {
  spooler: boolean;
  defaultPrinter: string | null;
  printers: string[];
  /** Why printing is impossible, in English (logs, APIs); the pages decide from `spooler` and `printers`. */
  message?: string;
}

export interface PrintJob {
  printer?: string | undefined;
  copies?: number | undefined;
  /** Job title (the document id; no personal data). */
  title?: string | undefined;
}

export interface PrintResult {
  printer: string;
  jobId: string;
}

export interface Spooler {
  readonly kind: 'cups' | 'windows';
  listPrinters(): Promise<PrinterList>;
  /** Sends a PDF to the printer; resolves once the spooler accepted it. Throws PrintError. */
  print(path: string, job?: PrintJob): Promise<PrintResult>;
}

export type PrintErrorCode = 'NO_PRINTER' | 'PRINT_FAILED';

/**
 * Which situation, for the words: the catalogue's `errors.<detail>` (A4_ so a receipt printer's
 * PRINT_FAILED keeps its own words).
 */
export type PrintProblem = 'A4_NO_SERVICE' | 'A4_NO_PRINTER' | 'A4_PRINT_FAILED' | 'A4_PRINT_TIMED_OUT';

export class PrintError extends Error {
  constructor(
    readonly code: PrintErrorCode,
    message: string,
    readonly detail: PrintProblem,
  ) {
    super(message);
    this.name = 'PrintError';
  }
}

/** The situations both spoolers name (one detail for one situation), and their English list messages. */
export const PRINT_TEXT = {
  noService: 'A4_NO_SERVICE',
  noPrinter: 'A4_NO_PRINTER',
  failed: 'A4_PRINT_FAILED',
  timedOut: 'A4_PRINT_TIMED_OUT',
  listNoPrinter: 'no A4 printer is connected',
  listNoService: 'no print service (spooler) was found',
} as const;
