import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDocument } from './pdf';
import { acceptanceReceipt, filledForm } from './templates';
import { listPrinters, printPdf, PrintError } from './print';
import { findFontPath } from './fonts';
import { createDocumentFeature } from './feature';
import { createEventHub } from '../core/events';
import type { Logger } from '../core/log';
import type { TerminalConfig } from '../core/config';
import type { AcceptanceReceiptInput } from '../../preload/contract/kiosk-calls';

const dir = mkdtempSync(join(tmpdir(), 'docs-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECEIPT: AcceptanceReceiptInput = {
  applicationId: '019a1b2c-3d4e-7f00-8a00-0123456789ab',
  acceptanceNo: null,
  serviceCode: 'YB01',
  serviceName: '城乡居民参保登记（含新生儿）',
  department: '医保',
  stationName: '南昌县莲塘镇便民服务中心',
  applicantName: '张三丰',
  applicantIdNumber: '360121199001011234',
  applicantPhone: '13800138000',
  channel: 'kiosk',
  submittedAt: '2026-11-29T10:00:00.000Z',
  promisedDays: 5,
  materials: ['新生儿出生医学证明（原件1份）', '户口簿（原件1份，复印件1份）', '父母或家庭代表身份证（原件1份）', '参保登记表/参保信息确认表'],
  notes: ['请于5个工作日后凭本回执或身份证查询办理进度；需要补正材料的，工作人员将电话通知您。', '办结后可到本中心窗口领取结果，或在“赣服通”查询。'],
  progressQr: 'TT1:019a1b2c-3d4e-7f00-8a00-0123456789ab',
  offline: true,
};

const EMPTY_FONTCONFIG = join(dir, 'fonts.conf');
writeFileSync(EMPTY_FONTCONFIG, '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n');
const has = (cmd: string) => {
  try {
    execFileSync('which', [cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('receipt PDF', () => {
  it('finds the font in build/fonts', () => {
    expect(findFontPath()).toMatch(/build[/\\]fonts[/\\]NotoSansSC_400Regular\.ttf$/);
  });

  it('is small, renders with its embedded font only and extracts as Chinese text', async () => {
    const started = performance.now();
    const { pdf, pages } = await renderDocument(acceptanceReceipt(RECEIPT));
    const ms = performance.now() - started;
    const file = join(dir, 'receipt.pdf');
    writeFileSync(file, pdf);
    expect(pdf.length).toBeLessThan(150 * 1024);
    expect(pages).toBe(1);
    expect(ms).toBeLessThan(10_000);

    // Full ID number never appears; the masked one does.
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('受理回执');
    expect(text).toContain('城乡居民参保登记');
    expect(text).toContain('3601**********1234');
    expect(text).toContain('138****8000');
    expect(text).not.toContain('360121199001011234');
    expect(text.replace(/\s+/g, '')).toContain('新生儿出生医学证明（原件1份）');

    // The font is embedded (a subset) and the page renders with no system fonts at all.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/NotoSansSC/);
    // Every font embedded (pdf-lib names subsets `-NNNN` rather than `ABCDEF+`, so pdffonts says sub=no;
    // the < 150 KB size proves the subset: the full font is 10 MB).
    const rows = fonts.split('\n').slice(2).filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((l) => /Identity-H\s+yes\s+\S+\s+yes/.test(l))).toBe(true);
    const out = join(dir, 'page');
    const stderr = execFileSync('pdftoppm', ['-r', '50', '-gray', '-singlefile', file, out], { env: { ...process.env, FONTCONFIG_FILE: EMPTY_FONTCONFIG }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(stderr).not.toMatch(/error/i);
    const pgm = readFileSync(`${out}.pgm`);
    // Count dark pixels: text and QR code drew something substantial.
    const header = pgm.indexOf('255\n') + 4;
    let dark = 0;
    for (let i = header; i < pgm.length; i++) if (pgm[i]! < 128) dark++;
    expect(dark).toBeGreaterThan(3000);
  });

  it('no line of the extracted text starts with closing punctuation', async () => {
    const long = { ...RECEIPT, notes: ['请携带身份证原件、户口簿原件和复印件，到窗口领取结果。如有疑问，请咨询工作人员（工作日9:00—17:00），谢谢！'.repeat(3)] };
    const { pdf } = await renderDocument(acceptanceReceipt(long));
    const file = join(dir, 'long.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) expect('，。、；：？！）》」'.includes(line[0]!), line).toBe(false);
  });

  it('appends the filled form on a second page', async () => {
    const { pdf, pages } = await renderDocument({
      ...acceptanceReceipt(RECEIPT),
      blocks: [...acceptanceReceipt(RECEIPT).blocks, { kind: 'pageBreak' }, ...filledForm({ applicationId: RECEIPT.applicationId, title: '城乡居民参保登记申请表', stationName: RECEIPT.stationName, sections: [{ title: '申请人', fields: [{ label: '姓名', value: '张三丰' }, { label: '身份证号', value: '360121199001011234', mask: 'id' }] }] }).blocks],
    });
    expect(pages).toBe(2);
    const file = join(dir, 'form.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain('城乡居民参保登记申请表');
    expect(text).not.toContain('360121199001011234');
  });
});

describe('A4 printing through the spooler', () => {
  it('reports a clear NO_PRINTER when lp is missing', async () => {
    await expect(printPdf('/tmp/x.pdf', { lpCommand: join(dir, 'no-such-lp') })).rejects.toMatchObject({ code: 'NO_PRINTER' });
    const list = await listPrinters({ lpstatCommand: join(dir, 'no-such-lpstat') });
    expect(list.spooler).toBe(false);
    expect(list.message).toBe('no print service (spooler) was found (CUPS)');
  });

  it('passes the file to lp and parses the job id; a failing lp is PRINT_FAILED or NO_PRINTER', async () => {
    const log = join(dir, 'lp.log');
    const fake = join(dir, 'lp');
    writeFileSync(fake, `#!/bin/sh\necho "$@" >> ${log}\necho "request id is A4-42 (1 file(s))"\n`);
    chmodSync(fake, 0o755);
    const r = await printPdf('/tmp/receipt.pdf', { lpCommand: fake, printer: 'A4', copies: 2 });
    expect(r).toEqual({ printer: 'A4', jobId: 'A4-42' });
    expect(readFileSync(log, 'utf8')).toContain('-d A4 -n 2 -o media=A4 -- /tmp/receipt.pdf');

    const broken = join(dir, 'lp-broken');
    writeFileSync(broken, '#!/bin/sh\necho "lp: Error - no default destination available." >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    const err = await printPdf('/tmp/receipt.pdf', { lpCommand: broken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrintError);
    expect((err as PrintError).code).toBe('NO_PRINTER');
    expect((err as PrintError).detail).toBe('A4_NO_PRINTER'); // errors.A4_NO_PRINTER says the slip is kept (renderer/i18n/main-errors.test.ts)
  });
});

describe('documents feature', () => {
  it('renders, saves encrypted, prints a plain copy that is gone afterwards (fake lp), and discards', async () => {
    const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log } as unknown as Logger;
    const fake = join(dir, 'lp-ok');
    const seen = join(dir, 'lp-seen');
    // The fake lp records the file it was given and whether it was a readable PDF at that moment.
    writeFileSync(fake, `#!/bin/sh\nfor a; do f="$a"; done\n{ head -c 5 "$f"; echo; echo "$f"; } > ${seen}\necho "request id is Office-7 (1 file(s))"\n`);
    chmodSync(fake, 0o755);
    const dataDir = join(dir, 'feature-data');
    const master = Buffer.alloc(32, 7);
    const make = (key = master) => createDocumentFeature({ config: {} as TerminalConfig, log, events: createEventHub(log), dataDir, host: 'browser' }, { lpCommand: fake, masterKey: async () => key });
    const feature = make();
    const caller = { role: 'kiosk', senderId: 't' } as never;
    const saved = await feature.handlers['documents.receiptPdf']({ receipt: RECEIPT }, caller);
    expect(saved.bytes).toBeLessThan(150 * 1024);
    expect(saved.path).toBeNull(); // personal data: no readable file
    const onDisk = readFileSync(join(dataDir, 'documents', `${saved.documentId}.pdf.enc`));
    expect(onDisk.subarray(0, 4).toString()).toBe('TTD1');
    expect(onDisk.includes(Buffer.from('%PDF'))).toBe(false);
    expect((await feature.readDocument(saved.documentId))!.subarray(0, 5).toString()).toBe('%PDF-');

    expect(await feature.handlers['documents.print']({ documentId: saved.documentId }, caller)).toEqual({ printer: 'Office', jobId: 'Office-7' });
    const [magic, spoolPath] = readFileSync(seen, 'utf8').split('\n');
    expect(magic).toBe('%PDF-');
    expect(spoolPath).toContain(join('documents', 'spool'));
    expect(existsSync(spoolPath!)).toBe(false); // the plain copy lived only while lp ran

    // Another key (another terminal, or a damaged file) does not open it.
    const other = make(Buffer.alloc(32, 8));
    await expect(other.readDocument(saved.documentId)).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE' });
    await expect(Promise.resolve().then(() => other.handlers['documents.print']({ documentId: saved.documentId }, caller))).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE', userMessage: undefined });
    // Damaged files: garbage, truncated, a flipped byte, a file renamed to another id.
    const docsDir = join(dataDir, 'documents');
    const good = readFileSync(join(docsDir, `${saved.documentId}.pdf.enc`));
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1]! ^= 0xff;
    for (const [id, bytes] of [['receipt-garbage', Buffer.from('not a document at all')], ['receipt-short', good.subarray(0, 20)], ['receipt-flipped', flipped], ['receipt-renamed', good]] as const) {
      writeFileSync(join(docsDir, `${id}.pdf.enc`), bytes);
      await expect(feature.readDocument(id)).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE' });
    }

    // The daily summary (counts only) is an export: a plain file the assistant can take.
    const summary = await feature.handlers['documents.render']({ kind: 'daily-summary', spec: { title: '日汇总', blocks: [{ kind: 'title', text: '日汇总' }] } }, caller);
    expect(readFileSync(summary.path!).subarray(0, 5).toString()).toBe('%PDF-');

    expect(await feature.handlers['documents.discard']({ documentId: saved.documentId }, caller)).toBe(true);
    expect(existsSync(join(dataDir, 'documents', `${saved.documentId}.pdf.enc`))).toBe(false);
    await expect(Promise.resolve().then(() => feature.handlers['documents.print']({ documentId: saved.documentId }, caller))).rejects.toMatchObject({ code: 'NOT_FOUND', params: { detail: 'DOCUMENT_NOT_FOUND' } });
  });

  it('the start-up sweep removes old documents, unfinished writes and spool copies; a killed write leaves no half file', async () => {
    const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log } as unknown as Logger;
    const dataDir = join(dir, 'sweep-data');
    const feature = createDocumentFeature({ config: {} as TerminalConfig, log, events: createEventHub(log), dataDir, host: 'browser' }, { masterKey: async () => Buffer.alloc(32, 1), maxAgeMs: 60_000 });
    const caller = { role: 'kiosk', senderId: 't' } as never;
    const fresh = await feature.handlers['documents.receiptPdf']({ receipt: RECEIPT }, caller);
    const docs = join(dataDir, 'documents');
    writeFileSync(join(docs, 'receipt-old.pdf.enc'), 'x');
    utimesSync(join(docs, 'receipt-old.pdf.enc'), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    writeFileSync(join(docs, `receipt-x.pdf.enc.${'a'.repeat(8)}.tmp`), 'half');
    mkdirSync(join(docs, 'spool'), { recursive: true });
    writeFileSync(join(docs, 'spool', 'left.pdf'), '%PDF-');
    await feature.start();
    expect(readdirSync(docs).sort()).toEqual([`${fresh.documentId}.pdf.enc`]);
  });
});

it.skipIf(!has('pdftoppm'))('poppler is installed for these tests', () => expect(has('pdftotext')).toBe(true));
