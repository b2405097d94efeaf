/**
 * 好差评 record of the kiosk. The document is plain data: reactive arrays from the page (Vue proxies)
 * are copied, since RxDB hands the write to the other windows over a BroadcastChannel, which cannot
 * clone a proxy ("could not be cloned"). The rated application's service item comes from the local
 * database when the rating starts from 进度查询 (not right after the submission).
 */
import { toRaw } from 'vue';
import { uuidv7, type EvaluationDoc } from '../../sync/protocol';
import type { TerminalDatabase } from '../db/database';

export interface EvaluationInput {
  stationId: string;
  level: number;
  reasons: readonly string[];
  comment: string | null;
  applicationId: string | null;
  ticketId: string | null;
  serviceItemCode: string | null;
}

export function evaluationDoc(i: EvaluationInput, now = new Date()): EvaluationDoc {
  return {
    id: uuidv7(now.getTime()),
    _deleted: false,
    updatedAt: now.toISOString(),
    stationId: i.stationId,
    level: i.level,
    indicators: ['整体满意度'],
    reasons: [...toRaw(i.reasons)].map(String),
    comment: i.comment,
    channel: 'kiosk',
    applicationId: i.applicationId,
    ticketId: i.ticketId,
    staffId: null,
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
