/**
 * Main side of clerk sign-in (the clerk workbench's staff login, session lock and offline PIN check).
 *
 * - Online: `POST /api/v1/staff/login` through the sync feature's PlatformClient (one transport, the
 *   terminal token). The answer's verifier is cached with the platform's `offlineValidUntil`.
 * - Offline: when the platform cannot be reached, the cached verifier is checked with scrypt here.
 *   Main also pulls the `staff` collection itself so staff who never signed in at this terminal can
 *   sign in offline; the page never sees a verifier.
 * - Lockout: `maxFailures` wrong PINs (online or offline) lock that staff id for `lockoutMinutes`,
 *   persisted with the cache (a restart does not reset it). The platform's own 429 also locks.
 * - Session: signed-out → active ⇄ locked, held here in main. The page measures inactivity (only it
 *   sees input) and calls `staff.lock`; `staff.unlock` checks the PIN here, and wrong PINs count
 *   toward the lockout. Main is the authority: the dispatcher asks `staff.session` before every
 *   `requiresStaff` call from the clerk window (documents.*) and refuses it unless `active`
 *   (NOT_SIGNED_IN / STAFF_LOCKED), whatever the page shows.
 *
 * Logs carry staff ids and codes only: never PINs, names or verifiers.
 */
import { paths, staffLoginResponse, staffDoc, type StaffDoc } from '../../sync/protocol';
import type { ClerkRole, SignedInStaff, StaffSession, clerkCalls } from '../../preload/contract/clerk-calls';
import { deviceEventsRequiringStaff } from '../../preload/contract/device-calls';
import type { Feature, FeatureContext } from '../core/feature';
import { HandlerError } from '../core/dispatcher';
import { StaffConfig } from '../core/config';
import type { PlatformClient } from '../../sync/client/transport';
import { SyncTransportError } from '../../sync/client/errors';
import { hostSecretStore, type SecretStore } from '../sync/secrets';
import { Lockout, transition, type SessionMachine } from './lockout';
import { contactOf, emptyCache, fromDoc, readCache, writeCache, type AgentContact, type CacheFile, type CachedStaff } from './cache';
import { verifyPin } from './verifier';

export interface StaffFeatureOptions {
  /** The platform transport (the sync feature's client), or null while not set up. */
  platform: () => PlatformClient | null;
  /** Resolves once the platform transport is set up (enrolled or failed); awaited at most 15 s. */
  ready?: () => Promise<void>;
  /** This terminal's station, once enrolled. */
  stationId: () => string | null;
  secrets?: SecretStore;
  now?: () => number;
  /** Roster refresh period, ms (default 10 min; first try 2 s after start). */
  refreshMs?: number;
}

export interface StaffFeature extends Feature<typeof clerkCalls> {
  /** Pulls the staff list from the platform now; resolves with the number cached. */
  refreshRoster(): Promise<number>;
  session(): StaffSession;
  /** The ID number and phone the cache holds for a staff id (the 授权委托书's 受托人); each absent when unknown. */
  agentContact(staffId: string): Promise<AgentContact>;
}

export const clerkRoleOf = (role: StaffDoc['role']): ClerkRole => (role === 'counter' ? 'counter' : role === 'supervisor' || role === 'admin' ? 'station-admin' : 'assistant');

/** ACCOUNT_LOCKED's params: the whole minutes left (at least 1); the words are the catalogue's `errors.ACCOUNT_LOCKED`. */
const lockedParams = (until: number, now: number) => ({ minutes: Math.max(1, Math.ceil((until - now) / 60_000)) });

