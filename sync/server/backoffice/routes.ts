// The back office's HTTP API (/api/v1/backoffice/*) and its web app (/admin, built by
// `npm run build` into out/backoffice). Officers sign in with a login and password; the session is
// an httpOnly, SameSite=Strict cookie. Every permission is checked here, per request and action;
// every action (and every refusal) is written to the audit log with the officer's id.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  actionsFor,
  applicationQuery,
  auditQuery,
  createOfficerRequest,
  enrollCodeRequest,
  mayDo,
  mayTakeAction,
  OFFICER_ACTION_RULES,
  OFFICER_PERMISSIONS,
  officerAction,
  officerActionRequest,
  officerLogin,
  resetPasswordRequest,
  signInRequest,
  updateOfficerRequest,
  type OfficerPermission,
} from '../../protocol/backoffice';
import { docId, sha256Hex, stationDayStart, stationId as stationIdSchema, uuidV7, addDays, type BackOfficeActionRequest } from '../../protocol/index';
import { fail, parse, PlatformError } from '../errors';
import type { Store } from '../store';
import { OfficerStore, SESSION_HOURS, type Actor, type Officer } from './officers';
import { licenceUsage } from '../e-licences/usage';
import { applicationView, attachmentsOf, dashboard, listApplications, listDivisions, listEnrollCodes, listServices, listStations, listTerminals, type ApplicationView } from './queries';
import { handlingDivision, officerMayDecide, officerMayView } from '../tongban';

export const BACKOFFICE_API = '/api/v1/backoffice';
export const SESSION_COOKIE = 'bo_session';

/** Routes that authenticate themselves (officer cookie) or are static: app.ts skips its bearer check for them. */
export const isBackOfficeRoute = (route: string): boolean => route.startsWith(`${BACKOFFICE_API}/`) || route === '/admin' || route.startsWith('/admin/');

export interface BackOfficeOptions {
  store: Store;
  /** `station`: a station hub never decides applications. */
  role: 'province' | 'station';
  /** True when the request carries the platform's admin token (automation, bootstrap). */
  isAdminToken(req: FastifyRequest): Promise<boolean>;
  /** Built web app (index.html + assets/); default out/backoffice beside the sources or the bundle. */
  staticDir?: string;
  /** Sign-in attempts per client address per minute (besides the per-login lockout). Default 30. */
  signInPerMinute?: number;
}


