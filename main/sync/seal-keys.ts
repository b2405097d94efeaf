/**
 * This terminal's 电子印章 key and certificate (sync/protocol/seal.ts). The SM2 private key is made
 * here, on first need, and kept in main's secret store (`seal-private-key`); it never leaves main.
 * The platform certifies its public key (at enrollment, else `POST /terminals/seal`) and the answer —
 * the seal certificate and the platform's root public key, both public — is kept in
 * `<data>/sync/seal.json`. The root key there is the verifier's trust anchor (taken over the
 * enrolled channel, like the token); a certificate is only kept when it certifies this terminal's key
 * and chains to that root.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SecretStore } from './secrets';
import { writeFileAtomic } from '../core/atomic-file';
import { certificateSignedBy, isSm2PublicKey, makeSealRequest, newSm2KeyPair, publicKeyOf, sealIssue, type SealIssue, type SealRequest } from '../../sync/protocol/seal';

const SEAL_KEY = 'seal-private-key';
/** A certificate this close to its end is renewed (days). */
const RENEW_BEFORE_DAYS = 30;

const SealFile = z.object({ platform: z.string(), issue: sealIssue });

export class SealKeyError extends Error {}

export class SealKeys {
  private cached: { platform: string; issue: SealIssue } | null | undefined;
  constructor(
    private readonly secrets: () => Promise<SecretStore>,
    private readonly file: string,
  ) {}

  private async privateKey(create: boolean): Promise<string | null> {
    const store = await this.secrets();
    const b = await store.read(SEAL_KEY);
    const hex = b?.toString('utf8') ?? null;
    if (hex && /^[0-9a-f]{64}$/.test(hex)) return hex;
    if (!create) return null;
    const fresh = newSm2KeyPair().privateKey;
    await store.write(SEAL_KEY, Buffer.from(fresh, 'utf8'));
    return fresh;
  }

  /** The certificate request for this terminal's key (made now if there is none). */
  async request(): Promise<SealRequest> {
    return makeSealRequest((await this.privateKey(true))!);
  }

  private async load(): Promise<{ platform: string; issue: SealIssue } | null> {
    if (this.cached !== undefined) return this.cached;
    try {
      const r = SealFile.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      this.cached = r.success ? r.data : null;
    } catch {
      this.cached = null;
    }
    return this.cached;
  }

  /** Keeps a certificate the platform issued; throws SealKeyError when it is not for this key or does not chain to its root. */
  async adopt(platform: string, answer: unknown): Promise<SealIssue> {
    const r = sealIssue.safeParse(answer);
    if (!r.success) throw new SealKeyError('the seal certificate answer is malformed');
    const key = await this.privateKey(false);
    if (!key || publicKeyOf(key) !== r.data.certificate.publicKey) throw new SealKeyError("the seal certificate is not for this terminal's key");
    if (!isSm2PublicKey(r.data.rootPublicKey) || !certificateSignedBy(r.data.certificate, r.data.rootPublicKey)) throw new SealKeyError('the seal certificate does not chain to the root key given with it');
    const prior = await this.load();
    if (prior && prior.platform === platform && prior.issue.rootPublicKey !== r.data.rootPublicKey) throw new SealKeyError('the platform answered with another root key than the one this terminal trusts');
    await writeFileAtomic(this.file, JSON.stringify({ platform, issue: r.data }));
    this.cached = { platform, issue: r.data };
    return r.data;
  }

  /** Whether to ask the platform for a certificate: none for this platform and station, not for the current key, or ending soon. */
  async needsCertificate(platform: string, stationId: string | null, now = new Date()): Promise<boolean> {
    const s = await this.load();
    const key = await this.privateKey(false);
    if (!s || s.platform !== platform || s.issue.certificate.stationId !== stationId || !key || publicKeyOf(key) !== s.issue.certificate.publicKey) return true;
    return Date.parse(s.issue.certificate.notAfter) - now.getTime() < RENEW_BEFORE_DAYS * 24 * 3600 * 1000;
  }

  /** What seals documents now: the kept certificate and the key it certifies, or null (not certified yet, or expired). */
  async signer(now = new Date()): Promise<{ certificate: SealIssue['certificate']; privateKey: string } | null> {
    const s = await this.load();
    const key = await this.privateKey(false);
    if (!s || !key || publicKeyOf(key) !== s.issue.certificate.publicKey) return null;
    if (Date.parse(s.issue.certificate.notAfter) <= now.getTime()) return null;
    return { certificate: s.issue.certificate, privateKey: key };
  }

  /** The platform root key this terminal verifies seals against (null before the first certificate). */
  async rootPublicKey(): Promise<string | null> {
    return (await this.load())?.issue.rootPublicKey ?? null;
  }
}
