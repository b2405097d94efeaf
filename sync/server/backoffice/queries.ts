// Read-side queries of the back office: work queues, an application's full view, stations,
// terminals, enrollment codes and the cross-station dashboard. Plain SQL on the platform database.
import type { ApplicationQuery, DashboardNumbers } from '../../protocol/backoffice';
import { formSchemaDocId, maskName, type ApplicationDoc, type ApplicationStatus, type FormSchemaDoc, type ServiceItemDoc } from '../../protocol/index';
import type { Queryable } from '../db/driver';
import { divisionPrefix } from '../tongban';
import { AUTHORIZATION_LETTER_FILE_NAME } from '../e-licences/render';

export interface ApplicationRow {
  id: string;
  stationId: string;
  stationName: string | null;
  serviceItemCode: string;
  serviceName: string | null;
  channel: ApplicationDoc['channel'];
  status: ApplicationStatus;
  acceptanceNo: string | null;
  /** Masked (张*三): the list is seen over a shoulder; the full view shows the name. */
  applicantName: string;
  submittedAt: string | null;
  updatedAt: string;
  /** 通办: the division chosen to handle it (absent: handled where filed). */
  tongban?: ApplicationDoc['tongban'];
}

const STATION_DIVISION = `(SELECT s.data->>'divisionCode' FROM documents s WHERE s.collection = 'station_config' AND s.data->>'stationId' = d.data->>'stationId' LIMIT 1)`;

/**
 * `officerDivisions`: an officer's 通办 divisions (empty or absent: the province's own officers, who
 * see everything). An officer of divisions sees the applications handled there (routed to one of
 * them by 通办, or filed at a station there and handled where filed) and those filed at a station
 * there and routed elsewhere (to follow them).
 */