function cookie(req: FastifyRequest, name: string): string | null {
  const h = req.headers.cookie;
  if (typeof h !== 'string') return null;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

const STATIC_CANDIDATES = ['../../../out/backoffice/', '../backoffice/', './backoffice/'];
function defaultStaticDir(): string | null {
  for (const rel of STATIC_CANDIDATES) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return null;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** The web app's policy: scripts and styles from this origin only, no eval, no inline script; attachments framed from this origin. */
export const BACKOFFICE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Files shown inline, with the bytes they must start with (else they are served as a download). */
const INLINE: Record<string, (b: Buffer) => boolean> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/gif': (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export async function registerBackOffice(app: FastifyInstance, options: BackOfficeOptions): Promise<OfficerStore> {
  const { store } = options;
  const officers = new OfficerStore(store.db);
  const db = store.db;
  const signInLimiter = app.createRateLimit({ max: options.signInPerMinute ?? 30, timeWindow: 60_000, keyGenerator: (req) => `bo-signin:${req.ip}` });

  const signedInOfficers = new WeakMap<FastifyRequest, Officer>();
  const actorOf = (o: Officer): Actor => ({ via: 'session', officerId: o.id });

  /** The signed-in officer; 401 without a live session. State-changing requests from another origin are refused. */
  async function officer(req: FastifyRequest): Promise<Officer> {
    const known = signedInOfficers.get(req);
    if (known) return known;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      if (typeof origin === 'string' && origin !== 'null') {
        let host = '';
        try {
          host = new URL(origin).host;
        } catch {
          /* malformed: refused below */
        }
        if (host !== req.headers.host) throw fail('FORBIDDEN', 'cross-origin request refused', 403);
      }
    }
    const token = cookie(req, SESSION_COOKIE);
    const o = token ? await officers.session(token) : null;
    if (!o) throw fail('UNAUTHORIZED', 'sign in to the back office first (no session, or it has ended)', 401);
    signedInOfficers.set(req, o);
    return o;
  }

  async function need(req: FastifyRequest, p: OfficerPermission, action: string, target: string | null = null): Promise<Officer> {
    const o = await officer(req);
    if (!mayDo(o.roles, p)) {
      await officers.audit(actorOf(o), { action, target, outcome: 'denied', address: req.ip, detail: { needs: OFFICER_PERMISSIONS[p] } });
      throw fail('FORBIDDEN', `this needs the role ${OFFICER_PERMISSIONS[p].join(' or ')}`, 403);
    }
    return o;
  }

  /** Runs a state-changing step and records it (ok or failed, with the error code) under `o`. */
  async function audited<T>(req: FastifyRequest, actor: Actor, action: string, target: string | null, fn: () => Promise<T>, detail: (r: T) => Record<string, unknown> = () => ({})): Promise<T> {
    try {
      const r = await fn();
      await officers.audit(actor, { action, target, outcome: 'ok', address: req.ip, detail: detail(r) });
      return r;
    } catch (e) {
      await officers.audit(actor, { action, target, outcome: 'failed', address: req.ip, detail: { code: e instanceof PlatformError ? e.code : 'INTERNAL_ERROR' } });
      throw e;
    }
  }

  /** 通办: an officer of divisions sees only applications of those divisions (sync/server/tongban.ts). */
  async function mayView(req: FastifyRequest, o: Officer, view: ApplicationView, action: string): Promise<void> {
    if (officerMayView(o.divisions, view.application, view.stationDivision)) return;
    await officers.audit(actorOf(o), { action, target: view.application.id, outcome: 'denied', address: req.ip, detail: { divisions: o.divisions } });
    throw fail('FORBIDDEN', 'this application is neither handled nor filed in your divisions', 403);
  }

  const setCookie = (reply: FastifyReply, req: FastifyRequest, value: string, maxAge: number) =>
    reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${req.protocol === 'https' ? '; Secure' : ''}`);

  // ---------------------------------------------------------------- session

  app.post(`${BACKOFFICE_API}/session`, async (req, reply) => {
    const limit = await signInLimiter(req);
    if (!limit.isAllowed && limit.isExceeded) {
      void reply.header('retry-after', String(limit.ttlInSeconds));
      throw fail('RATE_LIMITED', `too many sign-in requests from this address; try again in ${limit.ttlInSeconds} s`, 429);
    }
    const body = parse(signInRequest, req.body, 'sign-in request');
    try {
      const r = await officers.signIn(body.login, body.password);
      await officers.audit({ via: 'session', officerId: r.officer.id }, { action: 'sign_in', outcome: 'ok', address: req.ip });
      setCookie(reply, req, r.token, SESSION_HOURS * 3600);
      return { officer: r.officer, expiresAt: r.expiresAt };
    } catch (e) {
      // The login as typed (it may be a mistyped password): only when it names an account.
      const known = officerLogin.safeParse(body.login).success && (await officers.get(body.login)) !== null;
      await officers.audit({ via: 'session', ...(known ? { officerId: body.login } : {}) } as Actor, { action: 'sign_in', outcome: 'denied', address: req.ip, detail: { code: e instanceof PlatformError ? e.code : 'INTERNAL_ERROR' } });
      throw e;
    }
  });

  /** Who is signed in: `{ officer: null }` when nobody is (the page asks on load; not an error). */
  app.get(`${BACKOFFICE_API}/session`, async (req) => {
    const token = cookie(req, SESSION_COOKIE);
    return { officer: token ? await officers.session(token) : null };
  });

  app.delete(`${BACKOFFICE_API}/session`, async (req, reply) => {
    const token = cookie(req, SESSION_COOKIE);
    const o = token ? await officers.session(token) : null;
    if (token) await officers.signOut(token);
    if (o) await officers.audit(actorOf(o), { action: 'sign_out', outcome: 'ok', address: req.ip });
    setCookie(reply, req, '', 0);
    return { signedOut: true };
  });

  // ---------------------------------------------------------------- applications

  app.get(`${BACKOFFICE_API}/meta`, async (req) => {
    await need(req, 'read', 'meta');
    return { stations: await listStations(db), services: await listServices(db), divisions: await listDivisions(db) };
  });

  app.get(`${BACKOFFICE_API}/applications`, async (req) => {
    const o = await need(req, 'read', 'list_applications');
    return listApplications(db, parse(applicationQuery, req.query, 'query'), o.divisions);
  });

  app.get(`${BACKOFFICE_API}/applications/:id`, async (req) => {
    const id = parse(uuidV7, (req.params as { id: string }).id, 'application id');
    const o = await need(req, 'read', 'view_application', id);
    const view = await applicationView(db, id);
    if (!view) throw fail('NOT_FOUND', 'no application with this id', 404);
    await mayView(req, o, view, 'view_application');
    await officers.audit(actorOf(o), { action: 'view_application', target: id, outcome: 'ok', address: req.ip });
    const decides = officerMayDecide(o.divisions, view.application, view.stationDivision);
    const tongban = view.application.tongban
      ? { ...view.application.tongban, handlingDivision: handlingDivision(view.application, view.stationDivision), route: await store.tongban.get(id), mayDecide: decides }
      : null;
    return { ...view, tongban, attachments: attachmentsOf(view.application), actions: options.role === 'station' || !decides ? [] : actionsFor(o.roles, view.application.status) };
  });

  app.get(`${BACKOFFICE_API}/applications/:id/files/:sha256`, async (req, reply) => {
    const p = req.params as { id: string; sha256: string };
    const id = parse(uuidV7, p.id, 'application id');
    const hash = parse(sha256Hex, p.sha256, 'attachment id');
    const o = await need(req, 'read', 'view_file', id);
    const view = await applicationView(db, id);
    if (view) await mayView(req, o, view, 'view_file');
    const ref = view ? attachmentsOf(view.application).find((a) => a.sha256 === hash) : undefined;
    if (!ref) throw fail('NOT_FOUND', 'this application has no attachment with this hash', 404);
    const st = await store.attachmentStatus(hash);
    if (!st?.complete) throw fail('ATTACHMENT_INCOMPLETE', 'the attachment has not fully reached the platform yet', 409);
    const chunks: Buffer[] = [];
    for await (const c of store.readAttachment(hash)) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    const inline = INLINE[ref.mimeType]?.(bytes) === true;
    await officers.audit(actorOf(o), { action: 'view_file', target: id, outcome: 'ok', address: req.ip, detail: { sha256: hash, inline } });
    const name = encodeURIComponent(ref.fileName ?? `${hash.slice(0, 12)}`);
    return reply
      .header('content-type', inline ? ref.mimeType : 'application/octet-stream')
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
      .header('cache-control', 'private, no-store')
      .send(bytes);
  });

  app.post(`${BACKOFFICE_API}/applications/:id/actions/:action`, async (req) => {
    const p = req.params as { id: string; action: string };
    const id = parse(uuidV7, p.id, 'application id');
    const action = parse(officerAction, p.action, 'action');
    const o = await officer(req);
    const rule = OFFICER_ACTION_RULES[action];
    if (!mayTakeAction(o.roles, action)) {
      await officers.audit(actorOf(o), { action, target: id, outcome: 'denied', address: req.ip, detail: { needs: rule.roles } });
      throw fail('FORBIDDEN', `the action ${action} needs the role ${rule.roles.join(' or ')}`, 403);
    }
    if (options.role === 'station') throw fail('FORBIDDEN', 'a station hub never decides applications: status, acceptance numbers and decisions come from the province', 403);
    const body = parse(officerActionRequest, req.body ?? {}, 'action request');
    return audited(
      req,
      actorOf(o),
      action,
      id,
      async () => {
        const view = await applicationView(db, id);
        if (!view) throw fail('NOT_FOUND', 'no application with this id', 404);
        const a = view.application;
        if (!officerMayDecide(o.divisions, a, view.stationDivision)) {
          throw fail('FORBIDDEN', a.tongban ? `this application is handled by division ${a.tongban.divisionCode} (cross-region handling): only its officers decide it` : 'this application is handled outside your divisions', 403);
        }
        const request: BackOfficeActionRequest = { actor: o.id };
        if (action === 'supplement') {
          if (!body.reasons?.length) throw fail('VALIDATION_FAILED', 'a supplement needs at least one reason (what to correct)', 400, [{ path: 'reasons', message: 'required' }]);
          const known = view.form ? new Set(view.form.fields.map((f) => f.path)) : null;
          const badField = (body.fields ?? []).findIndex((f) => known !== null && !known.has(f));
          if (badField >= 0) throw fail('VALIDATION_FAILED', `the form of this application has no field ${body.fields![badField]}`, 400, [{ path: `fields.${badField}`, message: 'not a field of this form' }]);
          const materials = new Set([...a.materials.map((m) => m.code), ...(view.service?.materials.map((m) => m.code) ?? [])]);
          const badMaterial = (body.materials ?? []).findIndex((m) => !materials.has(m));
          if (badMaterial >= 0) throw fail('VALIDATION_FAILED', `this application has no material ${body.materials![badMaterial]}`, 400, [{ path: `materials.${badMaterial}`, message: 'not a material of this application' }]);
          Object.assign(request, { reasons: body.reasons, note: body.opinion, ...(body.fields?.length ? { fields: body.fields } : {}), ...(body.materials?.length ? { materials: body.materials } : {}), ...(body.dueDate ? { dueDate: body.dueDate } : {}) });
        } else {
          if (body.reasons || body.fields || body.materials || body.dueDate) {
            throw fail('VALIDATION_FAILED', `reasons, fields, materials and dueDate belong to a supplement, not to ${action}`, 400, [{ path: body.reasons ? 'reasons' : body.fields ? 'fields' : body.materials ? 'materials' : 'dueDate', message: 'only for supplement' }]);
          }
          if (action === 'approve' || action === 'reject' || action === 'not_accept') request.reason = body.opinion;
          else request.note = body.opinion;
        }
        return store.backOffice(id, rule.transition, request, rule.from);
      },
      (doc) => ({ status: doc.status, ...(action === 'supplement' ? { fields: doc.supplement?.fields ?? [], materials: doc.supplement?.materials ?? [] } : {}), ...(doc.acceptanceNo && action === 'accept' ? { acceptanceNo: doc.acceptanceNo } : {}) }),
    ).then((application) => ({ application, actions: actionsFor(o.roles, application.status) }));
  });

  app.get(`${BACKOFFICE_API}/dashboard`, async (req) => {
    await need(req, 'read', 'dashboard');
    const q = req.query as { from?: unknown; to?: unknown };
    const day = (v: unknown, what: string) => (v === undefined || v === '' ? null : parse(parseDay, v, what));
    const from = day(q.from, 'from (YYYY-MM-DD)');
    const to = day(q.to, 'to (YYYY-MM-DD)');
    // Days in the province's zone (Asia/Shanghai): [from 00:00, to + 1 day 00:00).
    return dashboard(db, { from: from ? stationDayStart(from) : null, to: to ? stationDayStart(addDays(to, 1)) : null });
  });

  // 电子证照用证率 per station and service over the same days (sync/server/e-licences/usage.ts).
  app.get(`${BACKOFFICE_API}/e-licence-usage`, async (req) => {
    await need(req, 'read', 'dashboard');
    const q = req.query as { from?: unknown; to?: unknown };
    const day = (v: unknown, what: string) => (v === undefined || v === '' ? null : parse(parseDay, v, what));
    const from = day(q.from, 'from (YYYY-MM-DD)');
    const to = day(q.to, 'to (YYYY-MM-DD)');
    return licenceUsage(db, { from: from ? stationDayStart(from) : null, to: to ? stationDayStart(addDays(to, 1)) : null });
  });

  // ---------------------------------------------------------------- stations, terminals, enrollment codes

  app.get(`${BACKOFFICE_API}/terminals`, async (req) => {
    await need(req, 'terminals', 'list_terminals');
    const s = (req.query as { stationId?: unknown }).stationId;
    return { terminals: await listTerminals(db, s === undefined || s === '' ? null : parse(stationIdSchema, s, 'stationId')), enrollCodes: await listEnrollCodes(db) };
  });

  app.post(`${BACKOFFICE_API}/terminals/:id/revoke`, async (req) => {
    const id = parse(docId, (req.params as { id: string }).id, 'terminal id');
    const o = await need(req, 'terminals', 'revoke_terminal', id);
    return audited(req, actorOf(o), 'revoke_terminal', id, async () => {
      if (!(await store.revokeTerminal(id))) throw fail('NOT_FOUND', 'no terminal with this id', 404);
      return { revoked: true };
    });
  });

  app.post(`${BACKOFFICE_API}/enroll-codes`, async (req) => {
    const o = await need(req, 'terminals', 'create_enroll_code');
    const body = parse(enrollCodeRequest, req.body, 'enroll code request');
    return audited(
      req,
      actorOf(o),
      'create_enroll_code',
      body.stationId,
      async () => {
        const r = await store.createEnrollCode(body.stationId, body.ttlMinutes);
        return { code: r.code, stationId: body.stationId, expiresAt: r.expiresAt };
      },
      (r) => ({ expiresAt: r.expiresAt }), // never the code itself
    );
  });

  // ---------------------------------------------------------------- officers and audit

  app.get(`${BACKOFFICE_API}/officers`, async (req) => {
    await need(req, 'officers', 'list_officers');
    return { officers: await officers.list() };
  });

  app.post(`${BACKOFFICE_API}/officers`, async (req) => {
    const o = await need(req, 'officers', 'create_officer');
    const body = parse(createOfficerRequest, req.body, 'officer');
    return audited(req, actorOf(o), 'create_officer', body.id, () => officers.create(body, o.id), (r) => ({ roles: r.roles, divisions: r.divisions }));
  });

  app.patch(`${BACKOFFICE_API}/officers/:id`, async (req) => {
    const id = parse(officerLogin, (req.params as { id: string }).id, 'officer login');
    const o = await need(req, 'officers', 'update_officer', id);
    const body = parse(updateOfficerRequest, req.body, 'officer change');
    if (id === o.id && (body.disabled === true || (body.roles && !body.roles.includes('admin')))) {
      throw fail('VALIDATION_FAILED', 'you cannot disable yourself or take away your own admin role', 400, [{ path: body.disabled ? 'disabled' : 'roles', message: 'not for your own account' }]);
    }
    return audited(req, actorOf(o), body.disabled === true ? 'disable_officer' : body.disabled === false ? 'enable_officer' : 'update_officer', id, () => officers.update(id, body), (r) => ({ roles: r.roles, disabled: r.disabled, divisions: r.divisions }));
  });

  app.post(`${BACKOFFICE_API}/officers/:id/password`, async (req) => {
    const id = parse(officerLogin, (req.params as { id: string }).id, 'officer login');
    const o = await need(req, 'officers', 'reset_password', id);
    const body = parse(resetPasswordRequest, req.body, 'password');
    return audited(req, actorOf(o), 'reset_password', id, async () => {
      await officers.resetPassword(id, body.password);
      return { reset: true };
    });
  });

  app.get(`${BACKOFFICE_API}/audit`, async (req) => {
    await need(req, 'audit', 'view_audit');
    return { records: await officers.auditLog(parse(auditQuery, req.query, 'query')) };
  });

  // ---------------------------------------------------------------- admin token: bootstrap and automation

  /** Creates an officer with the admin token (the first 管理员 of a new platform; automation). */
  app.post('/api/v1/admin/officers', async (req) => {
    if (!(await options.isAdminToken(req))) throw fail('FORBIDDEN', 'this endpoint needs the admin token', 403);
    const body = parse(createOfficerRequest, req.body, 'officer');
    return audited(req, { via: 'admin-token' }, 'create_officer', body.id, () => officers.create(body, 'admin-token'), (r) => ({ roles: r.roles }));
  });

  // Every state-changing call with the admin token on the older /api/v1/admin/* routes is recorded
  // too, before its answer leaves (onSend): whoever sees the answer finds the record.
  app.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url ?? '';
    if (!route.startsWith('/api/v1/admin/') || req.method === 'GET' || route === '/api/v1/admin/officers') return payload;
    if (!(await options.isAdminToken(req).catch(() => false))) return payload;
    const params = (req.params ?? {}) as Record<string, string>;
    const status = reply.statusCode;
    await officers
      .audit({ via: 'admin-token' }, { action: `${req.method} ${route}`.slice(0, 100), target: params.id ?? params.collection ?? null, outcome: status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'failed', address: req.ip, detail: { status, ...(params.action ? { action: params.action } : {}) } })
      .catch(() => undefined);
    return payload;
  });

  // ---------------------------------------------------------------- the web app

  const dir = options.staticDir ?? defaultStaticDir();
  const page = (reply: FastifyReply, type: string) => reply.type(type).header('content-security-policy', BACKOFFICE_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
  const index = async (_req: FastifyRequest, reply: FastifyReply) => {
    const file = dir ? path.join(dir, 'index.html') : null;
    if (!file || !existsSync(file)) {
      return page(reply.status(503), 'text/html; charset=utf-8').header('cache-control', 'no-store').send('<!doctype html><html lang="en"><meta charset="utf-8"><title>Back office</title><p>The back-office web app is not built: run npm run build.</p></html>');
    }
    return page(reply, 'text/html; charset=utf-8').header('cache-control', 'no-store').send(readFileSync(file));
  };
  app.get('/admin', index);
  app.get('/admin/', index);
  app.get('/admin/assets/:file', async (req, reply) => {
    const name = (req.params as { file: string }).file;
    if (!dir || !/^[A-Za-z0-9_.-]{1,120}$/.test(name) || name.startsWith('.')) throw fail('NOT_FOUND', 'no such file', 404);
    const file = path.join(dir, 'assets', name);
    const type = TYPES[path.extname(name)];
    if (!type || !existsSync(file)) throw fail('NOT_FOUND', 'no such file', 404);
    return page(reply, type).header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(file));
  });

  return officers;
}

const parseDay = z.iso.date();
