// 可信身份认证 by electronic ID QR code, platform side.
//
// `IdQrService` is the one adapter: the platform's routes (./routes.ts) call only it. The reference
// setup uses `ReferenceIdQrService` below (the platform signs codes itself, standing in for the
// province's phone app back end); a station hub uses `UpstreamIdQrService` (./upstream.ts, forwards to
// the province); the province's real 可信身份认证 service gets its own implementation of this
// interface and is passed to `buildApp({ identityQr })`.
//
// Reference issuer, why Ed25519 (node:crypto) and not SM2 (sm-crypto-v2): verification runs on
// untrusted input on every scan, and node:crypto's Ed25519 is native, constant-time and deterministic
// (no per-signature random number to get wrong), with 64-byte signatures that keep the code short for
// a keyboard-wedge scanner; sm-crypto-v2 is pure JavaScript on that hot, hostile path. The code format
// names its key (`kid`) and version, so an SM2-signed variant (TTID2) can be added when the
// province's service requires 国密; the province's own service verifies its own codes behind this
// interface either way.
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import {
  bytesToBase64Url,
  ID_QR_DEFAULT_TTL_SECONDS,
  ID_QR_HTTP_STATUS,
  ID_QR_PREFIX,
  ID_QR_VERSION,
  idQrHolder,
  parseIdQr,
  type IdQrClaims,
  type IdQrHolder,
  type IdQrIssueResponse,
  type IdQrRedeemResponse,
  type IdQrRefusalCode,
} from '../../protocol/id-qr';
import type { Queryable } from '../db/driver';
import { PlatformError } from '../errors';

/** Who redeems: the enrolled terminal (or station hub) whose token came with the request. */
export interface IdQrRedeemer {
  terminalId: string;
  stationId: string;
}

/** The adapter to a 可信身份认证 service. Refusals throw `IdQrRefusal` (a PlatformError with an `ID_QR_*` code). */
export interface IdQrService {
  /** What answers: `reference` (this platform signs), `upstream` (a hub forwarding), or the real service's name. */
  readonly kind: string;
  /** Verifies a scanned code and uses it up; resolves with the holder's identity. */
  redeem(code: string, by: IdQrRedeemer): Promise<IdQrRedeemResponse>;
  /** Issues a code for a holder, as the phone app would get one. Only a reference issuer can. */
  issue?(holder: IdQrHolder, ttlSeconds?: number): Promise<IdQrIssueResponse>;
}

/** A refused code: stable code, English reason (logs, API; never the code's text or personal data). */
export class IdQrRefusal extends PlatformError {
  constructor(
    readonly refusal: IdQrRefusalCode,
    message: string,
  ) {
    super(refusal, message, ID_QR_HTTP_STATUS[refusal]);
  }
}

export interface ReferenceIdQrOptions {
  /** The issuer's clock (tests move it past a code's expiry). */
  now?: () => Date;
  issuer?: string;
  /** Called with the outcome of every redemption (codes only: no holder data, no code text). */
  onOutcome?: (outcome: { result: 'ok' | IdQrRefusalCode; stationId: string }) => void;
}

const ISSUER_KEY = 'id-qr-issuer-key';
const SEAL_KEY = 'id-qr-seal-key';

interface Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  seal: Buffer;
}

export class ReferenceIdQrService implements IdQrService {
  readonly kind = 'reference';
  private keys: Promise<Keys> | null = null;
  private readonly now: () => Date;
  private readonly issuer: string;

  constructor(
    private readonly db: Queryable,
    private readonly options: ReferenceIdQrOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.issuer = options.issuer ?? 'ref-platform';
  }

