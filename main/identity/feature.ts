/**
 * 可信身份认证 behind the bridge (preload/contract/identity-calls.ts): main redeems a scanned electronic
 * ID QR code at the platform the terminal is enrolled with (the province, or the station hub, which
 * forwards it) with the terminal's token, and answers the holder's identity. Never retried (a code is
 * single use). Failures come back with a stable code (the kiosk says each in its own words,
 * renderer/kiosk/id-qr.ts) and an English `message` (logs): the platform's refusals (`ID_QR_EXPIRED`,
 * `ID_QR_REPLAYED`, `ID_QR_FORGED`…) as they are; no network, a timeout, a hub or province that cannot answer → `ID_QR_NEEDS_NETWORK` (the kiosk
 * then offers the card). The identity and the code are never logged; log lines carry the outcome code.
 */
import type { identityCalls } from '../../preload/contract/identity-calls';
import { isIdQrRefusalCode, type IdQrRedeemResponse } from '../../sync/protocol/id-qr';
import { redeemIdQr } from '../../sync/client/id-qr';
import { SyncTransportError } from '../../sync/client/errors';
import type { PlatformClient } from '../../sync/client/transport';
import { HandlerError } from '../core/dispatcher';
import type { Feature, FeatureContext } from '../core/feature';


export interface IdentityFeatureDeps {
  /** The sync feature's platform client (one client, one token), once set up. */
  platform(): PlatformClient | null;
  /** Resolves when the sync feature has finished setting up (enrollment, demo platform). */
  ready(): Promise<void>;
  /** How long to wait for `ready` before answering "not enrolled" (default 10 s). */
  readyWaitMs?: number;
}

export type IdentityFeature = Feature<typeof identityCalls>;

const NETWORK_CODES = new Set(['OFFLINE', 'TIMEOUT', 'SERVER_ERROR', 'HUB_OFFLINE', 'PROVINCE_UNREACHABLE']);

export function createIdentityFeature(ctx: FeatureContext, deps: IdentityFeatureDeps): IdentityFeature {
  const log = ctx.log;

  async function client(): Promise<PlatformClient> {
    await Promise.race([deps.ready().catch(() => undefined), new Promise((r) => setTimeout(r, deps.readyWaitMs ?? 10_000))]);
    const c = deps.platform();
    if (!c || !c.token) throw new HandlerError('NOT_ENROLLED', 'the terminal is not enrolled with a platform');
    return c;
  }

  async function redeem(code: string): Promise<IdQrRedeemResponse> {
    const c = await client();
    try {
      const r = await redeemIdQr(c, code);
      log.info('identity.qr-redeemed', {});
      return r;
    } catch (e) {
      if (!(e instanceof SyncTransportError)) throw e;
      if (e.code === 'REQUEST_REFUSED' && isIdQrRefusalCode(e.platformCode)) {
        log.info('identity.qr-refused', { code: e.platformCode });
        // the kiosk says it by code in its own words (renderer/kiosk/id-qr.ts): main sends no text
        throw new HandlerError(e.platformCode, e.message);
      }
      log.warn('identity.qr-failed', { code: e.code, status: e.status ?? null });
      if (NETWORK_CODES.has(e.code)) throw new HandlerError('ID_QR_NEEDS_NETWORK', `the platform could not verify the code (${e.code})`);
      throw new HandlerError(e.code, e.message);
    }
  }

  return {
    handlers: {
      'identity.redeemQr': (input) => redeem(input.code),
    },
    async start() {},
    async close() {},
  };
}
