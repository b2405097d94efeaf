// Enrollment and terminal tokens (sync/README.md §6), and the terminal's seal certificate (电子印章):
//   POST /api/v1/terminals/enroll           public; a one-time code → terminal id, token, ID hash key (and a seal certificate)
//   GET  /api/v1/terminals/me               terminal token; who this token is
//   GET  /api/v1/seal/root                  public; the seal root's public key
//   POST /api/v1/terminals/seal             terminal token; a seal certificate (a hub: for its hall's terminals)
//   POST /api/v1/admin/enroll-codes         admin token; a one-time code for a station
//   POST /api/v1/admin/terminals/:id/revoke admin token
import type { FastifyInstance } from 'fastify';
import { createEnrollCodeRequest, docId, enrollRequest } from '../../protocol/index';
import { checkSealRequest, sealCertificateRequest, SEAL_CERTIFICATE_PATH, SEAL_ROOT_PATH } from '../../protocol/seal';
import type { Auth } from '../auth/callers';
import { fail, parse, PlatformError } from '../errors';
import type { SealIssuer } from '../seal-authority';
import type { Terminals } from './repository';

/** Routes that need no token. */
export const PUBLIC_TERMINAL_ROUTES = ['/api/v1/terminals/enroll', SEAL_ROOT_PATH] as const;

export interface TerminalRouteDeps {
  terminals: Terminals;
  auth: Pick<Auth, 'terminal' | 'admin'>;
  sealIssuer: SealIssuer;
  /** A station hub issues enrollment codes for its own station only. */
  station?: { stationId: string } | undefined;
}

export function registerTerminals(app: FastifyInstance, deps: TerminalRouteDeps): void {
  const { terminals, auth, sealIssuer } = deps;

  app.post('/api/v1/terminals/enroll', async (req) => {
    const body = parse(enrollRequest, req.body, 'enrollment request');
    // A bad seal request is refused before the one-time code is spent.
    if (body.seal && !checkSealRequest(body.seal)) throw fail('SEAL_REQUEST_INVALID', 'the seal key request is not signed by its own key (or the key is not an SM2 point)', 400);
    const enrolled = await terminals.enroll(body.code, body.label, body.kind);
    if (!body.seal) return enrolled;
    // The enrollment stands without a seal when the authority is unreachable (a hub offline): the terminal asks again (POST /terminals/seal).
    const seal = await sealIssuer.issue({ terminalId: enrolled.terminalId, stationId: enrolled.stationId }, body.seal).catch((e: unknown) => {
      app.log.warn({ code: e instanceof PlatformError ? e.code : 'INTERNAL_ERROR' }, 'seal certificate not issued at enrollment');
      return null;
    });
    return seal ? { ...enrolled, seal } : enrolled;
  });

  // The seal root is public (verifiers outside the province's terminals check documents against it).
  app.get(SEAL_ROOT_PATH, async () => ({ rootPublicKey: await sealIssuer.rootPublicKey() }));

  app.post(SEAL_CERTIFICATE_PATH, async (req) => {
    const t = await auth.terminal(req);
    const body = parse(sealCertificateRequest, req.body, 'seal certificate request');
    // Only a station hub may ask for one of its hall's terminals (for its own station).
    if (body.forTerminal !== undefined && !t.hub) throw fail('FORBIDDEN', 'forTerminal is for station hubs only', 403);
    return sealIssuer.issue({ terminalId: body.forTerminal ?? t.terminalId, stationId: t.stationId }, body.request);
  });

  app.get('/api/v1/terminals/me', async (req) => {
    const t = await auth.terminal(req);
    const me = await terminals.terminalByToken((req.headers.authorization ?? '').slice(7));
    return { terminalId: t.terminalId, stationId: t.stationId, label: me?.label ?? null, idHashKey: await terminals.idHashKey() };
  });

  app.post('/api/v1/admin/enroll-codes', async (req) => {
    await auth.admin(req);
    const body = parse(createEnrollCodeRequest, req.body, 'enroll code request');
    if (deps.station && body.stationId !== deps.station.stationId) {
      throw fail('FORBIDDEN', `this station hub serves station ${deps.station.stationId} only`, 403);
    }
    const r = await terminals.createEnrollCode(body.stationId, body.ttlMinutes);
    return { code: r.code, stationId: body.stationId, expiresAt: r.expiresAt };
  });

  app.post('/api/v1/admin/terminals/:id/revoke', async (req) => {
    await auth.admin(req);
    const id = parse(docId, (req.params as { id: string }).id, 'terminal id');
    if (!(await terminals.revokeTerminal(id))) throw fail('NOT_FOUND', 'no terminal with this id', 404);
    return { revoked: true };
  });
}