export function createStaffFeature(ctx: FeatureContext, options: StaffFeatureOptions): StaffFeature {
  const log = ctx.log;
  const cfg = StaffConfig.parse(ctx.config.staff ?? {});
  const now = options.now ?? Date.now;
  const policy = { maxFailures: cfg.maxFailures, lockMs: cfg.lockoutMinutes * 60_000, windowMs: cfg.lockoutMinutes * 60_000 };
  let secrets: SecretStore | null = options.secrets ?? null;
  let cache: CacheFile = emptyCache();
  let lockout = new Lockout(policy, now);
  let loaded: Promise<void> | null = null;
  let machine: SessionMachine<SignedInStaff> = { state: 'signed-out', staff: null };
  let meta: { mode: 'online' | 'offline' | null; signedInAt: number | null; offlineValidUntil: number | null } = { mode: null, signedInAt: null, offlineValidUntil: null };
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let saving: Promise<void> = Promise.resolve();
  // A resident's card read reaches a clerk window only while someone is signed in and unlocked.
  const staffEvents = new Set<string>(deviceEventsRequiringStaff);
  const removeGate = ctx.events.addGate((name, role) => role !== 'clerk' || !staffEvents.has(name) || machine.state === 'active');

  async function getSecrets(): Promise<SecretStore> {
    secrets ??= await hostSecretStore(ctx.dataDir, ctx.host, (warning) => log.warn('secrets.not-protected-at-rest', { warning }));
    return secrets;
  }

  function load(): Promise<void> {
    loaded ??= (async () => {
      cache = await readCache(await getSecrets());
      lockout = new Lockout(policy, now, cache.lockout);
    })();
    return loaded;
  }

  function save(): Promise<void> {
    cache.lockout = lockout.snapshot();
    const snapshot = structuredClone(cache);
    saving = saving.then(async () => writeCache(await getSecrets(), snapshot)).catch((e) => log.error('staff.cache-write-failed', { error: e instanceof Error ? e.name : 'unknown' }));
    return saving;
  }

  const session = (): StaffSession => ({
    state: machine.state,
    staff: machine.staff,
    mode: machine.staff ? meta.mode : null,
    signedInAt: machine.staff ? meta.signedInAt : null,
    offlineValidUntil: machine.staff ? meta.offlineValidUntil : null,
    inactivityLockSec: cfg.inactivityLockMinutes * 60,
  });

  const emit = () => {
    if (!closed) ctx.events.emit('staff.session', session());
  };

  function upsert(entry: CachedStaff) {
    const i = cache.staff.findIndex((s) => s.id === entry.id);
    if (i >= 0) cache.staff[i] = entry;
    else cache.staff.push(entry);
  }

  /**
   * Refuses a login. `count`: the wrong PIN counts toward the lockout; not for a staff id that is not
   * this station's (unknown here, inactive or of another station): such tries can never succeed here
   * and must not lock anyone out.
   */
  function refuse(staffId: string, count = true): never {
    if (!count) {
      log.info('staff.login-refused', { staffId, reason: 'not-of-this-station' });
      throw new HandlerError('INVALID_CREDENTIALS', 'invalid staff id or PIN');
    }
    const r = lockout.fail(staffId);
    void save();
    if (r.locked) {
      log.warn('staff.locked-out', { staffId, minutes: cfg.lockoutMinutes });
      throw new HandlerError('ACCOUNT_LOCKED', 'too many wrong PINs; the staff id is locked', undefined, lockedParams(r.until, now()));
    }
    log.info('staff.login-refused', { staffId, remaining: r.remaining });
    throw new HandlerError('INVALID_CREDENTIALS', 'invalid staff id or PIN', undefined, { detail: 'INVALID_CREDENTIALS_REMAINING', remaining: r.remaining });
  }

  type Online = { kind: 'ok'; staff: StaffDoc; validUntil: number } | { kind: 'bad' } | { kind: 'locked' } | { kind: 'unreachable'; code: string };

  async function tryOnline(staffId: string, pin: string): Promise<Online> {
    if (options.ready && !options.platform()?.token) await Promise.race([options.ready().catch(() => undefined), new Promise((r) => setTimeout(r, 15_000).unref?.())]);
    const client = options.platform();
    if (!client?.token) return { kind: 'unreachable', code: 'NOT_ENROLLED' };
    try {
      const r = staffLoginResponse.safeParse(await client.request('POST', paths.staffLogin, { staffId, pin }));
      if (!r.success) return { kind: 'unreachable', code: 'BAD_RESPONSE' };
      return { kind: 'ok', staff: r.data.staff, validUntil: Date.parse(r.data.offlineValidUntil) };
    } catch (e) {
      if (!(e instanceof SyncTransportError)) return { kind: 'unreachable', code: 'UNKNOWN' };
      // The platform's PIN lockout (per station and staff id) locks here too; a plain rate limit
      // (429 RATE_LIMITED, too many requests from this terminal) is not a verdict on the PIN.
      if (e.message.includes('TOO_MANY_ATTEMPTS')) return { kind: 'locked' };
      if (e.status === 429) return { kind: 'unreachable', code: 'RATE_LIMITED' };
      if (e.message.includes('INVALID_CREDENTIALS')) return { kind: 'bad' };
      if (e.code === 'REQUEST_REFUSED' && e.status === 400) return { kind: 'bad' };
      // offline, timeout, 5xx, revoked terminal token, upgrade required: fall back to the verifier
      return { kind: 'unreachable', code: e.code };
    }
  }

  function signIn(entry: { id: string; name: string; role: StaffDoc['role'] }, mode: 'online' | 'offline', validUntil: number | null): StaffSession {
    machine = transition(machine, { type: 'login', staff: { id: entry.id, name: entry.name, role: clerkRoleOf(entry.role), platformRole: entry.role } });
    meta = { mode, signedInAt: now(), offlineValidUntil: validUntil };
    log.info('staff.login', { staffId: entry.id, mode });
    emit();
    return session();
  }

  /** Checks a PIN for a staff id; on success answers who it is and how it was checked. */
  async function check(staffId: string, pin: string): Promise<{ entry: CachedStaff; mode: 'online' | 'offline' }> {
    await load();
    const lock = lockout.check(staffId);
    if (lock.locked) throw new HandlerError('ACCOUNT_LOCKED', 'the staff id is locked', undefined, lockedParams(lock.until, now()));
    const online = await tryOnline(staffId, pin);
    if (online.kind === 'locked') {
      lockout.lockNow(staffId);
      void save();
      log.warn('staff.locked-by-platform', { staffId });
      throw new HandlerError('ACCOUNT_LOCKED', 'the platform refuses further attempts', undefined, lockedParams(now() + policy.lockMs, now()));
    }
    const station = options.stationId();
    const cached = cache.staff.find((s) => s.id === staffId);
    const ofThisStation = !!cached && cached.active && (!station || cached.stations.includes(station));
    // With a roster cached, a staff id it does not list for this station is refused uncounted.
    if (online.kind === 'bad') refuse(staffId, cache.staff.length === 0 || ofThisStation);
    if (online.kind === 'ok') {
      const entry = fromDoc(online.staff, online.validUntil);
      upsert(entry);
      lockout.succeed(staffId);
      await save();
      void refreshRoster().catch(() => undefined);
      return { entry, mode: 'online' };
    }
    log.info('staff.login-offline-attempt', { staffId, reason: online.code });
    const entry = cached;
    let ok = false;
    if (entry?.verifier && ofThisStation) {
      try {
        ok = await verifyPin(pin, entry.verifier);
      } catch (e) {
        log.warn('staff.verifier-unusable', { staffId, error: e instanceof Error ? e.message.slice(0, 80) : 'unknown' });
      }
    }
    if (!ok || !entry) refuse(staffId, ofThisStation);
    if (entry.offlineValidUntil < now()) {
      throw new HandlerError('OFFLINE_LOGIN_EXPIRED', 'the cached verifier has expired');
    }
    lockout.succeed(staffId);
    await save();
    return { entry, mode: 'offline' };
  }

  async function refreshRoster(): Promise<number> {
    const client = options.platform();
    if (!client?.token) return 0;
    await load();
    let checkpoint = (cache.checkpoint as { seq: number } | null) ?? null;
    const validUntil = now() + cfg.offlineDays * 86_400_000;
    for (let page = 0; page < 100; page++) {
      const r = await client.pull('staff', checkpoint, 500);
      for (const d of r.documents) {
        const doc = staffDoc.safeParse(d);
        if (!doc.success) continue;
        const existing = cache.staff.find((s) => s.id === doc.data.id);
        upsert(fromDoc(doc.data, Math.max(validUntil, existing?.offlineValidUntil ?? 0)));
      }
      checkpoint = r.checkpoint as { seq: number };
      if (r.documents.length + r.skipped < 500) break;
    }
    // the pull proves the platform is reachable now: every cached verifier is fresh again
    for (const s of cache.staff) s.offlineValidUntil = Math.max(s.offlineValidUntil, validUntil);
    cache.checkpoint = checkpoint;
    // closed while the pull ran (app quitting): write nothing after close() returned; the next
    // start pulls again from the saved checkpoint
    if (closed) return cache.staff.length;
    await save();
    log.info('staff.roster-refreshed', { count: cache.staff.length });
    return cache.staff.length;
  }

  const schedule = (ms: number) => {
    if (closed) return;
    timer = setTimeout(() => {
      refreshRoster()
        .then((n) => schedule(n > 0 ? (options.refreshMs ?? 600_000) : 5_000))
        .catch((e) => {
          log.info('staff.roster-refresh-failed', { code: e instanceof SyncTransportError ? e.code : 'UNKNOWN' });
          schedule(60_000);
        });
    }, ms);
    timer.unref?.();
  };

  const requireSignedIn = () => {
    if (!machine.staff) throw new HandlerError('NOT_SIGNED_IN', 'no staff member is signed in');
    return machine.staff;
  };

  return {
    handlers: {
      'staff.login': async ({ staffId, pin }) => {
        const { entry, mode } = await check(staffId, pin);
        return signIn(entry, mode, entry.offlineValidUntil);
      },
      'staff.unlock': async ({ pin }) => {
        const staff = requireSignedIn();
        // Always the PIN of the signed-in person, checked here; a wrong one counts toward the lockout.
        await check(staff.id, pin);
        if (machine.state === 'locked' && machine.staff?.id === staff.id) {
          machine = transition(machine, { type: 'unlock' });
          log.info('staff.unlock', { staffId: staff.id });
          emit();
        }
        return session();
      },
      'staff.lock': ({ reason }) => {
        if (machine.state === 'active') {
          machine = transition(machine, { type: 'lock' });
          log.info('staff.lock', { staffId: machine.staff?.id ?? null, reason });
          emit();
        }
        return session();
      },
      'staff.logout': () => {
        if (machine.staff) log.info('staff.logout', { staffId: machine.staff.id });
        machine = transition(machine, { type: 'logout' });
        meta = { mode: null, signedInAt: null, offlineValidUntil: null };
        emit();
        return session();
      },
      'staff.session': () => session(),
      'staff.roster': async () => {
        await load();
        const station = options.stationId();
        return cache.staff
          .filter((s) => s.active && s.verifier && (!station || s.stations.includes(station)))
          .map((s) => ({ id: s.id, name: s.name, role: clerkRoleOf(s.role), offlineValidUntil: s.offlineValidUntil }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
      },
    },
    async start() {
      void load().catch(() => undefined);
      // first pull as soon as the transport is set up (enrolled), then periodically
      void Promise.race([options.ready?.().catch(() => undefined), new Promise((r) => setTimeout(r, 30_000).unref?.())]).then(() => schedule(0));
    },
    async close() {
      closed = true;
      removeGate();
      if (timer) clearTimeout(timer);
      await saving;
    },
    refreshRoster,
    session,
    async agentContact(staffId) {
      await load();
      return contactOf(cache, staffId);
    },
  };
}
