/** Registry entry: serial QR scanner in line mode. Driver: devices/drivers/qr-scanner.ts. */
import { z } from 'zod';
import { defineRole } from './entry.js';
import { serialTransportSchema } from './transport.js';

/** A QR scanner on a serial port in line mode (devices/scanner/line-framing.ts); keyboard-wedge scanners need no configuration. */
export const qrScannerRoleSchema = z.object({
  driver: z.literal('serial-line'),
  transport: serialTransportSchema,
  /** Longest line accepted (default 4096). */
  maxLength: z.number().int().min(16).max(4096).optional(),
  /** An unfinished line is dropped after this many ms without bytes (default 300). */
  quietMs: z.number().int().min(20).max(5000).optional(),
});

export const qrScannerRole = defineRole({
  role: 'qr-scanner',
  configKey: 'qrScanner',
  configSchema: qrScannerRoleSchema,
  host: 'main',
  // Optional hardware (a keyboard-wedge scanner needs no driver): listed only when configured.
  listing: 'when-configured',
  notConfigured: { code: 'NOT_CONFIGURED' },
});
