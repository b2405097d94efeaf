/**
 * A small A4 document engine on pdf-lib: a document is a list of blocks (title, headings,
 * paragraphs, label/value tables, numbered lists, QR codes, signature lines) laid out top to bottom
 * with page breaks. Text uses Noto Sans SC, embedded as a subset (fontkit 1.9.0 — not
 * @pdf-lib/fontkit, which breaks CJK subsets), and Chinese line breaking (linebreak.ts).
 *
 * Shared by the kiosk (受理回执, filled form) and the counter (委托书, 办结单): build a
 * `DocumentSpec` and call `renderPdf(spec)`. No personal data is logged here; mask numbers before
 * they go into a spec (mask.ts) unless the document needs the full value.
 */
import { createRequire } from 'node:module';
import { degrees, PDFDocument, PDFHexString, PDFName, PDFString, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { breakText } from './linebreak';
import { findFallbackFontPaths, loadFallbackBytes, loadFontBytes } from './fonts';
import { qrMatrix } from './qr';
import { SEAL_CAPTION } from './templates';
import { PRODUCT_NAME } from '../core/product';

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; size?: number; align?: 'left' | 'center' | 'right' }
  /** Label/value rows in a bordered two-column table. */
  | { kind: 'fields'; rows: readonly { label: string; value: string }[]; labelWidthMm?: number }
  /** Numbered list. */
  | { kind: 'list'; items: readonly string[] }
  /** A QR code (vector) with an optional caption to its right. */
  | { kind: 'qr'; data: string; caption?: string; sizeMm?: number }
  /** Signature / date lines side by side, e.g. ['申请人（签字）', '日期']. */
  | { kind: 'signatures'; labels: readonly string[] }
  /** A PNG (e.g. a resident's on-screen signature), scaled to `widthMm`, with an optional caption to its left. */
  | { kind: 'image'; pngBase64: string; widthMm: number; caption?: string }
  | { kind: 'spacer'; mm: number }
  | { kind: 'rule' }
  | { kind: 'pageBreak' };

export interface DocumentSpec {
  /** PDF metadata title (also the default first line if no title block). */
  title: string;
  subject?: string;
  /** Small grey text at the top of every page (e.g. the station name). */
  header?: string;
  /** Small grey text at the bottom of every page; `{page}` and `{pages}` are replaced. */
  footer?: string;
  blocks: readonly Block[];
}

export interface RenderOptions {
  /** Font bytes (default: Noto Sans SC Regular from build/fonts). */
  fontBytes?: Uint8Array;
  /**
   * Fallback fonts for characters the main font lacks (CJK Extension A–F names: HanaMinA/B), tried in
   * order; each is embedded (as a subset) only when the document has such a character. Default:
   * `findFallbackFontPaths()` (fonts.ts). `[]` = none.
   */
  fallbackFontPaths?: readonly string[];
  /** Creation date in the metadata (tests pass a fixed one). */
  now?: Date;
  /**
   * 电子印章 (seal.ts): draws the station's round red seal and the verification QR at the end of the
   * document and reserves a PDF signature dictionary (`/ByteRange` + `/Contents` placeholders) that
   * `signSealedPdf` fills after rendering. The file is then saved without object streams, so the
   * dictionary stays findable by the verifier.
   */
  seal?: SealDrawing;
}

export interface SealDrawing {
  /** The arc text (the station's name, from the seal certificate). */
  stationName: string;
  /** The line under the star (the seal's name, e.g. 便民服务专用章). */
  sealName: string;
  /** The verification QR's text (`TTSQ1:…`). */
  qr: string;
  /** The date printed beside the seal (station time zone, e.g. 2026年12月5日). */
  dateText: string;
}

/** Hex digits reserved for the seal signature's `/Contents` (8 KB of JSON). */
export const SEAL_CONTENTS_HEX = 16384;
/** The `/ByteRange` written before signing; signSealedPdf overwrites it in place (same length). */
export const SEAL_BYTE_RANGE_PLACEHOLDER = [0, 1111111111, 2222222222, 3333333333] as const;

// fontkit 1.9.0 ships no types; pdf-lib declares the shape it needs.
const fontkit = createRequire(import.meta.url)('fontkit') as Parameters<PDFDocument['registerFontkit']>[0];
const coverageOf = (bytes: Uint8Array): ((cp: number) => boolean) => {
  const f = (fontkit as unknown as { create(b: Buffer): { hasGlyphForCodePoint(cp: number): boolean } }).create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return (cp) => f.hasGlyphForCodePoint(cp);
};
const coverageCache = new WeakMap<Uint8Array, (cp: number) => boolean>();
const cachedCoverage = (bytes: Uint8Array) => {
  let c = coverageCache.get(bytes);
  if (!c) coverageCache.set(bytes, (c = coverageOf(bytes)));
  return c;
};

