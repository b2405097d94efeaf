/**
 * The one bridge contract between the renderer and main.
 *
 * Every call and event that crosses the process boundary is listed here, each with a zod schema
 * for its input and output (or payload). Everything else is derived from this module:
 * - main's handler table validates inputs, sender and outputs against it (main/core/dispatcher.ts);
 * - the Electron preload (preload/electron.ts) and the browser bridge (preload/browser.ts) forward
 *   only the names listed here;
 * - the renderer's typed client (renderer/bridge/client.ts) takes its types from it.
 *
 * Adding a call = one entry in `calls` plus its handler in main (the compiler asks for it).
 * This module is shared with the sandboxed renderer: zod and pure TypeScript only.
 */
import { z } from 'zod';
import { call, ErrorParams, NoInput, Role, type CallSpec } from './spec';
import { syncCalls, syncEvents } from './sync-calls';
import { deviceCalls, deviceEventRoles, deviceEvents } from './device-calls';
import { kioskCalls } from './kiosk-calls';
import { clerkCalls, clerkEventRoles, clerkEvents } from './clerk-calls';
import { attachmentCalls, attachmentEventRoles, attachmentEvents } from './attachment-calls';
import { queueCalls } from './queue-calls';
import { licenceCalls, licenceEventRoles, licenceEvents } from './licence-calls';
import { sealCalls } from './seal-calls';
import { identityCalls } from './identity-calls';

export { call, NoInput, Role, type CallSpec } from './spec';


export const Locale = z.enum(['zh-CN', 'en-US']);
export type Locale = z.infer<typeof Locale>;

