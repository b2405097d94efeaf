/**
 * The device manager: binds each registered role (devices/protocol/registry) to its driver
 * (devices/drivers) and a transport, keeps them connected, and exposes one small typed API. It has no
 * role list of its own: start-up, the status list and transport bookkeeping iterate the registry; the
 * typed calls below validate input and hand it to the role's driver. Plain Node, no Electron; all
 * emitted data is plain JSON. Personal data (names, ID numbers) is never logged.
 */
import { DeviceError } from '../errors.js';
import { drivers, type SessionOf } from '../drivers/index.js';
import type { DeviceEvents, DeviceLogger, DeviceManagerOptions, DriverContext, DriverSession } from '../drivers/types.js';
import { evaluationResult } from '../evaluator/types.js';
import { DEFAULT_EVALUATION_PROMPT } from '../protocol/hall-texts.js';
import { createTransport } from '../transport/create.js';
import type { Transport } from '../transport/types.js';
import { RoleLink } from './role-link.js';
import {
  deviceManagerConfigSchema,
  deviceRegistry,
  evaluationRequestSchema,
  receiptDataSchema,
  ticketDataSchema,
  windowDisplayRequestSchema,
  type DeviceManagerConfig,
  type DeviceStatus,
  type EvaluationEvent,
  type EvaluationMode,
  type IdCardEvent,
  type MainRole,
  type PendingPrint,
  type PrintResultJson,
  type QrScanEvent,
  type TransportConfigInput,
} from './schemas.js';

export type { DeviceLogger, DeviceManagerOptions, WltDecoder } from '../drivers/types.js';
export { SILENT_POLLS_BEFORE_REOPEN } from '../drivers/idcard.js';

type Listener<T> = (value: T) => void;
type Entry = (typeof deviceRegistry)[number];
type MainRegistryEntry = Extract<Entry, { host: 'main' }>;

const mainEntries = deviceRegistry.filter((e): e is MainRegistryEntry => e.host === 'main');

function validationError(what: string, issues: { path: PropertyKey[]; message: string }[]): DeviceError {
  const detail = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
  return new DeviceError('INVALID_INPUT', `invalid ${what}: ${detail}`, { variant: 'devices' });
}

export class DeviceManager {
  private readonly config: DeviceManagerConfig;
  private readonly log: DeviceLogger;
  private readonly links = new Map<MainRole, RoleLink>();
  private readonly sessions = new Map<MainRole, DriverSession>();
  private readonly statusListeners = new Set<Listener<DeviceStatus>>();
  private readonly listeners: { [K in keyof DeviceEvents]: Set<Listener<DeviceEvents[K]>> } = { idCard: new Set(), evaluation: new Set(), qrScan: new Set() };
  private started = false;

  constructor(
    config: unknown,
    private readonly options: DeviceManagerOptions = {},
  ) {
    const parsed = deviceManagerConfigSchema.safeParse(config);
    if (!parsed.success) throw validationError('device configuration', parsed.error.issues);
    this.config = parsed.data;
    this.log = options.logger ?? { info: () => undefined, warn: (m) => console.warn(`[devices] ${m}`) };
    // One driver session per configured role, for the manager's lifetime (a printer's kept jobs outlive reconnects).
    for (const entry of mainEntries) {
      const cfg = this.config[entry.configKey];
      if (cfg) this.sessions.set(entry.role, this.createSession(entry.role, cfg));
    }
  }

  private createSession(role: MainRole, config: unknown): DriverSession {
    const ctx: DriverContext<unknown> = {
      config,
      options: this.options,
      log: this.log,
      link: () => this.links.get(role),
      openTransport: (t) => this.openTransport(t),
      pathsOfOtherRoles: () => this.usedSerialPaths(role),
      emit: (event, value) => this.emit(this.listeners[event] as Set<Listener<typeof value>>, value),
    };
    // The registry and the driver table are checked against each other by the compiler (drivers/index.ts).
    return (drivers[role] as { create(c: DriverContext<unknown>): DriverSession }).create(ctx);
  }

  /** The running session of a role's driver, typed with its calls; undefined when the role is not configured. */
  private session<R extends MainRole>(role: R): SessionOf<R> | undefined {
    return this.sessions.get(role) as SessionOf<R> | undefined;
  }

  // ---- events -------------------------------------------------------------------------------------

