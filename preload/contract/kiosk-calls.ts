/**
 * Documents (PDF) and A4 printing: 受理回执, filled forms, and any document the counter composes
 * (委托书, 办结单) from the generic block spec. Main renders with pdf-lib + embedded Noto Sans SC
 * (main/documents), keeps the file in the terminal's data folder and prints it through the OS
 * spooler (CUPS `lp` on Linux, pdf-to-printer on Windows). The display role may not call these
 * (personal data). At the clerk window each is clerk work: it needs a signed-in, unlocked staff
 * session in main (`requiresStaff`); the kiosk (residents) has no sign-in.
 */
import { z } from 'zod';
import { call, NoInput, type CallSpec } from './spec';

const ROLES = ['kiosk', 'clerk'] as const;
/** Every documents call: kiosk and clerk; the clerk only while signed in and unlocked. */
const DOCS = { roles: ROLES, requiresStaff: true } as const;
const line = (max: number) => z.string().max(max);
const isoDateTime = z.string().max(40);

export const AcceptanceReceiptInput = z
  .object({
    applicationId: line(64).min(1),
    acceptanceNo: line(64).nullable().optional(),
    serviceCode: line(64).min(1),
    serviceName: line(200).min(1),
    department: line(100),
    stationName: line(100),
    applicantName: line(100),
    /** Full number; the template masks it. */
    applicantIdNumber: line(40),
    applicantPhone: line(30).optional(),
    agentName: line(100).optional(),
    channel: z.enum(['kiosk', 'counter', 'field']),
    submittedAt: isoDateTime,
    promisedDays: z.number().int().min(0).max(3650).nullable().optional(),
    /** Materials (the catalog's list when neither of the two below is given). */
    materials: z.array(line(300)).max(50),
    /** What was actually received, and what is still to be brought: printed instead of `materials` when given. */
    receivedMaterials: z.array(line(300)).max(50).optional(),
    missingMaterials: z.array(line(300)).max(50).optional(),
    /** 承诺时限 as the service guide states it; wins over `promisedDays`. */
    timeLimit: line(60).optional(),
    notes: z.array(line(500)).max(20),
    /** What the QR code encodes (progress lookup): the province progress URL with the id, or `TT1:<applicationId>`. */
    progressQr: line(500).min(1),
    /** Submitted while the platform was unreachable. */
    offline: z.boolean().optional(),
  })
  .strict();
export type AcceptanceReceiptInput = z.infer<typeof AcceptanceReceiptInput>;

export const FilledFormInput = z
  .object({
    applicationId: line(64).min(1),
    title: line(200).min(1),
    stationName: line(100),
    sections: z
      .array(
        z.object({
          title: line(100),
          fields: z.array(z.object({ label: line(200), value: line(2000), mask: z.enum(['id', 'phone']).optional() }).strict()).max(100),
        }).strict(),
      )
      .max(30),
  })
  .strict();
export type FilledFormInput = z.infer<typeof FilledFormInput>;

/** A block of the generic document engine (see main/documents/pdf.ts). */
export const DocumentBlock = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('title'), text: line(200) }).strict(),
  z.object({ kind: z.literal('heading'), text: line(200) }).strict(),
  z.object({ kind: z.literal('paragraph'), text: line(5000), size: z.number().min(6).max(30).optional(), align: z.enum(['left', 'center', 'right']).optional() }).strict(),
  z.object({ kind: z.literal('fields'), rows: z.array(z.object({ label: line(200), value: line(2000) }).strict()).max(200), labelWidthMm: z.number().min(15).max(100).optional() }).strict(),
  z.object({ kind: z.literal('list'), items: z.array(line(1000)).max(200) }).strict(),
  z.object({ kind: z.literal('qr'), data: line(500).min(1), caption: line(300).optional(), sizeMm: z.number().min(15).max(80).optional() }).strict(),
  z.object({ kind: z.literal('signatures'), labels: z.array(line(40)).min(1).max(4) }).strict(),
  z.object({ kind: z.literal('image'), pngBase64: z.base64().min(8).max(1_000_000), widthMm: z.number().min(10).max(170), caption: line(40).optional() }).strict(),
  z.object({ kind: z.literal('spacer'), mm: z.number().min(0).max(200) }).strict(),
  z.object({ kind: z.literal('rule') }).strict(),
  z.object({ kind: z.literal('pageBreak') }).strict(),
]);
export const DocumentSpecInput = z
  .object({ title: line(200).min(1), subject: line(200).optional(), header: line(200).optional(), footer: line(200).optional(), blocks: z.array(DocumentBlock).max(500) })
  .strict();
