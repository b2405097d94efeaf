/**
 * Terminal configuration: one JSON file (path from `--config`, `TERMINAL_CONFIG`, or the data
 * directory's `terminal.config.json`), validated with zod, with safe defaults. With no platform
 * configured the terminal runs in demo mode.
 */
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { Locale, Role } from '../../preload/contract';

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
    stationName: z.string().trim().min(1).max(60).default('演示便民服务站'),
    kiosk: KioskConfig.default(() => KioskConfig.parse({})),
    platform: PlatformConfig.optional(),
    /** Open the hall display window on a second screen when one is attached (Electron). */
    displayWindow: z.enum(['auto', 'off']).default('auto'),
    /** Device bindings; validated by the device manager (devices/manager). */
    devices: z.record(z.string(), z.unknown()).optional(),
    staff: StaffConfig.optional(),
    /** The station queue: which window (station_config `windows[].id`) this counter PC is; the 叫号 page can set it too. */
    queue: z.object({ window: z.string().trim().min(1).max(20).optional() }).strict().optional(),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .strict();
export type TerminalConfig = z.infer<typeof TerminalConfig>;

export interface LoadedConfig {
  config: TerminalConfig;
  /** Where it came from: a file path, or 'defaults'. */
  source: string;
  /** Problems found; when non-empty the defaults were used. English, for logs. */
  problems: string[];
}

export const isDemo = (config: TerminalConfig): boolean => !config.platform;

/** Parses configuration text; never throws. */
export function parseConfig(text: string, source: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { config: TerminalConfig.parse({}), source, problems: [`${source} is not valid JSON`] };
  }
  const parsed = TerminalConfig.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    return { config: TerminalConfig.parse({}), source, problems };
  }
  return { config: parsed.data, source, problems: [] };
}

/** Loads the file if it exists; applies overrides (command line) on top. */
export function loadConfig(file: string | undefined, overrides: Partial<Pick<TerminalConfig, 'role' | 'locale'>> = {}): LoadedConfig {
  let loaded: LoadedConfig = { config: TerminalConfig.parse({}), source: 'defaults', problems: [] };
  if (file && existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      return { ...loaded, problems: [`${file} could not be read: ${error instanceof Error ? error.message : 'unknown'}`] };
    }
    if (text.length > 1024 * 1024) return { ...loaded, problems: [`${file} is larger than 1 MiB`] };
    loaded = parseConfig(text, file);
  }
  return { ...loaded, config: { ...loaded.config, ...stripUndefined(overrides) } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
