/**
 * Data for the station dashboard's e2e spec and bench, written on the reference platform (validated
 * platform-side upserts) so it reaches the clerk's store the real way: pulled by the terminal,
 * validated by main, stored in IndexedDB with field encryption.
 *
 * Every instant of "today" lies between the start of the station's day and now, so the data is
 * today's at the station whatever the machine's zone or clock (the e2e suite runs in UTC near a UTC
 * midnight).
 */
import { exampleApplication, exampleEvaluation, exampleQueueTicket, uuidv7, type ApplicationDoc, type ApplicationStatus, type EvaluationDoc, type QueueTicketDoc } from '../sync/protocol';
import { addDays, stationDate, stationDayStart } from '../sync/protocol/station-time';

export const TZ = 'Asia/Shanghai';
const MIN = 60_000;

/** The station's today and an instant at fraction `f` (0..1) of the time since its start. */
export function stationNow(now = Date.now()): { today: string; at(f: number): string; daysAgo(d: number, hour?: number): string } {
  const today = stationDate(now, TZ);
  const start = Date.parse(stationDayStart(today, TZ));
  return {
    today,
    at: (f) => new Date(start + Math.floor((now - start) * Math.min(1, Math.max(0, f)))).toISOString(),
    daysAgo: (d, hour = 10) => new Date(Date.parse(stationDayStart(addDays(today, -d), TZ)) + hour * 60 * MIN).toISOString(),
  };
}

export function application(o: { service: string; status: ApplicationStatus; channel: ApplicationDoc['channel']; createdAt: string; acceptedAt?: string; stationId: string }): ApplicationDoc {
  const history: ApplicationDoc['statusHistory'] = [{ status: 'draft', at: o.createdAt, by: 'terminal' }];
  if (o.status !== 'draft') history.push({ status: 'submitted', at: o.createdAt, by: 'terminal' });
  if (o.acceptedAt) history.push({ status: 'accepted', at: o.acceptedAt, by: 'platform' });
  if (!['draft', 'submitted', 'accepted'].includes(o.status)) history.push({ status: o.status, at: o.acceptedAt ?? o.createdAt, by: ['withdrawn', 'resubmitted'].includes(o.status) ? 'terminal' : 'platform' });
  return exampleApplication({
    id: uuidv7(Date.parse(o.createdAt)),
    stationId: o.stationId,
    serviceItemCode: o.service,
    channel: o.channel,
    status: o.status,
    statusHistory: history,
    createdAt: o.createdAt,
    updatedAt: o.createdAt,
    submittedAt: o.status === 'draft' ? null : o.createdAt,
    acceptanceNo: o.acceptedAt ? `AC${Date.parse(o.acceptedAt)}` : null,
  });
}

export function ticket(o: { category: string; status: QueueTicketDoc['status']; issuedAt: string; waitMin: number | null; number: string; stationId: string }): QueueTicketDoc {
  const calledAt = o.waitMin === null ? null : new Date(Date.parse(o.issuedAt) + o.waitMin * MIN).toISOString();
  return exampleQueueTicket({
    id: uuidv7(Date.parse(o.issuedAt)),
    stationId: o.stationId,
    number: o.number,
    category: o.category,
    status: o.status,
    issuedAt: o.issuedAt,
    updatedAt: calledAt ?? o.issuedAt,
    calledAt,
    servedAt: o.status === 'done' || o.status === 'serving' ? calledAt : null,
    finishedAt: o.status === 'done' ? calledAt : null,
    window: calledAt ? '1' : null,
  });
}

export function rating(o: { level: EvaluationDoc['level']; reasons?: string[]; createdAt: string; stationId: string }): EvaluationDoc {
  return exampleEvaluation({ id: uuidv7(Date.parse(o.createdAt)), stationId: o.stationId, level: o.level, reasons: o.reasons ?? [], createdAt: o.createdAt, updatedAt: o.createdAt });
}

/** A large synthetic station history for the bench: `apps` applications and `tickets` tickets over `days` station days up to today. */
export function benchData(stationId: string, apps: number, tickets: number, days: number, now = Date.now()): { applications: ApplicationDoc[]; tickets: QueueTicketDoc[]; evaluations: EvaluationDoc[] } {
  const s = stationNow(now);
  const services = ['MZ01', 'MZ02', 'MZ03', 'RS01', 'RS02', 'RS08', 'RS12', 'YB01', 'YB02', 'WJ01', 'WJ06', 'CL01'];
  const statuses: ApplicationStatus[] = ['draft', 'submitted', 'synced', 'accepted', 'in_review', 'supplement_required', 'resubmitted', 'approved', 'rejected', 'completed', 'withdrawn'];
  const channels: ApplicationDoc['channel'][] = ['kiosk', 'counter', 'field'];
  const when = (i: number) => {
    const d = (i * 7) % days;
    return d === 0 ? s.at(((i * 37) % 97) / 100) : s.daysAgo(d, 8 + ((i * 13) % 9));
  };
  return {
    applications: Array.from({ length: apps }, (_, i) => {
      const createdAt = when(i);
      const status = statuses[i % statuses.length]!;
      return { ...application({ service: services[i % services.length]!, status, channel: channels[i % 3]!, createdAt, ...(['accepted', 'in_review', 'approved', 'completed'].includes(status) ? { acceptedAt: createdAt } : {}), stationId }), id: uuidv7(Date.parse(createdAt) + i) };
    }),
    tickets: Array.from({ length: tickets }, (_, i) => ({ ...ticket({ category: ['general', 'social', 'civil'][i % 3]!, status: i % 10 === 0 ? 'waiting' : 'done', issuedAt: when(i), waitMin: i % 10 === 0 ? null : 2 + (i % 25), number: `${'ABC'[i % 3]}${String(i % 999).padStart(3, '0')}`, stationId }), id: uuidv7(Date.parse(when(i)) + i) })),
    evaluations: Array.from({ length: Math.floor(tickets / 5) }, (_, i) => {
      const level = ([5, 5, 4, 4, 3, 2, 1] as const)[i % 7]!;
      return { ...rating({ level, reasons: level <= 2 ? [['等待时间长', '态度不好', '材料要求不清'][i % 3]!] : [], createdAt: when(i), stationId }), id: uuidv7(Date.parse(when(i)) + i) };
    }),
  };
}
