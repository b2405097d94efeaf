/** Bridge calls and events of the devices (ID card reader, printers, queue display, evaluator). */
import type { z } from 'zod';
import type { CallSpec } from './spec';

export const deviceCalls = {} as const satisfies Record<string, CallSpec>;
export const deviceEvents = {} as const satisfies Record<string, z.ZodType>;
