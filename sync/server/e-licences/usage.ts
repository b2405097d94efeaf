// 用证率 (share of materials satisfied by an e-licence) per station and service, for the back office.
// Over the filed applications (not drafts) created in [from, to): materials = the materials the
// service item asks for, one per application; byLicence = the application's materials provided with
// origin `e_license`. rate = byLicence / materials.
import type { LicenceUsage, LicenceUsageRow } from '../../protocol/e-licences';
import type { Queryable } from '../db/driver';

export async function licenceUsage(db: Queryable, range: { from: string | null; to: string | null }): Promise<LicenceUsage> {
  const rows = await db.query<{ station_id: string; service: string; apps: string | number; materials: string | number; by_licence: string | number }>(
    `SELECT a.data->>'stationId' AS station_id, a.data->>'serviceItemCode' AS service, count(*) AS apps,
            sum(greatest(coalesce(jsonb_array_length(s.data->'materials'), 0), jsonb_array_length(a.data->'materials'))) AS materials,
            sum((SELECT count(*) FROM jsonb_array_elements(a.data->'materials') m
                  WHERE m->>'origin' = 'e_license' AND (m->>'provided')::boolean)) AS by_licence
       FROM documents a
       LEFT JOIN documents s ON s.collection = 'service_items' AND s.id = a.data->>'serviceItemCode'
      WHERE a.collection = 'applications' AND a.data->>'status' <> 'draft' AND NOT coalesce((a.data->>'_deleted')::boolean, false)
        AND ($1::timestamptz IS NULL OR (a.data->>'createdAt')::timestamptz >= $1::timestamptz)
        AND ($2::timestamptz IS NULL OR (a.data->>'createdAt')::timestamptz < $2::timestamptz)
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [range.from, range.to],
  );
  const names = await db.query<{ kind: string; id: string; name: string }>(
    `SELECT 'station' AS kind, data->>'stationId' AS id, data->>'name' AS name FROM documents WHERE collection = 'station_config'
     UNION ALL SELECT 'service', id, data->>'name' FROM documents WHERE collection = 'service_items' AND id = ANY($1::text[])`,
    [[...new Set(rows.map((r) => r.service))]],
  );
  const name = (kind: string, id: string) => names.find((n) => n.kind === kind && n.id === id)?.name ?? null;
  const rate = (by: number, all: number) => (all > 0 ? Math.min(1, by / all) : 0);
  const out: LicenceUsageRow[] = rows.map((r) => {
    const materials = Number(r.materials);
    const byLicence = Number(r.by_licence);
    return { stationId: r.station_id, stationName: name('station', r.station_id), serviceItemCode: r.service, serviceName: name('service', r.service), applications: Number(r.apps), materials, byLicence, rate: rate(byLicence, materials) };
  });
  const stations = new Map<string, { stationId: string; stationName: string | null; applications: number; materials: number; byLicence: number; rate: number }>();
  for (const r of out) {
    const s = stations.get(r.stationId) ?? { stationId: r.stationId, stationName: r.stationName, applications: 0, materials: 0, byLicence: 0, rate: 0 };
    s.applications += r.applications;
    s.materials += r.materials;
    s.byLicence += r.byLicence;
    s.rate = rate(s.byLicence, s.materials);
    stations.set(r.stationId, s);
  }
  const total = out.reduce((t, r) => ({ applications: t.applications + r.applications, materials: t.materials + r.materials, byLicence: t.byLicence + r.byLicence, rate: 0 }), { applications: 0, materials: 0, byLicence: 0, rate: 0 });
  total.rate = rate(total.byLicence, total.materials);
  return { rows: out, byStation: [...stations.values()], total };
}
