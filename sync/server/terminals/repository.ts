// Terminals: one-time enrollment codes, enrollment (a terminal id and a bearer token, stored as a
// hash only), the token → terminal lookup (cached a few seconds per process), revocation, and the
// province-wide key of the applicant ID lookup hash that every enrolled terminal receives.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Database } from '../db/driver';
import type { Documents } from '../db/documents';
import { PlatformError } from '../errors';
import { STATION_HUB_DETAIL } from '../../protocol/index';
import { applicantLookupHash, plainIdNumber, provinceLookupSalt, TERMINAL_HASHED_STATUSES } from '../id-hash';

/**
 * How long a process trusts a token lookup. A revocation made through the platform (its API, its CLI,
 * any process) reaches every process's cache at once by NOTIFY, and a process whose listening
 * connection was lost empties its cache when it is back; this bound is for a row changed by hand.
 */
export const TOKEN_CACHE_MS = 30_000;
/** NOTIFY channel of revoked terminal ids (payload: the id). */
export const REVOCATIONS_CHANNEL = 'terminal_revoked';

export interface TerminalIdentity {
  terminalId: string;
  stationId: string;
  label: string | null;
  hub: boolean;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export class Terminals {
  constructor(
    private readonly db: Database,
    private readonly documents: Pick<Documents, 'upsertAsPlatform'>,
  ) {}

  async createEnrollCode(stationId: string, ttlMinutes = 24 * 60): Promise<{ code: string; expiresAt: string }> {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
    let raw = '';
    for (let i = 0; i < 10; i++) raw += alphabet[randomInt(alphabet.length)];
    const expiresAt = new Date(Date.now() + ttlMinutes * 60_000).toISOString();
    await this.db.query('INSERT INTO enroll_codes (code_hash, station_id, expires_at) VALUES ($1, $2, $3)', [sha256(`enroll:${raw}`), stationId, expiresAt]);
    return { code: `${raw.slice(0, 5)}-${raw.slice(5)}`, expiresAt };
  }

  /** Redeems a one-time code: a new terminal id and bearer token (stored as a hash only). */
  async enroll(code: string, label: string | undefined, kind: 'terminal' | 'station_hub' = 'terminal'): Promise<{ terminalId: string; stationId: string; token: string; idHashKey: string }> {
    const normalized = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    const token = `trm_${randomBytes(32).toString('base64url')}`;
    const terminalId = `T-${randomBytes(6).toString('hex')}`;
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ station_id: string }>(
        `UPDATE enroll_codes SET used_at = now(), terminal_id = $2
          WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING station_id`,
        [sha256(`enroll:${normalized}`), terminalId],
      );
      const stationId = rows[0]?.station_id;
      if (!stationId) throw new PlatformError('ENROLL_CODE_INVALID', 'the enrollment code is unknown, used or expired', 400);
      if (kind === 'station_hub') {
        // One station hub per station: two would run two queues for one hall (two residents holding
        // the same number) and split its terminals. A replacement (the old one's disk died) is enrolled
        // once the old one is revoked. The refusal rolls back, so the code stays usable. Concurrent
        // hub enrollments of one station wait for each other here (PGlite: one connection anyway).
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`station-hub:${stationId}`]);
        const [other] = await tx.query<{ id: string; created_at: Date | string }>(
          "SELECT id, created_at FROM terminals WHERE station_id = $1 AND kind = 'station_hub' AND revoked_at IS NULL ORDER BY created_at LIMIT 1",
          [stationId],
        );
        if (other) {
          const enrolledAt = new Date(other.created_at).toISOString();
          throw new PlatformError(
            'STATION_HUB_EXISTS',
            `station ${stationId} already has a station hub (${other.id}, enrolled ${enrolledAt}); revoke it first (in the back office, or POST /api/v1/admin/terminals/${other.id}/revoke), then start this one again with the same code`,
            409,
            // Machine-readable: a hub that finds its own id here is this province at another address.
            [
              { path: STATION_HUB_DETAIL.terminalId, message: other.id },
              { path: STATION_HUB_DETAIL.enrolledAt, message: enrolledAt },
            ],
          );
        }
      }
      await tx.query('INSERT INTO terminals (id, station_id, token_hash, label, kind) VALUES ($1, $2, $3, $4, $5)', [terminalId, stationId, sha256(token), label ?? null, kind]);
      return { terminalId, stationId, token };
    }).then(async (r) => ({ ...r, idHashKey: await this.idHashKey() }));
  }

  private idHashKeyValue: Promise<string> | null = null;

  /**
   * The province-wide key of the applicant ID lookup hash (32 random bytes, hex), made once and kept
   * in `platform_secrets`: every process over the same database hands out the same key.
   */
  idHashKey(): Promise<string> {
    this.idHashKeyValue ??= (async () => {
      await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('id-hash-key', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32).toString('hex')]);
      const rows = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'id-hash-key'");
      return rows[0]!.value;
    })();
    this.idHashKeyValue.catch(() => {
      this.idHashKeyValue = null;
    });
    return this.idHashKeyValue;
  }

  /**
   * Rewrites the lookup hash of stored applications the platform owns to the province hash, once per
   * key (a marker in platform_secrets): applications stored before there was one key carry their
   * terminal's salt, and their terminal may not change them any more. Answers how many changed.
   */
  async normalizeIdHashes(): Promise<number> {
    const key = await this.idHashKey();
    const marker = createHash('sha256').update(`normalized:${key}`).digest('hex').slice(0, 32);
    const done = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'id-hash-normalized'");
    if (done[0]?.value === marker) return 0;
    const salt = provinceLookupSalt(key);
    const rows = await this.db.query<{ data: Record<string, unknown> }>(
      "SELECT data FROM documents WHERE collection = 'applications' AND data->'applicant'->>'idNumber' IS NOT NULL AND data->>'applicantIdHash' IS NOT NULL",
    );
    const changed = rows
      .map((r) => r.data)
      .filter((d) => !TERMINAL_HASHED_STATUSES.has(String(d.status)))
      .flatMap((d) => {
        const id = plainIdNumber(d);
        const h = id ? applicantLookupHash(salt, id) : null;
        return h && h !== d.applicantIdHash ? [{ ...d, applicantIdHash: h }] : [];
      });
    if (changed.length) await this.documents.upsertAsPlatform('applications', changed);
    await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('id-hash-normalized', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [marker]);
    return changed.length;
  }

  /**
   * Takes the province's key in place of this database's own (a station hub: its hall's terminals
   * must hash a resident's ID number exactly as every other terminal of the province does).
   * Returns whether the stored key changed.
   */
  async adoptIdHashKey(key: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new PlatformError('VALIDATION_FAILED', 'an ID hash key is 64 lowercase hex digits', 400);
    const before = await this.db.query<{ value: string }>("SELECT value FROM platform_secrets WHERE name = 'id-hash-key'");
    if (before[0]?.value === key) return false;
    await this.db.query("INSERT INTO platform_secrets (name, value) VALUES ('id-hash-key', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [key]);
    this.idHashKeyValue = null;
    return true;
  }

  /**
   * Token → terminal, cached for a few seconds per process (a revocation reaches other server
   * processes within TOKEN_CACHE_MS). Unknown tokens are not cached.
   */
  private readonly tokenCache = new Map<string, { value: TerminalIdentity; until: number }>();

  async terminalByToken(token: string): Promise<TerminalIdentity | null> {
    const key = sha256(token);
    const hit = this.tokenCache.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await this.lookupToken(token);
    if (value) {
      if (this.tokenCache.size > 10_000) this.tokenCache.clear();
      this.tokenCache.set(key, { value, until: Date.now() + TOKEN_CACHE_MS });
    } else this.tokenCache.delete(key);
    return value;
  }

  private async lookupToken(token: string): Promise<TerminalIdentity | null> {
    const rows = await this.db.query<{ id: string; station_id: string; label: string | null; kind: string }>(
      'SELECT id, station_id, label, kind FROM terminals WHERE token_hash = $1 AND revoked_at IS NULL',
      [sha256(token)],
    );
    const r = rows[0];
    return r ? { terminalId: r.id, stationId: r.station_id, label: r.label, hub: r.kind === 'station_hub' } : null;
  }

  /**
   * Revokes a terminal's token. Other processes over the database (more platform processes, a script)
   * hear it through `NOTIFY terminal_revoked` on commit and drop it from their token caches
   * (`listenForRevocations`), so it stops working everywhere at once, not after TOKEN_CACHE_MS.
   */
  async revokeTerminal(terminalId: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      'WITH r AS (UPDATE terminals SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id) SELECT r.id, pg_notify($2, r.id) FROM r',
      [terminalId, REVOCATIONS_CHANNEL],
    );
    this.forgetTerminal(terminalId);
    return rows.length > 0;
  }

  /** Drops a terminal's cached token (its revocation was heard). */
  forgetTerminal(terminalId: string): void {
    for (const [k, v] of this.tokenCache) if (v.value.terminalId === terminalId) this.tokenCache.delete(k);
  }

  /** Listens for revocations made by any process over this database; returns the unlisten. */
  listenForRevocations(): Promise<() => Promise<void>> {
    // Back after a lost connection: a revocation may have been missed, so every cached token is looked up again.
    return this.db.listen(REVOCATIONS_CHANNEL, (terminalId) => this.forgetTerminal(terminalId), () => this.tokenCache.clear());
  }
}
