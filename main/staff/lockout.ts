/**
 * Sign-in lockout and session lock as plain state machines with an injectable clock (unit-tested).
 *
 * Lockout: `maxFailures` wrong PINs for one staff id within `windowMs` lock that id for `lockMs`.
 * A success clears the count. The state is a plain object so main can persist it (a restart must
 * not reset the count).
 */

export interface LockoutPolicy {
  maxFailures: number;
  /** How long a lock lasts. */
  lockMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

export interface LockoutEntry {
  failures: number[];
  lockedUntil: number | null;
}

export type LockoutState = Record<string, LockoutEntry>;

export type LockoutCheck = { locked: false; remaining: number } | { locked: true; until: number };

export class Lockout {
  private state: LockoutState;

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly now: () => number = Date.now,
    initial: LockoutState = {},
  ) {
    this.state = structuredClone(initial);
  }

  private entry(id: string): LockoutEntry {
    const t = this.now();
    const e = this.state[id] ?? { failures: [], lockedUntil: null };
    if (e.lockedUntil !== null && e.lockedUntil <= t) {
      e.lockedUntil = null;
      e.failures = [];
    }
    e.failures = e.failures.filter((f) => t - f < this.policy.windowMs);
    this.state[id] = e;
    return e;
  }

  check(id: string): LockoutCheck {
    const e = this.entry(id);
    if (e.lockedUntil !== null) return { locked: true, until: e.lockedUntil };
    return { locked: false, remaining: this.policy.maxFailures - e.failures.length };
  }

  /** Records a wrong PIN; answers the state after it. */
  fail(id: string): LockoutCheck {
    const e = this.entry(id);
    if (e.lockedUntil !== null) return { locked: true, until: e.lockedUntil };
    const t = this.now();
    e.failures.push(t);
    if (e.failures.length >= this.policy.maxFailures) {
      e.lockedUntil = t + this.policy.lockMs;
      return { locked: true, until: e.lockedUntil };
    }
    return { locked: false, remaining: this.policy.maxFailures - e.failures.length };
  }

  /** The platform said "too many attempts": lock locally as well. */
  lockNow(id: string): LockoutCheck {
    const e = this.entry(id);
    e.lockedUntil = this.now() + this.policy.lockMs;
    return { locked: true, until: e.lockedUntil };
  }

  succeed(id: string): void {
    delete this.state[id];
  }

  snapshot(): LockoutState {
    for (const id of Object.keys(this.state)) {
      const e = this.entry(id);
      if (!e.failures.length && e.lockedUntil === null) delete this.state[id];
    }
    return structuredClone(this.state);
  }
}

/**
 * The clerk session: signed-out → active ⇄ locked → signed-out. Inactivity is measured in the
 * page (only the page sees input); main keeps the state so a reload or a second window cannot
 * skip the lock, and refuses clerk work while locked.
 */
export type SessionState = 'signed-out' | 'active' | 'locked';

export interface SessionMachine<S> {
  state: SessionState;
  staff: S | null;
}

export function transition<S>(m: SessionMachine<S>, event: { type: 'login'; staff: S } | { type: 'lock' } | { type: 'unlock' } | { type: 'logout' }): SessionMachine<S> {
  switch (event.type) {
    case 'login':
      return { state: 'active', staff: event.staff };
    case 'lock':
      return m.state === 'active' ? { ...m, state: 'locked' } : m;
    case 'unlock':
      return m.state === 'locked' ? { ...m, state: 'active' } : m;
    case 'logout':
      return { state: 'signed-out', staff: null };
  }
}
