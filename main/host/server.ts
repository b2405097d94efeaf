/**
 * The browser host: serves the built renderer on 127.0.0.1 and bridges `window.terminal` over a
 * WebSocket, so the app runs in system Chromium where Electron is not available.
 *
 * Protection: a one-time launch code (./launch.ts, in the URL fragment) that the page exchanges once
 * at `POST /__terminal/session` for a session credential: an HttpOnly, SameSite=Strict session
 * cookie scoped to `/__terminal`, never in a URL, a command line or a file, and unreadable by
 * script; an exact Origin check on the exchange and the WebSocket upgrade, a Host header check
 * against DNS rebinding, and the same CSP the Electron window gets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_WIRE_MESSAGE_BYTES, WireFromPage, type Role, type WireFromHost } from '../../preload/contract';
import { createDispatcher } from '../core/dispatcher';
import type { TerminalCore } from '../core/services';
import type { Logger } from '../core/log';
import { CONTENT_SECURITY_POLICY } from '../core/csp';
import { LaunchCodes } from './launch';

export interface BrowserHostOptions {
  core: TerminalCore;
  log: Logger;
  /** Folder with the built renderer (out/renderer). */
  rendererDir: string;
  role: Role;
  /** 0 = any free port. */
  port?: number;
  /** Key of the launch codes (32 bytes); default a random one. A supervising parent that gives the host its key can mint codes itself. */
  launchKey?: Buffer;
}

export interface BrowserHost {
  /** A url that opens the app with a fresh one-time launch code (in the fragment); each call mints a new one. */
  launchUrl(): string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const WS_PATH = '/__terminal/ws';
const SESSION_PATH = '/__terminal/session';
/** A session is opened only by a code, so there are never many; a cap bounds memory against a leaked key. */
const MAX_SESSIONS = 64;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** The value of one cookie in a Cookie header (the last one if repeated). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  let found: string | undefined;
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) found = part.slice(eq + 1).trim();
  }
  return found;
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core, log, role } = options;
  const rendererDir = resolve(options.rendererDir);
  const codes = new LaunchCodes(options.launchKey ?? randomBytes(32));
  /** Digests of the session credentials handed out (the credentials themselves are kept nowhere). */
  const sessions = new Set<string>();
  let cookieName = '';
  let origin = '';
  let allowedHosts = new Set<string>();

  const indexHtml = await readFile(join(rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`renderer build not found in ${rendererDir} (run npm run build)`);
  });
  // The bridge script must run before the app's module script: module scripts run in order.
  const servedIndex = indexHtml.replace(/<script\b/, '<script type="module" src="./bridge.js"></script>\n    <script');

  const dispatch = createDispatcher({
    handlers: core.handlers,
    isOriginAllowed: (o) => o === origin,
    log: log.child('bridge'),
  });

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };

  const refuseJson = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, JSON.stringify({ error: { code, message } }), MIME['.json']);

  /** `POST /__terminal/session {"code": "<launch code>"}`: one code, one session cookie. */
  const openSession = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return send(res, 405, 'method not allowed', undefined, { Allow: 'POST' });
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, 'unexpected Host header');
    if (req.headers.origin !== origin) {
      log.warn('host.session-refused', { reason: 'origin' });
      return refuseJson(res, 403, 'FORBIDDEN', 'cross-origin session request');
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return refuseJson(res, 415, 'INVALID_INPUT', 'the body must be application/json');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 1024) return refuseJson(res, 413, 'INVALID_INPUT', 'the body is too large');
      chunks.push(chunk);
    }
    let code: unknown;
    try {
      code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: unknown } | null)?.code;
    } catch {
      return refuseJson(res, 400, 'INVALID_INPUT', 'the body is not JSON');
    }
    const refusal = codes.redeem(code);
    if (refusal) {
      log.warn('host.session-refused', { reason: refusal });
      return refuseJson(res, 401, 'LAUNCH_CODE_REFUSED', `the launch code is ${refusal === 'reused' ? 'already used' : refusal}: ask the host for a new link`);
    }
    const token = randomBytes(32).toString('base64url');
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.values().next().value as string);
    sessions.add(digest(token));
    log.info('host.session-opened', { sessions: sessions.size });
    // A session cookie (no Max-Age): gone with the browser, not sent cross-site, never readable by script.
    return send(res, 204, '', undefined, { 'Set-Cookie': `${cookieName}=${token}; Path=/__terminal; HttpOnly; SameSite=Strict` });
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').split('?')[0] === SESSION_PATH) return openSession(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', undefined, { Allow: 'GET, HEAD' });
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, 'unexpected Host header');
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(res, 400, 'bad request path');
    }
    if (pathname.includes('\0')) return send(res, 400, 'bad request path');
    if (pathname === '/' || pathname === '/index.html') return send(res, 200, servedIndex, MIME['.html']);
    const file = normalize(join(rendererDir, pathname));
    if (!file.startsWith(rendererDir + sep)) return send(res, 403, 'forbidden');
    try {
      const info = await stat(file);
      if (!info.isFile()) return send(res, 404, 'not found');
      const body = await readFile(file);
      const immutable = pathname.startsWith('/assets/');
      return send(res, 200, req.method === 'HEAD' ? '' : body, MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', immutable ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : {});
    } catch {
      return send(res, 404, 'not found');
    }
  };

  const server = createServer((req, res) => {
    serveStatic(req, res).catch((error: unknown) => {
      log.error('host.static-failed', { error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) send(res, 500, 'internal error');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WIRE_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();
  let nextSender = 1;

  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, reason: string) => {
      log.warn('host.ws-refused', { reason });
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      return refuse(400, 'Bad Request');
    }
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    if (req.headers.origin !== origin) return refuse(403, 'Forbidden');
    const token = cookieValue(req.headers.cookie, cookieName);
    if (!token || !sessions.has(digest(token))) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const ctx = { origin, role, senderId: `ws-${nextSender++}` };
    clients.add(ws);
    log.info('host.page-connected', { sender: ctx.senderId, role });
    const reply = (message: WireFromHost) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    reply({ type: 'hello', role });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        log.warn('host.ws-garbage', { sender: ctx.senderId, reason: 'binary' });
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        log.warn('host.ws-garbage', { sender: ctx.senderId, reason: 'json' });
        return;
      }
      const message = WireFromPage.safeParse(raw);
      if (!message.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        reply({ type: 'result', id, envelope: { ok: false, error: { code: 'INVALID_INPUT', message: 'malformed bridge message' } } });
        return;
      }
      const { id, name, input } = message.data;
      void dispatch(ctx, name, input).then((envelope) => reply({ type: 'result', id, envelope }));
    });
    ws.on('close', () => {
      clients.delete(ws);
      log.info('host.page-disconnected', { sender: ctx.senderId });
    });
    ws.on('error', () => ws.terminate());
  });

  const unsubscribe = core.events.subscribe((name, payload) => {
    if (!core.events.deliverable(name, role)) return;
    const text = JSON.stringify({ type: 'event', name, payload } satisfies WireFromHost);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  // Cookies are not kept apart by port: each host names its own.
  cookieName = `terminal_session_${port}`;

  return {
    launchUrl: () => `${origin}/#launch=${codes.mint()}`,
    origin,
    port,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
