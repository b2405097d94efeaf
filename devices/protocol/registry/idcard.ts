/** Registry entry: second-generation ID card reader (GA 467 SAM frames). Driver: devices/drivers/idcard.ts. */
import { z } from 'zod';
import { defineRole } from './entry.js';
import { transportConfigSchema } from './transport.js';

export const idCardRoleSchema = z.object({
  driver: z.literal('sam'),
  transport: transportConfigSchema,
  /** ≥ 300 ms (reader vendors' advice). */
  pollIntervalMs: z.number().int().min(300).max(60_000).optional(),
  /** Read 30 10 (base + fingerprint) instead of 30 01. */
  withFingerprint: z.boolean().optional(),
  commandTimeoutMs: z.number().int().min(100).max(30_000).optional(),
});

export const idCardRole = defineRole({
  role: 'idcard',
  configKey: 'idcard',
  configSchema: idCardRoleSchema,
  host: 'main',
  listing: 'always',
  notConfigured: { code: 'NOT_CONFIGURED' },
});
