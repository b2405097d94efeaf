// 通办 on the platform: the lookups the push rules need, the division an application is handled
// by, and the hand-over of every routed application to its division through one adapter
// (`TongbanExchange`). The reference adapter routes inside this platform: the division's officers
// (officers.divisions) see and decide it in the back office, and its status flows back to the
// filing terminal by the normal sync (the application stays its station's document). An integrator
// connects the national 跨省通办 exchange by implementing `TongbanExchange` and passing it to the
// store (`store.tongbanExchange = …`); decisions coming back from the exchange are applied with
// `store.backOffice(id, action, { actor: 'exchange:<ref>', … })`.
import { applicationTongban, countyOf, type ApplicationDoc, type ServiceItemTongban } from '../protocol/index';
import type { Queryable } from './db/driver';
import type { TongbanLookup } from './rules';

/** One application handed to the division that handles it. */
export interface TongbanRoute {
  applicationId: string;
  stationId: string;
  serviceItemCode: string;
  divisionCode: string;
  divisionName: string;
  scope: 'province' | 'cross_province';
  submittedAt: string | null;
}

/** Where an integrator connects the national (or provincial) 通办 exchange. */
export interface TongbanExchange {
  /** Recorded with each route (`tongban_routes.exchange`), e.g. `platform`, `national`. */
  readonly name: string;
  /**
   * Hands the application over; resolves with the exchange's reference once it has taken it,
   * rejects when it did not (the route is kept as `failed` and tried again later). Must be
   * idempotent per application id: a crash after the hand-over repeats it.
   */
  dispatch(route: TongbanRoute): Promise<{ ref: string }>;
}

/** The reference exchange: the division's officers work on this platform, so nothing leaves it. */
export class PlatformExchange implements TongbanExchange {
  readonly name = 'platform';
  dispatch(route: TongbanRoute): Promise<{ ref: string }> {
    return Promise.resolve({ ref: `platform:${route.divisionCode}:${route.applicationId}` });
  }
}

/** The prefix of the codes a division covers: 440000 → 44, 440300 → 4403, 440305 → 440305. */
export function divisionPrefix(code: string): string {
  let p = code;
  while (p.length > 2 && p.endsWith('00')) p = p.slice(0, -2);
  return p;
}

/** Whether any of an officer's divisions covers `code` (6, 9 or 12 digits). */
export function coversDivision(officerDivisions: readonly string[], code: string): boolean {
  return officerDivisions.some((d) => code.startsWith(divisionPrefix(d)));
}

/** The division that handles an application: the chosen one for 通办, else the filing station's county. */
export function handlingDivision(a: Pick<ApplicationDoc, 'tongban'>, stationDivision: string | null): string | null {
  return a.tongban?.divisionCode ?? (stationDivision ? countyOf(stationDivision) : null);
}

/** Loads what the 通办 rule needs for the applications of one push (three small queries, only when one has `tongban`). */
export async function tongbanLookup(db: Queryable, apps: ApplicationDoc[]): Promise<TongbanLookup | undefined> {
  const routed = apps.filter((a) => a.tongban);
  if (routed.length === 0) return undefined;
  const [items, stations, divisions] = await Promise.all([
    db.query<{ id: string; tongban: ServiceItemTongban | null; deleted: boolean }>(
      "SELECT id, data->'tongban' AS tongban, coalesce((data->>'_deleted')::boolean, false) AS deleted FROM documents WHERE collection = 'service_items' AND id = ANY($1::text[])",
      [[...new Set(routed.map((a) => a.serviceItemCode))]],
    ),
    db.query<{ station_id: string; division: string }>(
      "SELECT data->>'stationId' AS station_id, data->>'divisionCode' AS division FROM documents WHERE collection = 'station_config' AND data->>'stationId' = ANY($1::text[])",
      [[...new Set(routed.map((a) => a.stationId))]],
    ),
    db.query<{ code: string }>('SELECT code FROM divisions WHERE code = ANY($1::text[])', [[...new Set(routed.map((a) => a.tongban!.divisionCode))]]),
  ]);
  const known = new Set(divisions.map((d) => d.code));
  return {
    item: (code) => {
      const r = items.find((i) => i.id === code && !i.deleted);
      return r ? { code: r.id, ...(r.tongban ? { tongban: r.tongban } : {}) } : null;
    },
    stationDivision: (id) => stations.find((s) => s.station_id === id)?.division ?? null,
    knownDivision: (code) => known.has(code),
  };
}

export interface RouteRecord {
  applicationId: string;
  divisionCode: string;
  divisionName: string | null;
  scope: 'province' | 'cross_province';
  exchange: string;
  exchangeRef: string | null;
  state: 'pending' | 'dispatched' | 'failed';
  attempts: number;
  lastError: string | null;
  routedAt: string;
}

/** Hands routed applications to the exchange, once each; keeps a record per application. */
export class TongbanRouter {
  constructor(
    private readonly db: Queryable,
    private readonly exchange: () => TongbanExchange,
    private readonly onError: (e: unknown, applicationId: string) => void = () => undefined,
  ) {}