export type DocumentSpecInput = z.infer<typeof DocumentSpecInput>;

/** A rendered and saved document. */
export const SavedDocument = z.object({
  documentId: z.string(),
  /**
   * Absolute path of the PDF, only for exports without personal data (the daily summary). Documents
   * with personal data are encrypted at rest and have no readable file (null): print them with
   * `documents.print`.
   */
  path: z.string().nullable(),
  bytes: z.number().int(),
  pages: z.number().int(),
  renderMs: z.number(),
  /** 电子印章: the document carries the station's seal and SM2 signature (false: not a sealed kind, or no seal certificate yet). */
  sealed: z.boolean().optional(),
});
export type SavedDocument = z.infer<typeof SavedDocument>;

export const PrinterInfo = z.object({
  /** Whether an A4 spooler is present (CUPS `lp`; on Windows, pdf-to-printer). */
  spooler: z.boolean(),
  defaultPrinter: z.string().nullable(),
  printers: z.array(z.string()),
  /** English, for logs and APIs, when printing is impossible (pages decide from `spooler` and `printers`). */
  message: z.string().optional(),
});

const documentId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);

/**
 * The 授权委托书 as `documents.render` takes it: its kind, and the labels of the 受托人 rows main fills
 * for the signed-in staff member (main/documents/authorization.ts). The page (renderer/clerk/letters.ts)
 * writes these rows with the ID number and phone left empty.
 */
export const AUTHORIZATION_KIND = 'authorization-letter';
export { AGENT_ID_ROW, AGENT_PHONE_ROW, AGENT_ROW } from './document-rows';

export const kioskCalls = {
  /** Renders the 受理回执 PDF (optionally followed by the filled form) and saves it. */
  'documents.receiptPdf': call({ input: z.object({ receipt: AcceptanceReceiptInput, form: FilledFormInput.optional() }).strict(), output: SavedDocument, ...DOCS, timeoutMs: 30_000 }),
  /** Renders any document from blocks (委托书, 办结单…) and saves it. */
  'documents.render': call({ input: z.object({ kind: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), spec: DocumentSpecInput }).strict(), output: SavedDocument, ...DOCS, timeoutMs: 30_000 }),
  /** A4 printers known to the OS spooler (CUPS on Linux, Windows printers through pdf-to-printer). */
  'documents.printers': call({ input: NoInput, output: PrinterInfo, ...DOCS, timeoutMs: 10_000 }),
  /** Sends a saved document to the A4 printer; errors NO_PRINTER / PRINT_FAILED / NOT_FOUND with `params.detail` (A4_* / DOCUMENT_NOT_FOUND: the catalogue's words); retry = call again. */
  'documents.print': call({
    input: z.object({ documentId, printer: z.string().max(100).optional(), copies: z.number().int().min(1).max(5).optional() }).strict(),
    output: z.object({ printer: z.string(), jobId: z.string() }),
    ...DOCS,
    timeoutMs: 30_000,
  }),
  /** Deletes a saved document (kiosk: after printing, or on idle reset). */
  'documents.discard': call({ input: z.object({ documentId }).strict(), output: z.boolean(), ...DOCS }),
} as const satisfies Record<string, CallSpec>;