/**
 * The main font plus fallbacks: text is split into runs by the first font that has each character
 * (characters no font has stay with the main font). Widths and drawing go through here.
 */
class FontSet {
  constructor(
    readonly main: PDFFont,
    private readonly mainHas: (cp: number) => boolean,
    private readonly fallbacks: readonly { font: PDFFont; has: (cp: number) => boolean }[],
  ) {}
  private fontFor(ch: string): PDFFont {
    const cp = ch.codePointAt(0)!;
    if (!this.fallbacks.length || this.mainHas(cp) || cp < 0x80) return this.main;
    return this.fallbacks.find((f) => f.has(cp))?.font ?? this.main;
  }
  runs(s: string): { text: string; font: PDFFont }[] {
    if (!this.fallbacks.length) return [{ text: s, font: this.main }];
    const out: { text: string; font: PDFFont }[] = [];
    for (const ch of s) {
      const font = this.fontFor(ch);
      const last = out.at(-1);
      if (last && last.font === font) last.text += ch;
      else out.push({ text: ch, font });
    }
    return out;
  }
  width(s: string, size: number): number {
    return this.runs(s).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);
  }
  draw(page: PDFPage, s: string, o: { x: number; y: number; size: number; color: ReturnType<typeof rgb> }): void {
    let x = o.x;
    for (const r of this.runs(s)) {
      page.drawText(r.text, { ...o, x, font: r.font });
      x += r.font.widthOfTextAtSize(r.text, o.size);
    }
  }
}

/** Every character of a spec's text, once. */
function specText(spec: DocumentSpec, seal?: SealDrawing): string {
  const parts: string[] = [spec.title, spec.header ?? '', spec.footer ?? ''];
  if (seal) parts.push(seal.stationName, seal.sealName, seal.dateText, SEAL_CAPTION);
  for (const b of spec.blocks) {
    if ('text' in b && typeof b.text === 'string') parts.push(b.text);
    if (b.kind === 'fields') for (const r of b.rows) parts.push(r.label, r.value);
    if (b.kind === 'list') parts.push(...b.items);
    if (b.kind === 'signatures') parts.push(...b.labels);
    if ((b.kind === 'qr' || b.kind === 'image') && b.caption) parts.push(b.caption);
  }
  return [...new Set(parts.join(''))].join('');
}

const MM = 72 / 25.4;
const A4: [number, number] = [210 * MM, 297 * MM];
const MARGIN = { top: 22 * MM, bottom: 20 * MM, left: 20 * MM, right: 20 * MM };
const TEXT = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const SIZES = { title: 20, heading: 13.5, body: 11, small: 8.5 };

class Layout {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];
  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: FontSet,
  ) {
    this.newPage();
  }
  get width(): number {
    return A4[0] - MARGIN.left - MARGIN.right;
  }
  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN.top;
  }
  /** Makes room for `h` points, starting a new page when needed. */
  ensure(h: number): void {
    if (this.y - h < MARGIN.bottom) this.newPage();
  }
  measure = (size: number) => (s: string) => this.fonts.width(s, size);
  text(s: string, x: number, size: number, color = TEXT): void {
    if (s) this.fonts.draw(this.page, s, { x, y: this.y - size, size, color });
  }
  /** Wrapped text inside [x, x+width]; returns the height used. */
  wrapped(s: string, x: number, width: number, size: number, align: 'left' | 'center' | 'right' = 'left'): void {
    const lh = size * 1.55;
    for (const line of breakText(s, width, this.measure(size))) {
      this.ensure(lh);
      const w = this.fonts.width(line, size);
      const dx = align === 'center' ? (width - w) / 2 : align === 'right' ? width - w : 0;
      this.text(line, x + dx, size);
      this.y -= lh;
    }
  }
}

