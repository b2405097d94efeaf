/**
 * Demo mode: with no platform configured, main runs the reference platform in-process on loopback
 * (PGlite in the data folder, demo catalog), so a newcomer sees a real sync in the first minute.
 */
import path from 'node:path';
import { DEMO_STATIONS } from '../../sync/server/seed/demo';

export interface DemoPlatform {
  url: string;
  stationId: string;
  createEnrollCode(): Promise<string>;
  close(): Promise<void>;
}

export async function startDemoPlatform(dataDir: string, port = 0): Promise<DemoPlatform> {
  const { startPlatform } = await import('../../sync/server/platform');
  const p = await startPlatform({ dataDir: path.join(dataDir, 'demo-platform'), seedDemo: true, host: '127.0.0.1', port });
  const stationId = DEMO_STATIONS[0];
  return { url: p.url, stationId, createEnrollCode: () => p.createEnrollCode(stationId), close: () => p.close() };
}
