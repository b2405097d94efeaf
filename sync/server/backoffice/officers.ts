// Officer accounts, sessions, sign-in lockout and the audit log of the province's back office.
// Everything lives in the platform database (migration 018), so several server processes share it.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { createOfficerRequest, officerPassword, officerRole, type AuditRecord, type CreateOfficerRequest, type OfficerRole, type OfficerSummary } from '../../protocol/backoffice';
import { issuesOf } from '../../protocol/index';
import type { Database, Queryable } from '../db/driver';
import { PlatformError } from '../errors';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** scrypt cost: N = 2^15, r = 8 (32 MiB, ≈ 0.1 s a try on one core). */
export const PASSWORD_KDF = { logN: 15, r: 8, p: 1, keyLength: 32 } as const;
/** Failed sign-ins per login within LOCKOUT_MINUTES before the login is refused (429). */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
/** A session ends after this long without a request, and after SESSION_HOURS in any case. */
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_HOURS = 12;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { logN, r, p, keyLength } = PASSWORD_KDF;
  const hash = await scrypt(password, salt, keyLength, { N: 2 ** logN, r, p, maxmem: 128 * 1024 * 1024 });
  return ['scrypt', logN, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const got = await scrypt(password, Buffer.from(parts[4]!, 'base64'), expected.length, { N: 2 ** logN, r, p, maxmem: 256 * 1024 * 1024 });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Spent on unknown logins too, so a sign-in takes as long whether the login exists or not. */
let dummyHash: Promise<string> | null = null;

export interface Officer {
  id: string;
  name: string;
  roles: OfficerRole[];
  /** 通办: the divisions the officer works for (empty: the province's own officers). */
  divisions: string[];
}

interface OfficerRow {
  id: string;
  name: string;
  roles: string[];
  password_hash: string;
  divisions: string[] | null;
  disabled_at: string | Date | null;
  created_at: string | Date;
  last_sign_in_at: string | Date | null;
}

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());
const rolesOf = (roles: string[]): OfficerRole[] => roles.filter((r): r is OfficerRole => officerRole.safeParse(r).success);
const summary = (r: OfficerRow): OfficerSummary => ({ id: r.id, name: r.name, roles: rolesOf(r.roles), disabled: r.disabled_at !== null, createdAt: iso(r.created_at)!, lastSignInAt: iso(r.last_sign_in_at), divisions: r.divisions ?? [] });
const COLS = 'id, name, roles, password_hash, divisions, disabled_at, created_at, last_sign_in_at';

/** Who did something in the back office: a signed-in officer, the admin token (automation) or the CLI. */
export type Actor = { via: 'session'; officerId: string } | { via: 'admin-token' } | { via: 'cli'; officerId?: string };

export interface AuditEntry {
  action: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  address?: string | null;
  detail?: Record<string, unknown>;
}

export class OfficerStore {
  constructor(readonly db: Database) {}

  // ------------------------------------------------------------------ accounts

  async create(input: CreateOfficerRequest, createdBy: string | null): Promise<OfficerSummary> {
    const r = createOfficerRequest.safeParse(input);
    if (!r.success) throw new PlatformError('VALIDATION_FAILED', 'invalid officer', 400, issuesOf(r.error));
    const o = r.data;
    const divisions = await this.checkDivisions(o.divisions ?? []);
    const hash = await hashPassword(o.password);
    const rows = await this.db.query<OfficerRow>(
      `INSERT INTO officers (id, name, roles, password_hash, created_by, divisions) VALUES ($1, $2, $3::text[], $4, $5, $6::text[])
       ON CONFLICT (id) DO NOTHING RETURNING ${COLS}`,
      [o.id, o.name, [...new Set(o.roles)], hash, createdBy, divisions],
    );
    if (!rows[0]) throw new PlatformError('VALIDATION_FAILED', `an officer with the login "${o.id}" exists already`, 409, [{ path: 'id', message: 'taken' }]);
    return summary(rows[0]);
  }

  async list(): Promise<OfficerSummary[]> {
    const rows = await this.db.query<OfficerRow>(`SELECT ${COLS} FROM officers ORDER BY id`);
    return rows.map(summary);
  }

