/**
 * Bridge calls of 可信身份认证 (electronic ID QR code): the kiosk sends a scanned electronic ID QR code
 * (from the keyboard-wedge capture in the page or a serial scanner's `devices.qrScan` event); main
 * redeems it at the platform with the terminal's token (sync/client/id-qr.ts) and answers the
 * holder's identity, which the page turns into the resident's session like a card read. The answer
 * is personal data: memory only, never logged. Refusals carry the platform's `ID_QR_*` code and the
 * Chinese text of sync/protocol/id-qr.ts; no network is `ID_QR_NEEDS_NETWORK` (the kiosk offers the card).
 */
import { z } from 'zod';
import { call, type CallSpec } from './spec';
import { ID_QR_MAX_LENGTH, idQrRedeemResponse } from '../../sync/protocol/id-qr';

export const IdQrRedeemInput = z.strictObject({ code: z.string().min(1).max(ID_QR_MAX_LENGTH) });
export const IdQrIdentity = idQrRedeemResponse;
export type IdQrIdentity = z.infer<typeof IdQrIdentity>;

export const identityCalls = {
  'identity.redeemQr': call({ input: IdQrRedeemInput, output: IdQrIdentity, roles: ['kiosk'], timeoutMs: 25_000 }),
} as const satisfies Record<string, CallSpec>;
