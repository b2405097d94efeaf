/**
 * What a main-side driver gets from the device manager and what it gives back. A driver is registered
 * once: its pure entry (role, config schema, listing) in devices/protocol/registry, its implementation
 * here (one file per role, listed in `index.ts`, which the compiler checks against the registry).
 */
import type { Transport } from '../transport/types.js';
import type { RoleLink } from '../manager/role-link.js';
import type { EvaluationEvent, IdCardEvent, QrScanEvent, TransportConfigInput } from '../manager/schemas.js';

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

/** The manager's event streams (one `on…` method each); drivers emit into them. */
export interface DeviceEvents {
  idCard: IdCardEvent;
  evaluation: EvaluationEvent;
  qrScan: QrScanEvent;
}

export interface DriverContext<C> {
  /** The role's validated configuration. */
  readonly config: C;
  readonly options: DeviceManagerOptions;
  readonly log: DeviceLogger;
  /** The role's link: status, transport, drop. Exists while the manager runs. */
  link(): RoleLink | undefined;
  /** Create and open a transport. */
  openTransport(config: TransportConfigInput): Promise<Transport>;
  /** Serial and usb-lp paths the other configured roles use (the ID card auto-probe skips them). */
  pathsOfOtherRoles(): Set<string>;
  emit<K extends keyof DeviceEvents>(event: K, value: DeviceEvents[K]): void;
}

/** One role's live driver: the manager's RoleLink calls these to connect, set up and tear down. */
export interface DriverSession {
  /** Create and open the transport (may probe). Throw a DeviceError when nothing is there. */
  open(): Promise<Transport>;
  /** Role setup on a fresh link (handshake, start polling); sets the connected status. Throw to reject the link. */
  setup(transport: Transport): Promise<void>;
  /** The link is gone (before reconnecting, or on stop). */
  teardown(): Promise<void> | void;
}

export interface DeviceDriver<C, S extends DriverSession> {
  create(ctx: DriverContext<C>): S;
}

export const defineDriver = <C, S extends DriverSession>(driver: DeviceDriver<C, S>): DeviceDriver<C, S> => driver;
