/** Registry entry: key-type 好差评 evaluator on TST-BUS/1. Driver: devices/drivers/evaluator.ts. */
import { z } from 'zod';
import { defineRole } from './entry.js';
import { transportConfigSchema } from './transport.js';

export const evaluatorRoleSchema = z.object({
  driver: z.literal('tst-bus-keypad'),
  transport: transportConfigSchema,
  address: z.number().int().min(1).max(254).optional(),
});

export const evaluatorRole = defineRole({
  role: 'evaluator',
  configKey: 'evaluator',
  configSchema: evaluatorRoleSchema,
  host: 'main',
  listing: 'always',
  // Pages fall back to their own rating buttons: say so from the start.
  notConfigured: { code: 'NO_EVALUATOR_DEVICE' },
  announceNotConfigured: true,
});
