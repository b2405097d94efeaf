/**
 * A4 printing through the OS spooler, chosen by platform: CUPS `lp` on Linux/UOS/Kylin (and
 * macOS), pdf-to-printer (SumatraPDF) on Windows. Same PrintError codes and Chinese messages on
 * both; the PDF is saved before printing and kept, so a failed print can be retried.
 */
import { cupsSpooler, type CupsOptions } from './spooler-cups';
import { windowsSpooler, type WindowsOptions } from './spooler-windows';
import type { PrinterList, PrintJob, PrintResult, Spooler } from './spooler';

export { PrintError, type PrinterList, type PrintJob, type PrintResult, type Spooler } from './spooler';

export interface SpoolerOptions extends CupsOptions, WindowsOptions {
  /** Which spooler (default: `process.platform`). */
  platform?: NodeJS.Platform;
}

export function createSpooler(options: SpoolerOptions = {}): Spooler {
  return (options.platform ?? process.platform) === 'win32' ? windowsSpooler(options) : cupsSpooler(options);
}

export const listPrinters = (options: SpoolerOptions = {}): Promise<PrinterList> => createSpooler(options).listPrinters();

/** Sends a PDF to the spooler; resolves with the printer and job id. Throws PrintError. */
export const printPdf = (path: string, options: SpoolerOptions & PrintJob = {}): Promise<PrintResult> => createSpooler(options).print(path, options);
