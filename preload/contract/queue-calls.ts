/**
 * Bridge calls of the station queue (排队叫号). The queue runs on the platform the terminal is
 * enrolled with (the station hub, or the province without one; sync/protocol/queue.ts); main sends
 * the commands with the terminal's token (sync/client/queue.ts) and fills what the page may not choose:
 * - `staffId` of `call_next` is the signed-in staff member in main's session, never a page's value;
 * - `window` of every counter command is this terminal's window (the per-terminal setting
 *   `queue.setWindow`, else `queue.window` of the terminal configuration), never a page's value.
 *
 * Who may call what:
 * - `queue.state`: every role (the hall display too): numbers, windows and counts, no personal data;
 * - `queue.issue` (取号): the kiosk and the clerk window (the clerk only while signed in and unlocked);
 * - counter calls (call next, recall, skip, start, finish, transfer) and `queue.setWindow`: the clerk
 *   window with the `queue.call` capability (窗口人员, 站点管理员; permissions.ts).
 *
 * `commandId` (UUIDv7) is the idempotency key: a page that retries a call after an unclear failure
 * passes the same id, so the platform executes it once; main makes one when it is absent.
 * Errors: the platform's queue codes (`RECALL_LIMIT`, `NOT_YOUR_WINDOW`, …) with a Chinese
 * `userMessage`; `QUEUE_UNREACHABLE` when the hub (or platform) cannot be reached; `QUEUE_UNAVAILABLE` when the platform has no queue service (404);
 * `QUEUE_NO_WINDOW` when this terminal has no window set. zod only (shared with the renderer).
 *
 * Hub loss (kiosk only): while the hub answers, main keeps a block of numbers per category leased
 * from it (main/queue/leases.ts). When `queue.issue` cannot reach the hub, main issues the next
 * leased number itself and answers `{ ticket, offline: true }` (`ticket.leased === true`); the
 * ticket reaches the hub's line when it is back. People ahead are then unknown (never invented).
 * No leased number left: `QUEUE_UNREACHABLE` with a userMessage sending the resident to the window.
 * `queue.offline` says what the kiosk can still issue (categories as last listed by the hub, numbers
 * left today) and how many offline tickets still wait for the hub.
 */
import { z } from 'zod';
import { call, NoInput, type CallSpec } from './spec';
import { queueTicketDoc } from '../../sync/protocol/documents';
import { uuidV7, docId, shortText } from '../../sync/protocol/common';
import { queuePriority, queueState } from '../../sync/protocol/queue';

export const QueueTicket = queueTicketDoc;
export const QueueStateView = queueState;

const categoryCode = shortText(20).min(1);
const windowId = shortText(20).min(1);
const commandId = uuidV7.optional();

export const QueueIssueInput = z.strictObject({
  commandId,
  category: categoryCode,
  priority: queuePriority,
  serviceItemCode: docId.nullable().optional(),
  applicationId: uuidV7.nullable().optional(),
});
export const QueueTicketInput = z.strictObject({ commandId, ticketId: uuidV7 });
export const QueueFinishInput = z.strictObject({ commandId, ticketId: uuidV7, applicationId: uuidV7.nullable().optional() });
export const QueueTransferInput = z
  .strictObject({ commandId, ticketId: uuidV7, toCategory: categoryCode.optional(), toWindow: windowId.optional() })
  .refine((c) => c.toCategory !== undefined || c.toWindow !== undefined, { message: 'give toCategory, toWindow or both', path: ['toCategory'] });
export const QueueCallNextInput = z.union([NoInput, z.strictObject({ commandId })]);

/** The ticket a command produced or changed. */
export const QueueTicketResult = z.object({ ticket: queueTicketDoc });
/**
 * `queue.issue`: the new ticket; `offline: true` when the hub could not be reached and main issued
 * it from this kiosk's leased numbers (then `ticket.leased` is true and the waiting line is unknown).
 */
