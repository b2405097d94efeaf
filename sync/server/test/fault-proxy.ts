/**
 * A TCP fault proxy for the sync tests: sits between a terminal and the platform and, on command,
 * drops connections, refuses new ones, delays bytes, or cuts responses mid-way.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type FaultMode =
  | { kind: 'pass' }
  /** Refuse new connections and kill open ones (network cut). */
  | { kind: 'drop' }
  /** Delay every chunk in both directions. */
  | { kind: 'delay'; ms: number }
  /** Forward at most `bytes` of each response, then cut the connection. */
  | { kind: 'cut'; bytes: number };

export interface FaultProxy {
  url: string;
  port: number;
  set(mode: FaultMode): void;
  /** Kills all open connections (e.g. the SSE stream) without changing the mode. */
  reset(): void;
  stats: { connections: number; cut: number; dropped: number };
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }, listenPort = 0): Promise<FaultProxy> {
  let mode: FaultMode = { kind: 'pass' };
  const open = new Set<Socket>();
  const stats = { connections: 0, cut: 0, dropped: 0 };
  const server: Server = createServer((client) => {
    stats.connections++;
    if (mode.kind === 'drop') {
      stats.dropped++;
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
    upstream.on('close', kill);
    let sentBack = 0;
    const forward = (from: Socket, to: Socket, isResponse: boolean) => {
      from.on('data', (chunk: Buffer) => {
        const m = mode;
        if (m.kind === 'drop') return kill();
        let data = chunk;
        if (isResponse && m.kind === 'cut') {
          const room = m.bytes - sentBack;
          if (room <= 0) {
            stats.cut++;
            return kill();
          }
          if (data.length > room) data = data.subarray(0, room);
          sentBack += data.length;
          const cutNow = data.length < chunk.length;
          to.write(data, () => {
            if (cutNow) {
              stats.cut++;
              kill();
            }
          });
          return;
        }
        if (m.kind === 'delay') {
          from.pause();
          setTimeout(() => {
            if (!to.destroyed) to.write(data);
            from.resume();
          }, m.ms);
          return;
        }
        to.write(data);
      });
    };
    forward(client, upstream, false);
    forward(upstream, client, true);
  });
  await new Promise<void>((r) => server.listen(listenPort, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    set(m) {
      mode = m;
      if (m.kind === 'drop') for (const s of open) s.destroy();
    },
    reset() {
      for (const s of open) s.destroy();
      open.clear();
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
