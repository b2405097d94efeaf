/**
 * The browser bridge: `window.terminal` for pages served by the browser host (main/host).
 *
 * The host injects this script before the app. It takes the per-launch secret from the URL
 * fragment (`#bridge=…`), keeps it in sessionStorage for reloads, restores a clean URL, and
 * forwards calls over a WebSocket to the host, which validates everything (main/core/dispatcher).
 * Calls made before the socket is open wait for it; calls in flight when it drops fail with
 * BRIDGE_UNAVAILABLE, and the bridge reconnects with backoff.
 *
 * Types only from the contract: this file must stay tiny and free of zod.
 */
import type { Envelope, TerminalBridge, WireFromHost } from './contract';

const TOKEN_KEY = 'terminal.bridge';
const WS_PATH = '/__terminal/ws';
const CALL_TIMEOUT_MS = 60_000;

function takeToken(): string | null {
  const match = /(?:^#|&)bridge=([A-Za-z0-9_-]{20,128})/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function install(): void {
  const token = takeToken();
  type Pending = { resolve: (e: Envelope) => void; timer: ReturnType<typeof setTimeout> };
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retry = 0;

  const unavailable = (message: string): Envelope => ({ ok: false, error: { code: 'BRIDGE_UNAVAILABLE', message } });

  const connect = () => {
    if (!token) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
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
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.resolve(unavailable('the connection to the terminal host was lost'));
        pending.delete(id);
      }
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 200 * 2 ** retry);
    };
  };

  const bridge: TerminalBridge = {
    kind: 'browser',
    invoke(name, input) {
      if (!token) return Promise.resolve(unavailable('no bridge secret: open the URL printed by the host'));
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
  connect();
}

if (!('terminal' in window)) install();
