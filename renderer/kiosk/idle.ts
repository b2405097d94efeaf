/**
 * Kiosk idle reset as a plain state machine (no DOM, no Vue): injectable clock and timers.
 *
 *   stopped ──start()──▶ active ──(idle timeout)──▶ countdown ──(countdown reaches 0)──▶ reset
 *                          ▲                           │                                  │
 *                          └──────── activity() ───────┘◀──────── onReset(), re-armed ────┘
 *
 * `activity()` (any pointerdown, keydown, touchstart, wheel) in `active` restarts the idle period;
 * in `countdown` it cancels the countdown. In elderly mode both periods are multiplied by
 * `elderlyTimeoutFactor`, so nobody is rushed.
 */

export type IdlePhase = 'stopped' | 'active' | 'countdown';

export interface IdleConfig {
  /** Seconds without input before the countdown starts. */
  idleTimeoutSec: number;
  /** Seconds of visible countdown before the reset. */
  countdownSec: number;
  /** Multiplier for both periods in elderly mode (≥ 1). */
  elderlyTimeoutFactor: number;
}

/** Time source and timers, so tests can drive the machine without waiting. */
export interface IdleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface IdleSnapshot {
  phase: IdlePhase;
  /** Whole seconds left in the countdown (0 outside the countdown). */
  remainingSec: number;
}

export interface IdleTimings {
  idleMs: number;
  countdownSec: number;
}

export const browserClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The periods in force, with the elderly factor applied when `elderly` is on. */
export function effectiveTimings(config: IdleConfig, elderly: boolean): IdleTimings {
  const factor = elderly ? Math.max(1, config.elderlyTimeoutFactor) : 1;
  return {
    idleMs: Math.round(config.idleTimeoutSec * factor * 1000),
    countdownSec: Math.ceil(config.countdownSec * factor),
  };
}

type Listener = (snapshot: IdleSnapshot) => void;

export class IdleResetMachine {
  private phaseValue: IdlePhase = 'stopped';
  private remaining = 0;
  private lastActivity = 0;
  private countdownEndsAt = 0;
  private timer: unknown = null;
  private elderly = false;
  private readonly listeners = new Set<Listener>();

  constructor(
    private config: IdleConfig,
    private readonly clock: IdleClock = browserClock,
    private readonly onReset: () => void = () => undefined,
  ) {}

  get phase(): IdlePhase {
    return this.phaseValue;
  }

  get remainingSec(): number {
    return this.remaining;
  }

  get timings(): IdleTimings {
    return effectiveTimings(this.config, this.elderly);
  }

  snapshot(): IdleSnapshot {
    return { phase: this.phaseValue, remainingSec: this.remaining };
  }

  /** Listen to phase and countdown changes; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Arm the machine (no effect when already running). */
  start(): void {
    if (this.phaseValue !== 'stopped') return;
    this.enterActive();
  }

  /** Disarm: no countdown, no reset, until `start()`. */
  stop(): void {
    this.clearTimer();
    if (this.phaseValue === 'stopped') return;
    this.phaseValue = 'stopped';
    this.remaining = 0;
    this.emit();
  }

  /** The user did something. */
  activity(): void {
    if (this.phaseValue === 'stopped') return;
    if (this.phaseValue === 'countdown') {
      this.enterActive();
      return;
    }
    // Active: only remember the time; the pending timer re-checks it when it fires, so a stream
    // of pointer events costs no timer churn.
    this.lastActivity = this.clock.now();
  }

  /** Elderly mode changed: the idle period in force changes at once; a running countdown keeps its end. */
  setElderly(on: boolean): void {
    if (this.elderly === on) return;
    this.elderly = on;
    if (this.phaseValue === 'active') this.scheduleIdleCheck();
  }

  /** New timings (e.g. configuration reloaded); applies from the next period. */
  configure(config: IdleConfig): void {
    this.config = config;
    if (this.phaseValue === 'active') this.scheduleIdleCheck();
  }

  private enterActive(): void {
    this.phaseValue = 'active';
    this.remaining = 0;
    this.lastActivity = this.clock.now();
    this.scheduleIdleCheck();
    this.emit();
  }

  private scheduleIdleCheck(): void {
    this.clearTimer();
    const due = this.lastActivity + this.timings.idleMs - this.clock.now();
    this.timer = this.clock.setTimeout(() => this.onIdleCheck(), Math.max(0, due));
  }

  private onIdleCheck(): void {
    this.timer = null;
    if (this.phaseValue !== 'active') return;
    if (this.clock.now() - this.lastActivity < this.timings.idleMs) {
      this.scheduleIdleCheck();
      return;
    }
    this.enterCountdown();
  }

  private enterCountdown(): void {
    const { countdownSec } = this.timings;
    this.phaseValue = 'countdown';
    this.remaining = countdownSec;
    this.countdownEndsAt = this.clock.now() + countdownSec * 1000;
    this.scheduleTick();
    this.emit();
  }

  private scheduleTick(): void {
    this.clearTimer();
    const untilEnd = this.countdownEndsAt - this.clock.now();
    // Wake at the next whole-second boundary before the end, so the number shown never lags.
    const next = untilEnd % 1000 || 1000;
    this.timer = this.clock.setTimeout(() => this.onTick(), Math.max(0, Math.min(next, untilEnd)));
  }

  private onTick(): void {
    this.timer = null;
    if (this.phaseValue !== 'countdown') return;
    const left = Math.max(0, Math.ceil((this.countdownEndsAt - this.clock.now()) / 1000));
    if (left <= 0) {
      this.fireReset();
      return;
    }
    if (left !== this.remaining) {
      this.remaining = left;
      this.emit();
    }
    this.scheduleTick();
  }

  private fireReset(): void {
    this.remaining = 0;
    try {
      this.onReset();
    } finally {
      // A new person may walk up: stay armed for them (the owner may stop us in onReset).
      if (this.phaseValue === 'countdown') this.enterActive();
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private emit(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }
}
