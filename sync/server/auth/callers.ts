// Who calls: the bearer token of each request → an enrolled terminal (or station hub), the platform's
// admin token, or the scrape-only metrics token. Authentication runs before the body is read (a
// preParsing hook), so an anonymous upload is refused with 401 at once. Modules ask `terminal(req)`,
// `admin(req)` or `caller(req)` in their handlers.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../errors';
import type { TerminalIdentity } from '../terminals/repository';

export type Caller = { kind: 'terminal'; terminalId: string; stationId: string; hub: boolean } | { kind: 'admin' } | { kind: 'metrics' };
export type TerminalCaller = Extract<Caller, { kind: 'terminal' }>;

export interface Auth {
  /** Who calls; the metrics token is refused everywhere but on the metrics route. */
  caller(req: FastifyRequest): Promise<Exclude<Caller, { kind: 'metrics' }>>;
  /** A terminal (or station hub) token, else 403. */
  terminal(req: FastifyRequest): Promise<TerminalCaller>;
  /** The admin token, else 403. */
  admin(req: FastifyRequest): Promise<{ kind: 'admin' }>;
  /** Any valid token, the metrics token included (the metrics route). */
  anyCaller(req: FastifyRequest): Promise<Caller>;
  /** The caller authenticated before the body was read, if any (rate limits key on it). */
  known(req: FastifyRequest): Caller | undefined;
}

export interface AuthOptions {
  adminToken: string;
  metricsToken?: string | undefined;
  terminalByToken(token: string): Promise<TerminalIdentity | null>;
  /** Routes that need no token, or authenticate themselves (the back office's officer cookie). */
  isOpenRoute(route: string): boolean;
}

const hashToken = (t: string) => createHash('sha256').update(t).digest();

export function installAuth(app: FastifyInstance, options: AuthOptions): Auth {
  const adminHash = hashToken(options.adminToken);
  const metricsHash = options.metricsToken ? hashToken(options.metricsToken) : null;
  const callers = new WeakMap<FastifyRequest, Caller>();

  async function authenticate(req: FastifyRequest): Promise<Caller> {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{8,200})$/.exec(h) : null;
    if (!m) throw fail('UNAUTHORIZED', 'missing or malformed Authorization: Bearer <token>', 401);
    const token = m[1]!;
    if (timingSafeEqual(hashToken(token), adminHash)) return { kind: 'admin' };
    if (metricsHash && timingSafeEqual(hashToken(token), metricsHash)) return { kind: 'metrics' };
    const t = await options.terminalByToken(token);
    if (!t) throw fail('UNAUTHORIZED', 'unknown or revoked token', 401);
    return { kind: 'terminal', terminalId: t.terminalId, stationId: t.stationId, hub: t.hub };
  }

  app.addHook('preParsing', async (req) => {
    const route = req.routeOptions.url;
    if (route === undefined || options.isOpenRoute(route)) return;
    callers.set(req, await authenticate(req));
  });

  const anyCaller = async (req: FastifyRequest) => callers.get(req) ?? (await authenticate(req));
  const caller: Auth['caller'] = async (req) => {
    const c = await anyCaller(req);
    if (c.kind === 'metrics') throw fail('FORBIDDEN', 'the metrics token opens only /api/v1/metrics', 403);
    return c;
  };
  return {
    caller,
    anyCaller,
    known: (req) => callers.get(req),
    async terminal(req) {
      const c = await caller(req);
      if (c.kind !== 'terminal') throw fail('FORBIDDEN', 'this endpoint needs a terminal token', 403);
      return c;
    },
    async admin(req) {
      const c = await caller(req);
      if (c.kind !== 'admin') throw fail('FORBIDDEN', 'this endpoint needs the admin token', 403);
      return c;
    },
  };
}
