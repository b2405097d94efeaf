// The ID QR code's two endpoints (sync/protocol/id-qr.ts), registered by app.ts:
//   POST /api/v1/identity/qr/issue   admin token: a code for a holder (the reference stand-in for the phone app's back end)
//   POST /api/v1/identity/qr/redeem  terminal token: verify and use up a scanned code → the holder's identity
// Neither logs the holder or the code's text: Fastify's request log has method, URL and status only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { issuesOf } from '../../protocol/index';
import { idQrIssueRequest, idQrPaths, idQrRedeemRequest, type IdQrRedeemResponse } from '../../protocol/id-qr';
import { PlatformError } from '../errors';
import type { IdQrService } from './id-qr';

export interface IdQrRouteDeps {
  service: IdQrService;
  admin(req: FastifyRequest): Promise<unknown>;
  terminal(req: FastifyRequest): Promise<{ terminalId: string; stationId: string }>;
}

/** A code is ≈ 250 characters; 16 KiB leaves room for a clear refusal of a huge one (`ID_QR_MALFORMED`). */
const BODY_LIMIT = 16 * 1024;

export function registerIdQr(app: FastifyInstance, deps: IdQrRouteDeps): void {
  app.post(idQrPaths.issue, { bodyLimit: BODY_LIMIT }, async (req) => {
    await deps.admin(req);
    if (!deps.service.issue) throw new PlatformError('FORBIDDEN', `this platform does not issue ID QR codes (${deps.service.kind}); the province's trusted identity service does`, 403);
    const r = idQrIssueRequest.safeParse(req.body);
    if (!r.success) throw new PlatformError('VALIDATION_FAILED', 'invalid ID QR issue request', 400, issuesOf(r.error));
    return deps.service.issue(r.data.holder, r.data.ttlSeconds);
  });

  app.post(idQrPaths.redeem, { bodyLimit: BODY_LIMIT }, async (req): Promise<IdQrRedeemResponse> => {
    const t = await deps.terminal(req);
    const r = idQrRedeemRequest.safeParse(req.body);
    if (!r.success) throw new PlatformError('ID_QR_MALFORMED', 'expected a JSON body {"code": "<the scanned text>"}', 400);
    return deps.service.redeem(r.data.code, { terminalId: t.terminalId, stationId: t.stationId });
  });
}