export const QueueIssueResult = z.object({ ticket: queueTicketDoc, offline: z.boolean().optional() });

/** What a kiosk can issue without the hub, and what it still owes the hub (`queue.offline`). */
export const QueueOfflineStatus = z.object({
  timeZone: z.string().max(64),
  stationDay: z.iso.date(),
  /** The station's categories as the hub last listed them; `remaining`: leased numbers left today. */
  categories: z.array(z.object({ code: categoryCode, name: shortText(100), prefix: z.string().max(2), remaining: z.int().min(0) })).max(100),
  /** Offline tickets not yet accepted by the hub. */
  pending: z.int().min(0),
  /** Offline tickets the hub refused (kept for the operator; English reason). */
  refused: z.array(z.object({ id: uuidV7, number: shortText(8), code: shortText(64), message: shortText(2000) })).max(1000),
  /** When the hub last answered the lease keeper (ISO), or null. */
  lastContactAt: z.string().max(40).nullable(),
  /** Whether this terminal keeps leases at all (kiosk role). */
  enabled: z.boolean(),
});
export type QueueOfflineStatus = z.infer<typeof QueueOfflineStatus>;

/** `call_next`: `null` when nobody waits for this window. */
export const QueueCallResult = z.object({ ticket: queueTicketDoc.nullable() });

/** This terminal's window: the per-terminal setting, else the configuration file's, else none. */
export const QueueWindowSetting = z.object({ window: windowId.nullable(), source: z.enum(['setting', 'config']).nullable() });
export type QueueWindowSetting = z.infer<typeof QueueWindowSetting>;

const ISSUE = { roles: ['kiosk', 'clerk'], requiresStaff: true, timeoutMs: 20_000 } as const;
const COUNTER = { roles: ['clerk'], requiresStaff: true, requiresCapability: 'queue.call', timeoutMs: 20_000 } as const;

export const queueCalls = {
  /** The station's queue now (categories with waiting counts, windows with their current ticket, recent calls, the waiting line). */
  'queue.state': call({ input: NoInput, output: queueState, timeoutMs: 15_000 }),
  /** 取号: a new ticket for the person at the screen. */
  'queue.issue': call({ input: QueueIssueInput, output: QueueIssueResult, ...ISSUE }),
  /** What this kiosk can issue while the hub is down (leased numbers left per category) and its outbox. */
  'queue.offline': call({ input: NoInput, output: QueueOfflineStatus, roles: ['kiosk', 'clerk'], timeoutMs: 10_000 }),
  /** The next ticket for this terminal's window (the counter never picks one). */
  'queue.callNext': call({ input: QueueCallNextInput, output: QueueCallResult, ...COUNTER }),
  'queue.recall': call({ input: QueueTicketInput, output: QueueTicketResult, ...COUNTER }),
  /** 过号: the resident did not come. */
  'queue.skip': call({ input: QueueTicketInput, output: QueueTicketResult, ...COUNTER }),
  /** 开始办理. */
  'queue.start': call({ input: QueueTicketInput, output: QueueTicketResult, ...COUNTER }),
  /** 办结 (optionally linking the application filed for the ticket). */
  'queue.finish': call({ input: QueueFinishInput, output: QueueTicketResult, ...COUNTER }),
  /** 转移: back to waiting in another category, or reserved for another window. */
  'queue.transfer': call({ input: QueueTransferInput, output: QueueTicketResult, ...COUNTER }),
  /** Which window this terminal is. */
  'queue.window': call({ input: NoInput, output: QueueWindowSetting, roles: ['clerk'] }),
  /** Sets (or clears, `null`) which window this terminal is; kept in main's data folder. */
  'queue.setWindow': call({ input: z.strictObject({ window: windowId.nullable() }), output: QueueWindowSetting, roles: ['clerk'], requiresStaff: true, requiresCapability: 'queue.call' }),
} as const satisfies Record<string, CallSpec>;
