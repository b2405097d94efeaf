/**
 * A whole station for end-to-end journeys: the reference platform (demo catalog) behind the TCP
 * fault proxy, emulated devices on ptys, and a browser host of the given role enrolled through the
 * proxy. Shared by the kiosk journey and the counter/field scenario.
 */
import { startPlatform, type Platform } from '../sync/server/platform';
import { startFaultProxy, type FaultProxy } from './sync-fault-proxy';
import { startKioskDevices, type KioskDevices } from './kiosk-devices';
import { startHost, type RunningHost } from './host';

export const STATION = '360121201';

export interface Station {
  platform: Platform;
  proxy: FaultProxy;
  devices: KioskDevices;
  host: RunningHost;
  stop(): Promise<void>;
}

/** `devices`: more device bindings beside the emulated ones (e.g. a window-side `documentCamera`). */
export async function startStation(role: 'kiosk' | 'clerk', stationName: string, options: { devices?: Record<string, unknown> } = {}): Promise<Station> {
  const platform = await startPlatform({ seedDemo: true, heartbeatMs: 1000 });
  const u = new URL(platform.url);
  const proxy = await startFaultProxy({ host: u.hostname, port: Number(u.port) });
  const devices = await startKioskDevices();
  const host = await startHost({
    role,
    config: { role, stationName, platform: { url: proxy.url, enrollCode: await platform.createEnrollCode(STATION) }, devices: { ...devices.config, ...options.devices } },
  });
  return {
    platform,
    proxy,
    devices,
    host,
    async stop() {
      await host.stop();
      await devices.stop();
      await proxy.close();
      await platform.close();
    },
  };
}
