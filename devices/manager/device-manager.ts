/**
 * The device manager: binds each role (idcard, receipt-printer, window-display, evaluator) to a driver
 * and a transport, keeps them connected, and exposes one small typed API. Plain Node, no Electron; all
 * emitted data is plain JSON. Personal data (names, ID numbers) is never logged.
 */
import { DeviceError, toDeviceError } from '../errors.js';
import { GenericLedDisplay } from '../display/generic-led.js';
import type { WindowDisplayDriver } from '../display/types.js';
import { FontGlyphRasterizer } from '../escpos/raster.js';
import { ReceiptPrinter, type PrintResult } from '../escpos/printer.js';
import { statusProblem } from '../escpos/status.js';
import { buildReceipt, buildTicket } from '../escpos/templates.js';
import { GenericKeypadEvaluator } from '../evaluator/generic-keypad.js';
import { evaluationResult, type EvaluationLevel, type EvaluatorDriver } from '../evaluator/types.js';
import { toCardJson } from '../idcard/card-json.js';
import { SamReader } from '../idcard/reader.js';
import { IdCardSession } from '../idcard/session.js';
import { QrScannerSession } from '../scanner/session.js';
import { createTransport } from '../transport/create.js';
import type { Transport } from '../transport/types.js';
import { defaultProbeCandidates, probeSamReader } from './probe.js';
import { RoleLink } from './role-link.js';
import {
  deviceManagerConfigSchema,
  evaluationRequestSchema,
  receiptDataSchema,
  ticketDataSchema,
  windowDisplayRequestSchema,
  type DeviceManagerConfig,
  type DeviceRole,
  type DeviceStatus,
  type EvaluationEvent,
  type EvaluationMode,
  type IdCardEvent,
  type PendingPrint,
  type PrintResultJson,
  type QrScanEvent,
  type TransportConfigInput,
} from './schemas.js';

export interface DeviceLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Decodes a WLT photo into a BMP. Supplied by a licensed vendor library; none ships here. */
export type WltDecoder = (wlt: Buffer) => Promise<Buffer>;

export interface DeviceManagerOptions {
  logger?: DeviceLogger;
  wltDecoder?: WltDecoder;
  /**
   * TrueType font for glyphs the printer lacks. Default: Noto Sans SC from
   * @expo-google-fonts/noto-sans-sc (a devDependency: packaged builds should pass the shipped font).
   * Without a loadable font such glyphs print as boxes.
   */
  glyphFontPath?: string;
  /** Further fonts tried, in order, for glyphs neither the printer nor `glyphFontPath` has (rare characters, CJK Ext B+). */
  glyphFallbackFontPaths?: string[];
  /** The station's IANA time zone for times on the slips (read at each print; default Asia/Shanghai). */
  timeZone?: () => string;
}

type Listener<T> = (value: T) => void;

/** ID card polls that may fail in a row (timeouts, bad frames, failed writes) before the port is reopened. */
export const SILENT_POLLS_BEFORE_REOPEN = 3;

const ROLE_NAMES: Record<DeviceRole, string> = {
  idcard: '身份证阅读器',
  'receipt-printer': '凭条打印机',
  'window-display': '窗口屏',
  evaluator: '评价器',
  speech: '语音播报',
  'qr-scanner': '扫码器',
};

function validationError(what: string, issues: { path: PropertyKey[]; message: string }[]): DeviceError {
  const detail = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
  return new DeviceError('INVALID_INPUT', `invalid ${what}: ${detail}`, '提交给设备的数据不完整或格式错误');
}

export class DeviceManager {
  private readonly config: DeviceManagerConfig;
  private readonly log: DeviceLogger;
  private readonly links = new Map<DeviceRole, RoleLink>();
  private readonly statusListeners = new Set<Listener<DeviceStatus>>();
  private readonly idCardListeners = new Set<Listener<IdCardEvent>>();
  private readonly evaluationListeners = new Set<Listener<EvaluationEvent>>();
  private readonly qrScanListeners = new Set<Listener<QrScanEvent>>();
  private scanner: QrScannerSession | null = null;
  private session: IdCardSession | null = null;
  private reader: SamReader | null = null;
  private readonly printer: ReceiptPrinter;
  private printerPoll: NodeJS.Timeout | null = null;
  private display: WindowDisplayDriver | null = null;
  private evaluator: EvaluatorDriver | null = null;
  private started = false;

