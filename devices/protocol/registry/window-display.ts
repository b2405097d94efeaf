/** Registry entry: window LED strip on TST-BUS/1. Driver: devices/drivers/window-display.ts. */
import { z } from 'zod';
import { defineRole } from './entry.js';
import { transportConfigSchema } from './transport.js';

export const windowDisplayRoleSchema = z.object({
  driver: z.literal('tst-bus-led'),
  transport: transportConfigSchema,
  address: z.number().int().min(1).max(254).optional(),
});

export const windowDisplayRole = defineRole({
  role: 'window-display',
  configKey: 'windowDisplay',
  configSchema: windowDisplayRoleSchema,
  host: 'main',
  listing: 'always',
  notConfigured: { code: 'NOT_CONFIGURED' },
});
