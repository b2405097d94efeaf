/**
 * What a serial QR scanner reports (devices/scanner), as the device manager emits it and windows get
 * it (`devices.qrScan`, kiosk only). Pure zod, shared with the bridge contract. The text is whatever
 * was scanned (an electronic ID QR code is a one-time credential): never logged.
 */
import { z } from 'zod';
import { deviceErrorSchema } from './device-events.js';

export const QR_SCAN_MAX_LENGTH = 4096;

export const qrScanEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scan'), text: z.string().min(1).max(QR_SCAN_MAX_LENGTH), at: z.iso.datetime({ offset: true }) }),
  z.object({ type: z.literal('error'), error: deviceErrorSchema, at: z.iso.datetime({ offset: true }) }),
]);
export type QrScanEvent = z.infer<typeof qrScanEventSchema>;
