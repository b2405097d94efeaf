/** The clerk shell's navigation entries, in menu order. */
import type { IconName } from '../shared/icons';

export interface ClerkNavEntry {
  /** Route name and path segment. */
  name: string;
  path: string;
  /** i18n key of the label (also the page title). */
  labelKey: string;
  icon: IconName;
  /** Stable hook for end-to-end tests: `clerk-nav-<id>`. */
  id: string;
}

export const clerkNav: readonly ClerkNavEntry[] = [
  { id: 'new', name: 'clerk-new', path: '/clerk/new', labelKey: 'clerk.nav.newCase', icon: 'newCase' },
  { id: 'cases', name: 'clerk-cases', path: '/clerk/cases', labelKey: 'clerk.nav.cases', icon: 'cases' },
  { id: 'calling', name: 'clerk-calling', path: '/clerk/calling', labelKey: 'clerk.nav.calling', icon: 'calling' },
  { id: 'sync', name: 'clerk-sync', path: '/clerk/sync', labelKey: 'clerk.nav.sync', icon: 'sync' },
  { id: 'devices', name: 'clerk-devices', path: '/clerk/devices', labelKey: 'clerk.nav.devices', icon: 'devices' },
  { id: 'settings', name: 'clerk-settings', path: '/clerk/settings', labelKey: 'clerk.nav.settings', icon: 'settings' },
];