function drawFields(l: Layout, rows: readonly { label: string; value: string }[], labelWidthMm = 38): void {
  const size = SIZES.body;
  const lh = size * 1.5;
  const pad = 2.2 * MM;
  const labelW = labelWidthMm * MM;
  const valueW = l.width - labelW;
  const x0 = MARGIN.left;
  for (const row of rows) {
    const labelLines = breakText(row.label, labelW - 2 * pad, l.measure(size));
    const valueLines = breakText(row.value || '—', valueW - 2 * pad, l.measure(size));
    const h = Math.max(labelLines.length, valueLines.length) * lh + 2 * pad - (lh - size);
    l.ensure(h);
    const top = l.y;
    l.page.drawRectangle({ x: x0, y: top - h, width: labelW, height: h, color: rgb(0.94, 0.94, 0.94), borderColor: TEXT, borderWidth: 0.6 });
    l.page.drawRectangle({ x: x0 + labelW, y: top - h, width: valueW, height: h, borderColor: TEXT, borderWidth: 0.6 });
    labelLines.forEach((line, i) => l.fonts.draw(l.page, line, { x: x0 + pad, y: top - pad - size - i * lh + 1, size, color: TEXT }));
    valueLines.forEach((line, i) => l.fonts.draw(l.page, line, { x: x0 + labelW + pad, y: top - pad - size - i * lh + 1, size, color: TEXT }));
    l.y = top - h;
  }
  l.y -= 3 * MM;
}

function drawQr(l: Layout, data: string, caption: string | undefined, sizeMm = 28, widthPt = l.width, level: 'L' | 'M' = 'M'): void {
  const m = qrMatrix(data, level);
  const side = sizeMm * MM;
  l.ensure(side + 2 * MM);
  const cell = side / (m.size + 2);
  const x0 = MARGIN.left + cell;
  const top = l.y - cell;
  for (let y = 0; y < m.size; y++) {
    // Merge horizontal runs into one rectangle each: smaller file, crisper print.
    let x = 0;
    while (x < m.size) {
      if (!m.dark(x, y)) {
        x++;
        continue;
      }
      let end = x;
      while (end < m.size && m.dark(end, y)) end++;
      l.page.drawRectangle({ x: x0 + x * cell, y: top - (y + 1) * cell, width: (end - x) * cell + 0.05, height: cell + 0.05, color: TEXT });
      x = end;
    }
  }
  if (caption) {
    const saveY = l.y;
    l.y = top - 1 * MM;
    l.wrapped(caption, MARGIN.left + side + 5 * MM, widthPt - side - 5 * MM, SIZES.body);
    l.y = Math.min(l.y, saveY);
  }
  l.y = Math.min(l.y, top - m.size * cell - 2 * cell);
}

function drawSignatures(l: Layout, labels: readonly string[]): void {
  const size = SIZES.body;
  const h = 16 * MM;
  l.ensure(h);
  const colW = l.width / Math.max(1, labels.length);
  labels.forEach((label, i) => {
    const x = MARGIN.left + i * colW;
    const labelW = l.fonts.width(`${label}：`, size);
    l.fonts.draw(l.page, `${label}：`, { x, y: l.y - h + 3 * MM, size, color: TEXT });
    l.page.drawLine({ start: { x: x + labelW + 1 * MM, y: l.y - h + 2.5 * MM }, end: { x: x + colW - 6 * MM, y: l.y - h + 2.5 * MM }, thickness: 0.6, color: TEXT });
  });
  l.y -= h + 2 * MM;
}

const SEAL_RED = rgb(0.86, 0.08, 0.12);

/** A five-pointed star's path (SVG coordinates, y down), centred on 0,0 with outer radius r. */
function starPath(r: number): string {
  const pts: string[] = [];
  for (let i = 0; i < 10; i++) {
    const rr = i % 2 ? r * 0.382 : r;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push(`${(rr * Math.cos(a)).toFixed(2)} ${(rr * Math.sin(a)).toFixed(2)}`);
  }
  return `M ${pts.join(' L ')} Z`;
}

