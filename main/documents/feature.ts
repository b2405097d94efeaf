/**
 * Main side of documents: renders PDFs (pdf.ts + templates.ts), keeps them in
 * `<dataDir>/documents/<documentId>.pdf` and prints them through the spooler (print.ts).
 * PDFs hold names and masked ID numbers: the kiosk discards them after the session
 * (`documents.discard`); files older than a day are removed at start-up.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { kioskCalls } from '../../preload/contract/kiosk-calls';
import type { Feature, FeatureContext } from '../core/feature';
import { HandlerError } from '../core/dispatcher';
import { renderDocument, type DocumentSpec } from './pdf';
import { acceptanceReceipt, filledForm } from './templates';
import { listPrinters, printPdf, PrintError, type SpoolerOptions } from './print';
import { loadFontBytes } from './fonts';

export interface DocumentFeatureOptions extends SpoolerOptions {
  fontPath?: string;
  /** Keep documents this long (ms) before the start-up sweep removes them. */
  maxAgeMs?: number;
}

export function createDocumentFeature(ctx: FeatureContext, options: DocumentFeatureOptions = {}): Feature<typeof kioskCalls> {
  const dir = join(ctx.dataDir, 'documents');
  const pathOf = (id: string) => join(dir, `${id}.pdf`);

  async function save(kind: string, spec: DocumentSpec | DocumentSpec[]) {
    const started = performance.now();
    let fontBytes: Uint8Array;
    try {
      fontBytes = loadFontBytes(options.fontPath);
    } catch (e) {
      throw new HandlerError('FONT_MISSING', e instanceof Error ? e.message : 'font missing', '文档字体缺失，无法生成回执，请联系工作人员。');
    }
    const specs = Array.isArray(spec) ? spec : [spec];
    // Several specs become one PDF: blocks concatenated with a page break between them.
    const merged: DocumentSpec = specs.length === 1 ? specs[0]! : { ...specs[0]!, blocks: specs.flatMap((s, i) => (i === 0 ? s.blocks : [{ kind: 'pageBreak' as const }, ...s.blocks])) };
    const { pdf, pages } = await renderDocument(merged, { fontBytes });
    const documentId = `${kind}-${randomUUID()}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(pathOf(documentId), pdf, { mode: 0o600 });
    const renderMs = performance.now() - started;
    ctx.log.info('documents.rendered', { kind, bytes: pdf.length, ms: Math.round(renderMs) });
    return { documentId, path: pathOf(documentId), bytes: pdf.length, pages, renderMs };
  }

  return {
    handlers: {
      'documents.receiptPdf': (input) => save('receipt', input.form ? [acceptanceReceipt(input.receipt), filledForm(input.form)] : acceptanceReceipt(input.receipt)),
      'documents.render': (input) => save(input.kind, input.spec),
      'documents.printers': () => listPrinters(options),
      'documents.print': async (input) => {
        const path = pathOf(input.documentId);
        if (!existsSync(path)) throw new HandlerError('NOT_FOUND', 'document not found', '文档已不存在，请重新生成。');
        try {
          const r = await printPdf(path, { ...options, printer: input.printer, copies: input.copies, title: input.documentId });
          ctx.log.info('documents.printed', { printer: r.printer });
          return r;
        } catch (e) {
          if (e instanceof PrintError) {
            ctx.log.warn('documents.print-failed', { code: e.code });
            throw new HandlerError(e.code, e.message, e.userMessage);
          }
          throw e;
        }
      },
      'documents.discard': (input) => {
        const path = pathOf(input.documentId);
        if (!existsSync(path)) return false;
        rmSync(path, { force: true });
        return true;
      },
    },
    async start() {
      // Sweep old documents (they contain personal data).
      try {
        const maxAge = options.maxAgeMs ?? 24 * 3600 * 1000;
        for (const f of existsSync(dir) ? readdirSync(dir) : []) {
          const p = join(dir, f);
          if (Date.now() - statSync(p).mtimeMs > maxAge) rmSync(p, { force: true });
        }
      } catch {
        ctx.log.warn('documents.sweep-failed');
      }
    },
    async close() {},
  };
}
