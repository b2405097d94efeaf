/**
 * Automatic lock of the clerk session after inactivity, as a plain machine with injectable timers.
 * Any input (`touch()`) restarts the period; when it runs out `onLock` fires once, and the machine
 * stays idle until `start()` again (after the unlock).
 */
export interface InactivityTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: InactivityTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class InactivityLock {
  private handle: unknown = null;
  private running = false;

  constructor(
    private timeoutMs: number,
    private readonly onLock: () => void,
    private readonly timers: InactivityTimers = browserTimers,
  ) {}

  get active(): boolean {
    return this.running;
  }

  start(timeoutMs = this.timeoutMs): void {
    this.timeoutMs = timeoutMs;
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Input happened. */
  touch(): void {
    if (this.running) this.arm();
  }

  private arm(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      if (!this.running) return;
      this.running = false;
      this.onLock();
    }, this.timeoutMs);
  }
}
