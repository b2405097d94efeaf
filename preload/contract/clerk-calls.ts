/**
 * Bridge calls and events of the clerk workbench: staff sign-in, session lock.
 *
 * PINs travel page → main only in `staff.login` / `staff.unlock`; verifiers never leave main.
 * Every call here is clerk-only. They are the sign-in and status calls, so none is `requiresStaff`:
 * they must work while signed out or locked. Clerk work elsewhere in the contract (documents.*)
 * is marked `requiresStaff` and the dispatcher refuses it without an active session.
 * zod only: shared with the sandboxed renderer.
 */
import { z } from 'zod';
import { call, NoInput, type CallSpec } from './spec';
import { ClerkRole } from './permissions';

export { ClerkRole } from './permissions';

export const StaffId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'staff id');
export const Pin = z.string().regex(/^\d{4,12}$/, '4–12 digits');

export const SignedInStaff = z.object({
  id: StaffId,
  name: z.string().max(100),
  role: ClerkRole,
  platformRole: z.enum(['clerk', 'counter', 'field', 'supervisor', 'admin']),
});
export type SignedInStaff = z.infer<typeof SignedInStaff>;

export const StaffSession = z.object({
  state: z.enum(['signed-out', 'active', 'locked']),
  staff: SignedInStaff.nullable(),
  /** How the PIN was checked: by the platform, or with the cached verifier. */
  mode: z.enum(['online', 'offline']).nullable(),
  signedInAt: z.number().nullable(),
  /** Until when this person may sign in offline on this terminal (ms), when known. */
  offlineValidUntil: z.number().nullable(),
  /** Seconds without input before the page locks the session. */
  inactivityLockSec: z.int().min(30).max(86_400),
});
export type StaffSession = z.infer<typeof StaffSession>;

/** Who can sign in here without the platform (no verifiers, no PII beyond the staff name). */
export const RosterEntry = z.object({ id: StaffId, name: z.string().max(100), role: ClerkRole, offlineValidUntil: z.number() });

const CLERK = ['clerk'] as const;

export const clerkCalls = {
  /**
   * Sign in with staff id + PIN: online against the platform, else with the cached verifier.
   * Errors: INVALID_CREDENTIALS (one answer for every cause), ACCOUNT_LOCKED, OFFLINE_LOGIN_EXPIRED.
   */
  'staff.login': call({ input: z.object({ staffId: StaffId, pin: Pin }).strict(), output: StaffSession, roles: CLERK, timeoutMs: 30_000 }),
  /** Unlock a locked session with the signed-in person's PIN, checked in main (same lockout rules: wrong PINs count). */
  'staff.unlock': call({ input: z.object({ pin: Pin }).strict(), output: StaffSession, roles: CLERK, timeoutMs: 30_000 }),
  /** Lock the session in main (the page's inactivity timer or the lock button); clerk work is refused until `staff.unlock`. */
  'staff.lock': call({ input: z.object({ reason: z.enum(['inactivity', 'manual']) }).strict(), output: StaffSession, roles: CLERK }),
  'staff.logout': call({ input: NoInput, output: StaffSession, roles: CLERK }),
  'staff.session': call({ input: NoInput, output: StaffSession, roles: CLERK }),
  'staff.roster': call({ input: NoInput, output: z.array(RosterEntry), roles: CLERK }),
} as const satisfies Record<string, CallSpec>;

export const clerkEvents = {
  /** The clerk session changed (sign-in, lock, unlock, sign-out). */
  'staff.session': StaffSession,
} as const satisfies Record<string, z.ZodType>;

export const clerkEventRoles = { 'staff.session': CLERK } as const;
