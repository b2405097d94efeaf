// Decisions on applications, the province's side of a case: accept (受理号), review, supplement
// (补正), approve, reject, complete — each a transition of BACK_OFFICE_TRANSITIONS taken under the
// applications' write lock. Used by the officers' API (./routes.ts), the admin-token API
// (./admin-routes.ts) and the CLI.
import {
  BACK_OFFICE_TRANSITIONS,
  backOfficeActionRequest,
  documentSchemas,
  issuesOf,
  type ApplicationDoc,
  type BackOfficeAction,
  type BackOfficeActionRequest,
} from '../../protocol/index';
import type { Database, Queryable } from '../db/driver';
import { type Documents, type DocRow } from '../db/documents';
import { PlatformError } from '../errors';
import { visibilityOf } from '../rules';
import { nextAcceptanceNo } from './acceptance-no';

export class Decisions {
  constructor(
    private readonly db: Database,
    private readonly documents: Pick<Documents, 'write'>,
    /** The clock of the decisions (their `at`, the 受理号's station day); tests fix it. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async listApplications(filter: { status?: string; stationId?: string; limit?: number }): Promise<ApplicationDoc[]> {
    const rows = await this.db.query<{ data: ApplicationDoc }>(
      `SELECT data FROM documents WHERE collection = 'applications'
         AND ($1::text IS NULL OR data->>'status' = $1) AND ($2::text IS NULL OR $2::text = ANY(stations))
       ORDER BY seq DESC LIMIT $3`,
      [filter.status ?? null, filter.stationId ?? null, filter.limit ?? 100],
    );
    return rows.map((r) => r.data);
  }

  /** accept (受理号) / review / supplement (补正) / approve / reject / complete. */
  /** `allowedFrom` narrows the statuses the action starts from (不予受理: a `reject` before acceptance only). */
  async decide(id: string, action: BackOfficeAction, request: BackOfficeActionRequest, allowedFrom?: readonly ApplicationDoc['status'][]): Promise<ApplicationDoc> {
    const t = BACK_OFFICE_TRANSITIONS[action];
    const from = allowedFrom ? t.from.filter((s) => allowedFrom.includes(s)) : t.from;
    // The HTTP layer parses the body already; the CLI and tests call in directly.
    const checked = backOfficeActionRequest.safeParse(request);
    if (!checked.success) throw new PlatformError('VALIDATION_FAILED', `invalid ${action} request`, 400, issuesOf(checked.error));
    const req = checked.data;
    if (action === 'supplement' && !req.reasons?.length) {
      throw new PlatformError('VALIDATION_FAILED', 'supplement needs at least one reason (what to correct)', 400, [{ path: 'reasons', message: 'required' }]);
    }
    if (action !== 'supplement' && (req.fields?.length || req.materials?.length)) {
      throw new PlatformError('VALIDATION_FAILED', `fields and materials belong to a supplement request, not to ${action}`, 400, [{ path: req.fields?.length ? 'fields' : 'materials', message: 'only for supplement' }]);
    }
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<DocRow>("SELECT id, seq, stations, data, last_push_hash FROM documents WHERE collection = 'applications' AND id = $1 FOR UPDATE", [id]);
      const cur = rows[0]?.data as ApplicationDoc | undefined;
      if (!cur) throw new PlatformError('NOT_FOUND', 'no application with this id', 404);
      if (!from.includes(cur.status)) {
        throw new PlatformError('INVALID_TRANSITION', `cannot ${action} an application that is ${cur.status} (allowed from: ${from.join(', ')})`, 409);
      }
      const now = this.now().toISOString();
      const actor = req.actor ?? 'back-office';
      const next: ApplicationDoc = {
        ...cur,
        status: t.to,
        updatedAt: now,
        statusHistory: [...cur.statusHistory, { status: t.to, at: now, by: 'platform', actor, ...(req.note ? { note: req.note } : {}) }],
      };
      if (action === 'accept') next.acceptanceNo = await nextAcceptanceNo(tx, cur.stationId, now);
      if (action === 'supplement') {
        const fields = [...new Set(req.fields ?? [])];
        const materials = [...new Set(req.materials ?? [])];
        if (materials.length) await this.checkMaterialCodes(tx, cur.serviceItemCode, materials);
        next.supplement = { reasons: req.reasons ?? [], requestedAt: now, dueDate: req.dueDate ?? null, ...(fields.length ? { fields } : {}), ...(materials.length ? { materials } : {}) };
      }
      if (action === 'approve' || action === 'reject') {
        next.decision = { outcome: action === 'approve' ? 'approved' : 'rejected', decidedAt: now, decidedBy: actor, ...(req.reason ? { reason: req.reason } : {}) };
      }
      const parsed = documentSchemas.applications.parse(next);
      await this.documents.write(tx, 'applications', [{ id, doc: parsed, hash: null, stations: visibilityOf('applications', parsed) }]);
      return parsed;
    });
  }

  /**
   * A 补正 may flag only materials the application's service item asks for. When the platform does
   * not have the service item (an integrator's catalog elsewhere), the codes are taken as given.
   */
  private async checkMaterialCodes(tx: Queryable, serviceItemCode: string, codes: string[]): Promise<void> {
    const rows = await tx.query<{ data: { materials?: { code: string }[] } }>("SELECT data FROM documents WHERE collection = 'service_items' AND id = $1", [serviceItemCode]);
    const known = rows[0]?.data.materials;
    if (!known) return;
    const valid = new Set(known.map((m) => m.code));
    const unknown = codes.map((c, i) => ({ c, i })).filter(({ c }) => !valid.has(c));
    if (unknown.length) {
      throw new PlatformError(
        'VALIDATION_FAILED',
        `the service item ${serviceItemCode} has no material ${unknown.map(({ c }) => c).slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}`,
        400,
        unknown.slice(0, 20).map(({ i }) => ({ path: `materials.${i}`, message: 'not a material of this service item' })),
      );
    }
  }
}
