/**
 * The A4 spooler seen by the documents feature: list printers, send a saved PDF. Two
 * implementations behind one interface, chosen by platform (print.ts): CUPS `lp`/`lpstat` on
 * Linux/UOS/Kylin (spooler-cups.ts) and pdf-to-printer (SumatraPDF) on Windows
 * (spooler-windows.ts). Both fail with the same `PrintError` codes and Chinese messages, so the
 * pages show a printer problem the same way and offer the retry (the PDF stays saved).
 */

export interface PrinterList {
  spooler: boolean;
  defaultPrinter: string | null;
  printers: string[];
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

export class PrintError extends Error {
  constructor(
    readonly code: PrintErrorCode,
    message: string,
    readonly userMessage: string,
  ) {
    super(message);
    this.name = 'PrintError';
  }
}

/** The Chinese texts both spoolers use (one wording for one situation). */
export const PRINT_TEXT = {
  noService: '未找到打印服务，请联系工作人员。回执已保存，可稍后重新打印。',
  noPrinter: '未连接A4打印机或打印机不可用，请联系工作人员。回执已保存，可稍后重新打印。',
  failed: '打印失败，请检查打印机后重试。',
  timedOut: '打印机未在规定时间内响应。请先查看打印机是否已出纸，未出纸再重试。',
  listNoPrinter: '未连接A4打印机，请联系工作人员。',
  listNoService: '未找到打印服务，请联系工作人员。',
} as const;