  /** The issuer key and the sealing key: made once per database, shared by every process over it. */
  private loadKeys(): Promise<Keys> {
    this.keys ??= (async () => {
      const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await this.db.query('INSERT INTO platform_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [ISSUER_KEY, pem]);
      await this.db.query('INSERT INTO platform_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [SEAL_KEY, randomBytes(32).toString('hex')]);
      const rows = await this.db.query<{ name: string; value: string }>('SELECT name, value FROM platform_secrets WHERE name = ANY($1)', [[ISSUER_KEY, SEAL_KEY]]);
      const get = (n: string) => rows.find((r) => r.name === n)?.value ?? '';
      const privateKey = createPrivateKey(get(ISSUER_KEY));
      const publicKey = createPublicKey(privateKey);
      const kid = bytesToBase64Url(createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest().subarray(0, 8));
      return { privateKey, publicKey, kid, seal: Buffer.from(get(SEAL_KEY), 'hex') };
    })();
    this.keys.catch(() => {
      this.keys = null;
    });
    return this.keys;
  }

  async issue(holderInput: IdQrHolder, ttlSeconds = ID_QR_DEFAULT_TTL_SECONDS): Promise<IdQrIssueResponse> {
    const holder = idQrHolder.parse(holderInput);
    const k = await this.loadKeys();
    const now = this.now();
    const iat = Math.floor(now.getTime() / 1000);
    const jti = bytesToBase64Url(randomBytes(16));
    const claims: IdQrClaims = { v: ID_QR_VERSION, iss: this.issuer, kid: k.kid, jti, iat, exp: iat + ttlSeconds, hb: binding(k.seal, jti, holder) };
    const signedText = `${ID_QR_PREFIX}${ID_QR_VERSION}.${bytesToBase64Url(Buffer.from(JSON.stringify(claims), 'utf8'))}`;
    const signature = sign(null, Buffer.from(signedText, 'ascii'), k.privateKey);
    const expiresAt = new Date(claims.exp * 1000);
    await this.db.query('INSERT INTO id_qr_codes (jti, kid, holder_sealed, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [jti, k.kid, sealHolder(k.seal, jti, holder), new Date(iat * 1000).toISOString(), expiresAt.toISOString()]);
    // Housekeeping: holders of expired codes go at once, the rows a day later.
    await this.db.query('UPDATE id_qr_codes SET holder_sealed = NULL WHERE expires_at < $1 AND holder_sealed IS NOT NULL', [now.toISOString()]);
    await this.db.query('DELETE FROM id_qr_codes WHERE expires_at < $1', [new Date(now.getTime() - 86_400_000).toISOString()]);
    return { code: `${signedText}.${bytesToBase64Url(signature)}`, expiresAt: expiresAt.toISOString() };
  }

  async redeem(code: string, by: IdQrRedeemer): Promise<IdQrRedeemResponse> {
    try {
      const r = await this.check(code, by);
      this.options.onOutcome?.({ result: 'ok', stationId: by.stationId });
      return r;
    } catch (e) {
      if (e instanceof IdQrRefusal) this.options.onOutcome?.({ result: e.refusal, stationId: by.stationId });
      throw e;
    }
  }

  private async check(code: string, by: IdQrRedeemer): Promise<IdQrRedeemResponse> {
    const parsed = parseIdQr(code);
    if (!parsed.ok) throw new IdQrRefusal(parsed.code, parsed.reason);
    const { claims } = parsed;
    const k = await this.loadKeys();
    // Signature first: a forged code is forged, whatever its claims say about time.
    if (claims.kid !== k.kid) throw new IdQrRefusal('ID_QR_FORGED', 'the code names a key this issuer does not have');
    if (claims.iss !== this.issuer) throw new IdQrRefusal('ID_QR_FORGED', 'the code names another issuer');
    if (!verify(null, Buffer.from(parsed.signedText, 'ascii'), k.publicKey, parsed.signature)) throw new IdQrRefusal('ID_QR_FORGED', 'the signature does not verify');
    const now = this.now();
    if (claims.exp * 1000 <= now.getTime()) throw new IdQrRefusal('ID_QR_EXPIRED', `the code expired ${Math.round(now.getTime() / 1000 - claims.exp)} s ago`);
    // Single use: one UPDATE marks it used; of two concurrent redemptions exactly one gets the row.
    const used = await this.db.query<{ holder_sealed: string | null }>(
      `UPDATE id_qr_codes t SET redeemed_at = $2, redeemed_by = $3, station_id = $4, holder_sealed = NULL
         FROM (SELECT jti, holder_sealed FROM id_qr_codes WHERE jti = $1) old
        WHERE t.jti = old.jti AND t.redeemed_at IS NULL AND t.expires_at > $2
        RETURNING old.holder_sealed`,
      [claims.jti, now.toISOString(), by.terminalId, by.stationId],
    );
    if (used.length === 0) {
      const [row] = await this.db.query<{ redeemed_at: string | null }>('SELECT redeemed_at FROM id_qr_codes WHERE jti = $1', [claims.jti]);
      if (!row) throw new IdQrRefusal('ID_QR_UNKNOWN', 'no code with this id was issued here (or its record was removed after expiry)');
      if (row.redeemed_at) throw new IdQrRefusal('ID_QR_REPLAYED', 'the code was used already');
      throw new IdQrRefusal('ID_QR_EXPIRED', 'the code expired');
    }
    const sealed = used[0]!.holder_sealed;
    const holder = sealed ? openHolder(k.seal, claims.jti, sealed) : null;
    if (!holder) throw new IdQrRefusal('ID_QR_UNKNOWN', 'the holder record of this code is gone or unreadable');
    const expected = Buffer.from(binding(k.seal, claims.jti, holder));
    const got = Buffer.from(claims.hb);
    if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw new IdQrRefusal('ID_QR_FORGED', 'the code is not bound to the holder on record');
    return { holder, issuer: claims.iss, issuedAt: new Date(claims.iat * 1000).toISOString(), expiresAt: new Date(claims.exp * 1000).toISOString() };
  }
}

/** `hb`: HMAC-SHA256(seal key, "id-qr-binding" ‖ jti ‖ ID number ‖ name), 16 bytes, base64url. */
function binding(seal: Buffer, jti: string, holder: IdQrHolder): string {
  const mac = createHmac('sha256', seal).update(`id-qr-binding\n${jti}\n${holder.idNumber}\n${holder.name}`, 'utf8').digest();
  return bytesToBase64Url(mac.subarray(0, 16));
}

/** AES-256-GCM under a key derived from the seal key; the jti is the associated data (a row cannot be moved to another code). */
function sealHolder(seal: Buffer, jti: string, holder: IdQrHolder): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', createHmac('sha256', seal).update('id-qr-seal').digest(), iv);
  c.setAAD(Buffer.from(jti, 'ascii'));
  const body = Buffer.concat([c.update(JSON.stringify(holder), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

function openHolder(seal: Buffer, jti: string, sealed: string): IdQrHolder | null {
  try {
    const raw = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', createHmac('sha256', seal).update('id-qr-seal').digest(), raw.subarray(0, 12));
    d.setAAD(Buffer.from(jti, 'ascii'));
    d.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    const r = idQrHolder.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
