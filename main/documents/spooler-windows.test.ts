/**
 * The Windows spooler (pdf-to-printer + SumatraPDF) against the library's API. There is no
 * Windows here, so the library's module object is replaced by a fake with the same signatures
 * (the type check below ties them to the package's own .d.ts), and the real package is loaded
 * only to check that it exposes those functions. See README: what this does not prove.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as PdfToPrinterModule from 'pdf-to-printer';
import type { PrintOptions, Printer } from 'pdf-to-printer';
import { bundledSumatraPath, importPdfToPrinter, libraryOf, outsideAsar, windowsSpooler, type PdfToPrinter } from './spooler-windows';
import { createSpooler, PrintError } from './print';
import { createDocumentFeature } from './feature';
import { createEventHub } from '../core/events';
import type { Logger } from '../core/log';
import type { TerminalConfig } from '../core/config';

// The real module object must fit where the fake goes (compile-time check against the package's types).
export const realFits = (lib: typeof PdfToPrinterModule): PdfToPrinter => lib;

const HP: Printer = { deviceId: 'HP_LaserJet', name: 'HP LaserJet Pro M404', paperSizes: ['A4', 'Letter'] };
const CANON: Printer = { deviceId: 'Canon_LBP', name: 'Canon LBP2900', paperSizes: ['A4'] };
const SUMATRA = 'C:\\Program Files\\乡镇便民服务终端\\resources\\app.asar.unpacked\\node_modules\\pdf-to-printer\\dist\\SumatraPDF-3.4.6-32.exe';

interface Fake extends PdfToPrinter {
  calls: { pdf: string; options: PrintOptions | undefined }[];
}

function fake(opts: { printers?: Printer[]; def?: Printer | null; print?: (pdf: string, o?: PrintOptions) => Promise<void>; list?: () => Promise<Printer[]> } = {}): Fake {
  const calls: Fake['calls'] = [];
  return {
    calls,
    print: async (pdf, options) => {
      calls.push({ pdf, options });
      await opts.print?.(pdf, options);
    },
    getPrinters: opts.list ?? (async () => opts.printers ?? [HP, CANON]),
    getDefaultPrinter: async () => (opts.def === undefined ? HP : opts.def),
  } satisfies Fake;
}

const spoolerWith = (lib: PdfToPrinter, timeoutMs?: number) => windowsSpooler({ loadPdfToPrinter: async () => lib, sumatraPdfPath: SUMATRA, ...(timeoutMs ? { timeoutMs } : {}) });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as PrintError);
const never = () => new Promise<never>(() => undefined);

describe('Windows spooler (pdf-to-printer)', () => {
  it('lists the printers and the default one by name', async () => {
    expect(await spoolerWith(fake()).listPrinters()).toEqual({ spooler: true, defaultPrinter: 'HP LaserJet Pro M404', printers: ['HP LaserJet Pro M404', 'Canon LBP2900'] });
    expect(await spoolerWith(fake({ def: null })).listPrinters()).toMatchObject({ spooler: true, defaultPrinter: null });
  });

  it('lists no printer with an English message; a failing or hung PowerShell means no spooler', async () => {
    expect(await spoolerWith(fake({ printers: [], def: null })).listPrinters()).toEqual({ spooler: true, defaultPrinter: null, printers: [], message: 'no A4 printer is connected' });
    const broken = await spoolerWith(fake({ list: () => Promise.reject(new Error('Powershell.exe ENOENT')) })).listPrinters();
    expect(broken).toEqual({ spooler: false, defaultPrinter: null, printers: [], message: 'no print service (spooler) was found' });
    const started = Date.now();
    expect(await spoolerWith(fake({ list: never }), 100).listPrinters()).toMatchObject({ spooler: false });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('prints to the default printer on A4 with the copies asked for, silently, with the unpacked SumatraPDF', async () => {
    const lib = fake();
    const r = await spoolerWith(lib).print('C:\\data\\documents\\receipt-1.pdf', { copies: 2, title: 'receipt-1' });
    expect(r.printer).toBe('HP LaserJet Pro M404');
    expect(r.jobId).toMatch(/receipt-1/);
    expect(lib.calls).toEqual([{ pdf: 'C:\\data\\documents\\receipt-1.pdf', options: { printer: 'HP LaserJet Pro M404', paperSize: 'A4', scale: 'noscale', copies: 2, silent: true, sumatraPdfPath: SUMATRA } }]);
    await spoolerWith(lib).print('x.pdf');
    expect(lib.calls[1]!.options).toMatchObject({ copies: 1, paperSize: 'A4' });
  });

  it('prints to the printer asked for (by name or device id); an unknown one is NO_PRINTER', async () => {
    const lib = fake();
    expect((await spoolerWith(lib).print('a.pdf', { printer: 'Canon LBP2900' })).printer).toBe('Canon LBP2900');
    expect((await spoolerWith(lib).print('a.pdf', { printer: 'HP_LaserJet' })).printer).toBe('HP LaserJet Pro M404');
    expect(lib.calls.map((c) => c.options?.printer)).toEqual(['Canon LBP2900', 'HP LaserJet Pro M404']);
    const e = await failure(spoolerWith(lib).print('a.pdf', { printer: 'Nope' }));
    expect(e).toBeInstanceOf(PrintError);
    expect(e).toMatchObject({ code: 'NO_PRINTER', detail: 'A4_NO_PRINTER' });
    expect(lib.calls).toHaveLength(2);
  });

  it('no printer installed, or none chosen among several, is NO_PRINTER with the Chinese message', async () => {
    const none = fake({ printers: [], def: null });
    expect(await failure(spoolerWith(none).print('a.pdf'))).toMatchObject({ code: 'NO_PRINTER', detail: 'A4_NO_PRINTER' });
    expect(none.calls).toHaveLength(0);
    expect(await failure(spoolerWith(fake({ def: null })).print('a.pdf'))).toMatchObject({ code: 'NO_PRINTER' });
    // no default but only one printer: that one
    expect((await spoolerWith(fake({ printers: [CANON], def: null })).print('a.pdf')).printer).toBe('Canon LBP2900');
  });

  it('an error thrown by the library is PRINT_FAILED (detail A4_PRINT_FAILED); a missing SumatraPDF is NO_PRINTER', async () => {
    const exit1 = Object.assign(new Error('Command failed: SumatraPDF.exe -print-to "HP" -silent a.pdf'), { code: 1 });
    expect(await failure(spoolerWith(fake({ print: () => Promise.reject(exit1) })).print('a.pdf'))).toMatchObject({ code: 'PRINT_FAILED', detail: 'A4_PRINT_FAILED' });
    // the library also throws plain strings
    expect(await failure(spoolerWith(fake({ print: () => Promise.reject('Operating System not supported') })).print('a.pdf'))).toMatchObject({ code: 'PRINT_FAILED', message: expect.stringContaining('Operating System not supported') });
    const enoent = Object.assign(new Error('spawn SumatraPDF.exe ENOENT'), { code: 'ENOENT' });
    expect(await failure(spoolerWith(fake({ print: () => Promise.reject(enoent) })).print('a.pdf'))).toMatchObject({ code: 'NO_PRINTER', detail: 'A4_NO_SERVICE' });
  });

  it('a print that does not finish in time is PRINT_FAILED, telling to look at the printer before retrying', async () => {
    const started = Date.now();
    const e = await failure(spoolerWith(fake({ print: never }), 100).print('a.pdf'));
    expect(e).toMatchObject({ code: 'PRINT_FAILED', detail: 'A4_PRINT_TIMED_OUT' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await failure(spoolerWith(fake({ list: never }), 100).print('a.pdf'))).toMatchObject({ code: 'NO_PRINTER' });
  });

  it('a library that cannot be loaded is NO_PRINTER / no spooler', async () => {
    const s = windowsSpooler({ loadPdfToPrinter: () => Promise.reject(new Error('Cannot find module')), sumatraPdfPath: SUMATRA });
    expect(await failure(s.print('a.pdf'))).toMatchObject({ code: 'NO_PRINTER' });
    expect(await s.listPrinters()).toMatchObject({ spooler: false });
  });

  it('is chosen on win32 only and loads the library lazily (Linux never loads it)', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      return fake();
    };
    expect(createSpooler({ platform: 'linux', loadPdfToPrinter: load }).kind).toBe('cups');
    const win = createSpooler({ platform: 'win32', loadPdfToPrinter: load, sumatraPdfPath: SUMATRA });
    expect(win.kind).toBe('windows');
    expect(loads).toBe(0);
    await win.listPrinters();
    await win.print('a.pdf');
    expect(loads).toBe(1);
  });

  it('finds SumatraPDF.exe outside app.asar', () => {
    expect(outsideAsar('C:\\App\\resources\\app.asar\\node_modules\\pdf-to-printer\\dist\\SumatraPDF-3.4.6-32.exe', '\\')).toBe('C:\\App\\resources\\app.asar.unpacked\\node_modules\\pdf-to-printer\\dist\\SumatraPDF-3.4.6-32.exe');
    expect(outsideAsar('/opt/app/node_modules/pdf-to-printer/dist/S.exe', '/')).toBe('/opt/app/node_modules/pdf-to-printer/dist/S.exe');
    expect(outsideAsar('C:\\x\\app.asar.unpacked\\S.exe', '\\')).toBe('C:\\x\\app.asar.unpacked\\S.exe');
    // unpackaged (here): the package's own copy
    const found = bundledSumatraPath();
    expect(found).toMatch(/node_modules[\\/]pdf-to-printer[\\/]dist[\\/]SumatraPDF[^\\/]*\.exe$/);
    expect(existsSync(found!)).toBe(true);
  });

  it('takes the functions from the module as Node or a bundler presents it', () => {
    const lib = fake();
    expect(libraryOf({ default: lib })).toBe(lib); // plain Node ESM importing the CommonJS bundle
    expect(libraryOf(lib)).toBe(lib);
    expect(() => libraryOf({ default: {} })).toThrow(/unexpected shape/);
  });

  it('the installed package exposes the functions the fake stands for (and refuses to run off Windows)', async () => {
    const real = await importPdfToPrinter();
    for (const f of ['print', 'getPrinters', 'getDefaultPrinter'] as const) expect(typeof real[f]).toBe('function');
    await expect(real.getPrinters()).rejects.toBe('Operating System not supported');
  });
});

describe('documents feature on the Windows spooler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docs-win-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log } as unknown as Logger;

  it('keeps the PDF after a failed print, answers PRINT_FAILED with its detail, and the retry prints it', async () => {
    let jammed = true;
    const lib = fake({ print: async () => (jammed ? Promise.reject(new Error('Command failed: SumatraPDF.exe')) : undefined) });
    const feature = createDocumentFeature({ config: {} as TerminalConfig, log, events: createEventHub(log), dataDir: dir, host: 'electron' }, { spooler: spoolerWith(lib) });
    const caller = { origin: 'app://terminal', role: 'clerk', senderId: 'w1', staff: { id: 'S002', name: '—', role: 'assistant', platformRole: 'clerk' } } as const;
    const h = feature.handlers;
    expect(await h['documents.printers'](undefined, caller)).toMatchObject({ spooler: true, defaultPrinter: 'HP LaserJet Pro M404' });
    const saved = await h['documents.render']({ kind: 'authorization', spec: { title: '授权委托书', blocks: [{ kind: 'title', text: '授权委托书' }] } }, caller);
    const e = await Promise.resolve()
      .then(() => h['documents.print']({ documentId: saved.documentId }, caller))
      .then(() => null, (x: unknown) => x);
    expect(e).toMatchObject({ name: 'HandlerError', code: 'PRINT_FAILED', params: { detail: 'A4_PRINT_FAILED' }, userMessage: undefined });
    expect(await feature.readDocument(saved.documentId)).not.toBeNull(); // kept for the retry
    jammed = false;
    expect(await h['documents.print']({ documentId: saved.documentId, copies: 2 }, caller)).toMatchObject({ printer: 'HP LaserJet Pro M404' });
    expect(lib.calls.at(-1)).toEqual({ pdf: expect.stringContaining('spool'), options: expect.objectContaining({ copies: 2, paperSize: 'A4' }) });
    expect(existsSync(lib.calls.at(-1)!.pdf)).toBe(false); // the plain copy lived only while printing
  });
});
