/**
 * A4 printing on Windows through pdf-to-printer (MIT, maintained), which prints with the
 * SumatraPDF.exe it ships and lists printers with PowerShell `Get-CimInstance Win32_Printer`.
 *
 * - The library is loaded lazily (dynamic import) on the first use, so Linux never loads it; the
 *   main bundle keeps it external (electron-vite externalizes dependencies), because it finds
 *   SumatraPDF.exe next to its own file (`__dirname`), which a bundle would move.
 * - Packaged, the package sits inside `app.asar` and Windows cannot start an .exe from an archive:
 *   electron-builder unpacks it (`asarUnpack`, electron-builder.yml) and we pass the unpacked path
 *   as `sumatraPdfPath`. The library's own fix-up only runs when `process.mainModule` is set,
 *   which an ES-module main never has (pdf-to-printer issues #40, #290, #405).
 * - It has no timeout: every call here races one, so a hung driver cannot hang the bridge.
 *
 * Tested against the library's API with an injected fake (no Windows on CI): see the README.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { PrintOptions, Printer } from 'pdf-to-printer';
import { PRINT_TEXT, PrintError, type PrinterList, type PrintJob, type PrintResult, type Spooler } from './spooler';

/** The part of pdf-to-printer we use, with its own signatures (tests inject a fake). */
export interface PdfToPrinter {
  print(pdf: string, options?: PrintOptions): Promise<void>;
  getPrinters(): Promise<Printer[]>;
  getDefaultPrinter(): Promise<Printer | null>;
}

export interface WindowsOptions {
  /** Loads the library (default: dynamic import of `pdf-to-printer`). */
  loadPdfToPrinter?: () => Promise<PdfToPrinter>;
  /** SumatraPDF.exe to use (default: the one in the package, outside `app.asar`). */
  sumatraPdfPath?: string;
  /** Print timeout; listing uses half of it, at most 10 s. */
  timeoutMs?: number;
}

/** The functions out of the imported module: a UMD/CommonJS bundle, which plain Node exposes only as `default`. */
export function libraryOf(mod: unknown): PdfToPrinter {
  const m = mod as Partial<PdfToPrinter> & { default?: Partial<PdfToPrinter> };
  const lib = typeof m.print === 'function' ? m : m.default;
  if (typeof lib?.print !== 'function' || typeof lib.getPrinters !== 'function' || typeof lib.getDefaultPrinter !== 'function') throw new Error('pdf-to-printer has an unexpected shape');
  return lib as PdfToPrinter;
}

export async function importPdfToPrinter(): Promise<PdfToPrinter> {
  return libraryOf(await import('pdf-to-printer'));
}

/** `…\resources\app.asar\node_modules\…` → `…\resources\app.asar.unpacked\node_modules\…`. */
export const outsideAsar = (path: string, separator: string = sep): string => path.split(`${separator}app.asar${separator}`).join(`${separator}app.asar.unpacked${separator}`);

/** Where the package's SumatraPDF.exe is (unpacked), or null when it cannot be found. */
export function bundledSumatraPath(): string | null {
  try {
    const dist = dirname(createRequire(import.meta.url).resolve('pdf-to-printer'));
    const exe = readdirSync(dist).find((f) => /^SumatraPDF.*\.exe$/i.test(f));
    if (!exe) return null;
    const path = outsideAsar(join(dist, exe));
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The library throws Errors, execFile errors, and sometimes plain strings ("Operating System not supported"). */
const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim().slice(0, 200);

export function windowsSpooler(options: WindowsOptions = {}): Spooler {
  const printTimeout = options.timeoutMs ?? 20_000;
  const listTimeout = Math.min(10_000, Math.max(1, Math.floor(printTimeout / 2)));
  let lib: PdfToPrinter | null = null;

  async function library(): Promise<PdfToPrinter> {
    lib ??= await (options.loadPdfToPrinter ?? importPdfToPrinter)();
    return lib;
  }

  async function listPrinters(): Promise<PrinterList> {
    try {
      const l = await library();
      const [printers, def] = await within(Promise.all([l.getPrinters(), l.getDefaultPrinter()]), listTimeout);
      const names = printers.map((p) => p.name);
      return { spooler: true, defaultPrinter: def?.name ?? null, printers: names, ...(names.length === 0 ? { message: PRINT_TEXT.listNoPrinter } : {}) };
    } catch {
      return { spooler: false, defaultPrinter: null, printers: [], message: PRINT_TEXT.listNoService };
    }
  }

  /** The printer to use: the one asked for (by name or device id), else the default, else the only one. */
  async function target(l: PdfToPrinter, wanted: string | undefined): Promise<Printer> {
    let printers: Printer[];
    let def: Printer | null;
    try {
      [printers, def] = await within(Promise.all([l.getPrinters(), wanted ? Promise.resolve(null) : l.getDefaultPrinter()]), listTimeout);
    } catch (e) {
      throw new PrintError('NO_PRINTER', `cannot list printers: ${reason(e)}`, PRINT_TEXT.noService);
    }
    if (printers.length === 0) throw new PrintError('NO_PRINTER', 'no printer is installed', PRINT_TEXT.noPrinter);
    if (wanted) {
      const found = printers.find((p) => p.name === wanted || p.deviceId === wanted);
      if (!found) throw new PrintError('NO_PRINTER', `printer does not exist: ${wanted.slice(0, 100)}`, PRINT_TEXT.noPrinter);
      return found;
    }
    const chosen = (def && printers.find((p) => p.name === def.name)) ?? def ?? (printers.length === 1 ? printers[0]! : null);
    if (!chosen) throw new PrintError('NO_PRINTER', 'no default printer is set', PRINT_TEXT.noPrinter);
    return chosen;
  }

  async function print(path: string, job: PrintJob = {}): Promise<PrintResult> {
    let l: PdfToPrinter;
    try {
      l = await library();
    } catch (e) {
      throw new PrintError('NO_PRINTER', `pdf-to-printer cannot be loaded: ${reason(e)}`, PRINT_TEXT.noService);
    }
    const printer = await target(l, job.printer);
    const sumatraPdfPath = options.sumatraPdfPath ?? bundledSumatraPath();
    if (!sumatraPdfPath) throw new PrintError('NO_PRINTER', 'SumatraPDF.exe not found (is pdf-to-printer unpacked from app.asar?)', PRINT_TEXT.noService);
    try {
      // A4 documents printed at their size (as `lp -o media=A4` does); silent: no dialog.
      await within(l.print(path, { printer: printer.name, paperSize: 'A4', scale: 'noscale', copies: job.copies ?? 1, silent: true, sumatraPdfPath }), printTimeout);
    } catch (e) {
      if (e instanceof Timeout) throw new PrintError('PRINT_FAILED', `SumatraPDF did not finish within ${printTimeout} ms`, PRINT_TEXT.timedOut);
      if ((e as NodeJS.ErrnoException | null)?.code === 'ENOENT') throw new PrintError('NO_PRINTER', `SumatraPDF.exe cannot be started: ${reason(e)}`, PRINT_TEXT.noService);
      throw new PrintError('PRINT_FAILED', `SumatraPDF failed: ${reason(e)}`, PRINT_TEXT.failed);
    }
    // SumatraPDF answers once the job is spooled and names no job id.
    return { printer: printer.name, jobId: job.title ? `${job.title}@${printer.name}`.slice(0, 200) : 'submitted' };
  }

  return { kind: 'windows', listPrinters, print };
}
