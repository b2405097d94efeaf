/** Registry entry: ESC/POS receipt printer. Driver: devices/drivers/receipt-printer.ts. */
import { z } from 'zod';
import { defineRole } from './entry.js';
import { transportConfigSchema } from './transport.js';

export const receiptPrinterRoleSchema = z.object({
  driver: z.literal('escpos'),
  transport: transportConfigSchema,
  /** Built-in font of the printer; characters outside it print as raster images. */
  printerCharset: z.enum(['gbk', 'gb18030']).optional(),
  /** False for write-only links (status then unknown). */
  bidirectional: z.boolean().optional(),
  /** How often to read DLE EOT status while idle (0 = never). */
  statusPollMs: z.number().int().min(0).max(600_000).optional(),
});

export const receiptPrinterRole = defineRole({
  role: 'receipt-printer',
  configKey: 'receiptPrinter',
  configSchema: receiptPrinterRoleSchema,
  host: 'main',
  listing: 'always',
  notConfigured: { code: 'NOT_CONFIGURED' },
});
