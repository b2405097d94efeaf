/**
 * The browser bridge: `window.terminal` for pages served by the browser host (main/host).
 *
 * The host injects this script before the app. It takes the one-time launch code from the URL
 * fragment (`#launch=…`), restores a clean URL at once, and posts the code to the host, which
 * answers with an HttpOnly session cookie (main/host/launch.ts): the page never holds the bridge
 * credential and keeps nothing in storage; a reload reuses the cookie. Calls go over a WebSocket to
 * the host, which validates everything (main/core/dispatcher).
 * Calls made before the socket is open wait for it; calls in flight when it drops fail with
 * BRIDGE_UNAVAILABLE, and the bridge reconnects with backoff.
 *
 * Types only from the contract: this file must stay tiny and free of zod.
 */
import type { Envelope, TerminalBridge, WireFromHost } from './contract';

const WS_PATH = '/__terminal/ws';
const SESSION_PATH = '/__terminal/session';
const CALL_TIMEOUT_MS = 60_000;

/** The launch code in the fragment, if any; the address bar is cleaned before anything else runs. */
function takeLaunchCode(): string | null {
  const match = /(?:^#|&)launch=([A-Za-z0-9_.-]{20,200})/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return match[1];
}

/** Exchanges the code for the session cookie; false if the host refused it (used, forged, expired). */
async function openSession(code: string): Promise<boolean> {
  try {
    const r = await fetch(SESSION_PATH, { method: 'POST', credentials: 'same-origin', cache: 'no-store', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
    return r.ok;
  } catch {
    return false;
  }
}

function install(): void {
  const code = takeLaunchCode();
  /** `none`: no session (no code, or a refused one, and no cookie from before): calls fail at once. */
  let session: 'opening' | 'open' | 'none' = 'opening';
  type Pending = { resolve: (e: Envelope) => void; timer: ReturnType<typeof setTimeout> };
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retry = 0;

  const unavailable = (message: string): Envelope => ({ ok: false, error: { code: 'BRIDGE_UNAVAILABLE', message } });

  const noSession = () => unavailable('no bridge session: open a new link from the terminal host');
  let opened = false;

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The session cookie goes with the upgrade (same origin); nothing secret is in the URL.
    const ws = new WebSocket(`${scheme}://${location.host}${WS_PATH}`);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      session = 'open';
      retry = 0;
      while (queue.length) ws.send(queue.shift() as string);
    };
    ws.onmessage = (event) => {
      let message: WireFromHost;
      try {
        message = JSON.parse(String(event.data)) as WireFromHost;
      } catch {
        return;
      }
      if (message.type === 'result') {
        const p = pending.get(message.id);
        if (p) {
          pending.delete(message.id);
          clearTimeout(p.timer);
          p.resolve(message.envelope);
        }
      } else if (message.type === 'event') {
        for (const l of listeners.get(message.name) ?? []) {
          try {
            l(message.payload);
          } catch (error) {
            console.error('terminal event listener failed', error);
          }
        }
      }
    };
    ws.onclose = () => {
      socket = null;
      // Never connected at all: the host does not know this page (no or a refused session).
      if (!opened) session = 'none';
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.resolve(session === 'none' ? noSession() : unavailable('the connection to the terminal host was lost'));
        pending.delete(id);
      }
      queue.length = 0;
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 200 * 2 ** retry);
    };
  };

  const bridge: TerminalBridge = {
    kind: 'browser',
    invoke(name, input) {
      if (session === 'none') return Promise.resolve(noSession());
      const id = nextId++;
      const text = JSON.stringify({ type: 'call', id, name, input });
      return new Promise<Envelope>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'TIMEOUT', message: `${name} got no answer from the host` } });
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve, timer });
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };

  Object.defineProperty(window, 'terminal', { value: Object.freeze(bridge), writable: false, configurable: false, enumerable: true });
  // A refused code still tries the socket: a cookie from before (a reload) may hold a session.
  if (code) void openSession(code).then(connect);
  else connect();
}

if (!('terminal' in window)) install();
