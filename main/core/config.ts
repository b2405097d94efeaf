/**
 * Terminal configuration: one JSON file (path from `--config`, `TERMINAL_CONFIG`, or the data
 * directory's `terminal.config.json`), validated with zod, with safe defaults. With no platform
 * configured the terminal runs in demo mode.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { Locale, Role } from '../../preload/contract';
import { isTimeZone } from '../../sync/protocol/station-time';
import { isProgressUrlTemplate } from '../../sync/protocol/progress-code';
import { MAX_RECENT_DAYS } from '../../sync/protocol/api';
import { DEMO_STATION_NAME } from '../../sync/server/seed/demo-station';

/** Days of closed history a new terminal pulls (`platform.recentDays`). */
export const DEFAULT_RECENT_DAYS = 90;

export const KioskConfig = z
  .object({
    idleTimeoutSec: z.number().int().min(10).max(3600).default(90),
    countdownSec: z.number().int().min(3).max(120).default(15),
    elderlyTimeoutFactor: z.number().min(1).max(10).default(2),
  })
  .strict();

export const PlatformConfig = z
  .object({
    /** Base URL of the provincial platform (or the station hub), e.g. https://zw.example.gov.cn */
    url: z.url({ protocol: /^https?$/ }),
    /** One-time enrollment code, used once on first start. */
    enrollCode: z.string().min(4).max(64).optional(),
    /**
     * Bounded initial sync: of the station's history (applications, queue tickets) a new terminal
     * pulls what the platform wrote in the last this-many days plus every application still open;
     * older closed cases are fetched on demand by the clerk's search. Default 90.
     */
    recentDays: z.number().int().min(1).max(MAX_RECENT_DAYS).default(DEFAULT_RECENT_DAYS),
  })
  .strict();

/** Clerk sign-in: lockout after wrong PINs, automatic lock after inactivity, offline validity. */
export const StaffConfig = z
  .object({
    maxFailures: z.number().int().min(3).max(20).default(5),
    lockoutMinutes: z.number().int().min(1).max(24 * 60).default(15),
    inactivityLockMinutes: z.number().int().min(1).max(240).default(5),
    /** How long a verifier pulled with the staff list may be used offline (the platform's login answer sets its own). */
    offlineDays: z.number().int().min(1).max(30).default(7),
  })
  .strict();

export const TerminalConfig = z
  .object({
    role: Role.default('kiosk'),
    locale: Locale.default('zh-CN'),
    stationName: z.string().trim().min(1).max(60).default(DEMO_STATION_NAME),
    kiosk: KioskConfig.default(() => KioskConfig.parse({})),
    platform: PlatformConfig.optional(),
    /** Open the hall display window on a second screen when one is attached (Electron). */
    displayWindow: z.enum(['auto', 'off']).default('auto'),
    /** Device bindings; validated by the device manager (devices/manager). */
    devices: z.record(z.string(), z.unknown()).optional(),
    staff: StaffConfig.optional(),
    /** The station queue: which window (station_config `windows[].id`) this counter PC is; the 叫号 page can set it too. */
    queue: z
      .object({
        window: z.string().trim().min(1).max(20).optional(),
        /**
         * Numbers per category a kiosk keeps leased from the hub for 取号 while the hub is down
         * (main/queue/leases.ts); 0 turns it off. Default: 10 on a kiosk, 0 elsewhere.
         */
        offlineNumbers: z.int().min(0).max(50).optional(),
      })
      .strict()
      .optional(),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /**
     * The province's progress page for the 受理回执's QR code, with `{id}` for the application id
     * (e.g. `https://zw.example.gov.cn/progress?id={id}`). Default: `<platform.url>/progress?id={id}`;
     * in demo mode (no platform) the QR holds `TT1:<id>`, which only the kiosk reads.
     */
    progressUrl: z.string().max(300).refine(isProgressUrlTemplate, 'must be an http(s) URL with one {id}, e.g. https://zw.example.gov.cn/progress?id={id}').optional(),
    /** IANA time zone of the station, overriding the synced station_config's (default Asia/Shanghai). */
    timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai').optional(),
  })
  .strict();
export type TerminalConfig = z.infer<typeof TerminalConfig>;

/** A configuration file that exists but cannot be used: the terminal refuses to run (never demo mode). */
export interface ConfigFailure {
  file: string;
  /** Field path (`kiosk.idleTimeoutSec`, `(file)` for the whole file) and the problem (English). */
  issues: { field: string; message: string }[];
}

export interface LoadedConfig {
  config: TerminalConfig;
  /** Where it came from: a file path, or 'defaults'. */
  source: string;
  /** Problems found; when non-empty the defaults were used. English, for logs. */
  problems: string[];
  /** Set when a file exists but is broken: refuse to run with this (no silent demo mode). */
  failure: ConfigFailure | null;
}

/** The English message of a broken configuration (CLI stderr, logs). */
export function configFailureMessage(f: ConfigFailure): string {
  const lines = f.issues.slice(0, 20).map((i) => `  ${i.field}: ${i.message}`);
  return [`configuration error in ${f.file}; the terminal will not start (fix the file, or remove it to run in demo mode):`, ...lines].join('\n');
}

export const isDemo = (config: TerminalConfig): boolean => !config.platform;

/** Parses configuration text; never throws. */
export function parseConfig(text: string, source: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message.slice(0, 200) : 'syntax error';
    return { config: TerminalConfig.parse({}), source, problems: [`${source} is not valid JSON`], failure: { file: source, issues: [{ field: '(file)', message: `not valid JSON: ${detail}` }] } };
  }
  const parsed = TerminalConfig.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message.slice(0, 300) }));
    const problems = issues.map((i) => `${source}: ${i.field}: ${i.message}`);
    return { config: TerminalConfig.parse({}), source, problems, failure: { file: source, issues } };
  }
  return { config: parsed.data, source, problems: [], failure: null };
}

/** Loads the file if it exists; applies overrides (command line) on top. */
export function loadConfig(file: string | undefined, overrides: Partial<Pick<TerminalConfig, 'role' | 'locale'>> = {}): LoadedConfig {
  let loaded: LoadedConfig = { config: TerminalConfig.parse({}), source: 'defaults', problems: [], failure: null };
  if (file && existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const message = `could not be read: ${error instanceof Error ? error.message : 'unknown'}`;
      return { ...loaded, problems: [`${file} ${message}`], failure: { file, issues: [{ field: '(file)', message }] } };
    }
    if (text.length > 1024 * 1024) return { ...loaded, problems: [`${file} is larger than 1 MiB`], failure: { file, issues: [{ field: '(file)', message: 'larger than 1 MiB' }] } };
    loaded = parseConfig(text, file);
  }
  return { ...loaded, config: { ...loaded.config, ...stripUndefined(overrides) } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
