/** Exponential backoff with a cap and ±20 % jitter. */
export class Backoff {
  private next: number;

  constructor(
    private readonly initialMs = 500,
    private readonly maxMs = 15_000,
  ) {
    this.next = initialMs;
  }

  delay(): number {
    const d = this.next;
    this.next = Math.min(this.maxMs, this.next * 2);
    return Math.round(d * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.next = this.initialMs;
  }
}