  onStatus(listener: Listener<DeviceStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onIdCard(listener: Listener<IdCardEvent>): () => void {
    this.listeners.idCard.add(listener);
    return () => this.listeners.idCard.delete(listener);
  }

  onEvaluation(listener: Listener<EvaluationEvent>): () => void {
    this.listeners.evaluation.add(listener);
    return () => this.listeners.evaluation.delete(listener);
  }

  /** Scans (and framing errors) of a serial QR scanner. The text is a credential: never logged here. */
  onQrScan(listener: Listener<QrScanEvent>): () => void {
    this.listeners.qrScan.add(listener);
    return () => this.listeners.qrScan.delete(listener);
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

  /** Every role the registry lists `always`, plus the configured `when-configured` ones, in registry order. */
  getStatuses(): DeviceStatus[] {
    const out: DeviceStatus[] = [];
    for (const entry of mainEntries) {
      const link = this.links.get(entry.role);
      if (link) out.push(link.current);
      else if (entry.listing === 'always') out.push(this.notConfigured(entry));
    }
    return out;
  }

  private notConfigured(entry: MainRegistryEntry): DeviceStatus {
    const { code } = entry.notConfigured;
    return { role: entry.role, state: 'not-configured', say: code, params: { variant: 'any', device: entry.role }, code, since: new Date(0).toISOString() };
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const publish = (s: DeviceStatus) => {
      this.log.info(`${s.role}: ${s.state}${s.code ? ` (${s.code})` : ''}${s.detail ? ` - ${s.detail}` : ''}`);
      this.emit(this.statusListeners, s);
    };
    for (const entry of mainEntries) {
      const session = this.sessions.get(entry.role);
      if (session) this.links.set(entry.role, new RoleLink(entry.role, session, publish, this.config.reconnect));
      else if (entry.announceNotConfigured) publish(this.notConfigured(entry));
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

  private usedSerialPaths(except: MainRole): Set<string> {
    const paths = new Set<string>();
    for (const entry of mainEntries) {
      const t: TransportConfigInput | undefined = this.config[entry.configKey]?.transport;
      if (entry.role !== except && t && (t.kind === 'serial' || t.kind === 'usb-lp') && t.path !== 'auto') paths.add(t.path);
    }
    return paths;
  }

  private async openTransport(config: TransportConfigInput): Promise<Transport> {
    const t = createTransport(config);
    await t.open();
    return t;
  }

  // ---- receipt printer ----------------------------------------------------------------------------

  /** Read DLE EOT status now and publish it. */
  async refreshPrinterStatus(): Promise<DeviceStatus | undefined> {
    return this.session('receipt-printer')?.refreshStatus();
  }

  private printer() {
    const printer = this.session('receipt-printer');
    if (!printer || !this.links.has('receipt-printer')) throw new DeviceError('NOT_CONFIGURED', 'no receipt printer configured', { params: { device: 'receipt-printer' } });
    return printer;
  }

  /** Print a queue ticket. Input is validated; a failed print is kept and returned with `queued: true`. */
  async printTicket(data: unknown): Promise<PrintResultJson> {
    const parsed = ticketDataSchema.safeParse(data);
    if (!parsed.success) throw validationError('ticket data', parsed.error.issues);
    return this.printer().printTicket(parsed.data);
  }

  /** Print an acceptance receipt (受理回执); the ID number is printed masked. */
  async printReceipt(data: unknown): Promise<PrintResultJson> {
    const parsed = receiptDataSchema.safeParse(data);
    if (!parsed.success) throw validationError('receipt data', parsed.error.issues);
    return this.printer().printReceipt(parsed.data);
  }

  /** Jobs that did not print and are kept for retry. */
  getPendingPrints(): PendingPrint[] {
    return this.session('receipt-printer')?.pending() ?? [];
  }

  /** Retry one kept job (or all, oldest first). */
  async retryPrints(jobId?: string): Promise<PrintResultJson[]> {
    return (await this.session('receipt-printer')?.retry(jobId)) ?? [];
  }

  cancelPrint(jobId: string): boolean {
    return this.session('receipt-printer')?.cancel(jobId) ?? false;
  }

  // ---- window display -----------------------------------------------------------------------------

  async showOnWindowDisplay(request: unknown): Promise<void> {
    const parsed = windowDisplayRequestSchema.safeParse(request);
    if (!parsed.success) throw validationError('window display request', parsed.error.issues);
    const display = this.session('window-display');
    if (!display || !this.links.has('window-display')) throw new DeviceError('NOT_CONFIGURED', 'no window display configured', { params: { device: 'window-display' } });
    await display.show(parsed.data);
  }

  // ---- evaluator ----------------------------------------------------------------------------------

  /**
   * Ask the resident to rate the service. With a working evaluator the device lights up and the result
   * arrives through onEvaluation; otherwise the answer says to use the on-screen buttons.
   */
  async requestEvaluation(request: unknown = {}): Promise<EvaluationMode> {
    const parsed = evaluationRequestSchema.safeParse(request);
    if (!parsed.success) throw validationError('evaluation request', parsed.error.issues);
    const evaluator = this.session('evaluator');
    if (!evaluator || !this.links.has('evaluator')) return { mode: 'on-screen', code: 'NO_EVALUATOR_DEVICE', params: { variant: 'any', device: 'evaluator' } };
    return evaluator.request(parsed.data.prompt ?? DEFAULT_EVALUATION_PROMPT, parsed.data.timeoutSeconds ?? 60);
  }

  /** The on-screen fallback reports its result here, so both paths reach onEvaluation alike. */
  submitOnScreenEvaluation(level: unknown): EvaluationEvent {
    if (level !== 1 && level !== 2 && level !== 3 && level !== 4 && level !== 5) {
      throw new DeviceError('INVALID_INPUT', 'evaluation level must be an integer 1-5', { variant: 'level' });
    }
    const r = evaluationResult(level, 'on-screen');
    this.emit(this.listeners.evaluation, r);
    return r;
  }
}

export function createDeviceManager(config: unknown, options?: DeviceManagerOptions): DeviceManager {
  return new DeviceManager(config, options);
}
