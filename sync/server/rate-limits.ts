// Rate limits of the platform (issue 13): per address and per token, on enrollment, staff login,
// push and attachment upload, with @fastify/rate-limit. On PostgreSQL the counters live in the
// database (`rate_limit_counters`, migration 023; counts reserved ahead per process far from a
// limit), so several platform processes behind one load balancer share one allowance (issue 16
// item 3); on PGlite (one process by construction) they are in memory. A station hub's token
// gets `hubFactor` times a terminal's allowance: it carries a whole hall's traffic upstream, and its
// drain after an outage must not be throttled into failure. Exceeding answers 429 RATE_LIMITED with
// Retry-After; the platform client treats a 429 as a transient server error and backs off.
import { readFileSync } from 'node:fs';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { issuesOf } from '../protocol/index';
import { DEFAULT_PARTIAL_UPLOADS, type PartialUploadPolicy } from './attachments/repository';
import { ASYNC_COMMIT } from './db/documents';
import type { Queryable } from './db/driver';
import { PlatformError } from './errors';

/** Requests per window: per client address, and per token (absent = not limited by token). */
export interface RateLimit {
  perAddress: number;
  perToken?: number;
}

export interface RateLimits {
  windowMs: number;
  /** `POST /terminals/enroll` (no token yet: by address only). */
  enroll: RateLimit;
  /** `POST /staff/login`. */
  login: RateLimit;
  /** `POST /sync/:collection/push`. */
  push: RateLimit;
  /** `PUT /attachments/:sha256` (one request per chunk). */
  upload: RateLimit;
  /** A station hub's token may make this many times a terminal's requests. */
  hubFactor: number;
}

/**
 * Defaults for a hall of ~15 terminals behind one hub, and a province that sees many halls, some
 * behind one NAT address: per-address limits are wide, per-token limits are what bind a terminal.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  windowMs: 60_000,
  enroll: { perAddress: 20 },
  login: { perAddress: 300, perToken: 20 },
  push: { perAddress: 12_000, perToken: 1_200 },
  upload: { perAddress: 12_000, perToken: 1_200 },
  hubFactor: 20,
};

/** What `buildApp` takes (`security`): rate limits and the partial-upload quota, each member optional. */
export interface SecurityOptions {
  rateLimits?: Partial<Omit<RateLimits, 'enroll' | 'login' | 'push' | 'upload'>> & Partial<Record<'enroll' | 'login' | 'push' | 'upload', Partial<RateLimit>>>;
  partialUploads?: Partial<PartialUploadPolicy>;
  /**
   * Bearer token a metrics scraper (Prometheus) sends to `GET /api/v1/metrics`, which answers only
   * to it and to the admin token (issue 13 item 6); it opens nothing else. Env `PLATFORM_METRICS_TOKEN`.
   */
  metricsToken?: string;
}

export function securitySettings(o: SecurityOptions = {}): { rateLimits: RateLimits; partialUploads: PartialUploadPolicy } {
  const r = o.rateLimits ?? {};
  const group = (name: 'enroll' | 'login' | 'push' | 'upload'): RateLimit => ({ ...DEFAULT_RATE_LIMITS[name], ...r[name] });
  const rateLimits: RateLimits = {
    windowMs: r.windowMs ?? DEFAULT_RATE_LIMITS.windowMs,
    hubFactor: r.hubFactor ?? DEFAULT_RATE_LIMITS.hubFactor,
    enroll: group('enroll'),
    login: group('login'),
    push: group('push'),
    upload: group('upload'),
  };
  for (const [name, v] of Object.entries(rateLimits)) {
    const values = typeof v === 'number' ? [v] : Object.values(v as RateLimit);
    if (values.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`rate limit ${name} must be whole numbers ≥ 1`);
  }
  const partialUploads = { ...DEFAULT_PARTIAL_UPLOADS, ...o.partialUploads };
  if (Object.values(partialUploads).some((n) => !Number.isInteger(n) || n < 1)) throw new Error('partial upload quota and expiry must be whole numbers ≥ 1');
  return { rateLimits, partialUploads };
}

const count = z.int().min(1).max(1_000_000_000);
const limitSchema = z.strictObject({ perAddress: count.optional(), perToken: count.optional() });
/** The JSON file of `npm run platform -- serve --limits FILE` (every member optional). */
export const securityOptionsFile = z.strictObject({
  rateLimits: z
    .strictObject({ windowMs: count.optional(), hubFactor: count.optional(), enroll: limitSchema.optional(), login: limitSchema.optional(), push: limitSchema.optional(), upload: limitSchema.optional() })
    .optional(),
  partialUploads: z.strictObject({ maxUploads: count.optional(), maxBytes: count.optional(), expireMs: count.optional() }).optional(),
});