/** The round red seal: rim, the station's name along the upper arc, a star, the seal's name below. */
function drawSeal(page: PDFPage, fonts: FontSet, cx: number, cy: number, diameterMm: number, s: SealDrawing): void {
  const R = (diameterMm / 2) * MM;
  const opacity = 0.88;
  page.drawCircle({ x: cx, y: cy, size: R - 0.6 * MM, borderColor: SEAL_RED, borderWidth: 1.2 * MM, borderOpacity: opacity });
  page.drawSvgPath(starPath(R * 0.27), { x: cx, y: cy + R * 0.05, color: SEAL_RED, opacity });
  const chars = [...s.stationName];
  const span = Math.min(240, Math.max(60, chars.length * 30));
  const inner = R - 2.2 * MM;
  const size = Math.min(4.6 * MM, Math.max(2.8 * MM, ((inner * span * Math.PI) / 180 / Math.max(chars.length, 1)) * 0.8));
  const rText = inner - size * 0.9;
  chars.forEach((ch, i) => {
    const theta = ((90 + span / 2 - (chars.length > 1 ? (i * span) / (chars.length - 1) : span / 2)) * Math.PI) / 180;
    const w = fonts.width(ch, size);
    // Baseline on the inner circle, the glyph's top towards the rim, centred on its angle.
    const x = cx + rText * Math.cos(theta) - (w / 2) * Math.sin(theta);
    const y = cy + rText * Math.sin(theta) + (w / 2) * Math.cos(theta);
    for (const run of fonts.runs(ch)) page.drawText(run.text, { x, y, size, font: run.font, color: SEAL_RED, opacity, rotate: degrees((theta * 180) / Math.PI - 90) });
  });
  const nameSize = Math.min(3.6 * MM, (R * 1.3) / Math.max([...s.sealName].length, 1));
  const nw = fonts.width(s.sealName, nameSize);
  for (const [i, run] of fonts.runs(s.sealName).entries()) {
    const before = fonts.runs(s.sealName).slice(0, i).reduce((a, r) => a + r.font.widthOfTextAtSize(r.text, nameSize), 0);
    page.drawText(run.text, { x: cx - nw / 2 + before, y: cy - R * 0.55, size: nameSize, font: run.font, color: SEAL_RED, opacity });
  }
}

/** The last block of a sealed document: the verification QR on the left, the seal over the station's name and date on the right. */
function drawSealBlock(l: Layout, s: SealDrawing): void {
  const diameterMm = 40;
  const h = (diameterMm + 6) * MM;
  l.ensure(h);
  const top = l.y;
  drawQr(l, s.qr, SEAL_CAPTION, 36, l.width * 0.55, 'L');
  const size = SIZES.body;
  const rightX = MARGIN.left + l.width * 0.62;
  const colW = l.width * 0.38;
  const lines = breakText(s.stationName, colW, l.measure(size));
  let y = top - 14 * MM;
  for (const line of [...lines, s.dateText]) {
    const w = l.fonts.width(line, size);
    l.fonts.draw(l.page, line, { x: rightX + (colW - w) / 2, y, size, color: TEXT });
    y -= size * 1.6;
  }
  drawSeal(l.page, l.fonts, rightX + colW / 2, top - 3 * MM - (diameterMm / 2) * MM, diameterMm, s);
  l.y = Math.min(l.y, top - h);
}

/**
 * The PDF signature field and dictionary of a sealed document (ISO 32000-1 §12.8): `/ByteRange` and
 * `/Contents` are placeholders that signSealedPdf (seal.ts) fills in place after saving.
 */
function addSealSignatureField(doc: PDFDocument, page: PDFPage, s: SealDrawing, now: Date): void {
  const ctx = doc.context;
  const sig = ctx.register(
    ctx.obj({
      Type: 'Sig',
      Filter: 'TT.SealSM2',
      SubFilter: 'TTSEAL.1',
      ByteRange: [...SEAL_BYTE_RANGE_PLACEHOLDER],
      Contents: PDFHexString.of('0'.repeat(SEAL_CONTENTS_HEX)),
      M: PDFString.fromDate(now),
      Name: PDFHexString.fromText(s.stationName),
      Reason: PDFHexString.fromText(s.sealName),
    }),
  );
  const widget = ctx.register(
    ctx.obj({ Type: 'Annot', Subtype: 'Widget', FT: 'Sig', T: PDFString.of('TTSeal'), V: sig, Rect: [0, 0, 0, 0], F: 132, P: page.ref }),
  );
  page.node.addAnnot(widget);
  doc.catalog.set(PDFName.of('AcroForm'), ctx.obj({ Fields: [widget], SigFlags: 3 }));
}

/** Renders a document spec into PDF bytes (A4, subset-embedded Noto Sans SC). */
export async function renderPdf(spec: DocumentSpec, options: RenderOptions = {}): Promise<Uint8Array> {
  return (await renderDocument(spec, options)).pdf;
}

