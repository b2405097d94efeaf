/**
 * Driver: ESC/POS receipt printer. `DLE EOT` status around each job and on a timer; a job that does not
 * print is kept in the printer's queue (never dropped) and can be retried or cancelled.
 */
import { toDeviceError } from '../errors.js';
import { FontGlyphRasterizer } from '../escpos/raster.js';
import { ReceiptPrinter, type PrintResult } from '../escpos/printer.js';
import { statusProblem } from '../escpos/status.js';
import { buildReceipt, buildTicket } from '../escpos/templates.js';
import type { DeviceStatus, PendingPrint, PrintResultJson, ReceiptData, RoleConfig, TicketData } from '../manager/schemas.js';
import type { Transport } from '../transport/types.js';
import { defineDriver, type DriverContext } from './types.js';

export const receiptPrinterDriver = defineDriver({
  create: (ctx: DriverContext<RoleConfig<'receipt-printer'>>) => {
    const cfg = ctx.config;
    const printer = new ReceiptPrinter({ bidirectional: cfg.bidirectional ?? true });
    let poll: NodeJS.Timeout | null = null;
    let rasterizer: FontGlyphRasterizer | null = null;

    /** Read DLE EOT status now and publish it. */
    async function refreshStatus(): Promise<DeviceStatus | undefined> {
      const link = ctx.link();
      if (!link) return undefined;
      try {
        const s = await printer.queryStatus();
        const problem = s && statusProblem(s);
        if (problem) link.setError('error', problem);
        else if (s?.paperNearEnd) link.setStatus('connected', 'PAPER_NEAR_END', { code: 'PAPER_NEAR_END' });
        else link.setStatus('connected', s ? 'PRINTER_READY' : 'PRINTER_NO_STATUS');
      } catch (err) {
        const e = toDeviceError(err);
        if (link.link) link.setError('error', e);
      }
      return link.current;
    }

    function printerOptions() {
      rasterizer ??= new FontGlyphRasterizer(ctx.options.glyphFontPath, ctx.options.glyphFallbackFontPaths ?? []);
      return { printerCharset: cfg.printerCharset ?? 'gbk', rasterizer, ...(ctx.options.timeZone ? { timeZone: ctx.options.timeZone() } : {}) } as const;
    }

    async function afterPrint(r: PrintResult): Promise<PrintResultJson> {
      if (r.ok) {
        ctx.log.info(`receipt-printer: job ${r.jobId} printed`);
        await refreshStatus();
        return { ok: true, jobId: r.jobId };
      }
      ctx.log.warn(`receipt-printer: job ${r.jobId} kept for retry: ${r.error.code}`);
      const link = ctx.link();
      if (link?.link) link.setError('error', r.error);
      return r;
    }

    return {
      open: () => ctx.openTransport(cfg.transport),
      async setup(t: Transport): Promise<void> {
        printer.attach(t);
        await refreshStatus();
        const every = cfg.statusPollMs ?? 5000;
        if (every > 0) {
          poll = setInterval(() => void refreshStatus(), every);
          poll.unref();
        }
      },
      teardown(): void {
        if (poll) clearInterval(poll);
        poll = null;
        printer.attach(null);
      },
      refreshStatus,
      async printTicket(data: TicketData): Promise<PrintResultJson> {
        return afterPrint(await printer.print('ticket', buildTicket(data, printerOptions())));
      },
      async printReceipt(data: ReceiptData): Promise<PrintResultJson> {
        return afterPrint(await printer.print('receipt', buildReceipt(data, printerOptions())));
      },
      pending(): PendingPrint[] {
        return printer.pending().map((j) => ({
          jobId: j.id,
          kind: j.kind as PendingPrint['kind'],
          createdAt: j.createdAt,
          attempts: j.attempts,
          ...(j.lastError ? { lastError: j.lastError } : {}),
        }));
      },
      async retry(jobId?: string): Promise<PrintResultJson[]> {
        const results = await printer.retry(jobId);
        const out: PrintResultJson[] = [];
        for (const r of results) out.push(await afterPrint(r));
        return out;
      },
      cancel: (jobId: string): boolean => printer.cancel(jobId),
    };
  },
});
