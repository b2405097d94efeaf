/**
 * 好差评 at the counter after 办结 (叫号 page): the rating given on the evaluator device or on the
 * clerk's screen, stored as an `evaluations` document (append-only, synced) linked to the ticket and,
 * where the ticket has one, its application. The document's shape is the kiosk's
 * (../kiosk/evaluation.ts) with the channel `counter_device` and the serving staff member.
 */
import type { EvaluationDoc, QueueTicketDoc } from '../../sync/protocol';
import type { TerminalDatabase } from '../db/database';
import { BAD_RATING_REASONS, evaluationDoc, needsReason } from '../kiosk/evaluation';

/** The reasons offered for a bad rating: the same indicators as at the kiosk. */
export const COUNTER_REASONS = BAD_RATING_REASONS;

export interface CounterRating {
  level: number;
  /** Picked reasons; required for the two lowest levels, dropped for the others. */
  reasons: readonly string[];
  ticket: Pick<QueueTicketDoc, 'id' | 'stationId' | 'applicationId' | 'serviceItemCode'>;
  staffId: string | null;
}

/**
 * Stores a counter rating under this terminal's station (the ticket's when main does not know it).
 * Refuses a level outside 1–5 and a bad rating without a reason; nothing is stored then.
 */
export async function saveCounterRating(db: Pick<TerminalDatabase, 'evaluations'>, stationId: string | null, r: CounterRating, now = new Date()): Promise<EvaluationDoc> {
  if (!Number.isInteger(r.level) || r.level < 1 || r.level > 5) throw new Error('a rating level is 1 to 5');
  if (needsReason(r.level) && !r.reasons.length) throw new Error('a bad rating needs a reason');
  const doc = evaluationDoc(
    {
      stationId: stationId ?? r.ticket.stationId,
      level: r.level,
      reasons: needsReason(r.level) ? r.reasons : [],
      comment: null,
      applicationId: r.ticket.applicationId,
      ticketId: r.ticket.id,
      serviceItemCode: r.ticket.serviceItemCode,
      channel: 'counter_device',
      staffId: r.staffId,
    },
    now,
  );
  await db.evaluations.insert(doc as never);
  return doc;
}