/** Like renderPdf, also telling the page count. */
export async function renderDocument(spec: DocumentSpec, options: RenderOptions = {}): Promise<{ pdf: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const mainBytes = options.fontBytes ?? loadFontBytes();
  const font = await doc.embedFont(mainBytes, { subset: true });
  // Fallbacks (rare characters in names) are embedded only when the document has a character the main font lacks.
  const fallbacks: { font: PDFFont; has: (cp: number) => boolean }[] = [];
  const mainHas = cachedCoverage(mainBytes);
  let missing = [...specText(spec, options.seal)].filter((ch) => ch.codePointAt(0)! >= 0x80 && !/\s/.test(ch) && !mainHas(ch.codePointAt(0)!));
  for (const path of missing.length ? (options.fallbackFontPaths ?? findFallbackFontPaths()) : []) {
    const bytes = loadFallbackBytes(path);
    if (!bytes) continue;
    const has = cachedCoverage(bytes);
    if (!missing.some((ch) => has(ch.codePointAt(0)!))) continue;
    fallbacks.push({ font: await doc.embedFont(bytes, { subset: true }), has });
    missing = missing.filter((ch) => !has(ch.codePointAt(0)!));
    if (!missing.length) break;
  }
  const fonts = new FontSet(font, mainHas, fallbacks);
  const now = options.now ?? new Date();
  doc.setTitle(spec.title);
  if (spec.subject) doc.setSubject(spec.subject);
  doc.setCreator(PRODUCT_NAME);
  doc.setProducer('township-terminal documents (pdf-lib)');
  doc.setLanguage('zh-CN');
  doc.setCreationDate(now);
  doc.setModificationDate(now);

  const l = new Layout(doc, fonts);
  for (const b of spec.blocks) {
    switch (b.kind) {
      case 'title':
        l.wrapped(b.text, MARGIN.left, l.width, SIZES.title, 'center');
        l.y -= 3 * MM;
        break;
      case 'heading':
        l.ensure(SIZES.heading * 3);
        l.y -= 2 * MM;
        l.wrapped(b.text, MARGIN.left, l.width, SIZES.heading);
        l.y -= 1 * MM;
        break;
      case 'paragraph':
        l.wrapped(b.text, MARGIN.left, l.width, b.size ?? SIZES.body, b.align);
        l.y -= 1.5 * MM;
        break;
      case 'fields':
        drawFields(l, b.rows, b.labelWidthMm);
        break;
      case 'list': {
        const size = SIZES.body;
        const indent = l.fonts.width('10. ', size);
        b.items.forEach((item, i) => {
          l.ensure(size * 1.55);
          l.text(`${i + 1}.`, MARGIN.left, size);
          l.wrapped(item, MARGIN.left + indent, l.width - indent, size);
        });
        l.y -= 1.5 * MM;
        break;
      }
      case 'qr':
        drawQr(l, b.data, b.caption, b.sizeMm);
        break;
      case 'signatures':
        drawSignatures(l, b.labels);
        break;
      case 'image': {
        const img = await doc.embedPng(Buffer.from(b.pngBase64, 'base64'));
        const w = Math.min(b.widthMm * MM, l.width);
        const h = (img.height / img.width) * w;
        l.ensure(h + 2 * MM);
        const capW = b.caption ? l.fonts.width(`${b.caption}：`, SIZES.body) + 2 * MM : 0;
        if (b.caption) l.fonts.draw(l.page, `${b.caption}：`, { x: MARGIN.left, y: l.y - h / 2, size: SIZES.body, color: TEXT });
        l.page.drawImage(img, { x: MARGIN.left + capW, y: l.y - h, width: w, height: h });
        l.y -= h + 2 * MM;
        break;
      }
      case 'spacer':
        l.y -= b.mm * MM;
        if (l.y < MARGIN.bottom) l.newPage();
        break;
      case 'pageBreak':
        l.newPage();
        break;
      case 'rule':
        l.ensure(3 * MM);
        l.page.drawLine({ start: { x: MARGIN.left, y: l.y - 1 * MM }, end: { x: MARGIN.left + l.width, y: l.y - 1 * MM }, thickness: 0.6, color: GREY });
        l.y -= 3 * MM;
        break;
    }
  }
  if (options.seal) drawSealBlock(l, options.seal);
  const pages = l.pages.length;
  l.pages.forEach((page, i) => {
    if (spec.header) fonts.draw(page, spec.header, { x: MARGIN.left, y: A4[1] - 12 * MM, size: SIZES.small, color: GREY });
    if (spec.footer) {
      const text = spec.footer.replace('{page}', String(i + 1)).replace('{pages}', String(pages));
      const w = fonts.width(text, SIZES.small);
      fonts.draw(page, text, { x: (A4[0] - w) / 2, y: 10 * MM, size: SIZES.small, color: GREY });
    }
  });
  if (options.seal) addSealSignatureField(doc, l.pages.at(-1)!, options.seal, now);
  return { pdf: await doc.save({ useObjectStreams: !options.seal }), pages };
}
