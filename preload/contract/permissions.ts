/**
 * What each clerk-workbench role may do, beyond what every signed-in staff member does.
 *
 * Every role files 帮代办 applications, handles 补正, prints 委托书/回执/办结单, searches the case list
 * (ID numbers shown only through the audited 显示 action), tests devices and exports the daily
 * summary: field staff working offline for days need all of it. Two things differ:
 * - `queue.call` (叫号: calling the next ticket to a window, the window's LED strip) is counter work:
 *   窗口人员 and 站点管理员;
 * - `sync.repair` (the sync centre's raw edit of a refused document and dismissing it, which bypass
 *   the form validator or drop the terminal's copy) is for the 站点管理员. Everyone may resend a
 *   refused document and correct a FORM_INVALID refusal through the form;
 * - `dashboard.view` (站点看板: the hall's numbers, sync health, device history) for 窗口人员 (read
 *   only) and 站点管理员; `dashboard.export` (its xlsx/CSV export and its actions: 立即同步, open the
 *   sync centre) for the 站点管理员.
 *
 * No domain source defines these rules; they are this product's assumption (docs/ARCHITECTURE.md).
 * Main enforces capabilities on bridge calls (`requiresCapability`); the clerk window hides what a
 * role may not use and its router refuses those pages. zod only: shared with the sandboxed renderer.
 */
import { z } from 'zod';

/** The workbench roles (村代办员, 窗口人员, 站点管理员), derived from the platform's staff role. */
export const ClerkRole = z.enum(['assistant', 'counter', 'station-admin']);
export type ClerkRole = z.infer<typeof ClerkRole>;

export const Capability = z.enum(['queue.call', 'sync.repair', 'dashboard.view', 'dashboard.export']);
export type Capability = z.infer<typeof Capability>;

export const ROLE_CAPABILITIES: Readonly<Record<ClerkRole, readonly Capability[]>> = {
  assistant: [],
  counter: ['queue.call', 'dashboard.view'],
  'station-admin': ['queue.call', 'sync.repair', 'dashboard.view', 'dashboard.export'],
};

/** Whether a signed-in role has the capability (no role: no). */
export const can = (role: ClerkRole | null | undefined, capability: Capability): boolean => !!role && (ROLE_CAPABILITIES[role]?.includes(capability) ?? false);

/** The roles that have a capability, for messages ("请由窗口人员或站点管理员办理"). */
export const rolesWith = (capability: Capability): ClerkRole[] => ClerkRole.options.filter((r) => ROLE_CAPABILITIES[r].includes(capability));

