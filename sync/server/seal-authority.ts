/**
 * The seal authority of the reference platform (电子印章, sync/protocol/seal.ts): one SM2 root key,
 * made once per database and kept in `platform_secrets` ('seal-root-key'); it signs a seal
 * certificate for a terminal's own key (the terminal proves it holds the private key; the platform
 * never sees it) at enrollment and on `POST /api/v1/terminals/seal`. Each certificate is recorded in
 * `seal_certificates` (migration 020).
 *
 * A station hub is no authority: it forwards its hall's requests to the province (`forwardingIssuer`),
 * so every certificate chains to the one province root.
 *
 * The one place to swap for the province's real 统一电子印章 service: implement `SealIssuer`.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db/driver';
import { PlatformError } from './errors';
import {
  checkSealRequest,
  issueSealCertificate,
  newSm2KeyPair,
  publicKeyOf,
  sealIssue,
  SEAL_CERTIFICATE_PATH,
  SEAL_ROOT_PATH,
  sealRootResponse,
  type SealIssue,
  type SealRequest,
} from '../protocol/seal';
import { DEFAULT_SEAL_NAME } from './e-licences/render';

/** Who gets a certificate: a terminal (or a hub's terminal) of a station. */
export interface SealSubject {
  terminalId: string;
  stationId: string;
}

export interface SealIssuer {
  /** Certifies the request's key for the subject; throws PlatformError SEAL_REQUEST_INVALID / SEAL_UNAVAILABLE. */
  issue(subject: SealSubject, request: SealRequest): Promise<SealIssue>;
  /** The root public key certificates chain to, or null when unknown (a hub that never reached the province). */
  rootPublicKey(): Promise<string | null>;
}

/** The seal's name under the star: a document word, kept with the platform's other document words. */
export { DEFAULT_SEAL_NAME };

export interface SealAuthorityOptions {
  /** How long a certificate is valid (days, default 730). */
  validityDays?: number;
  /** The clock (tests issue expired certificates). */
  now?: () => Date;
}

/**
 * Certificates start a day before they are issued: terminal clocks (field laptops) run behind, and a
 * document signed by a terminal a few hours slow right after enrollment must still verify.
 */
const BACKDATE_MS = 24 * 3600 * 1000;

export class SealAuthority implements SealIssuer {
  private root: Promise<string> | null = null;
  constructor(
    private readonly db: Queryable,
    private readonly options: SealAuthorityOptions = {},
  ) {}

  /** The root private key (hex), made on first use; every process over the database gets the same. */
  private rootKey(): Promise<string> {
    this.root ??= (async () => {
      await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('seal-root-key', $1) ON CONFLICT (name) DO NOTHING", [newSm2KeyPair().privateKey]);
      const rows = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'seal-root-key'");
      return rows[0]!.value;
    })();
    this.root.catch(() => {
      this.root = null;
    });
    return this.root;
  }

  async rootPublicKey(): Promise<string> {
    return publicKeyOf(await this.rootKey());
  }

  /** The root public key when this database has one, without making one (the verify-seal CLI). */
  async existingRootPublicKey(): Promise<string | null> {
    const rows = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'seal-root-key'");
    return rows[0] ? publicKeyOf(rows[0].value) : null;
  }

  async issue(subject: SealSubject, request: SealRequest): Promise<SealIssue> {
    if (!checkSealRequest(request)) throw new PlatformError('SEAL_REQUEST_INVALID', 'the seal key request is not signed by its own key (or the key is not an SM2 point)', 400);
    const rootKey = await this.rootKey();
    const names = await this.db.query<{ name: string | null }>("SELECT data->>'name' AS name FROM documents WHERE collection = 'station_config' AND data->>'stationId' = $1 LIMIT 1", [subject.stationId]);
    const now = (this.options.now ?? (() => new Date()))();
    const certificate = issueSealCertificate(
      {
        serial: randomBytes(16).toString('hex'),
        stationId: subject.stationId,
        stationName: (names[0]?.name ?? subject.stationId).slice(0, 100),
        sealName: DEFAULT_SEAL_NAME,
        terminalId: subject.terminalId,
        publicKey: request.publicKey,
        notBefore: new Date(now.getTime() - BACKDATE_MS).toISOString(),
        notAfter: new Date(now.getTime() + (this.options.validityDays ?? 730) * 24 * 3600 * 1000).toISOString(),
      },
      rootKey,
    );
    await this.db.query(
      'INSERT INTO seal_certificates (serial, station_id, terminal_id, public_key, not_before, not_after, certificate) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)',
      [certificate.serial, certificate.stationId, certificate.terminalId, certificate.publicKey, certificate.notBefore, certificate.notAfter, JSON.stringify(certificate)],
    );
    return { certificate, rootPublicKey: publicKeyOf(rootKey) };
  }
}

/** What a hub needs of its upstream link: an authenticated request. */
export interface UpstreamRequester {
  request(method: 'POST' | 'GET', path: string, body?: unknown): Promise<unknown>;
}

/**
 * A station hub's issuer: forwards to the province with the hub's token (`forTerminal` names the
 * hall's terminal) and checks the answer. The root it learned is remembered for `rootPublicKey`.
 */
export function forwardingIssuer(upstream: UpstreamRequester): SealIssuer {
  let root: string | null = null;
  return {
    async issue(subject, request) {
      if (!checkSealRequest(request)) throw new PlatformError('SEAL_REQUEST_INVALID', 'the seal key request is not signed by its own key (or the key is not an SM2 point)', 400);
      let answer: unknown;
      try {
        answer = await upstream.request('POST', SEAL_CERTIFICATE_PATH, { request, forTerminal: subject.terminalId });
      } catch (e) {
        throw new PlatformError('SEAL_UNAVAILABLE', `the province's seal authority could not be reached (${e instanceof Error ? e.message.slice(0, 200) : 'error'}); ask again later`, 503);
      }
      const r = sealIssue.safeParse(answer);
      if (!r.success || r.data.certificate.publicKey !== request.publicKey || r.data.certificate.terminalId !== subject.terminalId || r.data.certificate.stationId !== subject.stationId) {
        throw new PlatformError('SEAL_UNAVAILABLE', "the province's seal authority gave an unexpected answer", 502);
      }
      root = r.data.rootPublicKey;
      return r.data;
    },
    async rootPublicKey() {
      if (root) return root;
      const r = sealRootResponse.safeParse(await upstream.request('GET', SEAL_ROOT_PATH).catch(() => null));
      root = r.success ? r.data.rootPublicKey : null;
      return root;
    },
  };
}
