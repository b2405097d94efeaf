/**
 * The browser host: serves the built renderer on 127.0.0.1 and bridges `window.terminal` over a
 * WebSocket, so the app runs in system Chromium where Electron is not available.
 *
 * Protection: a per-launch secret (handed to the page in the URL fragment, so it is never sent in
 * a request line or Referer), an exact Origin check on the WebSocket upgrade, a Host header check
 * against DNS rebinding, and the same CSP the Electron window gets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_WIRE_MESSAGE_BYTES, WireFromPage, type Role, type WireFromHost } from '../../preload/contract';
import { createDispatcher } from '../core/dispatcher';
import type { TerminalCore } from '../core/services';
import type { Logger } from '../core/log';
import { CONTENT_SECURITY_POLICY } from '../core/csp';

export interface BrowserHostOptions {
  core: TerminalCore;
  log: Logger;
  /** Folder with the built renderer (out/renderer). */
  rendererDir: string;
  role: Role;
  /** 0 = any free port. */
  port?: number;
}

export interface BrowserHost {
  /** Everything a browser needs to open the app, secret included (in the fragment). */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const WS_PATH = '/__terminal/ws';

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
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { core, log, role } = options;
  const rendererDir = resolve(options.rendererDir);
  const secret = randomBytes(32).toString('base64url');
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

  const serveStatic = async (req: IncomingMessage, res: ServerResponse) => {
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
    const token = url.searchParams.get('token') ?? '';
    if (!safeEqual(token, secret)) return refuse(401, 'Unauthorized');
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
  const url = `${origin}/#bridge=${secret}`;

  return {
    url,
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