/** Reads and checks a limits file; the error names the file and the member. */
export function readSecurityOptions(file: string): SecurityOptions {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PlatformError('VALIDATION_FAILED', `--limits ${file}: ${e instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`, 400);
  }
  const r = securityOptionsFile.safeParse(json);
  if (!r.success) throw new PlatformError('VALIDATION_FAILED', `--limits ${file}: ${issuesOf(r.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`, 400);
  return r.data as SecurityOptions;
}

type Group = 'enroll' | 'login' | 'push' | 'upload';

function groupOf(req: FastifyRequest): Group | null {
  const url = req.routeOptions.url;
  if (req.method === 'POST' && url === '/api/v1/terminals/enroll') return 'enroll';
  if (req.method === 'POST' && url === '/api/v1/staff/login') return 'login';
  if (req.method === 'POST' && url === '/api/v1/sync/:collection/push') return 'push';
  if (req.method === 'PUT' && url === '/api/v1/attachments/:sha256') return 'upload';
  return null;
}

/** Who made an authenticated request, as the rate limits key it (null: anonymous or the back office). */
export type TokenKey = (req: FastifyRequest) => { id: string; hub: boolean } | null;

/**
 * Counts one request under `key` in a window of `windowMs`; the count so far and the ms left of the
 * window. `max` (the limit the count is held against, when the caller knows it) lets a shared counter
 * reserve counts ahead (`databaseRateCounter`).
 */
export type RateCounter = (key: string, windowMs: number, max?: number) => Promise<{ current: number; ttl: number }>;

/** Deletes counters idle for a window once every this many counted requests (per process). */
const PRUNE_EVERY = 2_000;
/** The most counts a process reserves at once for one key (see `databaseRateCounter`). */
export const MAX_RESERVED = 16;
/** A process reserves at most this share of what is left of a key's allowance. */
const RESERVE_SHARE = 16;

/**
 * How many counts to reserve for `waiting` requests of a key whose allowance is `max` and of which
 * `used` are counted so far in this window (as far as this process knows): every waiting request,
 * and ahead of them at most 1/RESERVE_SHARE of what is left (≤ MAX_RESERVED), so a limit of a few
 * requests is counted one by one, exactly, across processes.
 */
export function reserveSize(waiting: number, max: number | undefined, used: number): number {
  const ahead = max === undefined ? 1 : Math.min(MAX_RESERVED, Math.floor(Math.max(0, max - used) / RESERVE_SHARE));
  return Math.max(1, waiting, ahead);
}

/**
 * A counter in the database, shared by every process over it: one upsert of the key's row (a request
 * past the row's window starts a new one), timed by the database's clock. Committed asynchronously (no
 * WAL flush to wait for: every request of one address updates the same row, and a synchronous commit
 * held its row lock through a flush, serialising those requests; a crash may forget the last few counts).
 *
 * A process reserves counts ahead (`reserveSize`): the upsert adds k to the row, and the next k − 1
 * requests of that key in this process take the counts reserved, with no statement, until the window
 * ends. Every allowed request still holds a count of its own at or below the limit in the shared row,
 * so across processes a key is never allowed more than its limit per window; counts reserved and not
 * used by the window's end are lost (at most MAX_RESERVED − 1 a key, window and process: a limit
 * binds at most that much early). Requests of a key that arrive while its upsert runs wait for it and
 * are reserved for together. Idle rows are pruned now and then.
 */
