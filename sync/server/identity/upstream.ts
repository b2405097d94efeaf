// A station hub's 可信身份认证: it has no issuer of its own, so it forwards a scanned code to the
// province it is enrolled with (its own token) and relays the answer or the province's refusal.
import { isIdQrRefusalCode, type IdQrRedeemResponse } from '../../protocol/id-qr';
import { redeemIdQr, type IdQrTransport } from '../../client/id-qr';
import { SyncTransportError } from '../../client/errors';
import { PlatformError } from '../errors';
import { IdQrRefusal, type IdQrRedeemer, type IdQrService } from './id-qr';

export class UpstreamIdQrService implements IdQrService {
  readonly kind = 'upstream';
  constructor(private readonly upstream: () => IdQrTransport) {}

  async redeem(code: string, _by: IdQrRedeemer): Promise<IdQrRedeemResponse> {
    try {
      return await redeemIdQr(this.upstream(), code);
    } catch (e) {
      if (e instanceof SyncTransportError && e.code === 'REQUEST_REFUSED' && isIdQrRefusalCode(e.platformCode)) {
        // The province's English reason after "POST <path>: HTTP <status> <code>: ".
        throw new IdQrRefusal(e.platformCode, e.message.replace(/^.*?ID_QR_[A-Z_]+: /, '').slice(0, 300));
      }
      const why = e instanceof SyncTransportError ? e.code : 'ERROR';
      throw new PlatformError('ID_QR_UNAVAILABLE', `the province's identity service could not answer (${why}); try again, or use the ID card`, 503);
    }
  }
}
