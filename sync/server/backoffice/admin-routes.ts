// The admin-token API of decisions (automation and the CLI's --url mode; officers use ./routes.ts):
//   GET  /api/v1/admin/applications              list (status, station, limit)
//   GET  /api/v1/admin/applications/:id          one application
//   POST /api/v1/admin/applications/:id/:action  accept | review | supplement | approve | reject | complete
import type { FastifyInstance } from 'fastify';
import { adminListApplicationsQuery, backOfficeAction, backOfficeActionRequest, uuidV7 } from '../../protocol/index';
import type { Auth } from '../auth/callers';
import type { Documents } from '../db/documents';
import { fail, parse } from '../errors';
import type { Decisions } from './decisions';

export interface AdminDecisionRouteDeps {
  decisions: Decisions;
  documents: Pick<Documents, 'get'>;
  auth: Pick<Auth, 'admin'>;
  /** A station hub never decides applications. */
  role: 'province' | 'station';
}

export function registerAdminDecisions(app: FastifyInstance, deps: AdminDecisionRouteDeps): void {
  const { decisions, documents, auth } = deps;

  app.get('/api/v1/admin/applications', async (req) => {
    await auth.admin(req);
    const q = parse(adminListApplicationsQuery, req.query, 'query');
    return { applications: await decisions.listApplications(q) };
  });

  app.get('/api/v1/admin/applications/:id', async (req) => {
    await auth.admin(req);
    const id = parse(uuidV7, (req.params as { id: string }).id, 'application id');
    const doc = await documents.get('applications', id);
    if (!doc) throw fail('NOT_FOUND', 'no application with this id', 404);
    return doc;
  });

  app.post('/api/v1/admin/applications/:id/:action', async (req) => {
    await auth.admin(req);
    const p = req.params as { id: string; action: string };
    const id = parse(uuidV7, p.id, 'application id');
    const action = parse(backOfficeAction, p.action, 'action');
    if (deps.role === 'station') throw fail('FORBIDDEN', 'a station hub never decides applications: status, acceptance numbers and decisions come from the province', 403);
    const body = parse(backOfficeActionRequest, req.body ?? {}, 'action request');
    return decisions.decide(id, action, body);
  });
}
