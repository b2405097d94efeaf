/**
 * Worker thread that runs the embedded demo platform (PGlite + Fastify), so its WASM database
 * start-up and queries never block the main process's event loop (bridge calls, devices, the
 * browser host's page). Messages: in `{id, type:'enroll-code'|'close'}`, out `{type:'ready', url}`,
 * `{type:'failed', message}`, `{id, ok, value|message}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startPlatform } from '../../sync/server/platform';

interface Data {
  dataDir: string;
  port: number;
  stationId: string;
}

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as Data;
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform({ dataDir: data.dataDir, seedDemo: true, host: '127.0.0.1', port: data.port });
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  port.postMessage({ type: 'ready', url: platform.url });
  port.on('message', (message: { id: number; type: string }) => {
    void (async () => {
      try {
        if (message.type === 'enroll-code') {
          port.postMessage({ id: message.id, ok: true, value: await platform.createEnrollCode(data.stationId) });
        } else if (message.type === 'close') {
          await platform.close();
          port.postMessage({ id: message.id, ok: true, value: null });
          port.close();
        }
      } catch (error) {
        port.postMessage({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
}

void run();