  /**
   * Takes the stored applications that the platform has just received with a `tongban` choice:
   * records each once (a replay or a second process finds the record and does nothing) and
   * dispatches it. Answers how many were handed over now.
   */
  async route(apps: ApplicationDoc[]): Promise<number> {
    let n = 0;
    for (const a of apps) {
      const t = applicationTongban.safeParse(a.tongban);
      if (!t.success || a.status === 'draft' || a.status === 'submitted') continue;
      const taken = await this.db.query<{ application_id: string }>(
        `INSERT INTO tongban_routes (application_id, station_id, service_item_code, division_code, scope, exchange, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (application_id) DO NOTHING RETURNING application_id`,
        [a.id, a.stationId, a.serviceItemCode, t.data.divisionCode, t.data.scope, this.exchange().name],
      );
      if (taken.length === 0) continue;
      if (await this.dispatch(a)) n++;
    }
    return n;
  }

  /**
   * Dispatches routes that failed at least `minAgeSeconds` ago, or were left pending (a crash) for
   * a minute or more: answers how many went now. Each push that routes something calls it with the
   * default backoff; the platform's start with 0.
   */
  async retry(minAgeSeconds = 30): Promise<number> {
    const rows = await this.db.query<{ data: ApplicationDoc }>(
      `SELECT d.data FROM tongban_routes r JOIN documents d ON d.collection = 'applications' AND d.id = r.application_id
        WHERE (r.state = 'failed' AND r.updated_at <= now() - make_interval(secs => $1::int))
           OR (r.state = 'pending' AND r.updated_at < now() - interval '1 minute')
        ORDER BY r.routed_at LIMIT 100`,
      [Math.max(0, Math.floor(minAgeSeconds))],
    );
    let n = 0;
    for (const r of rows) if (await this.dispatch(r.data)) n++;
    return n;
  }

  private async dispatch(a: ApplicationDoc): Promise<boolean> {
    const t = a.tongban!;
    const ex = this.exchange();
    try {
      const { ref } = await ex.dispatch({ applicationId: a.id, stationId: a.stationId, serviceItemCode: a.serviceItemCode, divisionCode: t.divisionCode, divisionName: t.divisionName, scope: t.scope, submittedAt: a.submittedAt });
      await this.db.query(
        "UPDATE tongban_routes SET state = 'dispatched', exchange = $2, exchange_ref = $3, attempts = attempts + 1, last_error = NULL, updated_at = now() WHERE application_id = $1",
        [a.id, ex.name, String(ref).slice(0, 200)],
      );
      return true;
    } catch (e) {
      this.onError(e, a.id);
      await this.db.query("UPDATE tongban_routes SET state = 'failed', exchange = $2, attempts = attempts + 1, last_error = $3, updated_at = now() WHERE application_id = $1", [
        a.id,
        ex.name,
        (e instanceof Error ? e.message : String(e)).slice(0, 500),
      ]);
      return false;
    }
  }

  async get(applicationId: string): Promise<RouteRecord | null> {
    const rows = await this.db.query<{ application_id: string; division_code: string; full_name: string | null; scope: RouteRecord['scope']; exchange: string; exchange_ref: string | null; state: RouteRecord['state']; attempts: number; last_error: string | null; routed_at: string | Date }>(
      `SELECT r.application_id, r.division_code, v.full_name, r.scope, r.exchange, r.exchange_ref, r.state, r.attempts, r.last_error, r.routed_at
         FROM tongban_routes r LEFT JOIN divisions v ON v.code = r.division_code WHERE r.application_id = $1`,
      [applicationId],
    );
    const r = rows[0];
    if (!r) return null;
    return { applicationId: r.application_id, divisionCode: r.division_code, divisionName: r.full_name, scope: r.scope, exchange: r.exchange, exchangeRef: r.exchange_ref, state: r.state, attempts: Number(r.attempts), lastError: r.last_error, routedAt: new Date(r.routed_at).toISOString() };
  }
}

/**
 * An officer's view of an application (`divisions`: the officer's; empty = the province's own):
 * the province's officers see every application; an officer of divisions sees those handled there
 * and those filed at a station there (to follow a case routed elsewhere).
 */
export function officerMayView(divisions: readonly string[], a: Pick<ApplicationDoc, 'tongban'>, stationDivision: string | null): boolean {
  if (divisions.length === 0) return true;
  const handling = handlingDivision(a, stationDivision);
  return (handling !== null && coversDivision(divisions, handling)) || (stationDivision !== null && coversDivision(divisions, stationDivision));
}

/**
 * Who decides (受理, 补正, 审批, 办结): an application routed by 通办 only officers of the division
 * it was routed to; any other application the province's officers and those of its station's division.
 */
export function officerMayDecide(divisions: readonly string[], a: Pick<ApplicationDoc, 'tongban'>, stationDivision: string | null): boolean {
  if (a.tongban) return coversDivision(divisions, a.tongban.divisionCode);
  if (divisions.length === 0) return true;
  return stationDivision !== null && coversDivision(divisions, stationDivision);
}
