/**
 * The device registry: every device role, once. Adding a device = one entry file here, one line in
 * `deviceRegistry`, and its driver (devices/drivers/ for `host: 'main'`, the window for `host:
 * 'window'`). Everything else derives from this list: the `devices` configuration schema, the role
 * enum of statuses, the roles main reports while starting, the manager's start-up and status list.
 * Order = order of the status list.
 */
import { z } from 'zod';
import type { RoleEntry, WindowPermission } from './entry.js';
import { documentCameraRole } from './document-camera.js';
import { evaluatorRole } from './evaluator.js';
import { idCardRole } from './idcard.js';
import { qrScannerRole } from './qr-scanner.js';
import { receiptPrinterRole } from './receipt-printer.js';
import { windowDisplayRole } from './window-display.js';

export const deviceRegistry = [idCardRole, receiptPrinterRole, windowDisplayRole, evaluatorRole, qrScannerRole, documentCameraRole] as const;

type Entry = (typeof deviceRegistry)[number];
/** Roles whose driver runs in main (the device manager keeps them connected). */
export type MainEntry = Extract<Entry, { host: 'main' }>;
export type MainRole = MainEntry['role'];
export type RegisteredRole = Entry['role'];
/** The configuration of one role, by role id. */
export type RoleConfig<R extends RegisteredRole> = z.infer<Extract<Entry, { role: R }>['configSchema']>;

/** Status roles that are not devices in the registry: `speech` is main's offline speech engine (devices/speech). */
export const serviceRoles = ['speech'] as const;

/** Every role a status may name: the registry's roles plus the services. */
export const statusRoles = [...deviceRegistry.map((e) => e.role), ...serviceRoles] as unknown as [StatusRole, ...StatusRole[]];
export type StatusRole = RegisteredRole | (typeof serviceRoles)[number];

/** Roles main reports before the manager is up (the ones always listed). */
export const alwaysListedMainRoles = deviceRegistry.filter((e) => e.host === 'main' && e.listing === 'always').map((e) => e.role);

const reconnectSchema = z.object({ initialMs: z.number().int().min(50).max(60_000), maxMs: z.number().int().min(50).max(600_000) });

type ConfigShape = { [E in Entry as E['configKey']]: z.ZodOptional<E['configSchema']> } & { reconnect: z.ZodOptional<typeof reconnectSchema> };

/** The `devices` configuration: one optional key per registered role, plus reconnect timing. */
export const deviceManagerConfigSchema = z.object({
  ...(Object.fromEntries(deviceRegistry.map((e) => [e.configKey, e.configSchema.optional()])) as Omit<ConfigShape, 'reconnect'>),
  reconnect: reconnectSchema.optional(),
} as ConfigShape);
export type DeviceManagerConfig = z.infer<typeof deviceManagerConfigSchema>;

type WindowEntry = Extract<Entry, { host: 'window' }>;
type WindowConfigShape = { [E in WindowEntry as E['configKey']]: z.ZodOptional<E['configSchema']> };
/** The registry's window-side roles (their drivers run in the page). */
export const windowEntries = deviceRegistry.filter((e): e is WindowEntry => e.host === 'window');
/**
 * The configuration of the window-side roles, as main hands it to the clerk window
 * (`devices.windowConfig`): one optional key per `host: 'window'` entry, absent = not configured.
 */
export const windowDeviceConfigSchema = z.strictObject(Object.fromEntries(windowEntries.map((e) => [e.configKey, e.configSchema.optional()])) as WindowConfigShape);
export type WindowDeviceConfig = z.infer<typeof windowDeviceConfigSchema>;

/**
 * The window-side roles' part of a terminal's `devices` configuration, each checked by its entry's
 * schema: a role whose configuration does not parse is left out (as not configured) and named in
 * `invalid`, so main logs it and grants the window nothing for it.
 */
export function windowDeviceConfigOf(devices: Record<string, unknown> | undefined): { config: WindowDeviceConfig; invalid: string[] } {
  const config: Record<string, unknown> = {};
  const invalid: string[] = [];
  for (const e of windowEntries) {
    const value = devices?.[e.configKey];
    if (value === undefined) continue;
    const parsed = e.configSchema.safeParse(value);
    if (parsed.success) config[e.configKey] = parsed.data;
    else invalid.push(e.configKey);
  }
  return { config: config as WindowDeviceConfig, invalid };
}

/**
 * The browser permissions the configured window-side roles need (their entries' `windowPermissions`),
 * for main's permission handlers: none for a role that is not configured or whose configuration
 * does not parse.
 */
export function windowPermissionsOf(devices: Record<string, unknown> | undefined): WindowPermission[] {
  const { config } = windowDeviceConfigOf(devices);
  return windowEntries.filter((e) => (config as Record<string, unknown>)[e.configKey] !== undefined).flatMap((e) => [...((e as RoleEntry).windowPermissions ?? [])]);
}

export { defineRole, type DriverHost, type RoleEntry, type RoleListing, type WindowPermission } from './entry.js';
export { serialTransportSchema, transportConfigSchema, type TransportConfigInput } from './transport.js';
export { documentCameraRoleSchema } from './document-camera.js';
export { evaluatorRoleSchema } from './evaluator.js';
export { idCardRoleSchema } from './idcard.js';
export { qrScannerRoleSchema } from './qr-scanner.js';
export { receiptPrinterRoleSchema } from './receipt-printer.js';
export { windowDisplayRoleSchema } from './window-display.js';
