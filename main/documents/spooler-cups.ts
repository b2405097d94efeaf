/** A4 printing through CUPS `lp` / `lpstat` (Linux, UOS, Kylin; macOS too). */
import { execFile } from 'node:child_process';
import { PRINT_TEXT, PrintError, type PrinterList, type PrintJob, type PrintResult, type Spooler } from './spooler';

export interface CupsOptions {
  /** `lp` executable (tests pass a fake). */
  lpCommand?: string;
  /** `lpstat` executable. */
  lpstatCommand?: string;
  timeoutMs?: number;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

export function cupsSpooler(options: CupsOptions = {}): Spooler {
  const lp = options.lpCommand ?? 'lp';
  const lpstat = options.lpstatCommand ?? 'lpstat';

  async function listPrinters(): Promise<PrinterList> {
    const timeout = options.timeoutMs ?? 10_000;
    try {
      const def = await run(lpstat, ['-d'], timeout).catch((e: { stdout?: string; code?: unknown }) => {
        if (e.code === 'ENOENT') throw e;
        return { stdout: e.stdout ?? '', stderr: '' };
      });
      const m = /system default destination:\s*(\S+)/.exec(def.stdout);
      const all = await run(lpstat, ['-p'], timeout).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '', stderr: '' }));
      const printers = [...all.stdout.matchAll(/^printer\s+(\S+)/gm)].map((x) => x[1]!);
      const defaultPrinter = m?.[1] ?? null;
      return { spooler: true, defaultPrinter, printers, ...(printers.length === 0 ? { message: PRINT_TEXT.listNoPrinter } : {}) };
    } catch {
      return { spooler: false, defaultPrinter: null, printers: [], message: `${PRINT_TEXT.listNoService} (CUPS)` };
    }
  }

  async function print(path: string, job: PrintJob = {}): Promise<PrintResult> {
    const args: string[] = [];
    if (job.printer) args.push('-d', job.printer);
    if (job.copies && job.copies > 1) args.push('-n', String(job.copies));
    if (job.title) args.push('-t', job.title);
    args.push('-o', 'media=A4', '--', path);
    try {
      const { stdout } = await run(lp, args, options.timeoutMs ?? 20_000);
      // "request id is Printer-12 (1 file(s))"
      const m = /request id is (\S+)-(\d+)/.exec(stdout);
      return { printer: m?.[1] ?? job.printer ?? 'default', jobId: m ? `${m[1]}-${m[2]}` : stdout.trim().slice(0, 100) || 'submitted' };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') throw new PrintError('NO_PRINTER', 'lp not found (CUPS not installed)', PRINT_TEXT.noService);
      const stderr = (err.stderr ?? '').toString();
      if (/no default destination|does not exist|Unknown printer|not accepting/i.test(stderr)) {
        throw new PrintError('NO_PRINTER', `no usable printer: ${stderr.trim().slice(0, 200)}`, PRINT_TEXT.noPrinter);
      }
      throw new PrintError('PRINT_FAILED', `lp failed: ${stderr.trim().slice(0, 200) || err.message}`, PRINT_TEXT.failed);
    }
  }

  return { kind: 'cups', listPrinters, print };
}
