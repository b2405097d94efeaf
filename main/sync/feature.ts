/** Main side of sync: the platform transport, credentials and the database key (store and sync issue). */
import type { syncCalls } from '../../preload/contract/sync-calls';
import type { Feature, FeatureContext } from '../core/feature';

export function createSyncFeature(_ctx: FeatureContext): Feature<typeof syncCalls> {
  return { handlers: {}, start: async () => undefined, close: async () => undefined };
}
