// Staff login and PINs (sync/README.md §7):
//   POST /api/v1/staff/login          terminal token; staff id + PIN → the staff document and how long it may log in offline
//   PUT  /api/v1/admin/staff/:id/pin  admin token; sets a PIN (the platform keeps only the scrypt verifier)
import type { FastifyInstance } from 'fastify';
import { docId, setStaffPinRequest, staffLoginRequest } from '../../protocol/index';
import type { Auth } from '../auth/callers';
import { parse } from '../errors';
import type { StaffAccounts } from './repository';

export interface StaffRouteDeps {
  staff: StaffAccounts;
  auth: Pick<Auth, 'terminal' | 'admin'>;
  /** How long a staff member may log in offline with the cached verifier (days, default 7). */
  offlineLoginDays?: number | undefined;
}

export function registerStaff(app: FastifyInstance, deps: StaffRouteDeps): void {
  const { staff, auth } = deps;

  app.post('/api/v1/staff/login', async (req) => {
    const t = await auth.terminal(req);
    const body = parse(staffLoginRequest, req.body, 'login request');
    const member = await staff.staffLogin(body.staffId, body.pin, t.stationId);
    const days = deps.offlineLoginDays ?? 7;
    return { staff: member, offlineValidUntil: new Date(Date.now() + days * 86_400_000).toISOString() };
  });

  app.put('/api/v1/admin/staff/:id/pin', async (req) => {
    await auth.admin(req);
    const body = parse(setStaffPinRequest, req.body, 'PIN request');
    const member = await staff.setStaffPin(parse(docId, (req.params as { id: string }).id, 'staff id'), body.pin);
    return { id: member.id, updatedAt: member.updatedAt };
  });
}