  async get(id: string): Promise<OfficerSummary | null> {
    const rows = await this.db.query<OfficerRow>(`SELECT ${COLS} FROM officers WHERE id = $1`, [id]);
    return rows[0] ? summary(rows[0]) : null;
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM officers');
    return Number(rows[0]?.n ?? 0);
  }

  /** Disables or enables an account, or changes its roles. Disabling ends its sessions. */
  async update(id: string, change: { disabled?: boolean; roles?: OfficerRole[]; divisions?: string[] }): Promise<OfficerSummary> {
    const divisions = change.divisions ? await this.checkDivisions(change.divisions) : null;
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<OfficerRow>(
        `UPDATE officers SET
           disabled_at = CASE WHEN $2::boolean IS NULL THEN disabled_at WHEN $2::boolean THEN coalesce(disabled_at, now()) ELSE NULL END,
           roles = coalesce($3::text[], roles),
           divisions = coalesce($4::text[], divisions)
         WHERE id = $1 RETURNING ${COLS}`,
        [id, change.disabled ?? null, change.roles ? [...new Set(change.roles)] : null, divisions],
      );
      if (!rows[0]) throw new PlatformError('NOT_FOUND', 'no officer with this login', 404);
      if (change.disabled) await this.endSessions(tx, id);
      return summary(rows[0]);
    });
  }

  /** Sets a new password; ends the officer's sessions and clears the lockout. */
  async resetPassword(id: string, password: string): Promise<void> {
    const r = officerPassword.safeParse(password);
    if (!r.success) throw new PlatformError('VALIDATION_FAILED', 'invalid password', 400, issuesOf(r.error).map((i) => ({ ...i, path: 'password' })));
    const hash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      const rows = await tx.query('UPDATE officers SET password_hash = $2, password_changed_at = now() WHERE id = $1 RETURNING id', [id, hash]);
      if (!rows[0]) throw new PlatformError('NOT_FOUND', 'no officer with this login', 404);
      await this.endSessions(tx, id);
      await tx.query('DELETE FROM officer_sign_in_failures WHERE login = $1', [id]);
    });
  }

  /** 通办: the officer's divisions, each once, every one in the division registry (else a clear error). */
  private async checkDivisions(codes: string[]): Promise<string[]> {
    const unique = [...new Set(codes)];
    if (unique.length === 0) return [];
    const known = new Set((await this.db.query<{ code: string }>('SELECT code FROM divisions WHERE code = ANY($1::text[])', [unique])).map((r) => r.code));
    const bad = codes.map((c, i) => ({ c, i })).filter(({ c }) => !known.has(c));
    if (bad.length) {
      throw new PlatformError('VALIDATION_FAILED', `unknown administrative division code ${bad.map(({ c }) => c).slice(0, 5).join(', ')}`, 400, bad.slice(0, 20).map(({ i }) => ({ path: `divisions.${i}`, message: 'not in the division registry (GB/T 2260)' })));
    }
    return unique;
  }

  private async endSessions(tx: Queryable, officerId: string): Promise<void> {
    await tx.query('UPDATE officer_sessions SET revoked_at = now() WHERE officer_id = $1 AND revoked_at IS NULL', [officerId]);
  }

  // ------------------------------------------------------------------ sign-in and sessions

  /**
   * Checks login and password. At most LOCKOUT_FAILURES failures per login within LOCKOUT_MINUTES
   * (counted for unknown logins too, so the answer never tells whether a login exists); then 429
   * until the window ends. A disabled account is refused like a wrong password.
   */
  async signIn(login: string, password: string): Promise<{ officer: Officer; token: string; expiresAt: string }> {
    const invalid = () => new PlatformError('INVALID_CREDENTIALS', 'unknown login or wrong password', 401);
    const key = login.slice(0, 64);
    const failures = await this.db.query<{ failures: number }>(
      `SELECT failures FROM officer_sign_in_failures WHERE login = $1 AND window_start > now() - interval '${LOCKOUT_MINUTES} minutes'`,
      [key],
    );
    if ((failures[0]?.failures ?? 0) >= LOCKOUT_FAILURES) {
      throw new PlatformError('TOO_MANY_ATTEMPTS', `too many failed sign-ins for this login; try again in ${LOCKOUT_MINUTES} minutes`, 429);
    }
    const rows = await this.db.query<OfficerRow>(`SELECT ${COLS} FROM officers WHERE id = $1`, [key]);
    const row = rows[0];
    dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
    const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash));
    if (!row || !ok || row.disabled_at !== null) {
      await this.db.query(
        `INSERT INTO officer_sign_in_failures (login, failures, window_start) VALUES ($1, 1, now())
         ON CONFLICT (login) DO UPDATE SET
           failures = CASE WHEN officer_sign_in_failures.window_start > now() - interval '${LOCKOUT_MINUTES} minutes' THEN officer_sign_in_failures.failures + 1 ELSE 1 END,
           window_start = CASE WHEN officer_sign_in_failures.window_start > now() - interval '${LOCKOUT_MINUTES} minutes' THEN officer_sign_in_failures.window_start ELSE now() END`,
        [key],
      );
      await this.db.query("DELETE FROM officer_sign_in_failures WHERE window_start < now() - interval '1 day'");
      throw invalid();
    }
    await this.db.query('DELETE FROM officer_sign_in_failures WHERE login = $1', [key]);
    const token = `bos_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000).toISOString();
    await this.db.query('INSERT INTO officer_sessions (token_hash, officer_id, expires_at) VALUES ($1, $2, $3)', [sha256(token), row.id, expiresAt]);
    await this.db.query('UPDATE officers SET last_sign_in_at = now() WHERE id = $1', [row.id]);
    await this.db.query("DELETE FROM officer_sessions WHERE expires_at < now() - interval '1 day'");
    return { officer: { id: row.id, name: row.name, roles: rolesOf(row.roles), divisions: row.divisions ?? [] }, token, expiresAt };
  }

  /** The officer of a live session (not revoked, not expired, not idle, account enabled); refreshes it. */
  async session(token: string): Promise<Officer | null> {
    if (!/^bos_[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const rows = await this.db.query<{ id: string; name: string; roles: string[]; divisions: string[] | null; last_seen_at: string | Date }>(
      `SELECT o.id, o.name, o.roles, o.divisions, s.last_seen_at FROM officer_sessions s JOIN officers o ON o.id = s.officer_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - interval '${SESSION_IDLE_MINUTES} minutes' AND o.disabled_at IS NULL`,
      [sha256(token)],
    );
    const r = rows[0];
    if (!r) return null;
    if (Date.now() - new Date(r.last_seen_at).getTime() > 60_000) await this.db.query('UPDATE officer_sessions SET last_seen_at = now() WHERE token_hash = $1', [sha256(token)]);
    return { id: r.id, name: r.name, roles: rolesOf(r.roles), divisions: r.divisions ?? [] };
  }

  async signOut(token: string): Promise<void> {
    await this.db.query('UPDATE officer_sessions SET revoked_at = coalesce(revoked_at, now()) WHERE token_hash = $1', [sha256(token)]);
  }

  // ------------------------------------------------------------------ audit

  async audit(actor: Actor, e: AuditEntry): Promise<void> {
    const officerId = 'officerId' in actor ? (actor.officerId ?? null) : null;
    await this.db.query('INSERT INTO backoffice_audit (officer_id, via, action, target, outcome, address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)', [
      officerId,
      actor.via,
      e.action.slice(0, 100),
      e.target?.slice(0, 200) ?? null,
      e.outcome,
      e.address?.slice(0, 64) ?? null,
      JSON.stringify(e.detail ?? {}),
    ]);
  }

  /** Newest first; `before` pages on by record id. */
  async auditLog(q: { officer?: string; action?: string; limit?: number; before?: number }): Promise<AuditRecord[]> {
    const rows = await this.db.query<{ id: string | number; at: string | Date; officer_id: string | null; via: string; action: string; target: string | null; outcome: AuditRecord['outcome']; detail: Record<string, unknown> }>(
      `SELECT id, at, officer_id, via, action, target, outcome, detail FROM backoffice_audit
        WHERE ($1::text IS NULL OR officer_id = $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [q.officer ?? null, q.action ?? null, q.before ?? null, q.limit ?? 100],
    );
    return rows.map((r) => ({ id: Number(r.id), at: iso(r.at)!, officerId: r.officer_id, via: r.via, action: r.action, target: r.target, outcome: r.outcome, detail: r.detail }));
  }
}