export async function listApplications(db: Queryable, q: ApplicationQuery, officerDivisions: readonly string[] = []): Promise<{ rows: ApplicationRow[]; total: number }> {
  const scope = officerDivisions.length ? officerDivisions.map(divisionPrefix) : null;
  const params = [q.status ?? null, q.stationId ?? null, q.service ?? null, q.division ?? null, q.channel ?? null, scope, q.tongban ?? null];
  const where = `d.collection = 'applications' AND d.data->>'status' <> 'draft'
       AND ($1::text IS NULL OR d.data->>'status' = $1) AND ($2::text IS NULL OR d.data->>'stationId' = $2)
       AND ($3::text IS NULL OR d.data->>'serviceItemCode' = $3) AND ($5::text IS NULL OR d.data->>'channel' = $5)
       AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM documents s WHERE s.collection = 'station_config' AND s.data->>'stationId' = d.data->>'stationId' AND s.data->>'divisionCode' LIKE $4 || '%'))
       AND ($6::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($6::text[]) AS p(x)
             WHERE coalesce(d.data->'tongban'->>'divisionCode', '') LIKE p.x || '%' OR coalesce(${STATION_DIVISION}, '') LIKE p.x || '%'))
       AND ($7::text IS NULL OR ($7::text = 'routed') = (d.data->'tongban' IS NOT NULL))`;
  const rows = await db.query<{ data: ApplicationDoc; station_name: string | null; service_name: string | null }>(
    `SELECT d.data,
            (SELECT s.data->>'name' FROM documents s WHERE s.collection = 'station_config' AND s.data->>'stationId' = d.data->>'stationId' LIMIT 1) AS station_name,
            (SELECT i.data->>'name' FROM documents i WHERE i.collection = 'service_items' AND i.id = d.data->>'serviceItemCode') AS service_name
       FROM documents d WHERE ${where}
      ORDER BY d.seq DESC LIMIT $8 OFFSET $9`,
    [...params, q.limit ?? 50, q.offset ?? 0],
  );
  const count = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM documents d WHERE ${where}`, params);
  return {
    total: Number(count[0]?.n ?? 0),
    rows: rows.map(({ data: a, station_name, service_name }) => ({
      id: a.id,
      stationId: a.stationId,
      stationName: station_name,
      serviceItemCode: a.serviceItemCode,
      serviceName: service_name,
      channel: a.channel,
      status: a.status,
      acceptanceNo: a.acceptanceNo,
      applicantName: a.applicant?.name ? maskName(a.applicant.name) : '',
      submittedAt: a.submittedAt,
      updatedAt: a.updatedAt,
      ...(a.tongban ? { tongban: a.tongban } : {}),
    })),
  };
}

/** A form field the officer may flag for 补正: its validator path and its Chinese title. */
export interface FormField {
  path: string;
  label: string;
}

/** Top-level properties and those of nested objects (one level), in the schema's order. */
export function formFields(schema: Record<string, unknown> | undefined): FormField[] {
  const out: FormField[] = [];
  const props = (s: unknown) => ((s as { properties?: Record<string, { title?: string; type?: string; properties?: unknown }> } | undefined)?.properties ?? {});
  for (const [key, p] of Object.entries(props(schema))) {
    if (p?.type === 'object' && p.properties) {
      for (const [sub, q] of Object.entries(props(p))) out.push({ path: `${key}.${sub}`, label: `${p.title ?? key} · ${q?.title ?? sub}` });
    } else out.push({ path: key, label: typeof p?.title === 'string' ? p.title : key });
  }
  return out;
}

export interface ApplicationView {
  application: ApplicationDoc;
  stationName: string | null;
  /** The filing station's division code (6, 9 or 12 digits), if the platform has its station_config. */
  stationDivision: string | null;
  service: Pick<ServiceItemDoc, 'code' | 'name' | 'department' | 'materials' | 'timeLimit'> | null;
  form: { title: string; fields: FormField[] } | null;
}

export async function applicationView(db: Queryable, id: string): Promise<ApplicationView | null> {
  const rows = await db.query<{ data: ApplicationDoc }>("SELECT data FROM documents WHERE collection = 'applications' AND id = $1", [id]);
  const a = rows[0]?.data;
  if (!a) return null;
  const [station, item, form] = await Promise.all([
    db.query<{ name: string; division: string | null }>("SELECT data->>'name' AS name, data->>'divisionCode' AS division FROM documents WHERE collection = 'station_config' AND data->>'stationId' = $1 LIMIT 1", [a.stationId]),
    db.query<{ data: ServiceItemDoc }>("SELECT data FROM documents WHERE collection = 'service_items' AND id = $1", [a.serviceItemCode]),
    db.query<{ data: FormSchemaDoc }>("SELECT data FROM documents WHERE collection = 'form_schemas' AND id = $1", [formSchemaDocId(a.formId, a.formVersion)]),
  ]);
  const s = item[0]?.data;
  const f = form[0]?.data;
  return {
    application: a,
    stationName: station[0]?.name ?? null,
    stationDivision: station[0]?.division ?? null,
    service: s ? { code: s.code, name: s.name, department: s.department, materials: s.materials, timeLimit: s.timeLimit } : null,
    form: f ? { title: f.title, fields: formFields(f.jsonSchema) } : null,
  };
}

/** The attachment references of an application: the signed 委托书 and each material's files. */
export function attachmentsOf(a: ApplicationDoc): { sha256: string; mimeType: string; fileName: string | null; role: 'letter' | 'material'; materialCode?: string }[] {
  const out: ReturnType<typeof attachmentsOf> = [];
  if (a.authorization?.letterSha256) out.push({ sha256: a.authorization.letterSha256, mimeType: 'application/pdf', fileName: AUTHORIZATION_LETTER_FILE_NAME, role: 'letter' });
  for (const m of a.materials) for (const f of m.attachments) out.push({ sha256: f.sha256, mimeType: f.mimeType, fileName: f.fileName ?? null, role: 'material', materialCode: m.code });
  return out;
}

/**
 * The stations with their terminals: active (`terminals`, hubs included), revoked, and active station
 * hubs (`hubs`). More than one hub is a fault to clear (two queues in one hall): the province refuses
 * a second hub's enrollment, but hubs enrolled before that rule may still be two.
 */
export async function listStations(db: Queryable): Promise<{ stationId: string; name: string; divisionCode: string; level: string; terminals: number; revoked: number; hubs: number }[]> {
  const rows = await db.query<{ station_id: string; name: string; division: string; level: string; terminals: string | number; revoked: string | number; hubs: string | number }>(
    `SELECT s.data->>'stationId' AS station_id, s.data->>'name' AS name, s.data->>'divisionCode' AS division, s.data->>'level' AS level,
            (SELECT count(*) FROM terminals t WHERE t.station_id = s.data->>'stationId' AND t.revoked_at IS NULL) AS terminals,
            (SELECT count(*) FROM terminals t WHERE t.station_id = s.data->>'stationId' AND t.revoked_at IS NOT NULL) AS revoked,
            (SELECT count(*) FROM terminals t WHERE t.station_id = s.data->>'stationId' AND t.revoked_at IS NULL AND t.kind = 'station_hub') AS hubs
       FROM documents s WHERE s.collection = 'station_config' AND NOT coalesce((s.data->>'_deleted')::boolean, false)
      ORDER BY s.data->>'divisionCode', s.data->>'stationId'`,
  );
  return rows.map((r) => ({ stationId: r.station_id, name: r.name, divisionCode: r.division, level: r.level, terminals: Number(r.terminals), revoked: Number(r.revoked), hubs: Number(r.hubs) }));
}

export async function listServices(db: Queryable): Promise<{ code: string; name: string }[]> {
  return db.query<{ code: string; name: string }>(
    "SELECT id AS code, data->>'name' AS name FROM documents WHERE collection = 'service_items' AND NOT coalesce((data->>'_deleted')::boolean, false) ORDER BY (data->>'sortOrder')::int, id LIMIT 2000",
  );
}

export async function listTerminals(db: Queryable, stationId: string | null): Promise<{ id: string; stationId: string; label: string | null; kind: string; createdAt: string; revokedAt: string | null }[]> {
  const rows = await db.query<{ id: string; station_id: string; label: string | null; kind: string; created_at: string | Date; revoked_at: string | Date | null }>(
    'SELECT id, station_id, label, kind, created_at, revoked_at FROM terminals WHERE $1::text IS NULL OR station_id = $1 ORDER BY created_at DESC LIMIT 500',
    [stationId],
  );
  return rows.map((r) => ({ id: r.id, stationId: r.station_id, label: r.label, kind: r.kind, createdAt: new Date(r.created_at).toISOString(), revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString() }));
}

export async function listEnrollCodes(db: Queryable): Promise<{ stationId: string; createdAt: string; expiresAt: string; usedAt: string | null; terminalId: string | null }[]> {
  const rows = await db.query<{ station_id: string; created_at: string | Date; expires_at: string | Date; used_at: string | Date | null; terminal_id: string | null }>(
    'SELECT station_id, created_at, expires_at, used_at, terminal_id FROM enroll_codes ORDER BY created_at DESC LIMIT 100',
  );
  const t = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  return rows.map((r) => ({ stationId: r.station_id, createdAt: t(r.created_at)!, expiresAt: t(r.expires_at)!, usedAt: t(r.used_at), terminalId: r.terminal_id }));
}

/** 办件量 by station and service, by status, and 好差评 by station and level, over [from, to) (ISO instants). */
export async function dashboard(db: Queryable, range: { from: string | null; to: string | null }): Promise<DashboardNumbers> {
  const inRange = `($1::timestamptz IS NULL OR (data->>'createdAt')::timestamptz >= $1::timestamptz) AND ($2::timestamptz IS NULL OR (data->>'createdAt')::timestamptz < $2::timestamptz)`;
  const apps = `collection = 'applications' AND data->>'status' <> 'draft' AND NOT coalesce((data->>'_deleted')::boolean, false) AND ${inRange}`;
  const p = [range.from, range.to];
  const [bySS, byStatus, ratings] = await Promise.all([
    db.query<{ station_id: string; service: string; n: string | number }>(`SELECT data->>'stationId' AS station_id, data->>'serviceItemCode' AS service, count(*) AS n FROM documents WHERE ${apps} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, p),
    db.query<{ status: ApplicationStatus; n: string | number }>(`SELECT data->>'status' AS status, count(*) AS n FROM documents WHERE ${apps} GROUP BY 1 ORDER BY 1`, p),
    db.query<{ station_id: string; level: string | number; n: string | number }>(
      `SELECT data->>'stationId' AS station_id, (data->>'level')::int AS level, count(*) AS n FROM documents
        WHERE collection = 'evaluations' AND NOT coalesce((data->>'_deleted')::boolean, false) AND ${inRange} GROUP BY 1, 2 ORDER BY 1, 2`,
      p,
    ),
  ]);
  const names = await db.query<{ kind: string; id: string; name: string }>(
    `SELECT 'station' AS kind, data->>'stationId' AS id, data->>'name' AS name FROM documents WHERE collection = 'station_config'
     UNION ALL SELECT 'service', id, data->>'name' FROM documents WHERE collection = 'service_items' AND id = ANY($1::text[])`,
    [[...new Set(bySS.map((r) => r.service))]],
  );
  const name = (kind: string, id: string) => names.find((n) => n.kind === kind && n.id === id)?.name ?? null;
  return {
    byStationService: bySS.map((r) => ({ stationId: r.station_id, stationName: name('station', r.station_id), serviceItemCode: r.service, serviceName: name('service', r.service), count: Number(r.n) })),
    byStatus: byStatus.map((r) => ({ status: r.status, count: Number(r.n) })),
    ratings: ratings.map((r) => ({ stationId: r.station_id, level: Number(r.level), count: Number(r.n) })),
    total: byStatus.reduce((s, r) => s + Number(r.n), 0),
  };
}

/** The division registry (GB/T 2260 rows the platform knows), for the officers' division picker. */
export async function listDivisions(db: Queryable): Promise<{ code: string; name: string; fullName: string; level: string }[]> {
  const rows = await db.query<{ code: string; name: string; full_name: string; level: string }>('SELECT code, name, full_name, level FROM divisions ORDER BY code LIMIT 5000');
  return rows.map((r) => ({ code: r.code, name: r.name, fullName: r.full_name, level: r.level }));
}
