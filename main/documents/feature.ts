/**
 * Main side of documents: renders PDFs (pdf.ts + templates.ts), keeps them in `<dataDir>/documents/`
 * (store.ts: encrypted at rest when they hold personal data; the daily summary, counts only, as a
 * plain file the assistant can take) and prints them through the spooler (print.ts: CUPS on Linux,
 * pdf-to-printer on Windows) from a plain copy that exists only while the print runs. The document
 * is stored before printing and kept after a failed print, so the page can show the problem and
 * retry (`documents.print` again). The kiosk discards its documents after the session
 * (`documents.discard`); documents older than a day are removed at start-up.
 *
 * At the clerk window the dispatcher lets these calls through only with an active staff session
 * (`requiresStaff` in the contract) and hands over who is signed in (`caller.staff`): logs
 * attribute rendering and printing to that staff id, never to one the page sends. The 授权委托书
 * (kind `authorization-letter`) gets its 受托人 name, ID number and phone from that person and main's
 * staff cache (authorization.ts); the page only marks the rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { kioskCalls } from '../../preload/contract/kiosk-calls';
import type { sealCalls } from '../../preload/contract/seal-calls';
import { prepareSeal, SEALED_KINDS, signSealedPdf, type SealSigner } from './seal';
import { verifySealedPdf, verifySealQr } from '../../sync/protocol/seal';
import type { Feature, FeatureContext } from '../core/feature';
import { HandlerError, type CallerContext } from '../core/dispatcher';
import { renderDocument, type DocumentSpec } from './pdf';
import { acceptanceReceipt, filledForm } from './templates';
import { createSpooler, PrintError, type Spooler, type SpoolerOptions } from './print';
import { loadFontBytes } from './fonts';
import { DocumentDecryptError, DocumentStore } from './store';
import { assertNoAgentMarkers, AuthorizationSpecError, fillAgentRows } from './authorization';
import { AUTHORIZATION_KIND } from '../../preload/contract/kiosk-calls';
import type { AgentContact } from '../staff/cache';
import { DEFAULT_STATION_TIME_ZONE } from '../../sync/protocol/station-time';

/** Kinds without personal data, kept as plain files the assistant can open or copy. */
const EXPORT_KINDS = new Set(['daily-summary']);

export interface DocumentFeatureOptions extends SpoolerOptions {
  fontPath?: string;
  /** Keep documents this long (ms) before the start-up sweep removes them. */
  maxAgeMs?: number;
  /** The A4 spooler (default: chosen by platform from the options). */
  spooler?: Spooler;
  /**
   * The terminal's master key (main/sync). Without one (unit tests) a random in-memory key is used:
   * encrypted documents then do not survive a restart.
   */
  masterKey?: () => Promise<Buffer>;
  /**
   * The ID number and phone main's staff cache holds for a staff id (for the 授权委托书's 受托人):
   * the staff feature's (main/core/services.ts). Without it the rows get blank lines.
   */
  agentContact?: (staffId: string) => Promise<AgentContact>;
  /**
   * 电子印章 (seal.ts): this terminal's signer (key + certificate, main/sync/seal-keys.ts), the
   * platform root it verifies against, and the station it is enrolled for. Without it, or before the
   * platform certified the key, documents are made without a seal (`sealed: false`, logged).
   */
  seal?: { signer(): Promise<SealSigner | null>; rootPublicKey(): Promise<string | null>; stationId(): string | null };
  /** The clock of the seal (its signing time and the date on it); default the system clock (tests fix it). */
  now?: () => Date;
}

export interface DocumentFeature extends Feature<typeof kioskCalls & typeof sealCalls> {
  /** A stored document's bytes (decrypted), or null; for main-side users such as attachments. */
  readDocument(documentId: string): Promise<Buffer | null>;
}

/** Who did it, for logs: the signed-in staff id at the clerk window (from main's session), else the role. */
const byWhom = (caller: CallerContext) => ({ role: caller.role, staffId: caller.staff?.id ?? null });

