// The security suite's count: every attack is tried against a real platform and must be refused.
// Each file prints one line, `security <suite>: N tried / N refused`, when it ends.
import { afterAll, expect } from 'vitest';

export interface Tally {
  /**
   * Tries one attack: `run` performs it and answers whether the platform refused it (a refusal is
   * the expected outcome; anything else fails the test, naming the attack).
   */
  attack(name: string, run: () => Promise<boolean>): Promise<void>;
  readonly tried: number;
  readonly refused: number;
}

export function tally(suite: string): Tally {
  let tried = 0;
  let refused = 0;
  afterAll(() => {
    process.stdout.write(`security ${suite}: ${tried} tried / ${refused} refused\n`);
  });
  return {
    async attack(name, run) {
      tried++;
      const ok = await run();
      if (ok) refused++;
      expect(ok, `attack not refused: ${name}`).toBe(true);
    },
    get tried() {
      return tried;
    },
    get refused() {
      return refused;
    },
  };
}
