// The check a terminal's push of a leased queue ticket must pass: the number lies in a block this
// terminal leased (POST /api/v1/queue/lease) for that category and station day, and no other ticket
// of the station carries it that day. Read once per push (the rules stay pure).
import { DEFAULT_STATION_TIME_ZONE, leasedTicketProblem, stationDate, uuidV7Time, type QueueTicketDoc } from '../../protocol/index';
import type { Queryable } from '../db/driver';

/** Why a pushed leased ticket is refused, or null when it is inside its lease. */
export type LeasedTicketCheck = (ticket: QueueTicketDoc) => string | null;

const DAY_MS = 86_400_000;

/** The lower bound of UUIDv7 ids minted at or after `ms` (lowercase hex compares in "C" order). */
export function uuidV7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

export async function leasedTicketCheck(db: Queryable, terminalId: string, stationId: string, docs: QueueTicketDoc[]): Promise<LeasedTicketCheck> {
  const leased = docs.filter((d) => d.leased === true && d.stationId === stationId);
  if (leased.length === 0) return () => 'not a leased ticket';
  const cfg = await db.query<{ tz: string | null }>("SELECT data->>'timeZone' AS tz FROM documents WHERE collection = 'station_config' AND id = $1", [stationId]);
  const tz = cfg[0]?.tz ?? DEFAULT_STATION_TIME_ZONE;
  const days = [...new Set(leased.map((d) => stationDate(d.issuedAt, tz)))];
  const leases = await db.query<{ station_day: string; category: string; prefix: string; from_number: number; to_number: number }>(
    'SELECT station_day, category, prefix, from_number, to_number FROM queue_leases WHERE station_id = $1 AND terminal_id = $2 AND station_day = ANY($3::text[])',
    [stationId, terminalId, days],
  );
  const earliest = Math.min(...leased.flatMap((d) => [Date.parse(d.issuedAt), uuidV7Time(d.id)]));
  const taken = await db.query<{ id: string; number: string; issued: string }>(
    `SELECT id, data->>'number' AS number, data->>'issuedAt' AS issued FROM documents
      WHERE collection = 'queue_tickets' AND data->>'stationId' = $1 AND data->>'number' = ANY($2::text[]) AND (id COLLATE "C") >= $3`,
    [stationId, [...new Set(leased.map((d) => d.number))], uuidV7Floor(earliest - 3 * DAY_MS)],
  );
  const firstInBatch = new Map<string, string>();
  for (const d of leased) {
    const key = `${stationDate(d.issuedAt, tz)}|${d.number}`;
    if (!firstInBatch.has(key)) firstInBatch.set(key, d.id);
  }
  return (ticket) => {
    const day = stationDate(ticket.issuedAt, tz);
    const lease = leases.find((l) => l.station_day === day && l.category === ticket.category && ticket.number.startsWith(l.prefix) && leasedTicketProblem(ticket, { stationId, stationDay: day, category: l.category, prefix: l.prefix, from: Number(l.from_number), to: Number(l.to_number) }, tz) === null);
    if (!lease) {
      const any = leases.find((l) => l.station_day === day && l.category === ticket.category);
      const why = any ? leasedTicketProblem(ticket, { stationId, stationDay: day, category: any.category, prefix: any.prefix, from: Number(any.from_number), to: Number(any.to_number) }, tz) : null;
      return why ?? `this terminal holds no lease of ${ticket.category} numbers for ${day}`;
    }
    if (taken.some((t) => t.id !== ticket.id && t.number === ticket.number && stationDate(t.issued, tz) === day)) return `number ${ticket.number} was already issued on ${day}`;
    if (firstInBatch.get(`${day}|${ticket.number}`) !== ticket.id) return `number ${ticket.number} appears twice in this push`;
    return null;
  };
}
