// The province's back office (sync/server/backoffice, web app in backoffice/): officer roles, what
// each role may do, and the request schemas of /api/v1/backoffice/*. Shared by the server (which
// enforces the permissions) and the web app (which only hides what the server would refuse anyway).
import { z } from 'zod';
import { docId, shortText, stationId, uuidV7 } from './common';
import { formFieldPath, SUPPLEMENT_LIMITS } from './documents';
import { divisionCode } from './tongban';
import { APPLICATION_STATUSES, type ApplicationStatus, type BackOfficeAction } from './status';

/** 受理员 (accepts, asks for 补正, refuses to accept), 审批员 (decides), 管理员 (stations, terminals, officers, audit). */
export const OFFICER_ROLES = ['acceptor', 'approver', 'admin'] as const;
export const officerRole = z.enum(OFFICER_ROLES);
export type OfficerRole = z.infer<typeof officerRole>;

/**
 * What an officer does to an application. `not_accept` (不予受理) is a refusal before acceptance,
 * `reject` (不予批准) one after; both end in the status `rejected`.
 */
export const OFFICER_ACTIONS = ['accept', 'not_accept', 'review', 'supplement', 'approve', 'reject', 'complete'] as const;
export const officerAction = z.enum(OFFICER_ACTIONS);
export type OfficerAction = z.infer<typeof officerAction>;

/** Each officer action: the roles that may take it, the store's transition and the statuses it starts from. */
export const OFFICER_ACTION_RULES: Readonly<Record<OfficerAction, { roles: readonly OfficerRole[]; transition: BackOfficeAction; from: readonly ApplicationStatus[] }>> = {
  accept: { roles: ['acceptor'], transition: 'accept', from: ['submitted', 'synced'] },
  not_accept: { roles: ['acceptor'], transition: 'reject', from: ['submitted', 'synced'] },
  review: { roles: ['approver'], transition: 'review', from: ['accepted', 'resubmitted'] },
  supplement: { roles: ['acceptor', 'approver'], transition: 'supplement', from: ['accepted', 'in_review', 'resubmitted'] },
  approve: { roles: ['approver'], transition: 'approve', from: ['accepted', 'in_review', 'resubmitted'] },
  reject: { roles: ['approver'], transition: 'reject', from: ['accepted', 'in_review', 'resubmitted', 'supplement_required'] },
  complete: { roles: ['acceptor', 'approver'], transition: 'complete', from: ['approved', 'rejected'] },
};

/** Management permissions (besides the application actions above). */
export const OFFICER_PERMISSIONS = {
  /** Work queues, an application's full view, its attachments, the cross-station dashboard. */
  read: ['acceptor', 'approver', 'admin'],
  /** Stations, terminals (revoke), enrollment codes. */
  terminals: ['admin'],
  /** Add, disable, enable officers; reset their passwords. */
  officers: ['admin'],
  audit: ['admin'],
} as const satisfies Record<string, readonly OfficerRole[]>;
export type OfficerPermission = keyof typeof OFFICER_PERMISSIONS;

export const mayTakeAction = (roles: readonly OfficerRole[], action: OfficerAction): boolean => OFFICER_ACTION_RULES[action].roles.some((r) => roles.includes(r));
export const mayDo = (roles: readonly OfficerRole[], p: OfficerPermission): boolean => (OFFICER_PERMISSIONS[p] as readonly OfficerRole[]).some((r) => roles.includes(r));
/** The actions an officer with `roles` may take on an application in `status`. */
export const actionsFor = (roles: readonly OfficerRole[], status: ApplicationStatus): OfficerAction[] =>
  OFFICER_ACTIONS.filter((a) => mayTakeAction(roles, a) && OFFICER_ACTION_RULES[a].from.includes(status));

/** Sign-in name: lowercase letters, digits, `.`, `_`, `-`; 3–32 characters. */
export const officerLogin = z.string().regex(/^[a-z][a-z0-9._-]{2,31}$/, 'must be 3–32 lowercase letters, digits, ".", "_" or "-", starting with a letter');
/** At least 10 characters with a letter and a digit; at most 128 (the KDF's input). */
export const officerPassword = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(128, 'must be at most 128 characters')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), 'must contain a letter and a digit');