  constructor(
    config: unknown,
    private readonly options: DeviceManagerOptions = {},
  ) {
    const parsed = deviceManagerConfigSchema.safeParse(config);
    if (!parsed.success) throw validationError('device configuration', parsed.error.issues);
    this.config = parsed.data;
    this.log = options.logger ?? { info: () => undefined, warn: (m) => console.warn(`[devices] ${m}`) };
    this.printer = new ReceiptPrinter({ bidirectional: this.config.receiptPrinter?.bidirectional ?? true });
  }

  // ---- events -------------------------------------------------------------------------------------

  onStatus(listener: Listener<DeviceStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onIdCard(listener: Listener<IdCardEvent>): () => void {
    this.idCardListeners.add(listener);
    return () => this.idCardListeners.delete(listener);
  }

  onEvaluation(listener: Listener<EvaluationEvent>): () => void {
    this.evaluationListeners.add(listener);
    return () => this.evaluationListeners.delete(listener);
  }

  /** Scans (and framing errors) of a serial QR scanner. The text is a credential: never logged here. */
  onQrScan(listener: Listener<QrScanEvent>): () => void {
    this.qrScanListeners.add(listener);
    return () => this.qrScanListeners.delete(listener);
  }

  private emit<T>(set: Set<Listener<T>>, value: T): void {
    for (const l of [...set]) {
      try {
        l(value);
      } catch (err) {
        this.log.warn(`listener threw: ${(err as Error).message}`);
      }
    }
  }

  getStatuses(): DeviceStatus[] {
    const roles: DeviceRole[] = ['idcard', 'receipt-printer', 'window-display', 'evaluator'];
    const statuses = roles.map((role) => this.links.get(role)?.current ?? this.notConfigured(role));
    // The QR scanner is optional hardware (a keyboard-wedge scanner needs no driver): listed only when configured.
    const scanner = this.links.get('qr-scanner');
    return scanner ? [...statuses, scanner.current] : statuses;
  }

  private notConfigured(role: DeviceRole): DeviceStatus {
    const message = role === 'evaluator' ? '未配置评价器，请使用屏幕评价' : `未配置${ROLE_NAMES[role]}`;
    return { role, state: 'not-configured', message, code: role === 'evaluator' ? 'NO_EVALUATOR_DEVICE' : 'NOT_CONFIGURED', since: new Date(0).toISOString() };
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const c = this.config;
    const reconnect = c.reconnect;
    const publish = (s: DeviceStatus) => {
      this.log.info(`${s.role}: ${s.state}${s.code ? ` (${s.code})` : ''}${s.detail ? ` - ${s.detail}` : ''}`);
      this.emit(this.statusListeners, s);
    };
    if (c.idcard) {
      const cfg = c.idcard;
      this.links.set(
        'idcard',
        new RoleLink('idcard', { open: () => this.openIdCardTransport(cfg.transport), setup: (t) => this.setupIdCard(t), teardown: () => this.teardownIdCard() }, publish, reconnect),
      );
    }
    if (c.receiptPrinter) {
      const cfg = c.receiptPrinter;
      this.links.set(
        'receipt-printer',
        new RoleLink('receipt-printer', { open: () => this.openPlain(cfg.transport), setup: (t) => this.setupPrinter(t), teardown: () => this.teardownPrinter() }, publish, reconnect),
      );
    }
    if (c.windowDisplay) {
      const cfg = c.windowDisplay;
      this.links.set(
        'window-display',
        new RoleLink('window-display', { open: () => this.openPlain(cfg.transport), setup: (t) => this.setupDisplay(t, cfg.address ?? 1), teardown: () => this.teardownDisplay() }, publish, reconnect),
      );
    }
    if (c.evaluator) {
      const cfg = c.evaluator;
      this.links.set(
        'evaluator',
        new RoleLink('evaluator', { open: () => this.openPlain(cfg.transport), setup: (t) => this.setupEvaluator(t, cfg.address ?? 1), teardown: () => this.teardownEvaluator() }, publish, reconnect),
      );
    } else {
      publish(this.notConfigured('evaluator'));
    }
    if (c.qrScanner) {
      const cfg = c.qrScanner;
      this.links.set(
        'qr-scanner',
        new RoleLink('qr-scanner', { open: () => this.openPlain(cfg.transport), setup: (t) => this.setupScanner(t), teardown: () => this.teardownScanner() }, publish, reconnect),
      );
    }
    for (const link of this.links.values()) link.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all([...this.links.values()].map((l) => l.stop()));
    this.links.clear();
  }

  // ---- transports ---------------------------------------------------------------------------------

  private usedSerialPaths(except: DeviceRole): Set<string> {
    const paths = new Set<string>();
    const add = (role: DeviceRole, t: TransportConfigInput | undefined) => {
      if (role !== except && t && (t.kind === 'serial' || t.kind === 'usb-lp') && t.path !== 'auto') paths.add(t.path);
    };
    add('receipt-printer', this.config.receiptPrinter?.transport);
    add('window-display', this.config.windowDisplay?.transport);
    add('evaluator', this.config.evaluator?.transport);
    add('qr-scanner', this.config.qrScanner?.transport);
    return paths;
  }

  private async openPlain(config: TransportConfigInput): Promise<Transport> {
    const t = createTransport(config);
    await t.open();
    return t;
  }

  private async openIdCardTransport(config: TransportConfigInput): Promise<Transport> {
    if (config.kind === 'serial' && config.path === 'auto') {
      const candidates = config.probeCandidates ?? (await defaultProbeCandidates());
      const found = await probeSamReader(candidates, { baudRate: config.baudRate, exclude: this.usedSerialPaths('idcard') });
      if (!found) throw new DeviceError('NOT_FOUND', `no SAM reader answered on ${candidates.length} candidate ports`, '未找到身份证阅读器，请检查连接');
      this.log.info(`idcard: auto-probe found ${found.description}`);
      return found;
    }
    return this.openPlain(config);
  }

  // ---- ID card ------------------------------------------------------------------------------------

  private async setupIdCard(t: Transport): Promise<void> {
    const cfg = this.config.idcard!;
    const link = this.links.get('idcard')!;
    const reader = new SamReader(t, { timeoutMs: cfg.commandTimeoutMs ?? 2000 });
    this.reader = reader;
    try {
      await reader.status();
    } catch (err) {
      const e = toDeviceError(err);
      throw new DeviceError(e.code, `reader self-check failed: ${e.message}`, e.code === 'TIMEOUT' ? '身份证阅读器无响应，请检查连接' : e.userMessage);
    }
    link.setStatus('connected', '身份证阅读器已就绪');
    const now = () => new Date().toISOString();
    // Polls that got no usable answer in a row. The OS does not always report a lost serial link
    // (a USB reader pulled and put back, a pty whose other end was replaced): the port stays "open"
    // and every command times out. After a few such polls the port is reopened, which either finds
    // the reader again or reports it missing.
    let silentPolls = 0;
    this.session = new IdCardSession(
      reader,
      (event) => {
        if (event.type !== 'link-error') silentPolls = 0;
        switch (event.type) {
          case 'card':
            void this.emitCard(event.card);
            break;
          case 'removed':
            this.log.info('idcard: card removed');
            this.emit(this.idCardListeners, { type: 'removed', at: now() });
            break;
          case 'read-error':
            this.log.warn(`idcard: read error ${event.error.code}`);
            this.emit(this.idCardListeners, { type: 'read-error', error: event.error.toJSON(), at: now() });
            break;
          case 'link-error':
            link.setStatus('error', event.error.userMessage, { code: event.error.code, detail: event.error.message });
            if (++silentPolls === SILENT_POLLS_BEFORE_REOPEN) {
              this.log.warn(`idcard: ${silentPolls} polls in a row failed (${event.error.code}); reopening the port`);
              void link.drop();
            }
            break;
          case 'link-ok':
            link.setStatus('connected', '身份证阅读器已就绪');
            break;
          case 'closed':
            break;
        }
      },
      { pollIntervalMs: cfg.pollIntervalMs ?? 500, withFingerprint: cfg.withFingerprint ?? false },
    );
    this.session.start();
  }

  private async emitCard(card: Parameters<typeof toCardJson>[0]): Promise<void> {
    const json: IdCardEvent & { type: 'card' } = { type: 'card', card: toCardJson(card), at: new Date().toISOString() };
    if (this.options.wltDecoder) {
      try {
        json.card.photoBmp = (await this.options.wltDecoder(card.photoWlt)).toString('base64');
      } catch (err) {
        this.log.warn(`idcard: WLT decoder failed: ${(err as Error).message}`);
      }
    }
    // Only the card type and validity go to the log, never the personal data.
    this.log.info(`idcard: card read (type=${card.cardType}, idNumberValid=${card.idNumberValid}, warnings=${card.warnings.length})`);
    this.emit(this.idCardListeners, json);
  }

  private async teardownIdCard(): Promise<void> {
    const s = this.session;
    this.session = null;
    await s?.stop();
    this.reader?.dispose();
    this.reader = null;
  }

  // ---- QR scanner (serial, line mode) --------------------------------------------------------------

  private async setupScanner(t: Transport): Promise<void> {
    const cfg = this.config.qrScanner!;
    const link = this.links.get('qr-scanner')!;
    this.scanner = new QrScannerSession(
      t,
      (r) => {
        const at = new Date().toISOString();
        if (r.kind === 'scan') {
          this.log.info(`qr-scanner: scan of ${r.text.length} characters`);
          this.emit(this.qrScanListeners, { type: 'scan', text: r.text, at });
        } else {
          this.log.warn(`qr-scanner: ${r.error.code} - ${r.error.message}`);
          this.emit(this.qrScanListeners, { type: 'error', error: r.error, at });
        }
      },
      { ...(cfg.maxLength ? { maxLength: cfg.maxLength } : {}), ...(cfg.quietMs ? { quietMs: cfg.quietMs } : {}) },
    );
    // A line-mode scanner never answers: an open port is all there is to know.
    link.setStatus('connected', '扫码器已就绪');
  }

  private teardownScanner(): void {
    this.scanner?.stop();
    this.scanner = null;
  }

  // ---- receipt printer ----------------------------------------------------------------------------

  private async setupPrinter(t: Transport): Promise<void> {
    this.printer.attach(t);
    await this.refreshPrinterStatus();
    const every = this.config.receiptPrinter?.statusPollMs ?? 5000;
    if (every > 0) {
      this.printerPoll = setInterval(() => void this.refreshPrinterStatus(), every);
      this.printerPoll.unref();
    }
  }

  /** Read DLE EOT status now and publish it. */
  async refreshPrinterStatus(): Promise<DeviceStatus | undefined> {
    const link = this.links.get('receipt-printer');
    if (!link) return undefined;
    try {
      const s = await this.printer.queryStatus();
      const problem = s && statusProblem(s);
      if (problem) link.setStatus('error', problem.userMessage, { code: problem.code, detail: problem.message });
      else if (s?.paperNearEnd) link.setStatus('connected', '打印机纸将用尽，请及时更换', { code: 'PAPER_NEAR_END' });
      else link.setStatus('connected', s ? '打印机已就绪' : '打印机已连接（无法读取状态）');
    } catch (err) {
      const e = toDeviceError(err);
      if (link.link) link.setStatus('error', e.userMessage, { code: e.code, detail: e.message });
    }
    return link.current;
  }

  private teardownPrinter(): void {
    if (this.printerPoll) clearInterval(this.printerPoll);
    this.printerPoll = null;
    this.printer.attach(null);
  }

  private rasterizer: FontGlyphRasterizer | null = null;

  private printerOptions() {
    this.rasterizer ??= new FontGlyphRasterizer(this.options.glyphFontPath, this.options.glyphFallbackFontPaths ?? []);
    return { printerCharset: this.config.receiptPrinter?.printerCharset ?? 'gbk', rasterizer: this.rasterizer, ...(this.options.timeZone ? { timeZone: this.options.timeZone() } : {}) } as const;
  }

  private async printBytes(kind: 'ticket' | 'receipt', bytes: Buffer): Promise<PrintResultJson> {
    if (!this.links.has('receipt-printer')) {
      throw new DeviceError('NOT_CONFIGURED', 'no receipt printer configured', '未配置凭条打印机');
    }
    const r: PrintResult = await this.printer.print(kind, bytes);
    return this.afterPrint(r);
  }

  private async afterPrint(r: PrintResult): Promise<PrintResultJson> {
    if (r.ok) {
      this.log.info(`receipt-printer: job ${r.jobId} printed`);
      await this.refreshPrinterStatus();
      return { ok: true, jobId: r.jobId };
    }
    this.log.warn(`receipt-printer: job ${r.jobId} kept for retry: ${r.error.code}`);
    const link = this.links.get('receipt-printer');
    if (link?.link) link.setStatus('error', r.error.userMessage, { code: r.error.code, detail: r.error.message });
    return r;
  }

  /** Print a queue ticket. Input is validated; a failed print is kept and returned with `queued: true`. */
  async printTicket(data: unknown): Promise<PrintResultJson> {
    const parsed = ticketDataSchema.safeParse(data);
    if (!parsed.success) throw validationError('ticket data', parsed.error.issues);
    return this.printBytes('ticket', buildTicket(parsed.data, this.printerOptions()));
  }

  /** Print an acceptance receipt (受理回执); the ID number is printed masked. */
  async printReceipt(data: unknown): Promise<PrintResultJson> {
    const parsed = receiptDataSchema.safeParse(data);
    if (!parsed.success) throw validationError('receipt data', parsed.error.issues);
    return this.printBytes('receipt', buildReceipt(parsed.data, this.printerOptions()));
  }

  /** Jobs that did not print and are kept for retry. */
  getPendingPrints(): PendingPrint[] {
    return this.printer.pending().map((j) => ({
      jobId: j.id,
      kind: j.kind as PendingPrint['kind'],
      createdAt: j.createdAt,
      attempts: j.attempts,
      ...(j.lastError ? { lastError: j.lastError } : {}),
    }));
  }

  /** Retry one kept job (or all, oldest first). */
  async retryPrints(jobId?: string): Promise<PrintResultJson[]> {
    const results = await this.printer.retry(jobId);
    const out: PrintResultJson[] = [];
    for (const r of results) out.push(await this.afterPrint(r));
    return out;
  }

  cancelPrint(jobId: string): boolean {
    return this.printer.cancel(jobId);
  }

  // ---- window display -----------------------------------------------------------------------------

  private async setupDisplay(t: Transport, address: number): Promise<void> {
    const d = new GenericLedDisplay(t, address);
    if (!(await d.ping())) {
      d.dispose();
      throw new DeviceError('TIMEOUT', `window display at bus address ${address} did not answer`, '窗口屏无响应，请检查连接');
    }
    this.display = d;
    this.links.get('window-display')!.setStatus('connected', '窗口屏已就绪');
  }

  private teardownDisplay(): void {
    this.display?.dispose();
    this.display = null;
  }

  async showOnWindowDisplay(request: unknown): Promise<void> {
    const parsed = windowDisplayRequestSchema.safeParse(request);
    if (!parsed.success) throw validationError('window display request', parsed.error.issues);
    if (!this.links.has('window-display')) throw new DeviceError('NOT_CONFIGURED', 'no window display configured', '未配置窗口屏');
    if (!this.display) throw new DeviceError('DISCONNECTED', 'window display is not connected', '窗口屏未连接');
    try {
      await this.display.show(parsed.data);
    } catch (err) {
      const e = toDeviceError(err);
      this.links.get('window-display')!.setStatus('error', e.userMessage, { code: e.code, detail: e.message });
      throw e;
    }
  }

  // ---- evaluator ----------------------------------------------------------------------------------

  private async setupEvaluator(t: Transport, address: number): Promise<void> {
    const ev = new GenericKeypadEvaluator(t, address);
    if (!(await ev.ping())) {
      ev.dispose();
      throw new DeviceError('TIMEOUT', `evaluator at bus address ${address} did not answer`, '评价器无响应，请使用屏幕评价');
    }
    ev.onResult((level) => this.emitEvaluation(level, 'device'));
    this.evaluator = ev;
    this.links.get('evaluator')!.setStatus('connected', '评价器已就绪');
  }

  private teardownEvaluator(): void {
    this.evaluator?.dispose();
    this.evaluator = null;
  }

  private emitEvaluation(level: EvaluationLevel, source: 'device' | 'on-screen'): void {
    this.log.info(`evaluator: level ${level} (${source})`);
    this.emit(this.evaluationListeners, evaluationResult(level, source));
  }

  /**
   * Ask the resident to rate the service. With a working evaluator the device lights up and the result
   * arrives through onEvaluation; otherwise the answer says to use the on-screen buttons.
   */
  async requestEvaluation(request: unknown = {}): Promise<EvaluationMode> {
    const parsed = evaluationRequestSchema.safeParse(request);
    if (!parsed.success) throw validationError('evaluation request', parsed.error.issues);
    if (!this.links.has('evaluator')) return { mode: 'on-screen', code: 'NO_EVALUATOR_DEVICE', message: '未配置评价器，请使用屏幕评价' };
    if (!this.evaluator) return { mode: 'on-screen', code: 'EVALUATOR_DISCONNECTED', message: '评价器未连接，请使用屏幕评价' };
    try {
      await this.evaluator.request(parsed.data.prompt ?? '请对本次服务进行评价', parsed.data.timeoutSeconds ?? 60);
      return { mode: 'device' };
    } catch (err) {
      const e = toDeviceError(err);
      this.links.get('evaluator')!.setStatus('error', '评价器无响应，请使用屏幕评价', { code: e.code, detail: e.message });
      return { mode: 'on-screen', code: e.code, message: '评价器无响应，请使用屏幕评价' };
    }
  }

  /** The on-screen fallback reports its result here, so both paths reach onEvaluation alike. */
  submitOnScreenEvaluation(level: unknown): EvaluationEvent {
    if (level !== 1 && level !== 2 && level !== 3 && level !== 4 && level !== 5) {
      throw new DeviceError('INVALID_INPUT', 'evaluation level must be an integer 1-5', '评价等级无效');
    }
    const r = evaluationResult(level, 'on-screen');
    this.emit(this.evaluationListeners, r);
    return r;
  }
}

export function createDeviceManager(config: unknown, options?: DeviceManagerOptions): DeviceManager {
  return new DeviceManager(config, options);
}
