/**
 * 好差评 record of the kiosk. The document is plain data: reactive arrays from the page (Vue proxies)
 * are copied, since RxDB hands the write to the other windows over a BroadcastChannel, which cannot
 * clone a proxy ("could not be cloned"). The rated application's service item comes from the local
 * database when the rating starts from 进度查询 (not right after the submission).
 */
import { toRaw } from 'vue';
import { uuidv7, type EvaluationDoc } from '../../sync/protocol';
import { BAD_RATING_REASON_CODES, BAD_RATING_REASON_VALUES, OVERALL_INDICATOR, WRITTEN_REASON, type BadRatingReasonCode } from '../../sync/protocol/evaluation-values';
import type { TerminalDatabase } from '../db/database';

export interface EvaluationInput {
  stationId: string;
  level: number;
  reasons: readonly string[];
  comment: string | null;
  applicationId: string | null;
  ticketId: string | null;
  serviceItemCode: string | null;
  /** Where it was given: the kiosk unless said (the counter's evaluator: `counter_device`). */
  channel?: EvaluationDoc['channel'];
  /** The staff member who served (counter ratings). */
  staffId?: string | null;
}

export function evaluationDoc(i: EvaluationInput, now = new Date()): EvaluationDoc {
  return {
    id: uuidv7(now.getTime()),
    _deleted: false,
    updatedAt: now.toISOString(),
    stationId: i.stationId,
    level: i.level,
    indicators: [OVERALL_INDICATOR],
    reasons: [...toRaw(i.reasons)].map(String),
    comment: i.comment,
    channel: i.channel ?? 'kiosk',
    applicationId: i.applicationId,
    ticketId: i.ticketId,
    staffId: i.staffId ?? null,
    serviceItemCode: i.serviceItemCode,
    createdAt: now.toISOString(),
  };
}

/** The service item of a rated application: known from the journey, else from the local applications. */
export async function serviceItemOf(db: Pick<TerminalDatabase, 'applications'>, applicationId: string | null, known: { applicationId: string; serviceCode: string } | null): Promise<string | null> {
  if (!applicationId) return null;
  if (known?.applicationId === applicationId) return known.serviceCode;
  const doc = await db.applications.findOne(applicationId).exec();
  return doc?.serviceItemCode ?? null;
}

export { WRITTEN_REASON };

/**
 * Reasons offered for a bad rating (on-site indicators, spec: queue-and-evaluation.md): the stored
 * value (Chinese, protocol data: sync/protocol/evaluation-values.ts) and the catalogue key of the
 * words a screen shows for it in the UI language.
 */
export const BAD_RATING_REASONS: readonly { code: BadRatingReasonCode; value: string; key: string }[] = BAD_RATING_REASON_CODES.map((code) => ({
  code,
  value: BAD_RATING_REASON_VALUES[code],
  key: `evaluation.reasons.${code}`,
}));
/** The comment's length limit, in characters (not UTF-16 units). */
export const COMMENT_MAX = 500;

/** The two lowest levels need a reason (picked, or written as a comment). */
export const needsReason = (level: number | null): boolean => level !== null && level <= 2;

/** A comment cut to COMMENT_MAX characters (an emoji or a rare Han character counts once). */
export const limitComment = (text: string): string => [...text].slice(0, COMMENT_MAX).join('');

/**
 * The reasons stored for a rating: none for a good one; for a bad one the picked ones, else
 * WRITTEN_REASON when there is a comment; null when a bad rating has neither (the page asks).
 */
export function ratingReasons(level: number, picked: readonly string[], comment: string): string[] | null {
  if (!needsReason(level)) return [];
  if (picked.length) return [...picked];
  return comment.trim() ? [WRITTEN_REASON] : null;
}

/** Whether this application has a stored rating already (one per application). */
export async function alreadyRated(db: Pick<TerminalDatabase, 'evaluations'>, applicationId: string): Promise<boolean> {
  return !!(await db.evaluations.findOne({ selector: { applicationId } }).exec());
}

export interface RatingInput {
  level: number;
  reasons: readonly string[];
  comment: string;
  applicationId: string | null;
  ticketId: string | null;
  /** What the journey knows of the application just submitted (its service item without a lookup). */
  submitted: { applicationId: string; serviceCode: string } | null;
}

/**
 * Stores the rating (append-only `evaluations`, synced). Refuses a level outside 1–5, a bad rating
 * without a reason and a terminal not enrolled; nothing is stored then.
 */
export async function saveRating(db: Pick<TerminalDatabase, 'applications' | 'evaluations'>, stationId: string | null, input: RatingInput, now = new Date()): Promise<EvaluationDoc> {
  if (!Number.isInteger(input.level) || input.level < 1 || input.level > 5) throw new Error('a rating level is 1 to 5');
  const reasons = ratingReasons(input.level, input.reasons, input.comment);
  if (!reasons) throw new Error('a bad rating needs a reason');
  if (!stationId) throw new Error('not enrolled');
  const written = limitComment(input.comment.trim());
  const doc = evaluationDoc(
    {
      stationId,
      level: input.level,
      reasons,
      comment: written || null,
      applicationId: input.applicationId,
      ticketId: input.ticketId,
      serviceItemCode: await serviceItemOf(db, input.applicationId, input.submitted),
    },
    now,
  );
  await db.evaluations.insert(doc as never);
  return doc;
}