/** What the renderer needs to know about the terminal it runs on. No secrets here. */
export const AppInfo = z.object({
  productName: z.string(),
  version: z.string(),
  role: Role,
  host: z.enum(['electron', 'browser']),
  demo: z.boolean(),
  locale: Locale,
  stationName: z.string(),
  kiosk: z.object({
    /** Seconds without input before the countdown starts. */
    idleTimeoutSec: z.number().int().min(10).max(3600),
    /** Seconds of visible countdown before the session is wiped. */
    countdownSec: z.number().int().min(3).max(120),
    /** Multiplier applied to both in elderly mode (no time pressure). */
    elderlyTimeoutFactor: z.number().min(1).max(10),
  }),
  /** The terminal configuration's station time zone override (IANA); absent = the synced station_config's, else Asia/Shanghai. */
  timeZone: z.string().max(64).optional(),
  /** Template of the 受理回执's QR (the province progress page, `{id}` = application id); absent = `TT1:<id>`. */
  progressUrl: z.string().max(300).optional(),
  /** terminal.config.json exists but is broken: the terminal refuses to run and shows this (file and fields). */
  configError: z.object({ file: z.string().max(1000), issues: z.array(z.object({ field: z.string().max(200), message: z.string().max(300) })).max(20) }).optional(),
  /** How main keeps its keys (main/sync/secrets.ts); `warning` (English) when a stolen disk would yield them. */
  secretStorage: z.object({ kind: z.enum(['keyring', 'safeStorage', 'file']), protectedAtRest: z.boolean(), warning: z.string().max(600).optional() }).optional(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error']);

/**
 * A renderer log line. Event names and codes only: free text is not accepted so that nothing
 * personal reaches the log files by accident.
 */
export const LogInput = z
  .object({
    level: LogLevel,
    event: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'event must be a lowercase dotted name'),
    fields: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

/** Calls of the app shell. Each feature area keeps its calls in its own file (sync.ts, devices.ts). */
export const appCalls = {
  /** Who and where am I: role, host, demo mode, kiosk timings. */
  'app.info': call({ input: NoInput, output: AppInfo }),
  /** Structured, PII-free log line from the renderer into main's log. */
  'app.log': call({ input: LogInput, output: z.null() }),
  /** Liveness of the bridge; echoes a nonce. */
  'app.ping': call({ input: z.object({ nonce: z.string().max(64) }).strict(), output: z.object({ nonce: z.string(), at: z.number() }) }),
} as const satisfies Record<string, CallSpec>;

/** Every call across the bridge. */
export const calls = { ...appCalls, ...syncCalls, ...deviceCalls, ...clerkCalls, ...kioskCalls, ...attachmentCalls, ...queueCalls, ...licenceCalls, ...sealCalls, ...identityCalls } as const satisfies Record<string, CallSpec>;

/** Events main pushes to renderers. */
export const events = {
  ...syncEvents,
  ...deviceEvents,
  ...clerkEvents,
  ...attachmentEvents,
  ...licenceEvents,
  /** A short notice for every window (e.g. configuration reloaded). Message keys, not text. */
  'app.notice': z.object({ key: z.string().max(100), level: z.enum(['info', 'warn', 'error']) }),
} as const satisfies Record<string, z.ZodType>;

/** Events limited to some roles (personal data); every other event goes to every window. */
export const eventRoles: Partial<Record<keyof typeof events, readonly Role[]>> = { ...deviceEventRoles, ...clerkEventRoles, ...attachmentEventRoles, ...licenceEventRoles };

/** Whether a window of this role may receive the event. */
export const eventAllowedFor = (name: string, role: Role): boolean => {
  const roles = (eventRoles as Record<string, readonly Role[] | undefined>)[name];
  return !roles || roles.includes(role);
};

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
/** The input after validation, as a handler receives it. */
export type ParsedCallInput<N extends CallName> = z.output<Calls[N]['input']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);

/** Typed error codes every bridge answers with. */
export const BridgeErrorCode = z.enum([
  'UNKNOWN_CALL',
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'FORBIDDEN',
  'TIMEOUT',
  'HANDLER_FAILED',
  'BRIDGE_UNAVAILABLE',
]);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;

export const BridgeErrorShape = z.object({
  code: z.union([BridgeErrorCode, z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/)]),
  message: z.string(),
  /**
   * What the renderer's catalogue needs to say it (`errors.<code>` in renderer/i18n/locales): names
   * and numbers, never words. Keys `role` and `roles` hold role codes (a comma-separated list);
   * `detail` a finer code whose `errors.<detail>` says it when one code covers several situations
   * (e.g. NOT_FOUND with detail DOCUMENT_NOT_FOUND).
   */
  params: ErrorParams.optional(),
  /** Chinese text for people, from handlers whose words have not moved to the catalogue yet. */
  userMessage: z.string().optional(),
  /** Per-field problems for INVALID_INPUT. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type BridgeErrorShape = z.infer<typeof BridgeErrorShape>;

/** What every call resolves to across the bridge: never a thrown error. */
export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: BridgeErrorShape };

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: BridgeErrorShape }),
]);

/** The object exposed as `window.terminal` by both bridges. */
export interface TerminalBridge {
  /** Make a call; always resolves, with `{ok:false, error}` on failure. */
  invoke(name: string, input?: unknown): Promise<Envelope>;
  /** Subscribe to an event; returns an unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Which bridge carries the calls. */
  readonly kind: 'electron' | 'browser';
}

/** Wire messages of the browser bridge (WebSocket, JSON text frames). */
export const WireFromPage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  name: z.string().max(100),
  input: z.unknown().optional(),
});
export type WireFromPage = z.infer<typeof WireFromPage>;

export type WireFromHost =
  | { type: 'result'; id: number; envelope: Envelope }
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'hello'; role: Role };

/** Largest JSON message accepted on the browser bridge (room for a 10 MiB attachment in base64). */
export const MAX_WIRE_MESSAGE_BYTES = 16 * 1024 * 1024;

/** IPC channel names used by the Electron bridge. */
export const IPC_CALL_CHANNEL = 'terminal:call';
export const IPC_EVENT_CHANNEL = 'terminal:event';
