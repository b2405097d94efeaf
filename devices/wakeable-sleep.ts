/**
 * A sleep that `wake()` ends early (used by polling loops so that `stop()` or a reconnect request
 * does not wait out the current interval).
 */
export class WakeableSleep {
  private wakeCurrent: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeCurrent === done) this.wakeCurrent = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeCurrent = done;
    });
  }

  /** Ends the sleep in progress, if any. */
  wake(): void {
    this.wakeCurrent?.();
  }
}
