// Reconnect delays: exponential with "full jitter" (AWS architecture blog), so a hall full of
// terminals coming back after an outage does not hit the platform in lockstep. Pure.

export interface BackoffOptions {
  /** First delay ceiling, ms. */
  baseMs?: number;
  /** Largest delay ceiling, ms. */
  maxMs?: number;
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

/** Delay before attempt `attempt` (0-based): uniform in [base/2, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(0, attempt), 30));
  const floor = Math.min(base / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}

/** A resettable attempt counter around backoffDelay. */
export class Backoff {
  attempt = 0;
  constructor(private readonly options: BackoffOptions = {}) {}
  next(): number {
    return backoffDelay(this.attempt++, this.options);
  }
  reset(): void {
    this.attempt = 0;
  }
}
