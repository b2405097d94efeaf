/** Building blocks of the bridge contract (see index.ts). zod only. */
import { z } from 'zod';
import type { Capability } from './permissions';

/** Roles a window (or a browser-host page) can have. */
export const Role = z.enum(['kiosk', 'clerk', 'display']);
export type Role = z.infer<typeof Role>;

/** A call: input schema, output schema and an optional timeout in milliseconds. */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly timeoutMs?: number;
  /** Roles allowed to make this call; all roles when absent. */
  readonly roles?: readonly Role[];
  /**
   * Clerk work: a caller with role `clerk` needs an active staff session in main (signed in, not
   * locked), else the dispatcher answers NOT_SIGNED_IN / STAFF_LOCKED. Other roles are unaffected
   * (residents at the kiosk do not sign in).
   */
  readonly requiresStaff?: boolean;
  /**
   * A capability of the signed-in staff member's role (permissions.ts), checked after the staff
   * session like `requiresStaff` (which it implies); refused with ROLE_FORBIDDEN. Only the clerk
   * window is concerned: a kiosk allowed to make the call has no staff.
   */
  readonly requiresCapability?: Capability;
}

export const call = <I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> => spec;

/** The names and numbers an error's words need (the renderer's catalogue fills them in): a bridge error's and a sync problem's `params`. */
export const ErrorParams = z.record(z.string().regex(/^[a-z][A-Za-z0-9]{0,31}$/), z.union([z.string().max(200), z.number()]));

/** Input of calls that take nothing. */
export const NoInput = z.union([z.undefined(), z.null(), z.object({}).strict()]);


/** Codes the dispatcher answers a `requiresStaff` call with when the clerk session does not allow it. */
export const StaffGateCode = z.enum(['NOT_SIGNED_IN', 'STAFF_LOCKED']);
export type StaffGateCode = z.infer<typeof StaffGateCode>;
