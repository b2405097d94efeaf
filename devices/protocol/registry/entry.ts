/**
 * One device role as the registry knows it (pure: zod only, importable by main, the bridge contract
 * and the renderer). A role is registered once, in `index.ts`; the device manager's configuration,
 * its role list, the statuses main reports and the devices page derive from the registry.
 */
import type { z } from 'zod';

/**
 * Where the role's driver runs: `main` (the device manager opens a transport and keeps the link;
 * the driver is in devices/drivers/) or `window` (the page talks to the device itself, e.g. a UVC
 * camera through getUserMedia; the manager only validates its configuration).
 */
export type DriverHost = 'main' | 'window';

/** Whether the manager lists the role's status when nothing is configured for it. */
export type RoleListing = 'always' | 'when-configured';

/**
 * A browser permission a `host: 'window'` driver needs (e.g. a UVC camera's video input). Main
 * grants it only while the role is configured, only to the windows named, only for these media
 * kinds, only to the app's own origin (main/core/window-policy.ts mayGrantPermission).
 */
export interface WindowPermission {
  readonly permission: 'media';
  readonly mediaTypes: readonly ('video' | 'audio')[];
  /** Window roles (preload/contract `Role`) whose page runs the driver. */
  readonly windows: readonly string[];
}

export interface RoleEntry<R extends string = string, K extends string = string, S extends z.ZodType = z.ZodType, H extends DriverHost = DriverHost> {
  /** The role's id in statuses and events (`receipt-printer`). */
  readonly role: R;
  /** Its key in the `devices` configuration (`receiptPrinter`). */
  readonly configKey: K;
  /** Its configuration (one `driver` literal per supported model family). */
  readonly configSchema: S;
  readonly host: H;
  readonly listing: RoleListing;
  /** The status code when the role is not configured (its words: the renderer's `device.errors.<code>`, with the role as `device`). */
  readonly notConfigured: { readonly code: string };
  /** Browser permissions the window-side driver needs (only `host: 'window'` roles may ask). */
  readonly windowPermissions?: H extends 'window' ? readonly WindowPermission[] : never;
  /** Publish the not-configured status when the manager starts (the evaluator: pages switch to on-screen rating). */
  readonly announceNotConfigured?: boolean;
}

/** Keeps the literal types of an entry (role, key, schema) for the derived configuration type. */
export const defineRole = <const R extends string, const K extends string, S extends z.ZodType, const H extends DriverHost>(entry: RoleEntry<R, K, S, H>): RoleEntry<R, K, S, H> => entry;
