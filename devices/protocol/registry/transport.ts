/** Transport configurations every role's config uses (devices/transport builds them). Pure zod. */
import { z } from 'zod';

const usbId = z.number().int().min(0).max(0xffff);

export const serialTransportSchema = z.object({
  kind: z.literal('serial'),
  /** Device path, or `auto` (ID card reader only): probe serial ports with the SAM status command. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().optional(),
  /** Ports to try when path is `auto`; default: the OS list plus /dev/ttyUSB* and /dev/ttyACM*. */
  probeCandidates: z.array(z.string().min(1)).optional(),
});
export const transportConfigSchema = z.discriminatedUnion('kind', [
  serialTransportSchema,
  z.object({ kind: z.literal('tcp'), host: z.string().min(1), port: z.number().int().min(1).max(65535).optional() }),
  z.object({ kind: z.literal('usb-lp'), path: z.string().min(1) }),
  z.object({ kind: z.literal('usb-bulk'), vendorId: usbId, productId: usbId, interfaceNumber: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal('hid'), vendorId: usbId, productId: usbId, path: z.string().optional(), reportSize: z.number().int().min(8).max(1024).optional() }),
]);
export type TransportConfigInput = z.infer<typeof transportConfigSchema>;
