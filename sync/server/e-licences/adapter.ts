// 电子证照: the one seam between the platform and a licence service. The reference platform answers
// from its own library (library.ts, tables of migration 019); an integrator points the platform at
// the province's 统一电子证照 service by implementing `LicenceService` (mapping our type codes,
// sync/protocol/e-licences.ts, to the province's catalogue) and passing it as `buildApp({ licences })`.
//
// An adapter's answers are not trusted: the routes (routes.ts) validate every record with the
// protocol's `licenceRecord`, check that it is the holder and a type that was asked for, and hash the
// file bytes against the record before anything reaches a terminal. A broken answer is a 502 with
// the reason, never a half-checked licence.
import type { LicenceTypeCode } from '../../protocol/e-licences';

export interface LicenceService {
  /** For logs and the health of the link (e.g. `library`, `province-gateway`). */
  readonly kind: string;
  /**
   * The holder's licences of these types, valid or not (the platform filters by the station's day).
   * Each element should be a `licenceRecord`; anything else is refused by the caller.
   */
  lookup(holderIdHash: string, types: readonly LicenceTypeCode[]): Promise<unknown[]>;
  /** One licence's record and its file bytes, or null when there is no such licence. */
  file(id: string): Promise<{ record: unknown; bytes: Uint8Array } | null>;
}

/** The licence service failed or answered something malformed (HTTP 502 to the terminal). */
export class LicenceServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LicenceServiceError';
  }
}
