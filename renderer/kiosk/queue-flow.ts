/**
 * 取号 at the kiosk as a plain module (the page renders): one ticket per press, never two for one
 * press. A lost answer (the hub unreachable, a timeout) keeps the command id, so 重试 sends the same
 * command and the hub answers with the ticket it may already have issued; a refusal forgets it (the
 * same command would be refused again). Issued offline (from the kiosk's leased numbers), the
 * people ahead are unknown, never invented.
 */
import { uuidv7, type QueueTicketDoc } from '../../sync/protocol';
import type { QueueState } from '../../sync/protocol/queue';
import type { IssuedTicket } from './stores/journey';

export interface IssueRequest {
  commandId: string;
  category: string;
  priority: 'normal' | 'elderly' | 'disabled';
  serviceItemCode: string | null;
  applicationId: string | null;
}

/** main's `queue.issue`; a rejection carries the bridge's `code` (BridgeError). */
export type IssueCall = (input: IssueRequest) => Promise<{ ticket: QueueTicketDoc; offline?: boolean }>;

/** Errors after which the hub may have issued the ticket: the command id is kept for 重试. */
const MAYBE_ISSUED = new Set(['QUEUE_UNREACHABLE', 'TIMEOUT']);

/** A service code from the URL, only when it has the shape of one (else the ticket names none). */
export const serviceCodeOf = (raw: unknown): string | null => (typeof raw === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(raw) ? raw : null);

export interface TicketIssuer {
  /** Issues a ticket in the category for the person at the screen (see the module's comment). */
  take(category: { code: string; name: string }, ctx: { priority: IssueRequest['priority']; serviceItemCode: string | null; applicationId: string | null; queue: QueueState | null }): Promise<IssuedTicket>;
}

export function createTicketIssuer(issue: IssueCall, newId: () => string = () => uuidv7()): TicketIssuer {
  let pending: { category: string; commandId: string } | null = null;
  return {
    async take(category, ctx) {
      const commandId = pending?.category === category.code ? pending.commandId : newId();
      pending = { category: category.code, commandId };
      let answer: Awaited<ReturnType<IssueCall>>;
      try {
        answer = await issue({ commandId, category: category.code, priority: ctx.priority, serviceItemCode: ctx.serviceItemCode, applicationId: ctx.applicationId });
      } catch (e) {
        const code = (e as { code?: unknown } | null)?.code;
        if (typeof code !== 'string' || !MAYBE_ISSUED.has(code)) pending = null;
        throw e;
      }
      pending = null;
      const { ticket: doc, offline } = answer;
      // The waiting line of this category as the live queue shows it (issued offline: unknown).
      const ahead = offline ? null : ctx.queue ? ctx.queue.waitingTickets.filter((w) => w.category === category.code).length : 0;
      return {
        id: doc.id,
        number: doc.number,
        category: category.name,
        categoryCode: category.code,
        ahead,
        issuedAt: doc.issuedAt,
        priority: doc.priority === 'disabled' || doc.priority === 'elderly' ? doc.priority : 'normal',
        ...(offline ? { offline: true } : {}),
      };
    },
  };
}
