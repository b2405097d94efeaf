// The terminal's (and a station hub's) call to redeem an electronic ID QR code
// (`POST /api/v1/identity/qr/redeem`, sync/protocol/id-qr.ts) over the platform transport's one request
// helper: same token, bounds and error codes. Never retried: a code is single use, and a redemption
// whose answer was lost has used it up (the resident refreshes the code on the phone).
import { idQrPaths, idQrRedeemResponse, type IdQrRedeemResponse } from '../protocol/id-qr';
import { SyncTransportError } from './errors';
import type { PlatformClient } from './transport';

export type IdQrTransport = Pick<PlatformClient, 'request'>;

/**
 * Redeems a scanned code; resolves with the holder's identity. A refusal throws `REQUEST_REFUSED`
 * with the platform's `ID_QR_*` code in `platformCode`; no network throws `OFFLINE`/`TIMEOUT`.
 * The answer is checked against the protocol (a broken or hostile platform gives `BAD_RESPONSE`).
 */
export async function redeemIdQr(client: IdQrTransport, code: string): Promise<IdQrRedeemResponse> {
  const json = await client.request('POST', idQrPaths.redeem, { code });
  const r = idQrRedeemResponse.safeParse(json);
  if (!r.success) throw new SyncTransportError('BAD_RESPONSE', 'id qr redeem: unexpected answer');
  return r.data;
}
