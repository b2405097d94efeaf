/** Main side of devices: the device manager (devices/manager) behind the bridge. */
import type { deviceCalls } from '../../preload/contract/device-calls';
import type { Feature, FeatureContext } from '../core/feature';

export function createDeviceFeature(_ctx: FeatureContext): Feature<typeof deviceCalls> {
  return { handlers: {}, start: async () => undefined, close: async () => undefined };
}
