/** The clerk shell's navigation entries, in menu order. */
import type { IconName } from '../shared/icons';
import { can, type Capability, type ClerkRole } from '../../preload/contract/permissions';

export interface ClerkNavEntry {
  /** Route name and path segment. */
  name: string;
  path: string;
  /** i18n key of the label (also the page title). */
  labelKey: string;
  icon: IconName;
  /** Stable hook for end-to-end tests: `clerk-nav-<id>`. */
  id: string;
  /** Only roles with this capability see the entry and may open its page (permissions.ts). */
  capability?: Capability;
}

export const clerkNav: readonly ClerkNavEntry[] = [
  { id: 'new', name: 'clerk-new', path: '/clerk/new', labelKey: 'clerk.nav.newCase', icon: 'newCase' },
  { id: 'cases', name: 'clerk-cases', path: '/clerk/cases', labelKey: 'clerk.nav.cases', icon: 'cases' },
  { id: 'calling', name: 'clerk-calling', path: '/clerk/calling', labelKey: 'clerk.nav.calling', icon: 'calling', capability: 'queue.call' },
  { id: 'dashboard', name: 'clerk-dashboard', path: '/clerk/dashboard', labelKey: 'clerk.nav.dashboard', icon: 'dashboard', capability: 'dashboard.view' },
  { id: 'seal', name: 'clerk-seal', path: '/clerk/seal', labelKey: 'clerk.nav.seal', icon: 'seal' },
  { id: 'sync', name: 'clerk-sync', path: '/clerk/sync', labelKey: 'clerk.nav.sync', icon: 'sync' },
  { id: 'devices', name: 'clerk-devices', path: '/clerk/devices', labelKey: 'clerk.nav.devices', icon: 'devices' },
  { id: 'settings', name: 'clerk-settings', path: '/clerk/settings', labelKey: 'clerk.nav.settings', icon: 'settings' },
];

/** The entries a signed-in role may use, in menu order. */
export const navFor = (role: ClerkRole | null | undefined): ClerkNavEntry[] => clerkNav.filter((e) => !e.capability || can(role, e.capability));

/** Whether a clerk path is open to the role (paths outside the menu are). */
export const pathAllowed = (path: string, role: ClerkRole | null | undefined): boolean => {
  const entry = clerkNav.find((e) => path === e.path || path.startsWith(`${e.path}/`));
  return !entry?.capability || can(role, entry.capability);
};
