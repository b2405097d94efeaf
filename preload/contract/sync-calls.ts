/** Bridge calls and events of the terminal store's replication (issue: store and sync). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const syncCalls = {} as const satisfies Record<string, CallSpec>;
export const syncEvents = {} as const satisfies Record<string, z.ZodType>;
