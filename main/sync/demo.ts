/**
 * Demo mode: with no platform configured, main runs the reference platform on loopback (PGlite
 * in the data folder, demo catalog), so a newcomer sees a real sync in the first minute. It runs
 * in a worker thread (demo-worker.ts): PGlite's start-up takes seconds of CPU and must not stall
 * the bridge or the page.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEMO_STATIONS } from '../../sync/server/seed/demo';

export interface DemoPlatform {
  url: string;
  stationId: string;
  createEnrollCode(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The worker: the bundled entry next to the main bundle, or, running from sources (tsx, vitest),
 * the TypeScript file loaded through tsx's loader registered inside the worker. `workerFile` names
 * the bundled entry explicitly (the smoke test of the build, demo-bundle.test.ts).
 */
function createWorker(workerData: unknown, workerFile?: string): Worker {
  if (workerFile) return new Worker(workerFile, { workerData });
  const here = import.meta.dirname;
  for (const candidate of [path.join(here, 'demo-platform-worker.js'), path.join(here, '..', 'demo-platform-worker.js')]) {
    if (existsSync(candidate)) return new Worker(candidate, { workerData });
  }
  const source = pathToFileURL(path.join(here, 'demo-worker.ts')).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

export async function startDemoPlatform(dataDir: string, port = 0, options: { workerFile?: string } = {}): Promise<DemoPlatform> {
  const stationId = DEMO_STATIONS[0];
  const worker = createWorker({ dataDir: path.join(dataDir, 'demo-platform'), port, stationId }, options.workerFile);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;

  const url = await new Promise<string>((resolve, reject) => {
    worker.on('message', (m: { type?: string; url?: string; message?: string; id?: number; ok?: boolean; value?: unknown }) => {
      if (m.type === 'ready' && m.url) resolve(m.url);
      else if (m.type === 'failed') reject(new Error(`demo platform failed to start: ${m.message ?? ''}`));
      else if (typeof m.id === 'number') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new Error(m.message ?? 'demo platform error'));
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error(`demo platform exited (${code})`));
      pending.clear();
      reject(new Error(`demo platform exited (${code}) before it was ready`));
    });
  });

  const ask = (type: string): Promise<unknown> => {
    if (exited) return Promise.reject(new Error('demo platform is not running'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, type });
    });
  };

  return {
    url,
    stationId,
    createEnrollCode: async () => String(await ask('enroll-code')),
    async close() {
      if (exited) return;
      await Promise.race([ask('close').catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
    },
  };
}
