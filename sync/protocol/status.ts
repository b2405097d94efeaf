// The application status machine and who owns which step. Pure; shared by terminal and platform.
import { z } from 'zod';

export const APPLICATION_STATUSES = [
  'draft',
  'submitted',
  'synced',
  'accepted',
  'in_review',
  'supplement_required',
  'resubmitted',
  'approved',
  'rejected',
  'completed',
  'withdrawn',
] as const;
export const applicationStatus = z.enum(APPLICATION_STATUSES);
export type ApplicationStatus = z.infer<typeof applicationStatus>;

/** Statuses in which the terminal owns the form and may edit it. */
export const TERMINAL_EDITABLE_STATUSES: readonly ApplicationStatus[] = ['draft', 'supplement_required'];

/** Statuses a terminal may write (besides keeping the current one unchanged). */
export const TERMINAL_SETTABLE_STATUSES: readonly ApplicationStatus[] = ['draft', 'submitted', 'resubmitted', 'withdrawn'];

/** Transitions a terminal may perform, from the platform's current status. */
export const TERMINAL_TRANSITIONS: Readonly<Partial<Record<ApplicationStatus, readonly ApplicationStatus[]>>> = {
  draft: ['draft', 'submitted', 'withdrawn'],
  supplement_required: ['supplement_required', 'resubmitted', 'withdrawn'],
};

/**
 * Statuses in which a terminal hands the form over: the platform validates `formData` against the
 * form schema when a terminal pushes one of these (drafts and withdrawals may be half-filled).
 */
export const TERMINAL_SUBMIT_STATUSES: readonly ApplicationStatus[] = ['submitted', 'resubmitted'];

/**
 * Statuses a brand-new application may have when first pushed: every status a terminal reaches from
 * `draft` on its own while offline — kept as a draft, submitted, or withdrawn before it was ever sent
 * (the withdrawal is a record the platform keeps, not a refusal to quarantine).
 */
export const TERMINAL_INITIAL_STATUSES: readonly ApplicationStatus[] = ['draft', 'submitted', 'withdrawn'];

/** Back-office actions (platform side) and the statuses they start from. */
export const BACK_OFFICE_ACTIONS = ['accept', 'review', 'supplement', 'approve', 'reject', 'complete'] as const;
export const backOfficeAction = z.enum(BACK_OFFICE_ACTIONS);
export type BackOfficeAction = z.infer<typeof backOfficeAction>;

export const BACK_OFFICE_TRANSITIONS: Readonly<Record<BackOfficeAction, { from: readonly ApplicationStatus[]; to: ApplicationStatus }>> = {
  /** 受理: assigns the acceptance number. */
  accept: { from: ['submitted', 'synced'], to: 'accepted' },
  review: { from: ['accepted', 'resubmitted'], to: 'in_review' },
  /** 补正: asks the applicant for more or corrected materials. */
  supplement: { from: ['accepted', 'in_review', 'resubmitted'], to: 'supplement_required' },
  approve: { from: ['accepted', 'in_review', 'resubmitted'], to: 'approved' },
  /** Also 不予受理 straight from `synced`. */
  reject: { from: ['submitted', 'synced', 'accepted', 'in_review', 'resubmitted', 'supplement_required'], to: 'rejected' },
  complete: { from: ['approved', 'rejected'], to: 'completed' },
};

/** True when the terminal may move an application from `from` (platform state; null = new) to `to`. */
export function terminalMayTransition(from: ApplicationStatus | null, to: ApplicationStatus): boolean {
  if (from === null) return TERMINAL_INITIAL_STATUSES.includes(to);
  return TERMINAL_TRANSITIONS[from]?.includes(to) ?? false;
}

export function backOfficeTarget(action: BackOfficeAction, from: ApplicationStatus): ApplicationStatus | null {
  const t = BACK_OFFICE_TRANSITIONS[action];
  return t.from.includes(from) ? t.to : null;
}
