/**
 * A4 printing through the OS spooler: CUPS `lp` on Linux/UOS/Kylin (and macOS).
 * Windows would need a maintained library (e.g. pdf-to-printer / SumatraPDF); not wired yet:
 * there it reports NO_PRINTER with a clear message instead of pretending to print.
 */
import { execFile } from 'node:child_process';

export interface SpoolerOptions {
  /** `lp` executable (tests pass a fake). */
  lpCommand?: string;
  /** `lpstat` executable. */
  lpstatCommand?: string;
  timeoutMs?: number;
}

export class PrintError extends Error {
  constructor(
    readonly code: 'NO_PRINTER' | 'PRINT_FAILED',
    message: string,
    readonly userMessage: string,
  ) {
    super(message);
    this.name = 'PrintError';
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

export interface PrinterList {
  spooler: boolean;
  defaultPrinter: string | null;
  printers: string[];
  message?: string;
}

export async function listPrinters(options: SpoolerOptions = {}): Promise<PrinterList> {
  if (process.platform === 'win32') return { spooler: false, defaultPrinter: null, printers: [], message: '本机暂不支持A4打印，请到窗口打印回执。' };
  const lpstat = options.lpstatCommand ?? 'lpstat';
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
    return {
      spooler: true,
      defaultPrinter,
      printers,
      ...(printers.length === 0 ? { message: '未连接A4打印机，请联系工作人员。' } : {}),
    };
  } catch {
    return { spooler: false, defaultPrinter: null, printers: [], message: '未找到打印服务（CUPS），请联系工作人员。' };
  }
}

/** Sends a PDF to the spooler; resolves with the job id. Throws PrintError. */
export async function printPdf(path: string, options: SpoolerOptions & { printer?: string; copies?: number; title?: string } = {}): Promise<{ printer: string; jobId: string }> {
  if (process.platform === 'win32') throw new PrintError('NO_PRINTER', 'A4 printing is not available on Windows yet', '本机暂不支持A4打印，请到窗口打印。');
  const lp = options.lpCommand ?? 'lp';
  const args: string[] = [];
  if (options.printer) args.push('-d', options.printer);
  if (options.copies && options.copies > 1) args.push('-n', String(options.copies));
  if (options.title) args.push('-t', options.title);
  args.push('-o', 'media=A4', '--', path);
  try {
    const { stdout } = await run(lp, args, options.timeoutMs ?? 20_000);
    // "request id is Printer-12 (1 file(s))"
    const m = /request id is (\S+)-(\d+)/.exec(stdout);
    return { printer: m?.[1] ?? options.printer ?? 'default', jobId: m ? `${m[1]}-${m[2]}` : stdout.trim().slice(0, 100) || 'submitted' };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new PrintError('NO_PRINTER', 'lp not found (CUPS not installed)', '未找到打印服务，请联系工作人员。回执已保存，可稍后重新打印。');
    const stderr = (err.stderr ?? '').toString();
    if (/no default destination|does not exist|Unknown printer|not accepting/i.test(stderr)) {
      throw new PrintError('NO_PRINTER', `no usable printer: ${stderr.trim().slice(0, 200)}`, '未连接A4打印机或打印机不可用，请联系工作人员。回执已保存，可稍后重新打印。');
    }
    throw new PrintError('PRINT_FAILED', `lp failed: ${stderr.trim().slice(0, 200) || err.message}`, '打印失败，请检查打印机后重试。');
  }
}