export const signInRequest = z.strictObject({ login: z.string().min(1).max(64), password: z.string().min(1).max(128) });
export type SignInRequest = z.infer<typeof signInRequest>;

export const officerSummary = z.object({
  id: officerLogin,
  name: shortText(50),
  roles: z.array(officerRole),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
  /** 通办: the divisions the officer works for (empty: the province's own officers). */
  divisions: z.array(z.string()),
});
export type OfficerSummary = z.infer<typeof officerSummary>;

/** At most this many divisions per officer. */
export const OFFICER_DIVISIONS_MAX = 20;

export const createOfficerRequest = z.strictObject({
  id: officerLogin,
  name: shortText(50).min(1, 'required'),
  roles: z.array(officerRole).min(1, 'at least one role').max(3),
  password: officerPassword,
  /** 通办: 6-digit division codes (GB/T 2260) the officer works for; a province or prefecture code covers what is under it. */
  divisions: z.array(divisionCode).max(OFFICER_DIVISIONS_MAX).optional(),
});
export type CreateOfficerRequest = z.infer<typeof createOfficerRequest>;
export const updateOfficerRequest = z.strictObject({ disabled: z.boolean().optional(), roles: z.array(officerRole).min(1).max(3).optional(), divisions: z.array(divisionCode).max(OFFICER_DIVISIONS_MAX).optional() });
export const resetPasswordRequest = z.strictObject({ password: officerPassword });

/** The opinion (办理意见 / 理由) every action carries. */
const opinion = z.string().trim().min(1, 'required: every action carries its reason or opinion').max(1000);

export const officerActionRequest = z.strictObject({
  opinion,
  /** `supplement`: what to correct (补正内容), one per item. */
  reasons: z.array(shortText(500).trim().min(1)).min(1).max(SUPPLEMENT_LIMITS.reasons).optional(),
  /** `supplement`: form fields picked from the application's own form. */
  fields: z.array(formFieldPath).max(SUPPLEMENT_LIMITS.fields).optional(),
  /** `supplement`: material codes picked from the application's material list. */
  materials: z.array(docId).max(SUPPLEMENT_LIMITS.materials).optional(),
  dueDate: z.iso.date().optional(),
});
export type OfficerActionRequest = z.infer<typeof officerActionRequest>;

/** Work-queue filters. `division`: a prefix of the stations' division code (6, 9 or 12 digits). */
export const applicationQuery = z.strictObject({
  status: z.enum(APPLICATION_STATUSES).optional(),
  stationId: stationId.optional(),
  service: docId.optional(),
  division: z.string().regex(/^\d{2,12}$/, '2–12 digits').optional(),
  channel: z.enum(['kiosk', 'counter', 'field']).optional(),
  /** 通办: only applications routed to a division by 通办 (`routed`), or only those handled where filed (`local`). */
  tongban: z.enum(['routed', 'local']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).max(100_000).optional(),
});
export type ApplicationQuery = z.infer<typeof applicationQuery>;

export const auditQuery = z.strictObject({
  officer: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().min(1).optional(),
});

export const enrollCodeRequest = z.strictObject({ stationId, ttlMinutes: z.int().min(1).max(60 * 24 * 30).optional() });
export const applicationIdParam = uuidV7;

/** One audit record as the API answers it. */
export interface AuditRecord {
  id: number;
  at: string;
  officerId: string | null;
  /** `session` (a signed-in officer), `admin-token` (automation), `cli`. */
  via: string;
  action: string;
  target: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  detail: Record<string, unknown>;
}

export interface DashboardNumbers {
  /** 办件量 per station and service. */
  byStationService: { stationId: string; stationName: string | null; serviceItemCode: string; serviceName: string | null; count: number }[];
  byStatus: { status: ApplicationStatus; count: number }[];
  /** 好差评: count per level (1–5) and per station. */
  ratings: { stationId: string; level: number; count: number }[];
  total: number;
}