export function createDocumentFeature(ctx: FeatureContext, options: DocumentFeatureOptions = {}): DocumentFeature {
  const ephemeral = randomBytes(32);
  const store = new DocumentStore({ dir: join(ctx.dataDir, 'documents'), masterKey: options.masterKey ?? (async () => ephemeral) });
  const spooler = options.spooler ?? createSpooler(options);
  const zone = (): string => ctx.stationZone?.get() ?? DEFAULT_STATION_TIME_ZONE;
  const unreadable = () => new HandlerError('DOCUMENT_UNREADABLE', 'stored document cannot be decrypted');

  async function save(caller: CallerContext, kind: string, spec: DocumentSpec | DocumentSpec[]) {
    const started = performance.now();
    let fontBytes: Uint8Array;
    try {
      fontBytes = loadFontBytes(options.fontPath);
    } catch (e) {
      throw new HandlerError('FONT_MISSING', e instanceof Error ? e.message : 'font missing');
    }
    const specs = Array.isArray(spec) ? spec : [spec];
    // Several specs become one PDF: blocks concatenated with a page break between them.
    const merged: DocumentSpec = specs.length === 1 ? specs[0]! : { ...specs[0]!, blocks: specs.flatMap((s, i) => (i === 0 ? s.blocks : [{ kind: 'pageBreak' as const }, ...s.blocks])) };
    const documentId = `${kind}-${randomUUID()}`;
    const { pdf, pages, sealed } = await renderSealed(kind, documentId, merged, fontBytes, caller);
    let path: string | null = null;
    if (EXPORT_KINDS.has(kind)) path = store.writePlain(documentId, pdf);
    else await store.writeEncrypted(documentId, pdf);
    const renderMs = performance.now() - started;
    ctx.log.info('documents.rendered', { kind, bytes: pdf.length, ms: Math.round(renderMs), encrypted: path === null, sealed, ...byWhom(caller) });
    return { documentId, path, bytes: pdf.length, pages, renderMs, sealed };
  }

  /** The station's documents carry its seal when this terminal holds a certificate for its station; else they are made unsealed (logged). */
  async function renderSealed(kind: string, documentId: string, spec: DocumentSpec, fontBytes: Uint8Array, caller: CallerContext) {
    if (!SEALED_KINDS.has(kind)) return { ...(await renderDocument(spec, { fontBytes })), sealed: false };
    const signer = options.seal ? await options.seal.signer().catch(() => null) : null;
    const stationId = options.seal?.stationId() ?? null;
    if (!signer || !stationId || signer.certificate.stationId !== stationId) {
      ctx.log.warn('documents.unsealed', { kind, reason: !options.seal ? 'no-seal-service' : !signer ? 'no-certificate' : 'station-mismatch', ...byWhom(caller) });
      return { ...(await renderDocument(spec, { fontBytes })), sealed: false };
    }
    const prepared = prepareSeal(signer, { kind, id: documentId, spec, stationId }, options.now?.() ?? new Date(), zone());
    const { pdf, pages } = await renderDocument(spec, { fontBytes, seal: prepared.drawing, now: new Date(prepared.signedAt) });
    return { pdf: signSealedPdf(pdf, signer, prepared), pages, sealed: true };
  }

  // An unreadable cache leaves blank lines on the letter; it does not stop the work.
  const agentContact = async (staffId: string): Promise<AgentContact> => (options.agentContact ? options.agentContact(staffId).catch(() => ({})) : {});

  /** The 委托书's 受托人 rows from main's session and cache (authorization.ts); other kinds may not carry them. */
  async function withAgentRows(kind: string, spec: DocumentSpec, caller: CallerContext): Promise<DocumentSpec> {
    try {
      if (kind !== AUTHORIZATION_KIND) {
        assertNoAgentMarkers(kind, spec);
        return spec;
      }
      if (!caller.staff) throw new HandlerError('NOT_SIGNED_IN', 'an authorization letter names the signed-in staff member as agent; nobody is signed in');
      const contact = await agentContact(caller.staff.id);
      const filled = fillAgentRows(spec, caller.staff, contact);
      ctx.log.info('documents.agent-filled', { staffId: caller.staff.id, idNumber: contact.idNumber !== undefined, phone: contact.phone !== undefined });
      return filled;
    } catch (e) {
      if (!(e instanceof AuthorizationSpecError)) throw e;
      ctx.log.warn('documents.spec-refused', { kind, reason: e.reason, ...byWhom(caller) });
      throw new HandlerError('DOCUMENT_SPEC_INVALID', e.message);
    }
  }

  return {
    handlers: {
      'documents.receiptPdf': (input, caller) => save(caller, 'receipt', input.form ? [acceptanceReceipt(input.receipt, zone()), filledForm(input.form)] : acceptanceReceipt(input.receipt, zone())),
      'documents.render': async (input, caller) => save(caller, input.kind, await withAgentRows(input.kind, input.spec, caller)),
      'documents.printers': () => spooler.listPrinters(),
      'documents.print': async (input, caller) => {
        try {
          const r = await store.withPlainFile(input.documentId, (path) => spooler.print(path, { printer: input.printer, copies: input.copies, title: input.documentId }));
          // null: no such document (discarded, swept, or never made)
          if (!r) throw new HandlerError('NOT_FOUND', 'document not found', undefined, { detail: 'DOCUMENT_NOT_FOUND' });
          ctx.log.info('documents.printed', { printer: r.printer, spooler: spooler.kind, ...byWhom(caller) });
          return r;
        } catch (e) {
          if (e instanceof DocumentDecryptError) throw unreadable();
          if (e instanceof PrintError) {
            // the file stays: the page says errors.<detail> and may call documents.print again
            ctx.log.warn('documents.print-failed', { code: e.code, detail: e.detail, spooler: spooler.kind, ...byWhom(caller) });
            throw new HandlerError(e.code, e.message, undefined, { detail: e.detail });
          }
          throw e;
        }
      },
      'seal.verify': async (input, caller) => {
        const rootPublicKey = options.seal ? await options.seal.rootPublicKey().catch(() => null) : null;
        const r = input.source === 'pdf' ? verifySealedPdf(new Uint8Array(Buffer.from(input.pdfBase64, 'base64')), { rootPublicKey }) : verifySealQr(input.qr, { rootPublicKey });
        ctx.log.info('seal.verified', { source: r.source, ok: r.ok, failure: r.failure, serial: r.certificate?.serial ?? null, stationId: r.station?.id ?? null, ...byWhom(caller) });
        return r;
      },
      'documents.discard': (input, caller) => {
        if (!store.remove(input.documentId)) return false;
        ctx.log.info('documents.discarded', byWhom(caller));
        return true;
      },
    },
    async start() {
      // Sweep old documents (they contain personal data).
      try {
        store.sweep(options.maxAgeMs ?? 24 * 3600 * 1000);
      } catch {
        ctx.log.warn('documents.sweep-failed');
      }
    },
    async close() {},
    async readDocument(documentId) {
      try {
        return await store.read(documentId);
      } catch (e) {
        if (e instanceof DocumentDecryptError) throw unreadable();
        throw e;
      }
    },
  };
}