export function databaseRateCounter(db: Queryable): RateCounter {
  interface KeyState {
    /** The next reserved count and the last one; valid until `until` (this process's clock). */
    next: number;
    last: number;
    until: number;
    waiting: { resolve: (r: { current: number; ttl: number }) => void; reject: (e: unknown) => void }[];
    reserving: boolean;
  }
  const keys = new Map<string, KeyState>();
  let sincePrune = 0;

  const take = (s: KeyState, now: number) => ({ current: s.next++, ttl: Math.max(0, s.until - now) });
  async function reserve(key: string, s: KeyState, windowMs: number, max: number | undefined): Promise<void> {
    s.reserving = true;
    try {
      while (s.waiting.length > 0) {
        const sent = Date.now();
        // What this process knows is counted in the window: the last count it reserved, if the window holds.
        const k = reserveSize(s.waiting.length, max, sent < s.until ? s.last : 0);
        const rows = await db.query<{ hits: number; ttl: number | string }>(
          `${ASYNC_COMMIT}
           INSERT INTO rate_limit_counters AS c (key, window_start, hits) SELECT $1, now(), $3 FROM async_commit
           ON CONFLICT (key) DO UPDATE SET
             hits = CASE WHEN c.window_start > now() - $2::integer * interval '1 millisecond' THEN c.hits + $3 ELSE $3 END,
             window_start = CASE WHEN c.window_start > now() - $2::integer * interval '1 millisecond' THEN c.window_start ELSE now() END
           RETURNING hits, (extract(epoch FROM (window_start + $2::integer * interval '1 millisecond' - now())) * 1000)::float8 AS ttl`,
          [key, windowMs, k],
        );
        const r = rows[0]!;
        const hits = Number(r.hits);
        // Timed from when the statement was sent: the reserved counts never outlive the row's window here.
        s.until = sent + Math.max(0, Math.round(Number(r.ttl)));
        s.next = hits - k + 1;
        s.last = hits;
        const now = Date.now();
        for (const w of s.waiting.splice(0, k)) w.resolve(take(s, now));
      }
    } catch (e) {
      for (const w of s.waiting.splice(0)) w.reject(e);
    } finally {
      s.reserving = false;
    }
  }

  return (key, windowMs, max) => {
    if (++sincePrune >= PRUNE_EVERY) {
      sincePrune = 0;
      void db.query("DELETE FROM rate_limit_counters WHERE window_start < now() - $1::integer * interval '2 milliseconds'", [windowMs]).catch(() => undefined);
      const now = Date.now();
      for (const [k, s] of keys) if (s.until <= now && !s.reserving) keys.delete(k);
    }
    let s = keys.get(key);
    if (!s) keys.set(key, (s = { next: 1, last: 0, until: 0, waiting: [], reserving: false }));
    const now = Date.now();
    if (!s.reserving && now < s.until && s.next <= s.last) return Promise.resolve(take(s, now));
    return new Promise((resolve, reject) => {
      s.waiting.push({ resolve, reject });
      if (!s.reserving) void reserve(key, s, windowMs, max);
    });
  };
}

/** @fastify/rate-limit's store over a `RateCounter` (every limiter and route shares the one counter). */
function counterStore(counter: RateCounter): FastifyRateLimitStoreCtor {
  return class CounterStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max?: number): void {
      counter(key, timeWindow, typeof max === 'number' && Number.isFinite(max) ? max : undefined).then(
        (r) => callback(null, r),
        (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
      );
    }
    child(): CounterStore {
      return this;
    }
  };
}

/**
 * Installs the limits. With `counter` (the platform on PostgreSQL: `databaseRateCounter`) the counts
 * are shared through it; without, each process counts in memory. Call after the authentication hook (a `preParsing` hook): the per-address
 * check runs at `onRequest` (before the token is even looked up), the per-token one at `preParsing`.
 */
export async function installRateLimits(app: FastifyInstance, limits: RateLimits, tokenOf: TokenKey, counter?: RateCounter): Promise<void> {
  await app.register(rateLimit, { global: false, timeWindow: limits.windowMs, ...(counter ? { store: counterStore(counter) } : {}) });
  const groups: Group[] = ['enroll', 'login', 'push', 'upload'];
  const byAddress = new Map(groups.map((g) => [g, app.createRateLimit({ max: limits[g].perAddress, timeWindow: limits.windowMs, keyGenerator: (req) => `${g}:ip:${req.ip}` })]));
  const byToken = new Map(
    groups.flatMap((g) => {
      const per = limits[g].perToken;
      if (per === undefined) return [];
      return [
        [
          g,
          app.createRateLimit({
            timeWindow: limits.windowMs,
            keyGenerator: (req) => `${g}:token:${tokenOf(req)?.id ?? '-'}`,
            max: async (req) => (tokenOf(req)?.hub ? per * limits.hubFactor : per),
          }),
        ] as const,
      ];
    }),
  );

  const check = async (req: FastifyRequest, limiter: ReturnType<FastifyInstance['createRateLimit']>, what: string) => {
    const r = await limiter(req);
    if (r.isAllowed || !r.isExceeded) return;
    throw Object.assign(new PlatformError('RATE_LIMITED', `too many ${what} requests; try again in ${r.ttlInSeconds} s`, 429), { retryAfter: r.ttlInSeconds });
  };

  app.addHook('onRequest', async (req, reply) => {
    const g = groupOf(req);
    if (!g) return;
    try {
      await check(req, byAddress.get(g)!, `${g} (from this address)`);
    } catch (e) {
      void reply.header('retry-after', String((e as { retryAfter?: number }).retryAfter ?? 1));
      throw e;
    }
  });
  app.addHook('preParsing', async (req, reply) => {
    const g = groupOf(req);
    const limiter = g ? byToken.get(g) : undefined;
    if (!g || !limiter || !tokenOf(req)) return;
    try {
      await check(req, limiter, `${g} (for this terminal)`);
    } catch (e) {
      void reply.header('retry-after', String((e as { retryAfter?: number }).retryAfter ?? 1));
      throw e;
    }
  });
}
